"""Section results as plain tuples, for the trip from the helper process.

Pickling the model's objects one by one runs a Python method per object on
both sides; tuples of strings and numbers go through pickle's C code, and the
objects are built again here. Rows are shared by a table and its tickets, and
recommendations by many tickets: both travel once and are referred to by
position. A table whose rows are the document's lines as they stand (nearly
every table) travels as its first line and row count: the receiving process
holds the lines, and splits a row again only if something asks for its cells.
A Model fix the helper has not made travels as its table, row and tier, and
is made here only if something reads it.
"""

from __future__ import annotations

from .cells import ModelReader
from .checks.common import set_model_now
from .checks.context import RowContext
from .fixes import TableStyle, table_style
from .model import (
    SEVERITIES,
    Columns,
    Diagnostic,
    Distribution,
    Edit,
    Fix,
    Heading,
    Modifier,
    Recommendation,
    Row,
    Span,
    Table,
    TableInfo,
    Ticket,
)
from .parse import cells_of, split_row
from .rules import RuleSet

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# a table's number in its part, its first line, and its rows' places when not consecutive
_Places = dict[int, tuple[int, int, "dict[int, int] | None"]]
# headings, directives, summary lines, table infos, diagnostics, own sprint's diagnostics
Part = tuple[
    tuple[Heading, ...],
    tuple[object, ...],
    list[object],
    tuple[TableInfo, ...],
    tuple[Diagnostic, ...],
    tuple[Diagnostic, ...] | None,
]


class Packer:
    """Packs a helper's results batch by batch. A recommendation travels with
    the first batch that needs it; later ones refer to it by position."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.recs: dict[int, int] = {}
        self.kept: list[Recommendation] = []  # keeps the ids in `recs` unique

    def pack(self, parts: list[Part]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """`parts` as tuples. A row's text is left out when it is its line of
        `lines`, which the receiving process holds too."""
        lines, recs, kept = self.lines, self.recs, self.kept
        rec_rows: list[tuple[Any, ...]] = []
        out = []
        for headings, directives, summaries, infos, diags, own in parts:
            tables = []
            # a table's number in the part, where its first row is, and its rows' places
            where: _Places = {}
            for info in infos:
                t = info.table
                rows = (t.header, t.delimiter, *t.rows)
                first = t.header.line
                consecutive = all(r.line == first + n for n, r in enumerate(rows))
                # a ticket's row, by place: on consecutive lines its line tells
                position = None if consecutive else {id(r): n for n, r in enumerate(rows)}
                where[id(t)] = (len(tables), first, position)
                ticks = []
                for k in info.tickets:
                    rec = k.recommendation
                    at = recs.get(id(rec))
                    if at is None:
                        at = recs[id(rec)] = len(kept)
                        kept.append(rec)
                        rec_rows.append((*rec[:5], tuple(map(tuple, rec.modifiers)), *rec[6:]))
                    # id, title, owner, role, status, model, tier; row, recommendation, table index
                    place = k.row.line - first if position is None else position[id(k.row)]
                    ticks.append((*k[:7], place, at, k.table_index))
                c, d = info.columns, info.distribution
                tables.append(
                    (
                        _rows(rows, lines, consecutive),
                        _heading(t.heading) if t.heading is not None else None,
                        (c.id, c.title, c.status, c.owner, c.model, c.cost),
                        ticks,
                        (d.haiku, d.sonnet, d.opus, d.unassigned),
                        info.cost,
                    )
                )
            out.append(
                (
                    [_heading(h) for h in headings],
                    directives,
                    summaries,
                    tables,
                    [_diagnostic(x, where) for x in diags],
                    None if own is None else [_diagnostic(x, where) for x in own],
                )
            )
        return rec_rows, out


class Unpacker:
    """Builds the objects again from a Packer's batches, in the order sent."""

    def __init__(self, lines: list[str], rules: RuleSet, models: ModelReader) -> None:
        self.lines = lines
        self.rules = rules
        self.models = models  # for the style of a table whose fix is made here
        self.recs: list[Recommendation] = []

    def unpack(self, packed: tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]) -> list[Part]:
        rec_rows, sections = packed
        lines, recs = self.lines, self.recs
        new = tuple.__new__  # a record from its fields, without a Python call per ticket
        recs.extend(
            Recommendation(
                tier, rule, text, section, matched, tuple(Modifier(*m) for m in mods) if mods else (), *rest
            )
            for tier, rule, text, section, matched, mods, *rest in rec_rows
        )
        out: list[Part] = []
        for headings, directives, summaries, tables, diags, own in sections:
            infos = []
            rowsets = []
            for rows, heading, cols, ticks, dist, cost in tables:
                if type(rows) is tuple:  # (first line, number of rows): lines as they stand
                    first, count = rows
                    built = [_LineRow(n, lines[n]) for n in range(first, first + count)]
                else:
                    built = [
                        Row(line, lines[line] if text is None else text, values, lead, trail, None, cells_of)
                        for line, text, values, lead, trail in rows
                    ]
                table = Table(built[0], built[1], tuple(built[2:]), _unheading(heading) if heading else None)
                tickets = tuple(
                    [
                        new(Ticket, (i, title, owner, role, status, model, tier, built[r], recs[n], x))
                        for i, title, owner, role, status, model, tier, r, n, x in ticks
                    ]
                )
                infos.append(TableInfo(table, Columns(*cols), tickets, Distribution(*dist), cost))
                rowsets.append(built)
            at = _Rows(self.rules, self.models, infos, rowsets)
            out.append(
                (
                    tuple(_unheading(h) for h in headings),
                    directives,
                    summaries,
                    tuple(infos),
                    tuple([_undiagnostic(x, at) for x in diags]),
                    None if own is None else tuple([_undiagnostic(x, at) for x in own]),
                )
            )
        return out


