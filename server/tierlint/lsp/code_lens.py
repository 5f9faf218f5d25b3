"""Code lens above each ticket table: its distribution and cost, and "Fix N
tiers" when tier fixes exist. Computed from the cached analysis."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from .convert import position
from .guard import guarded

if TYPE_CHECKING:
    from .server import TierlintServer

TIER_CODES = ("TL001", "TL002", "TL003", "TL004")


def register(server: TierlintServer) -> None:
    @server.feature(lsp.TEXT_DOCUMENT_CODE_LENS, lsp.CodeLensOptions(resolve_provider=False))
    @guarded("code lens", list)
    async def code_lens(ls: TierlintServer, params: lsp.CodeLensParams) -> list[lsp.CodeLens] | None:
        return await _lenses(ls, params.text_document.uri)


async def _lenses(ls: TierlintServer, uri: str) -> list[lsp.CodeLens]:
    from ..report import summary_line
    from ..stats import Stats, recommended

    state = ls.state
    if not state.editor.code_lens:
        return []
    doc = state.documents.get(uri)
    if doc is None:
        return []
    cached = await state.analysis(doc)
    if cached is None:
        return []
    rules = cached.config.rules
    from bisect import bisect_right

    fixes_by_table: dict[int, int] = {}
    tables = [(info.table.first_line, info.table.last_line) for info in cached.analysis.tables]
    firsts = [a for a, _ in tables]
    for d in cached.analysis.diagnostics:
        if d.code in TIER_CODES and d.fix is not None:
            i = bisect_right(firsts, d.span.line) - 1
            if i >= 0 and tables[i][0] <= d.span.line <= tables[i][1]:
                fixes_by_table[tables[i][0]] = fixes_by_table.get(tables[i][0], 0) + 1
    lines = doc.lines
    out = []
    for sprint in cached.analysis.sprints:
        for info in sprint.tables:
            line = info.table.header.line
            pos = position(lines, line, 0, state.encoding)
            rng = lsp.Range(start=pos, end=pos)
            rec, rec_cost = recommended(info.tickets, rules)
            s = Stats("", line, info.distribution, info.cost, rec, rec_cost, rules.targets["opus_max"])
            out.append(lsp.CodeLens(range=rng, command=lsp.Command(title=summary_line(s), command="")))
            n = fixes_by_table.get(line, 0)
            if n:
                title = f"Fix {n} tier{'s' if n != 1 else ''}"
                out.append(
                    lsp.CodeLens(
                        range=rng,
                        command=lsp.Command(
                            title=title, command="tierlint.server.fixTiers", arguments=[uri, line]
                        ),
                    )
                )
    return out
