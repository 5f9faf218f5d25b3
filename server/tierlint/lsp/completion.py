"""Completion inside a Model cell: the three tiers, the recommended one first
and preselected with its rationale, then model names of the table's platform."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from .convert import span_range
from .guard import guarded
from .lookup import cursor

if TYPE_CHECKING:
    from .server import TierlintServer


def register(server: TierlintServer) -> None:
    @server.feature(
        lsp.TEXT_DOCUMENT_COMPLETION,
        lsp.CompletionOptions(trigger_characters=["|", " "], resolve_provider=False),
    )
    @guarded("completion")
    async def completion(ls: TierlintServer, params: lsp.CompletionParams) -> lsp.CompletionList | None:
        return await _complete(ls, params)


async def _complete(ls: TierlintServer, params: lsp.CompletionParams) -> lsp.CompletionList | None:
    from ..cells import ModelReader
    from ..fixes import cased, table_style
    from ..rules import TIERS

    at = await cursor(ls, params.text_document.uri, params.position)
    if at is None or at.ticket is None or at.table is None or at.model_cell is None or not at.on_model_cell:
        return None
    doc, cached, ticket, info, cell = at.doc, at.cached, at.ticket, at.table, at.model_cell
    model_col = info.columns.model
    assert model_col is not None
    rules = cached.config.rules
    style = table_style(info.table, model_col, ModelReader(rules))
    rec = ticket.recommendation
    replace = span_range(doc.lines, cell.span, ls.state.encoding) if cell.text else None
    order = [rec.tier, *(t for t in TIERS if t != rec.tier)]
    items = []
    for i, tier in enumerate(order):
        label = style.write(rules, tier)
        t = rules.tiers[tier]
        detail = f"{t.symbol} · cost {t.cost}" + (" · recommended" if tier == rec.tier else "")
        doc_text = rec.rationale if tier == rec.tier else f"{tier}: " + "; ".join(t.when_to_use)
        insert = label if cell.text else f" {label} " if cell.inner.end - cell.inner.start <= 1 else label
        items.append(
            lsp.CompletionItem(
                label=label,
                kind=lsp.CompletionItemKind.EnumMember,
                detail=detail,
                documentation=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=doc_text),
                preselect=tier == rec.tier,
                sort_text=f"{i}",
                filter_text=label,
                text_edit=lsp.TextEdit(range=replace, new_text=insert) if replace else None,
                insert_text=None if replace else insert,
            )
        )
    platform = next((p for p in rules.platforms if p.id == style.platform), None)
    names: list[tuple[str, str]] = []
    if platform is not None and platform.id != "tier":
        names = [(cased(v, style.casing), k) for k, v in platform.write.items()]
    else:
        for p in rules.platforms:
            if p.id != "tier":
                names.extend((v, k) for k, v in p.write.items())
    seen = {i.label for i in items}
    for k, (name, tier) in enumerate(names):
        if name in seen:
            continue
        seen.add(name)
        items.append(
            lsp.CompletionItem(
                label=name,
                kind=lsp.CompletionItemKind.Value,
                detail=f"{tier} tier",
                sort_text=f"5{k:03d}",
                text_edit=lsp.TextEdit(range=replace, new_text=name) if replace else None,
                insert_text=None if replace else name,
            )
        )
    return lsp.CompletionList(is_incomplete=False, items=items)
