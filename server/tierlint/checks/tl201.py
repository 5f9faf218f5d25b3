"""TL201: a row has a different number of cells from the header."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Diagnostic, Span
from .common import severity
from .context import RowContext

CODE = "TL201"
# A shape check: it runs on ragged rows only, whatever their Model cell.
KINDS: tuple[str, ...] = ()


def check(ctx: RowContext) -> Iterator[Diagnostic]:
    want = ctx.table.header.width
    have = ctx.row.width
    if have == want:
        return
    cells = ctx.row.cells
    span = Span(ctx.row.line, cells[0].inner.start if cells else 0, cells[-1].inner.end if cells else 0)
    if cells and ctx.row.has_leading_pipe:
        span = Span(ctx.row.line, max(0, span.start - 1), span.end + (1 if ctx.row.has_trailing_pipe else 0))
    word = "more" if have > want else "fewer"
    message = f"Row has {have} cells, {word} than the header's {want}"
    yield Diagnostic(CODE, severity(CODE), message, span, None, ctx.row.line)
