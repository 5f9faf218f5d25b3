"""TL003: under-tiered. The framework recommends a more capable tier."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Diagnostic, Severity
from .common import set_model, severity
from .context import RowContext

CODE = "TL003"
KINDS = ("known",)


def check(ctx: RowContext) -> Iterator[Diagnostic]:
    t, value = ctx.ticket, ctx.model
    if t is None or value is None or value.tier is None or not t.recommendation.matched:
        return
    rec = t.recommendation
    rules = ctx.rules
    if rules.tier_order(value.tier) >= rules.tier_order(rec.tier):
        return
    cell = ctx.cell(ctx.columns.model)
    if cell is None:
        return
    level = Severity.ERROR if rec.always else severity(CODE)
    message = f"Under-tiered: '{value.name}' is {value.tier}, but this ticket needs {rec.tier}: {rec.reason}"
    fix = set_model(ctx, cell, rec.tier, rec.reason)
    yield Diagnostic(CODE, level, message, cell.span, fix, t.line)
