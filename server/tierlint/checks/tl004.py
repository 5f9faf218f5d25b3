"""TL004: over-tiered. A cheaper tier does the job ("Just Use Opus for Everything")."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Diagnostic
from .common import set_model, severity
from .context import RowContext

CODE = "TL004"
KINDS = ("known",)


def check(ctx: RowContext) -> Iterator[Diagnostic]:
    t, value = ctx.ticket, ctx.model
    if t is None or value is None or value.tier is None or not t.recommendation.matched:
        return
    rec = t.recommendation
    rules = ctx.rules
    if rules.tier_order(value.tier) <= rules.tier_order(rec.tier):
        return
    cell = ctx.cell(ctx.columns.model)
    if cell is None:
        return
    ratio = rules.cost(value.tier) / rules.cost(rec.tier)
    message = (
        f"Over-tiered: '{value.name}' is {value.tier} ({ratio:.3g}x the cost of {rec.tier}); "
        f"{rec.tier} is enough: {rec.reason}"
    )
    fix = set_model(ctx, cell, rec.tier, rec.reason)
    yield Diagnostic(CODE, severity(CODE), message, cell.span, fix, t.line)
