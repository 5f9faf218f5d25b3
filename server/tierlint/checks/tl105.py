"""TL105: similar cheap tickets that could be one ("Batch Similar Tasks")."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Cell, Diagnostic, Span, Ticket
from .common import severity, sprint_label
from .context import SprintContext

CODE = "TL105"


def check(ctx: SprintContext) -> Iterator[Diagnostic]:
    groups: dict[str, list[Ticket]] = {}
    batching = ctx.rules.batching_rules
    for info in ctx.sprint.tables:
        # a comprehension first: most tickets follow no batching rule
        for t in [t for t in info.tickets if t.recommendation.rule in batching]:
            rec = t.recommendation
            if rec.tier == "haiku":
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
        cells = first.row.cells
        span = _title_span(first, cells) or (cells[0].span if cells else None)
        yield Diagnostic(CODE, severity(CODE), message, span, None, first.line)


def _title_span(ticket: Ticket, cells: tuple[Cell, ...]) -> Span | None:
    """The ticket text cell's, found by content."""
    for cell in cells:
        if cell.text and ticket.title and cell.text.replace("\\|", "|") == ticket.title:
            return cell.span
    return None
