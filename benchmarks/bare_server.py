"""The baseline for server start-up: a pygls language server that registers no
feature at all. `tierlint serve` should reach its `initialize` result in about
the time this does (interpreter + pygls + lsprotocol), not much more.

    python benchmarks/bare_server.py      # speaks LSP on stdio
"""

from pygls.lsp.server import LanguageServer

server = LanguageServer("bare-pygls", "0")

if __name__ == "__main__":
    server.start_io()
