"""TL105: similar cheap tickets that could be one ("Batch Similar Tasks")."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Diagnostic, Ticket
from .common import severity, sprint_label
from .context import SprintContext

CODE = "TL105"


def check(ctx: SprintContext) -> Iterator[Diagnostic]:
    groups: dict[str, list[Ticket]] = {}
    batching = ctx.rules.batching_rules
    for info in ctx.sprint.tables:
        for t in info.tickets:
            rec = t.recommendation
            if rec.tier == "haiku" and rec.rule in batching:
                groups.setdefault(rec.rule, []).append(t)
    for tickets in groups.values():
        if len(tickets) < ctx.rules.batching_min:
            continue
        first = tickets[0]
        ids = ", ".join(t.id or f"line {t.line + 1}" for t in tickets)
        message = (
            f"{len(tickets)} haiku tickets in {sprint_label(ctx.sprint)} follow “{first.recommendation.rule_text}” "
            f"({ids}): batch them into one ticket to save context overhead"
        )
        span = first.row.cells[0].span if first.row.cells else None
        title = _title_span(first)
        yield Diagnostic(CODE, severity(CODE), message, title or span, None, first.line)


def _title_span(ticket: Ticket):  # the ticket text cell, found by content
    for cell in ticket.row.cells:
        if cell.text and ticket.title and cell.text.replace("\\|", "|") == ticket.title:
            return cell.span
    return None
