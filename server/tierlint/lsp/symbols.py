"""Document symbols: sprints containing their tickets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from ..model import Span
from .convert import span_range
from .guard import guarded

if TYPE_CHECKING:
    from .server import TierlintServer


def register(server: TierlintServer) -> None:
    @server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @guarded("document symbols", list)
    async def symbols(
        ls: TierlintServer, params: lsp.DocumentSymbolParams
    ) -> list[lsp.DocumentSymbol] | None:
        from ..stats import sprint_label

        doc = ls.state.documents.get(params.text_document.uri)
        if doc is None:
            return None
        cached = await ls.state.analysis(doc)
        if cached is None:
            return []
        lines = doc.lines if doc.text is cached.text else None
        if lines is None:
            return []
        enc = ls.state.encoding
        out = []
        for s in cached.analysis.sprints:
            children = []
            for t in s.tickets:
                row = t.row
                first, last = (
                    row.cells[0].inner if row.cells else Span(row.line, 0, 0),
                    row.cells[-1].inner if row.cells else Span(row.line, 0, 0),
                )
                full = span_range(
                    lines,
                    Span(
                        row.line,
                        max(0, first.start - 1),
                        min(len(lines[row.line]), last.end + 1),
                    ),
                    enc,
                )
                name = f"{t.id} {t.title}".strip() or f"line {row.line + 1}"
                detail = (
                    t.recommendation.tier
                    if t.tier in (None, t.recommendation.tier)
                    else f"{t.tier} → {t.recommendation.tier}"
                )
                children.append(
                    lsp.DocumentSymbol(
                        name=name,
                        detail=detail,
                        kind=lsp.SymbolKind.Event,
                        range=full,
                        selection_range=full,
                    )
                )
            start = s.line
            end = max(info.table.last_line for info in s.tables)
            head = span_range(lines, Span(start, 0, len(lines[start])), enc)
            whole = lsp.Range(start=head.start, end=span_range(lines, Span(end, 0, len(lines[end])), enc).end)
            d = s.distribution
            detail = f"{d.total} tickets · cost {s.cost}"
            out.append(
                lsp.DocumentSymbol(
                    name=sprint_label(s),
                    detail=detail,
                    kind=lsp.SymbolKind.Namespace,
                    range=whole,
                    selection_range=head,
                    children=children,
                )
            )
        return out
