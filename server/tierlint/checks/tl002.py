"""TL002: the Model cell names no known tier or model."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Diagnostic
from ..rules import TIERS
from .common import set_model, severity
from .context import RowContext

CODE = "TL002"
KINDS = ("unknown",)


def check(ctx: RowContext) -> Iterator[Diagnostic]:
    t, value = ctx.ticket, ctx.model
    if t is None or value is None or value.kind != "unknown":
        return
    cell = ctx.cell(ctx.columns.model)
    if cell is None:
        return
    import difflib  # only for a cell that names no tier: most runs never need it

    guess = difflib.get_close_matches(value.name.lower(), TIERS, n=1, cutoff=0.75)
    message = f"Unknown model '{value.name}': not a tier (haiku, sonnet, opus) or a known model name"
    fix = None
    if guess:
        message += f"; did you mean '{guess[0]}'?"
        fix = set_model(ctx, cell, guess[0], "", "Change")
    yield Diagnostic(CODE, severity(CODE), message, cell.span, fix, t.line)
