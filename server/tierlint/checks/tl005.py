"""TL005: a ticket table has no Model column, so no ticket names its model."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Diagnostic, Edit, Fix, Row, Span
from .common import severity
from .context import TableContext

CODE = "TL005"


def check(ctx: TableContext) -> Iterator[Diagnostic]:
    if ctx.columns.model is not None:
        return
    header = ctx.table.header
    cells = header.cells
    start = cells[0].inner.start - (1 if header.has_leading_pipe else 0)
    end = cells[-1].inner.end + (1 if header.has_trailing_pipe else 0)
    n = len(ctx.tickets)
    message = f"Ticket table has no Model column ({n} ticket{'s' if n != 1 else ''}): add one so every ticket names its model"
    yield Diagnostic(
        CODE,
        severity(CODE),
        message,
        Span(header.line, max(0, start), end),
        _fix(ctx),
        header.line,
        end_line=ctx.table.last_line,
    )


def _fix(ctx: TableContext) -> Fix:
    table = ctx.table
    recs = {t.line: ctx.style.write(ctx.rules, t.recommendation.tier) for t in ctx.tickets}
    aligned = len(ctx.style.aligned) == len(table.header.cells)
    width = max([len("Model"), *(len(v) for v in recs.values())]) if aligned else 0
    columns = len(table.header.cells)
    edits = [_append(table.header, "Model", width, " ", 0)]
    delim_cell = table.delimiter.cells[-1]
    spaced = delim_cell.text != "" and delim_cell.span.start > delim_cell.inner.start
    if spaced:
        edits.append(_append(table.delimiter, "-" * max(3, width), 0, " ", 0))
    else:
        # `|---|---|` keeps its short cells; `|------|---|` sized to the header grows with it
        sized = all(
            d.inner.end - d.inner.start == h.inner.end - h.inner.start
            for d, h in zip(table.delimiter.cells, table.header.cells)
        )
        dashes = max(len("Model"), width) + 2 if sized else len(delim_cell.text)
        edits.append(_append(table.delimiter, "-" * dashes, 0, "", 0))
    for row in table.rows:
        missing = max(0, columns - len(row.cells))
        edits.append(_append(row, recs.get(row.line, ""), width, " ", missing, columns))
    return Fix("Add a Model column filled with the recommended tiers", tuple(edits))


def _append(row: Row, text: str, width: int, pad: str, missing: int, columns: int | None = None) -> Edit:
    """Add a cell at the end of the header's columns: after the row's last cell,
    a short row first getting the empty cells it lacks; on a row longer than the
    header, in front of its stray cells, so the value lands under "Model"."""
    cells = row.cells
    cell = text.ljust(width) if width else text
    if columns is not None and len(cells) > columns:
        pos = cells[columns - 1].inner_end + 1
        return Edit(Span(row.line, pos, pos), f"{pad}{cell}{pad}|")
    last = cells[-1]
    filler = " |" * missing
    if row.has_trailing_pipe:
        pos = last.inner_end + 1
        return Edit(Span(row.line, pos, pos), f"{filler}{pad}{cell}{pad}|")
    pos = last.inner_end
    return Edit(Span(row.line, pos, pos), f"{filler} |{pad}{cell}".rstrip())
