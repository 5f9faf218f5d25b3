"""Helpers shared by the checks."""

from __future__ import annotations

from ..codes import CODES
from ..fixes import set_cell
from ..model import Cell, Edit, Recommendation, Severity, Span, Sprint
from .context import RowContext


def severity(code: str) -> Severity:
    return CODES[code].severity


def reason(rec: Recommendation) -> str:
    return rec.reason


def model_fix(ctx: RowContext, cell: Cell, tier: str) -> Edit:
    assert ctx.columns.model is not None
    text = ctx.style.write(ctx.rules, tier)
    return set_cell(cell, text, ctx.columns.model in ctx.style.aligned)


def pct(n: int, total: int) -> str:
    return f"{int(100 * n / total + 0.5) if total else 0}%"


def sprint_label(sprint: Sprint) -> str:
    if sprint.is_sprint and sprint.id is not None:
        return f"Sprint {sprint.id}"
    return f"'{sprint.name}'" if sprint.name else "this section"


def sprint_span(sprint: Sprint) -> Span:
    if sprint.heading is not None:
        return sprint.heading.span
    header = sprint.tables[0].table.header
    cells = header.cells
    return Span(header.line, cells[0].span.start, cells[-1].span.end)
