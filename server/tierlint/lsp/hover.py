"""Hover: why a ticket needs its tier; a tier's checklist on a Model cell; the
sprint's distribution chart on a heading or table header."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from ..model import Sprint, TableInfo, Ticket
from .guard import guarded
from .lookup import cursor

if TYPE_CHECKING:
    from ..rules import RuleSet
    from ..stats import Stats
    from .server import TierlintServer


def register(server: TierlintServer) -> None:
    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    @guarded("hover")
    async def hover(ls: TierlintServer, params: lsp.HoverParams) -> lsp.Hover | None:
        return await _hover(ls, params)


async def _hover(ls: TierlintServer, params: lsp.HoverParams) -> lsp.Hover | None:
    at = await cursor(ls, params.text_document.uri, params.position)
    if at is None:
        return None
    line, idx, rules = at.line, at.index, at.cached.config.rules
    text: str | None = None
    ticket = at.ticket
    if ticket is not None:
        text = model_cell(ticket, rules) if at.on_model_cell else ticket_hover(ticket, rules)
    elif line in idx.headings:
        text = sprint_hover(idx.headings[line], rules)
    elif line in idx.table_rows:
        sprint, info = idx.table_rows[line]
        text = sprint_hover(sprint, rules, info)
    if text is None:
        return None
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text))


def _cost_note(tier: str, rules: RuleSet) -> str:
    cost = rules.cost(tier)
    cheaper = [t for t in ("haiku", "sonnet", "opus") if rules.cost(t) < cost]
    if not cheaper:
        return f"{tier} costs {cost} unit{'s' if cost != 1 else ''} per ticket, the cheapest tier"
    rel = ", ".join(f"{cost / rules.cost(t):.3g}x {t}" for t in cheaper)
    return f"{tier} costs {cost} units per ticket ({rel})"


def ticket_hover(t: Ticket, rules: RuleSet) -> str:
    rec = t.recommendation
    tier = rules.tiers[rec.tier]
    name = f"ticket {t.id}" if t.id else "ticket"
    lines = [f"**tierlint** · {name} → **{rec.tier}** ({tier.symbol})", "", rec.rationale, ""]
    lines.append(f"- Rule: `{rec.rule}` — “{rec.rule_text}” ({rec.section})")
    if rec.modifiers:
        for m in rec.modifiers:
            lines.append(f"- Modifier: {m.effect} → {m.tier} ({m.section})")
    else:
        lines.append("- Modifiers: none")
    if not rec.matched:
        lines.append("- Default only: fills an empty cell; a different choice is not reported")
    if t.model is None:
        lines.append("- Model cell: none (the table has no Model column)")
    elif t.tier is None:
        shown = f"`{t.model}`" if t.model else "empty"
        lines.append(f"- Model cell: {shown} → no tier")
    else:
        order = rules.tier_order
        verdict = (
            "✓ matches"
            if t.tier == rec.tier
            else ("✗ under-tiered" if order(t.tier) < order(rec.tier) else "✗ over-tiered")
        )
        if not rec.matched and t.tier != rec.tier:
            verdict = "(kept: no rule matched)"
        lines.append(f"- Model cell: `{t.model}` → {t.tier} {verdict}")
    lines.append(f"- Cost: {_cost_note(rec.tier, rules)}")
    return "\n".join(lines)


def model_cell(t: Ticket, rules: RuleSet) -> str:
    shown = t.tier or t.recommendation.tier
    tier = rules.tiers[shown]
    head = f"**{shown}** ({tier.symbol}, {tier.cost}x) — when to use {shown.capitalize()}"
    lines = [head, ""]
    lines.extend(f"- [ ] {item}" for item in tier.when_to_use)
    rec = t.recommendation
    lines.append("")
    if t.tier is None:
        lines.append(f"This cell names no tier; recommended: **{rec.tier}** — {rec.reason}.")
    elif t.tier == rec.tier:
        lines.append(f"Recommended for this ticket too: {rec.reason}.")
    else:
        lines.append(f"Recommended for this ticket: **{rec.tier}** — {rec.reason}.")
    return "\n".join(lines)


def sprint_hover(sprint: Sprint, rules: RuleSet, info: TableInfo | None = None) -> str:
    from ..stats import Stats, sprint_stats

    s = sprint_stats(sprint, rules)
    if info is not None and len(sprint.tables) > 1:
        from ..stats import recommended

        rec, rec_cost = recommended(info.tickets, rules)
        s = Stats(
            f"{s.label} (this table)",
            info.table.first_line,
            info.distribution,
            info.cost,
            rec,
            rec_cost,
            s.opus_max,
        )
    return stats_markdown(s, rules)


def stats_markdown(s: Stats, rules: RuleSet) -> str:
    from ..report import bar_chart
    from ..stats import pct

    d = s.distribution
    t = rules.targets
    ok = "✓" if s.opus_ok else "✗ above target"
    lines = [
        f"**{s.label}** — {d.total} ticket{'s' if d.total != 1 else ''}, cost {s.cost} (at recommended tiers: {s.recommended_cost})",
        "",
        "```text",
        bar_chart(s, rules),
        "```",
        "",
        f"- haiku {d.haiku} ({pct(s.share('haiku'))}) · sonnet {d.sonnet} ({pct(s.share('sonnet'))}) · opus {d.opus} ({pct(s.share('opus'))})"
        + (f" · unassigned {d.unassigned}" if d.unassigned else ""),
        f"- Opus share {pct(s.share('opus'))} against the < {pct(s.opus_max)} target: {ok}",
        f"- Recommended split: haiku {pct(t['haiku'])} / sonnet {pct(t['sonnet'])} / opus {pct(t['opus'])}",
    ]
    return "\n".join(lines)
