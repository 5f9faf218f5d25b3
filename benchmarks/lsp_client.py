"""A minimal JSON-RPC client for language servers over stdio (LSP base protocol:
`Content-Length` framing, UTF-8 JSON bodies).

Just enough to time a server: requests return their result, notifications from
the server are kept, and requests from the server (`client/registerCapability`,
`workspace/configuration`, ...) get an empty answer so the server never waits.
Every response carries the `time.perf_counter()` of its arrival, taken in the
reader as soon as the body is read, so event-loop scheduling does not add to a
measured latency.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
from dataclasses import dataclass, field
from typing import Any

# What a client that pulls diagnostics and speaks UTF-16 declares.
CLIENT_CAPABILITIES: dict[str, Any] = {
    "general": {"positionEncodings": ["utf-16"]},
    "textDocument": {
        "synchronization": {"dynamicRegistration": False, "didSave": True},
        "diagnostic": {"dynamicRegistration": False, "relatedDocumentSupport": False},
        "publishDiagnostics": {"versionSupport": True},
        "hover": {"dynamicRegistration": False, "contentFormat": ["markdown", "plaintext"]},
        "codeLens": {"dynamicRegistration": False},
    },
    "window": {"workDoneProgress": False},
}


class RpcError(Exception):
    def __init__(self, method: str, error: dict[str, Any]) -> None:
        super().__init__(f"{method}: {error.get('code')}: {error.get('message')}")
        self.error = error


@dataclass
class Reply:
    result: Any
    sent: float
    arrived: float
    size: int  # bytes of the response body

    @property
    def latency(self) -> float:
        return self.arrived - self.sent


@dataclass
class Client:
    process: asyncio.subprocess.Process
    started: float
    notifications: list[dict[str, Any]] = field(default_factory=list)
    _pending: dict[int, tuple[str, float, asyncio.Future[Reply]]] = field(default_factory=dict)
    _next: int = 1
    _reader: asyncio.Task[None] | None = None
    _answers: set[asyncio.Task[None]] = field(default_factory=set)

    @classmethod
    async def spawn(cls, *argv: str, cwd: str | None = None) -> Client:
        """Start the server. `started` is taken just before the process is created."""
        started = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            cwd=cwd,
            limit=1 << 24,
        )
        client = cls(process, started)
        client._reader = asyncio.ensure_future(client._read_loop())
        return client

    @property
    def pid(self) -> int:
        return self.process.pid

    # -- sending ------------------------------------------------------------------

    async def _write(self, message: dict[str, Any]) -> float:
        body = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        stdin = self.process.stdin
        assert stdin is not None
        sent = time.perf_counter()
        stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        await stdin.drain()
        return sent

    async def send_request(self, method: str, params: Any = None) -> asyncio.Future[Reply]:
        """Send a request; the returned future resolves to its Reply."""
        rid = self._next
        self._next += 1
        fut: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        msg: dict[str, Any] = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            msg["params"] = params
        # Register before writing: a fast server may answer before drain() returns.
        self._pending[rid] = (method, time.perf_counter(), fut)
        sent = await self._write(msg)
        self._pending[rid] = (method, sent, fut)
        return fut

    async def request(self, method: str, params: Any = None, timeout: float = 600) -> Reply:
        fut = await self.send_request(method, params)
        return await asyncio.wait_for(fut, timeout)

    async def notify(self, method: str, params: Any = None) -> float:
        """Send a notification; returns the time it was written."""
        msg: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            msg["params"] = params
        return await self._write(msg)

    # -- receiving ----------------------------------------------------------------

    async def _read_loop(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        try:
            while True:
                length = None
                while True:
                    line = await stdout.readline()
                    if not line:
                        raise EOFError
                    line = line.strip()
                    if not line:
                        break
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                if length is None:
                    continue
                body = await stdout.readexactly(length)
                arrived = time.perf_counter()
                self._dispatch(json.loads(body), arrived, length)
        except (EOFError, asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            for method, _sent, fut in self._pending.values():
                if not fut.done():
                    fut.set_exception(EOFError(f"{method}: the server closed its output"))
            self._pending.clear()

    def _dispatch(self, msg: dict[str, Any], arrived: float, size: int) -> None:
        if "method" in msg:
            if "id" in msg:  # a request from the server: answer at once
                task = asyncio.ensure_future(self._answer(msg))
                self._answers.add(task)
                task.add_done_callback(self._answers.discard)
            else:
                self.notifications.append(msg)
            return
        entry = self._pending.pop(msg.get("id"), None)  # type: ignore[arg-type]
        if entry is None:
            return
        method, sent, fut = entry
        if fut.done():
            return
        if "error" in msg:
            fut.set_exception(RpcError(method, msg["error"]))
        else:
            fut.set_result(Reply(msg.get("result"), sent, arrived, size))

    async def _answer(self, msg: dict[str, Any]) -> None:
        method = msg["method"]
        result: Any = None
        if method == "workspace/configuration":
            result = [None for _ in msg.get("params", {}).get("items", [])]
        with contextlib.suppress(ConnectionError):
            await self._write({"jsonrpc": "2.0", "id": msg["id"], "result": result})

    # -- session ----------------------------------------------------------------

    async def initialize(self, root_uri: str | None = None, options: Any = None) -> Reply:
        params: dict[str, Any] = {
            "processId": None,
            "rootUri": root_uri,
            "capabilities": CLIENT_CAPABILITIES,
            "clientInfo": {"name": "tierlint-bench"},
        }
        if options is not None:
            params["initializationOptions"] = options
        reply = await self.request("initialize", params)
        await self.notify("initialized", {})
        return reply

    async def shutdown(self, timeout: float = 10) -> int | None:
        """shutdown + exit; kill the process if it does not leave in time."""
        with contextlib.suppress(Exception):
            await self.request("shutdown", timeout=timeout)
            await self.notify("exit")
        try:
            await asyncio.wait_for(self.process.wait(), timeout)
        except asyncio.TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
            await self.process.wait()
        if self._reader is not None:
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(self._reader, 5)
        return self.process.returncode


def proc_status(pid: int) -> dict[str, int]:
    """VmHWM / VmRSS (kB) of a live process, from /proc (Linux only; {} elsewhere)."""
    out: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmHWM", "VmRSS"):
                    out[key] = int(value.split()[0])
    except OSError:
        pass
    return out


def proc_cpu(pid: int) -> float | None:
    """User + system CPU seconds a live process has used so far (Linux only)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            fields = f.read().rpartition(")")[2].split()
    except OSError:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks
