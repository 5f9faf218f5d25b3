"""The `tierlint` entry point. `tierlint serve` goes straight to the language
server without loading the linting engine first: the engine loads on the first
document, after `initialize` has been answered, so editors start it quickly."""

from __future__ import annotations

import argparse
import gc
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


def serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="tierlint serve", description="run the tierlint language server")
    parser.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead of stdio")
    parser.add_argument("--stdio", action="store_true", help="use stdin/stdout (the default)")
    ns = parser.parse_args(argv)
    from .lsp.server import run

    return run(ns.tcp)
