"""Code actions: a preferred quick fix per fixable diagnostic, "Fill all missing
Model cells in this sprint", "Disable TLxxx for this line" and
`source.fixAll.tierlint`, honouring `context.only`."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from .convert import to_lsp
from .edits import fix_all_edits, workspace_edit
from .guard import guarded
from .lookup import index
from .positions import from_client

if TYPE_CHECKING:
    from ..model import Diagnostic, Edit
    from .documents import Document
    from .server import TierlintServer

FIX_ALL = lsp.CodeActionKind.SourceFixAll.value + ".tierlint"
KINDS = [lsp.CodeActionKind.QuickFix, lsp.CodeActionKind.SourceFixAll, FIX_ALL]


def register(server: TierlintServer) -> None:
    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(code_action_kinds=KINDS, resolve_provider=False),
    )
    @guarded("code actions", list)
    async def code_action(ls: TierlintServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction] | None:
        return await _actions(ls, params)


def _wants(only: list[str] | None, kind: str) -> bool:
    if not only:
        return kind == lsp.CodeActionKind.QuickFix.value or kind == FIX_ALL
    return any(kind == o or kind.startswith(o + ".") for o in only)


async def _actions(ls: TierlintServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    state = ls.state
    doc = state.documents.get(params.text_document.uri)
    if doc is None:
        return []
    cached = await state.analysis(doc)
    if cached is None:
        return []
    only = (
        [k.value if hasattr(k, "value") else str(k) for k in params.context.only]
        if params.context.only
        else None
    )
    enc = state.encoding
    rng = params.range
    start = (rng.start.line, from_client(doc.line(rng.start.line), rng.start.character, enc))
    end = (rng.end.line, from_client(doc.line(rng.end.line), rng.end.character, enc))
    lines = doc.lines
    out: list[lsp.CodeAction] = []
    # What the client says is under the cursor counts too: Neovim sends the whole
    # line's diagnostics with a cursor-sized range.
    wanted = {(str(d.code), d.range.start.line) for d in params.context.diagnostics or []}
    in_range = [
        d for d in cached.analysis.diagnostics if _overlaps(d, start, end) or (d.code, d.span.line) in wanted
    ]

    if _wants(only, lsp.CodeActionKind.QuickFix.value):
        for d in in_range:
            if d.fix is None or not d.fix.edits:
                continue
            out.append(
                lsp.CodeAction(
                    title=d.fix.title,
                    kind=lsp.CodeActionKind.QuickFix,
                    diagnostics=[to_lsp(lines, d, enc)],
                    is_preferred=True,
                    edit=workspace_edit(ls, doc, d.fix.edits),
                )
            )
        fill = _fill_sprint(cached.analysis, start[0])
        if fill:
            out.append(
                lsp.CodeAction(
                    title=f"Fill all {len(fill)} missing Model cells in this sprint",
                    kind=lsp.CodeActionKind.QuickFix,
                    diagnostics=[to_lsp(lines, d, enc) for d in fill],
                    edit=workspace_edit(ls, doc, [e for d in fill for e in d.fix.edits]),  # type: ignore[union-attr]
                )
            )
        seen = set()
        for d in in_range:
            if (d.code, d.span.line) in seen:
                continue
            seen.add((d.code, d.span.line))
            out.append(
                lsp.CodeAction(
                    title=f"Disable {d.code} for this line",
                    kind=lsp.CodeActionKind.QuickFix,
                    diagnostics=[to_lsp(lines, d, enc)],
                    is_preferred=False,
                    edit=workspace_edit(ls, doc, [_disable_edit(doc, d)]),
                )
            )
    if _wants(only, FIX_ALL) and any(d.fix is not None for d in cached.analysis.diagnostics):
        loop = asyncio.get_running_loop()
        text, version = doc.text, doc.version
        edits = await loop.run_in_executor(state.executor, fix_all_edits, ls, doc)
        if edits and doc.text is text and doc.version == version:
            out.append(
                lsp.CodeAction(
                    title="Fix all tierlint problems",
                    kind=FIX_ALL,
                    edit=workspace_edit(ls, doc, edits),
                )
            )
    return out


def _overlaps(d: Diagnostic, start: tuple[int, int], end: tuple[int, int]) -> bool:
    a = (d.span.line, d.span.start)
    b = (d.last_line, d.span.end)
    return a <= end and start <= b


def _fill_sprint(analysis, line: int) -> list[Diagnostic]:  # type: ignore[no-untyped-def]
    idx = index(analysis)
    found = idx.table_rows.get(line)
    sprint = found[0] if found else idx.headings.get(line)
    if sprint is None:
        return []
    first = sprint.line
    last = max(info.table.last_line for info in sprint.tables)
    fill = [
        d
        for d in analysis.diagnostics
        if d.code == "TL001" and d.fix is not None and first <= d.span.line <= last
    ]
    return fill if len(fill) > 1 else []


def _disable_edit(doc: Document, d: Diagnostic) -> Edit:
    """Insert `<!-- tierlint-disable-line CODE -->`. On a table row it goes inside
    a cell (after the reported cell's text, or the last cell's): after the
    closing pipe it would become a cell of its own."""
    from ..model import Edit, Span
    from ..parse import split_row

    comment = f"<!-- tierlint-disable-line {d.code} -->"
    line = doc.line(d.span.line)
    if "|" in line:
        row = split_row(line, d.span.line)
        cells = [
            c for c in row.cells if c.inner_start <= d.span.start < c.inner_end or c.start == d.span.start
        ]
        cell = cells[0] if cells else row.cells[-1]
        pos = cell.end if cell.text else cell.inner_start + 1
        return Edit(Span(d.span.line, pos, pos), f" {comment}" if cell.text else f"{comment} ")
    end = len(line.rstrip())
    return Edit(Span(d.span.line, end, end), f" {comment}")
