"""TL006: the Cost Tier cell ($ / $$ / $$$) disagrees with the Model cell."""

from __future__ import annotations

from collections.abc import Iterator

from ..cells import strip_comments
from ..fixes import SYMBOL_CORE, set_cell
from ..model import Diagnostic, Fix
from .common import severity
from .context import RowContext

CODE = "TL006"
KINDS = ("known",)


def check(ctx: RowContext) -> Iterator[Diagnostic]:
    t, value = ctx.ticket, ctx.model
    if t is None or value is None or value.tier is None or ctx.columns.cost is None:
        return
    cell = ctx.cell(ctx.columns.cost)
    if cell is None:
        return
    want = ctx.rules.tiers[value.tier].symbol
    have = strip_comments(cell.text).replace(" ", "")
    if have == want:
        return
    shown = f"'{strip_comments(cell.text)}'" if have else "empty"
    message = f"Cost Tier is {shown} but the Model is {value.tier} ({want})"
    raw = ctx.row.text[cell.start : cell.end]
    edit = set_cell(cell, want, ctx.style.is_aligned(ctx.columns.cost), raw, SYMBOL_CORE)
    yield Diagnostic(
        CODE, severity(CODE), message, cell.span, Fix(f"Set Cost Tier to {want}", (edit,)), t.line
    )
