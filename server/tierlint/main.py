"""The `tierlint` entry point. `tierlint serve` goes straight to the language
server without loading the linting engine first: the engine loads on the first
document, after `initialize` has been answered, so editors start it quickly."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["serve"]:
        return serve(args[1:])
    # A lint run is short-lived and builds many small objects without cycles:
    # the cyclic collector would only walk them again and again.
    gc.disable()
    from .cli import main as cli_main

    return cli_main(args)


def run() -> None:
    """The console script. A lint run ends with `os._exit` once its output is
    flushed: tearing down a heap of a hundred thousand small objects one by one
    takes longer than some whole runs, and the operating system reclaims it at
    once. The server exits the ordinary way."""
    args = sys.argv[1:]
    code = main(args)
    if args[:1] == ["serve"]:
        sys.exit(code)
    failed = False
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            failed = True
    os._exit(code or (1 if failed else 0))


def serve(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="tierlint serve", description="run the tierlint language server")
    parser.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead of stdio")
    parser.add_argument("--stdio", action="store_true", help="use stdin/stdout (the default)")
    ns = parser.parse_args(argv)
    from .lsp.server import run

    return run(ns.tcp)
