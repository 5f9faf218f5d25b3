"""TL001: the Model cell is empty or a placeholder ("No Model Specified")."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Diagnostic
from .common import set_model, severity
from .context import RowContext

CODE = "TL001"
# The Model cells (cells.ModelValue.kind) this check looks at; a row of
# another kind skips it.
KINDS = ("empty", "placeholder")


def check(ctx: RowContext) -> Iterator[Diagnostic]:
    t, value = ctx.ticket, ctx.model
    if t is None or value is None or value.kind not in ("empty", "placeholder"):
        return
    cell = ctx.cell(ctx.columns.model)
    if cell is None:
        return
    rec = t.recommendation
    what = "empty" if value.kind == "empty" else f"a placeholder ('{value.name}')"
    message = f"Model cell is {what}; recommended: {rec.tier} ({rec.reason})"
    fix = set_model(ctx, cell, rec.tier, rec.reason)
    yield Diagnostic(CODE, severity(CODE), message, cell.span, fix, t.line)
