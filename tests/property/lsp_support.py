"""Talking to the server under test and converting positions independently
of tierlint's own conversion code."""

from __future__ import annotations

import asyncio
import re

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tierlint.lines import split_lines
from tierlint.model import Diagnostic

_BREAK = re.compile(r"\r\n|\r|\n")


def encoding(client: LanguageClient) -> str:
    return "utf-8" if client.kind == "neovim" else "utf-16"  # type: ignore[attr-defined]


def units(text: str, enc: str) -> int:
    """Length of `text` in `enc` code units (lone surrogates count as one
    UTF-16 unit and three UTF-8 bytes, as a Python str holds them)."""
    if enc == "utf-16":
        return len(text.encode("utf-16-le", "surrogatepass")) // 2
    if enc == "utf-8":
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text)


def position(lines: list[str], line: int, column: int, enc: str) -> tuple[int, int]:
    text = lines[line] if 0 <= line < len(lines) else ""
    return line, units(text[:column], enc)


def expected(text: str, diags: tuple[Diagnostic, ...], enc: str) -> list[tuple]:
    """The engine's diagnostics as a client must see them."""
    lines = split_lines(text)
    out = []
    for d in diags:
        s = position(lines, d.span.line, d.span.start, enc)
        e = position(lines, d.span.line, d.span.end, enc)
        out.append((d.code, s, e, d.message, int(d.severity)))
    return sorted(out)


def seen(items: list[lsp.Diagnostic]) -> list[tuple]:
    return sorted(
        (
            d.code,
            (d.range.start.line, d.range.start.character),
            (d.range.end.line, d.range.end.character),
            d.message,
            int(d.severity) if d.severity is not None else None,
        )
        for d in items
    )


def offset(text: str, line: int, column: int) -> int:
    """Code-point offset of (line, code-point column), lines ending at CRLF, CR or LF."""
    starts = [0, *(m.end() for m in _BREAK.finditer(text))]
    return starts[line] + column


async def open_doc(client: LanguageClient, uri: str, text: str, version: int = 1) -> None:
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=uri, language_id="markdown", version=version, text=text)
        )
    )


async def diagnostics_matching(
    client: LanguageClient, uri: str, version: int, want: list[tuple], timeout: float = 5.0
) -> list[tuple]:
    """The server's diagnostics for `uri` at `version`: pulled, or (push
    clients) the latest publish for that version. Returns what was seen last,
    which equals `want` unless the server disagrees."""
    if client.kind != "vscode-push":  # type: ignore[attr-defined]
        report = await asyncio.wait_for(
            client.text_document_diagnostic_async(
                lsp.DocumentDiagnosticParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
            ),
            timeout,
        )
        return seen(list(report.items))
    got: list[tuple] | None = None
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if client.versions.get(uri) == version:  # type: ignore[attr-defined]
            got = seen(list(client.diagnostics.get(uri, [])))
            if got == want:
                return got
        await asyncio.sleep(0.03)
    if got is None:
        raise AssertionError(f"no diagnostics published for {uri} version {version}")
    return got
