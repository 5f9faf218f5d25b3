"""Helpers shared by the checks."""

from __future__ import annotations

from ..codes import CODES
from ..fixes import set_cell
from ..model import Cell, Edit, Fix, Recommendation, Severity, Span, Sprint
from .context import RowContext


def severity(code: str) -> Severity:
    return CODES[code].severity


def reason(rec: Recommendation) -> str:
    return rec.reason


def model_text(ctx: RowContext, tier: str) -> str:
    """How this table writes `tier` (its casing and platform vocabulary)."""
    return ctx.style.write(ctx.rules, tier)


def model_fix(ctx: RowContext, cell: Cell, tier: str) -> Edit:
    assert ctx.columns.model is not None
    raw = ctx.row.text[cell.start : cell.end]
    return set_cell(cell, model_text(ctx, tier), ctx.style.is_aligned(ctx.columns.model), raw)


def set_model(ctx: RowContext, cell: Cell, tier: str, reason: str, verb: str = "Set") -> Fix:
    """The fix that writes `tier` into the Model cell, made when first read."""
    return Fix.later(set_model_now, ctx, cell, tier, reason, verb)


def set_model_now(
    ctx: RowContext, cell: Cell, tier: str, reason: str, verb: str
) -> tuple[str, tuple[Edit, ...]]:
    """`set_model`'s title and edits, made at once."""
    return set_title(ctx, tier, reason, verb), (model_fix(ctx, cell, tier),)


def set_title(ctx: RowContext, tier: str, reason: str, verb: str = "Set") -> str:
    """'Set Model to opus — why'; names the written model when it is not the tier."""
    written = model_text(ctx, tier)
    shown = tier if written.lower() == tier else f"{written} ({tier})"
    return f"{verb} Model to {shown} — {reason}" if reason else f"{verb} Model to {shown}"


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
