"""The stdio transport: framing that survives a misbehaving client.

pygls 2.1's reader stops recognising frames after one wrong Content-Length,
drops requests whose params do not deserialise without answering them, and
logs a traceback for every message it cannot handle or write. This reader
resynchronises on the next `Content-Length` header, answers what it cannot
parse with a JSON-RPC error (-32700 / -32600 / -32602), logs one line at most,
and shuts the server down quietly when the client's end of the pipe is gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import sys
import threading
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:
    from .server import TierlintServer

log = logging.getLogger("tierlint")
_LENGTH = re.compile(rb"content-length\s*:\s*(\d+)", re.IGNORECASE)
MAX_BODY = 256 * 1024 * 1024


class ClientGone(Exception):
    """The client closed its end of our stdout."""


class QuietWriter:
    """pygls' writer interface over a binary stream; a broken pipe ends the
    session instead of raising (and logging) on every later message."""

    def __init__(self, stream: BinaryIO, on_gone: Any) -> None:
        self._stream = stream
        self._on_gone = on_gone
        self.gone = False

    def write(self, data: bytes) -> None:
        if self.gone:
            return
        try:
            self._stream.write(data)
            self._stream.flush()
        except (BrokenPipeError, ConnectionResetError, ValueError, OSError):
            self.gone = True
            self._on_gone()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._stream.close()


def _frame(payload: dict[str, Any]) -> bytes:
    body = json.dumps(payload)
    return f"Content-Length: {len(body)}\r\n\r\n{body}".encode()


def _error(writer: QuietWriter, msg_id: Any, code: int, message: str) -> None:
    writer.write(_frame({"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": message}}))


def dispatch(server: TierlintServer, writer: QuietWriter, body: bytes) -> None:
    """Handle one frame's body: parse, structure, hand to pygls."""
    protocol = server.protocol
    try:
        data = json.loads(body)
    except ValueError:
        _error(writer, None, -32700, "Parse error: the message is not valid JSON")
        log.warning("dropped a message that is not valid JSON (%d bytes)", len(body))
        return
    if not isinstance(data, dict) or data.get("jsonrpc") != "2.0":
        _error(writer, data.get("id") if isinstance(data, dict) else None, -32600, "Invalid Request")
        return
    msg_id = data.get("id")
    is_request = "method" in data and "id" in data
    try:
        message = protocol.structure_message(data)
    except Exception:
        if is_request:
            _error(writer, msg_id, -32602, f"Invalid params for {data.get('method')!r}")
        log.warning("ignored a %r message with invalid params", data.get("method"))
        return
    try:
        protocol.handle_message(message)
    except SystemExit:
        raise
    except Exception as exc:  # pragma: no cover - pygls answers handler errors itself
        if is_request:
            _error(writer, msg_id, -32603, f"Internal error: {exc}")
        log.warning("could not handle %r: %s", data.get("method"), exc)


async def read_frames(
    server: TierlintServer, reader: asyncio.StreamReader, writer: QuietWriter, stop: threading.Event
) -> None:
    length: int | None = None
    while not stop.is_set() and not writer.gone:
        line = await reader.readline()
        if not line:
            return  # end of input: the client is gone
        m = _LENGTH.search(line)
        if m:
            length = int(m.group(1))
            continue
        if line.strip():
            continue  # another header (Content-Type) or bytes left over from a broken frame
        if length is None:
            continue
        if length > MAX_BODY:
            log.warning("skipped a %d-byte message (limit %d)", length, MAX_BODY)
            length = None
            continue
        try:
            body = await reader.readexactly(length)
        except asyncio.IncompleteReadError:
            return
        length = None
        dispatch(server, writer, body)
        await asyncio.sleep(0)  # let handlers scheduled by this message run


async def _serve(server: TierlintServer, stdin: BinaryIO, writer: QuietWriter, stop: threading.Event) -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=MAX_BODY)
    try:
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), stdin)
    except (ValueError, OSError):
        # not a pipe (a file, a terminal): read it in a thread
        async def pump() -> None:
            while True:
                chunk = await loop.run_in_executor(
                    None, stdin.read1 if hasattr(stdin, "read1") else stdin.read, 65536
                )
                if not chunk:
                    reader.feed_eof()
                    return
                reader.feed_data(chunk)

        server._pump = asyncio.ensure_future(pump())  # type: ignore[attr-defined]
    await read_frames(server, reader, writer, stop)


def serve_stdio(
    server: TierlintServer, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None
) -> None:
    stop = threading.Event()
    server._stop_event = stop
    writer = QuietWriter(stdout or sys.stdout.buffer, stop.set)
    server.protocol.set_writer(writer)  # type: ignore[arg-type]
    try:
        asyncio.run(_serve(server, stdin or sys.stdin.buffer, writer, stop))
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        with contextlib.suppress(Exception):
            server.shutdown()
