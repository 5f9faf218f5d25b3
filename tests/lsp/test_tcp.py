"""`tierlint serve --tcp HOST:PORT` speaks the same protocol over a socket."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_tcp_initialize_round_trip() -> None:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "tierlint", "serve", "--tcp", f"127.0.0.1:{port}"])
    try:
        for _ in range(100):
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                break
            except OSError:
                await asyncio.sleep(0.1)
        else:
            raise AssertionError("server did not listen")
        body = json.dumps(
            {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}
        ).encode()
        writer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        await writer.drain()
        header = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 20)
        length = int(header.split(b"Content-Length:")[1].split(b"\r\n")[0])
        reply = json.loads(await asyncio.wait_for(reader.readexactly(length), 20))
        assert reply["id"] == 1
        assert reply["result"]["serverInfo"]["name"] == "tierlint"
        assert reply["result"]["capabilities"]["codeActionProvider"]["codeActionKinds"] == [
            "quickfix",
            "source.fixAll",
            "source.fixAll.tierlint",
        ]
        writer.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
