"""A raw LSP client over the server's stdio: it writes Content-Length framed
bytes itself (so it can write broken ones) and every read has a timeout."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import select
import subprocess
import sys
import threading
import time
from typing import Any

TIMEOUT = float(os.environ.get("TIERLINT_FUZZ_TIMEOUT", "20"))


class ServerGone(Exception):
    pass


class RawServer:
    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tierlint", "serve", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.stderr = bytearray()
        self.notifications: list[dict[str, Any]] = []
        self.next_id = 1000
        self._stop = threading.Event()
        self._reader = threading.Thread(target=self._read_stdout, daemon=True)
        self._reader.start()
        self._errs = threading.Thread(target=self._read_stderr, daemon=True)
        self._errs.start()

    # -- reading ----------------------------------------------------------------

    def _read_stdout(self) -> None:
        """Frames from the server's stdout, read with select() so that the
        test can stop reading (and close the pipe) at any time."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        buf = b""
        try:
            while not self._stop.is_set():
                ready, _, _ = select.select([fd], [], [], 0.05)
                if not ready:
                    continue
                chunk = os.read(fd, 65536)
                if not chunk:
                    return
                buf += chunk
                while True:
                    head, sep, rest = buf.partition(b"\r\n\r\n")
                    if not sep:
                        break
                    length = None
                    for line in head.split(b"\r\n"):
                        name, _, value = line.partition(b":")
                        if name.strip().lower() == b"content-length":
                            length = int(value.strip())
                    if length is None or len(rest) < length:
                        break
                    self.messages.put(json.loads(rest[:length]))
                    buf = rest[length:]
        except (OSError, ValueError):
            return
        finally:
            self.messages.put(None)

    def stop_reading(self) -> None:
        """The client stops reading and closes its end of the server's stdout
        (the server's next write fails with a broken pipe)."""
        self._stop.set()
        self._reader.join(5)
        assert self.proc.stdout is not None
        self.proc.stdout.close()

    def _read_stderr(self) -> None:
        err = self.proc.stderr
        assert err is not None
        with contextlib.suppress(OSError, ValueError):
            for chunk in iter(lambda: err.read1(4096), b""):
                self.stderr.extend(chunk)

    def settle_stderr(self, quiet: float = 0.08, limit: float = 3.0) -> int:
        """Wait until stderr has not grown for `quiet` seconds; its length."""
        deadline = time.monotonic() + limit
        size = len(self.stderr)
        still_since = time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.05)
            if len(self.stderr) != size:
                size = len(self.stderr)
                still_since = time.monotonic()
            elif time.monotonic() - still_since >= quiet:
                break
        return size

    def stderr_text(self) -> str:
        return self.stderr.decode("utf-8", "replace")

    # -- writing ------------------------------------------------------------------

    def write(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def frame(self, body: bytes, length: int | None = None) -> bytes:
        n = len(body) if length is None else length
        return f"Content-Length: {n}\r\n\r\n".encode() + body

    def send(self, message: dict[str, Any]) -> None:
        self.write(self.frame(json.dumps(message).encode()))

    def notify(self, method: str, params: Any = None) -> None:
        msg: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)

    def request_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def wait_response(self, rid: Any, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The response to request `rid`; answers the server's own requests
        (registrations, configuration) on the way. Raises ServerGone when the
        server closes stdout and TimeoutError when nothing comes."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no response to request {rid!r} within {timeout} s")
            try:
                msg = self.messages.get(timeout=left)
            except queue.Empty:
                continue
            if msg is None:
                self.messages.put(None)
                raise ServerGone(f"server closed its output (exit code {self.proc.poll()})")
            if "method" in msg and "id" in msg:  # a request from the server
                result: Any = [None] * len(msg.get("params", {}).get("items", [])) or None
                self.send({"jsonrpc": "2.0", "id": msg["id"], "result": result})
                continue
            if "method" in msg:
                self.notifications.append(msg)
                continue
            if msg.get("id") == rid:
                return msg

    def probe_after(self, message: dict[str, Any], grace: float = 0.3, timeout: float = TIMEOUT) -> Any:
        """Send `message` (a request), then a valid request; once the valid one
        is answered (the server handles messages in order) and `grace` has
        passed, return the response to `message`, or None if it got none."""
        self.send(message)
        rid = self.request_id()
        self.send({"jsonrpc": "2.0", "id": rid, "method": "textDocument/diagnostic",
                   "params": {"textDocument": {"uri": "file:///probe.md"}}})  # fmt: skip
        deadline = time.monotonic() + timeout
        found = None
        probe_seen_at = None
        while True:
            now = time.monotonic()
            if probe_seen_at is not None and now - probe_seen_at >= grace:
                return found
            if now >= deadline:
                raise TimeoutError("the valid request after the bad one was not answered")
            try:
                msg = self.messages.get(timeout=0.05)
            except queue.Empty:
                continue
            if msg is None:
                self.messages.put(None)
                raise ServerGone(f"server closed its output (exit code {self.proc.poll()})")
            if msg.get("id") == message.get("id") and "method" not in msg:
                found = msg
            elif msg.get("id") == rid and "method" not in msg:
                probe_seen_at = time.monotonic()

    def request(self, method: str, params: Any = None, timeout: float = TIMEOUT) -> dict[str, Any]:
        rid = self.request_id()
        msg: dict[str, Any] = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)
        return self.wait_response(rid, timeout)

    # -- session --------------------------------------------------------------------

    def initialize(self, encoding: str = "utf-16", pull: bool = True) -> dict[str, Any]:
        caps: dict[str, Any] = {"general": {"positionEncodings": [encoding]}, "textDocument": {}}
        if pull:
            caps["textDocument"]["diagnostic"] = {"dynamicRegistration": False}
        resp = self.request("initialize", {"processId": None, "rootUri": None, "capabilities": caps})
        self.notify("initialized", {})
        return resp

    def open(self, uri: str, text: str, version: int = 1) -> None:
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "markdown", "version": version, "text": text}},
        )

    def diagnostics(self, uri: str, timeout: float = TIMEOUT) -> dict[str, Any]:
        return self.request("textDocument/diagnostic", {"textDocument": {"uri": uri}}, timeout)

    def alive(self, timeout: float = TIMEOUT) -> bool:
        """A valid request still gets a valid answer."""
        resp = self.diagnostics("file:///alive-check.md", timeout)
        return resp.get("result", {}).get("kind") == "full" and "error" not in resp

    def shutdown(self, timeout: float = TIMEOUT) -> int:
        """shutdown + exit; the exit code."""
        with contextlib.suppress(ServerGone, TimeoutError, OSError):
            self.request("shutdown", None, timeout)
            self.notify("exit")
        return self.wait_exit(timeout)

    def wait_exit(self, timeout: float = TIMEOUT) -> int:
        try:
            return self.proc.wait(timeout)
        finally:
            self.kill()

    def kill(self) -> None:
        self._stop.set()
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        self._reader.join(5)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            with contextlib.suppress(OSError, ValueError):
                if stream is not None:
                    stream.close()
        self._errs.join(2)
