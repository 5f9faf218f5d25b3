"""Driving a document through the test client and applying edits to text."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tierlint.lines import split_lines


def encoding(client: LanguageClient) -> str:
    return "utf-8" if client.kind == "neovim" else "utf-16"  # type: ignore[attr-defined]


def pulls(client: LanguageClient) -> bool:
    return client.kind in ("vscode", "neovim")  # type: ignore[attr-defined]


def units(text: str, enc: str) -> int:
    return len(text.encode("utf-16-le")) // 2 if enc == "utf-16" else len(text.encode("utf-8"))


async def open_doc(client: LanguageClient, uri: str, text: str, version: int = 1) -> None:
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=uri, language_id="markdown", version=version, text=text)
        )
    )


async def diagnostics(client: LanguageClient, uri: str, version: int | None = None) -> list[lsp.Diagnostic]:
    """The document's diagnostics, pulled or waited for (bounded)."""
    if pulls(client):
        report = await client.text_document_diagnostic_async(
            lsp.DocumentDiagnosticParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
        )
        return list(report.items)
    for _ in range(200):
        got = client.diagnostics.get(uri)
        if got is not None and (
            version is None or getattr(client, "_versions", {}).get(uri, version) == version
        ):
            return list(got)
        await asyncio.sleep(0.05)
    raise AssertionError(f"no diagnostics published for {uri}")


def apply(text: str, edits: list[lsp.TextEdit], enc: str) -> str:
    """Apply LSP text edits (positions in `enc` units) to `text`, the way an
    editor does: lines end at CRLF, LF or CR."""
    starts = [0, *(m.end() for m in re.finditer(r"\r\n|\r|\n", text))]
    lines = split_lines(text)

    def offset(pos: lsp.Position) -> int:
        if pos.line >= len(lines):
            return len(text)
        count = col = 0
        for ch in lines[pos.line]:
            if count >= pos.character:
                break
            count += units(ch, enc)
            col += 1
        return starts[pos.line] + col

    out = text
    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        a, b = offset(e.range.start), offset(e.range.end)
        out = out[:a] + e.new_text + out[b:]
    return out


def edits_of(edit: lsp.WorkspaceEdit, uri: str) -> list[lsp.TextEdit]:
    if edit.document_changes:
        out: list[lsp.TextEdit] = []
        for change in edit.document_changes:
            if isinstance(change, lsp.TextDocumentEdit) and change.text_document.uri == uri:
                out.extend(change.edits)  # type: ignore[arg-type]
        return out
    return list((edit.changes or {}).get(uri, []))


def fixture_uri(path: Path) -> str:
    return path.resolve().as_uri()
