"""Optional inlay hint `→ opus` after a Model cell that disagrees with the
recommendation (off by default: `tierlint.inlayHints`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from .convert import position
from .guard import guarded

if TYPE_CHECKING:
    from .server import TierlintServer

CODES = ("TL001", "TL003", "TL004")


def register(server: TierlintServer) -> None:
    @server.feature(lsp.TEXT_DOCUMENT_INLAY_HINT, lsp.InlayHintOptions(resolve_provider=False))
    @guarded("inlay hints", list)
    async def inlay_hints(ls: TierlintServer, params: lsp.InlayHintParams) -> list[lsp.InlayHint] | None:
        state = ls.state
        if not state.editor.inlay_hints:
            return []
        doc = state.documents.get(params.text_document.uri)
        if doc is None:
            return []
        cached = await state.analysis(doc)
        if cached is None or cached.text is not doc.text:
            return []
        first, last = params.range.start.line, params.range.end.line
        tickets = {t.line: t for t in cached.analysis.tickets if first <= t.line <= last}
        out = []
        for d in cached.analysis.diagnostics:
            if d.code not in CODES or d.span.line not in tickets:
                continue
            t = tickets[d.span.line]
            pos = position(doc.lines, d.span.line, d.span.end, state.encoding)
            out.append(
                lsp.InlayHint(
                    position=pos,
                    label=f"→ {t.recommendation.tier}",
                    padding_left=True,
                    tooltip=t.recommendation.rationale,
                )
            )
        return out