class _Rows:
    """A batch's rebuilt tables, for the fixes made here: a helper sends a
    Model fix it did not make as its table, row, tier and reason."""

    __slots__ = ("infos", "models", "rows", "rules", "styles")

    def __init__(
        self, rules: RuleSet, models: ModelReader, infos: list[TableInfo], rows: list[list[Row]]
    ) -> None:
        self.rules, self.models, self.infos, self.rows = rules, models, infos, rows
        self.styles: dict[int, TableStyle] = {}

    def fix(self, table: int, place: int, tier: str, reason: str, verb: str) -> Fix:
        info = self.infos[table]
        style = self.styles.get(table)
        if style is None:
            style = self.styles[table] = table_style(info.table, info.columns.model, self.models)
        ctx = RowContext(self.rules, info.table, info.columns, style, self.rows[table][place], None, None)
        return Fix.later(_set_model, ctx, tier, reason, verb)


def _set_model(ctx: RowContext, tier: str, reason: str, verb: str) -> tuple[str, tuple[Edit, ...]]:
    cell = ctx.cell(ctx.columns.model)
    assert cell is not None  # the helper found it
    return set_model_now(ctx, cell, tier, reason, verb)


class _LineRow(Row):
    """A row of a helper's table, known by its line: split again on first
    use. Only the document-wide checks and the output see such a row, and
    most rows they never look into."""

    __slots__ = ("_whole",)

    def __init__(self, line: int, text: str) -> None:
        self.line = line
        self.text = text
        self._cells = None
        self._split = cells_of
        self._whole: Row | None = None

    def _row(self) -> Row:
        if self._whole is None:
            self._whole = split_row(self.text, self.line)
        return self._whole

    @property  # type: ignore[override]
    def values(self) -> tuple[str, ...]:
        return self._row().values

    @property  # type: ignore[override]
    def has_leading_pipe(self) -> bool:
        return self._row().has_leading_pipe

    @property  # type: ignore[override]
    def has_trailing_pipe(self) -> bool:
        return self._row().has_trailing_pipe


def _rows(
    rows: tuple[Row, ...], lines: list[str], consecutive: bool
) -> tuple[int, int] | list[tuple[Any, ...]]:
    """A table's rows, header and delimiter first: as (first line, count)
    when they are consecutive lines, unchanged; else one by one."""
    if consecutive and all(r.text == lines[r.line] for r in rows):
        return (rows[0].line, len(rows))
    return [_row(r, lines) for r in rows]


def _row(r: Row, lines: list[str]) -> tuple[int, str | None, tuple[str, ...], bool, bool]:
    text = None if r.text == lines[r.line] else r.text
    return (r.line, text, r.values, r.has_leading_pipe, r.has_trailing_pipe)


def _heading(h: Heading) -> tuple[int, int, str, int, int]:
    return (h.line, h.level, h.text, h.span.start, h.span.end)


def _unheading(h: tuple[int, int, str, int, int]) -> Heading:
    line, level, text, start, end = h
    return tuple.__new__(Heading, (line, level, text, tuple.__new__(Span, (line, start, end))))


def _diagnostic(d: Diagnostic, where: _Places) -> tuple[Any, ...]:
    """A diagnostic as a tuple. Its fix travels as (title, edits); a Model
    fix not made yet as (table number, row place, tier, reason, verb), so
    that it is made only if the receiving process needs it."""
    fix: tuple[Any, ...] | None = None
    if d.fix is not None:
        recipe = d.fix.recipe
        if recipe is not None and recipe[0] is set_model_now:
            ctx, _, tier, reason, verb = recipe[1]
            found = where.get(id(ctx.table))  # type: ignore[attr-defined]
            if found is not None:
                n, first, position = found
                row = ctx.row  # type: ignore[attr-defined]
                place = row.line - first if position is None else position.get(id(row))
                if place is not None:
                    fix = (n, place, tier, reason, verb)
        if fix is None:
            fix = (d.fix.title, [(*e.span, e.text) for e in d.fix.edits])
    return (d.code, int(d.severity), d.message, *d.span, fix, d.ticket_line, d.end_line)


def _undiagnostic(x: tuple[Any, ...], at: _Rows, new: Any = tuple.__new__) -> Diagnostic:
    code, level, message, line, start, end, fix, ticket_line, end_line = x
    if fix is not None:
        if len(fix) == 5:
            fix = at.fix(*fix)
        else:
            title, edits = fix
            fix = Fix(title, tuple([new(Edit, (new(Span, (a, b, c)), text)) for a, b, c, text in edits]))
    span = new(Span, (line, start, end))
    return new(Diagnostic, (code, SEVERITIES[level], message, span, fix, ticket_line, end_line))  # type: ignore[no-any-return]
