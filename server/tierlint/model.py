"""Plain immutable data passed between the engine's layers and its front ends.

Positions are Python string indices: 0-based line numbers and code-point
columns into the line *without* its terminator. Front ends convert them (the
CLI to 1-based, the language server to the client's position encoding).

The engine's records are NamedTuples (Row and Fix, made lazy, are small classes):
as immutable as frozen dataclasses, several times cheaper to create, which
matters at ten thousand tickets, and cheap to define. A frozen dataclass
generates and compiles its methods when its module is imported, about a
millisecond each; with the `dataclasses` import itself that was a third of
the CLI's start-up. For the same reason they come from `records`, which
builds them without `typing` (a plain `collections.namedtuple`; type
checkers still see `typing.NamedTuple`).
"""

from __future__ import annotations

from enum import IntEnum

from .records import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable


class Severity(IntEnum):
    """Ordered like LSP's DiagnosticSeverity so the edge can pass the value."""

    ERROR = 1
    WARNING = 2
    INFORMATION = 3
    HINT = 4

    @property
    def label(self) -> str:
        return _LABELS[self]

    @classmethod
    def parse(cls, text: str) -> Severity:
        key = text.strip().lower()
        aliases = {"info": "information", "warn": "warning", "err": "error"}
        return cls[aliases.get(key, key).upper()]


# An enum member's name is looked up through a descriptor: the CLI prints
# thousands of these.
_LABELS = {level: level.name.lower() for level in Severity}
# A record from a tuple of its fields: what calling the class does, without
# the Python-level __new__ that `collections.namedtuple` gives it.
_new = tuple.__new__
SEVERITIES = {int(level): level for level in Severity}


class Span(NamedTuple):
    """A range on one line: [start, end) in code points."""

    line: int
    start: int
    end: int


class Cell(NamedTuple):
    """One table cell. `span` covers the trimmed text, or the whole gap between
    the pipes when the cell is blank; `inner` covers everything between the
    pipes (needed to rewrite a cell while keeping the column's padding).
    Stored flat: a backlog has tens of thousands of cells."""

    text: str
    line: int
    start: int
    end: int
    inner_start: int
    inner_end: int

    # Read for every finding: built without a Python call to the record's __new__.
    @property
    def span(self) -> Span:
        return _new(Span, (self[1], self[2], self[3]))

    @property
    def inner(self) -> Span:
        return _new(Span, (self[1], self[4], self[5]))


class Row:
    """A table row. `values` (the trimmed cell texts) are split eagerly and
    cheaply; `cells`, with their spans, are built on first use, since most rows
    of a big backlog never need a position. `split(text, line)` gives them
    all, `split(text, line, index)` one alone: a check that reports on one
    cell reads only that one."""

    __slots__ = ("_cells", "_split", "has_leading_pipe", "has_trailing_pipe", "line", "text", "values")

    def __init__(
        self,
        line: int,
        text: str,
        values: tuple[str, ...],
        leading: bool,
        trailing: bool,
        cells: tuple[Cell, ...] | None = None,
        split: object = None,
    ) -> None:
        self.line = line
        self.text = text
        self.values = values
        self.has_leading_pipe = leading
        self.has_trailing_pipe = trailing
        self._cells = cells
        self._split = split

    @property
    def cells(self) -> tuple[Cell, ...]:
        if self._cells is None:
            self._cells = self._split(self.text, self.line)  # type: ignore[operator]
        return self._cells

    def cell(self, index: int) -> Cell:
        """One cell (IndexError past the last)."""
        if self._cells is not None:
            return self._cells[index]
        return self._split(self.text, self.line, index)  # type: ignore[operator,no-any-return]

    @property
    def width(self) -> int:
        return len(self.values)

    def __repr__(self) -> str:
        return f"Row(line={self.line}, values={self.values!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Row) and (self.line, self.text) == (other.line, other.text)

    def __hash__(self) -> int:
        return hash((self.line, self.text))


class Heading(NamedTuple):
    line: int
    level: int
    text: str
    span: Span


class Table(NamedTuple):
    header: Row
    delimiter: Row
    rows: tuple[Row, ...]
    heading: Heading | None

    @property
    def first_line(self) -> int:
        return self.header.line

    @property
    def last_line(self) -> int:
        return self.rows[-1].line if self.rows else self.delimiter.line


class Columns(NamedTuple):
    """Indices of the columns a ticket table may have (None when absent)."""

    id: int | None
    title: int
    status: int | None
    owner: int | None
    model: int | None
    cost: int | None


class Modifier(NamedTuple):
    """An override from "When to Override" (or a related rule) that moved the tier."""

    name: str
    effect: str
    tier: str
    section: str


class Recommendation(NamedTuple):
    """The tier a ticket needs and why. `matched` is False when only a role or
    global default applied: such a recommendation fills empty cells and is
    never reported as a mismatch."""

    tier: str
    rule: str
    rule_text: str
    section: str
    matched: bool
    modifiers: tuple[Modifier, ...]
    base_reason: str
    base_matched: bool
    always: bool = False

    @property
    def reason(self) -> str:
        """The short reason quick fixes and messages use."""
        return self.modifiers[-1].effect if self.modifiers else self.base_reason

    @property
    def rationale(self) -> str:
        """One sentence a hover can show: what decided, then what moved the tier."""
        if self.base_matched:
            base = f"“{self.rule_text}”: {self.base_reason} ({self.section})"
        else:
            base = f"{self.base_reason} ({self.section})"
        mods = self.modifiers
        if not mods:
            return f"{self.tier}: {base}."
        last = mods[-1]
        others = [f"{m.effect} ({m.section})" for m in mods[:-1]]
        tail = f"; also {'; '.join(others)}" if others else ""
        return f"{self.tier}: {last.effect} ({last.section}); base rule {base}{tail}."


class Ticket(NamedTuple):
    id: str
    title: str
    owner: str
    role: str | None
    status: str | None
    model: str | None
    tier: str | None
    row: Row
    recommendation: Recommendation
    table_index: int

    @property
    def line(self) -> int:
        return self.row.line


class Edit(NamedTuple):
    """Replace [span.start, span.end) on span.line with `text`."""

    span: Span
    text: str


class Fix:
    """A fix: its title and its edits. A check may hand over the recipe
    instead (`Fix.later`), and the fix is made when first read: a run that
    prints ten thousand tickets' findings reads none of their fixes, and
    making them was a twentieth of its time. Immutable and compared like
    the record it was; the recipe must not depend on when it runs."""

    __slots__ = ("_edits", "_recipe", "_title")

    def __init__(self, title: str, edits: tuple[Edit, ...]) -> None:
        self._title = title
        self._edits = edits
        self._recipe: tuple[Callable[..., tuple[str, tuple[Edit, ...]]], tuple[object, ...]] | None = None

    @classmethod
    def later(cls, make: Callable[..., tuple[str, tuple[Edit, ...]]], *args: object) -> Fix:
        """The fix `make(*args)` returns as (title, edits), made on first use."""
        fix = cls.__new__(cls)
        fix._recipe = (make, args)
        return fix

    @property
    def recipe(self) -> tuple[Callable[..., tuple[str, tuple[Edit, ...]]], tuple[object, ...]] | None:
        """(make, args) while the fix is not made yet; else None."""
        return self._recipe

    def _make(self) -> None:
        make, args = self._recipe  # type: ignore[misc]
        self._title, self._edits = make(*args)
        self._recipe = None  # what it was made from can go

    @property
    def title(self) -> str:
        if self._recipe is not None:
            self._make()
        return self._title

    @property
    def edits(self) -> tuple[Edit, ...]:
        if self._recipe is not None:
            self._make()
        return self._edits

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Fix):
            return NotImplemented
        return (self.title, self.edits) == (other.title, other.edits)

    def __hash__(self) -> int:
        return hash((self.title, self.edits))

    def __repr__(self) -> str:
        return f"Fix(title={self.title!r}, edits={self.edits!r})"

    def __reduce__(self) -> tuple[type[Fix], tuple[str, tuple[Edit, ...]]]:
        return (Fix, (self.title, self.edits))


class Diagnostic(NamedTuple):
    code: str
    severity: Severity
    message: str
    span: Span
    fix: Fix | None = None
    ticket_line: int | None = None
    end_line: int | None = None

    @property
    def last_line(self) -> int:
        return self.end_line if self.end_line is not None else self.span.line


class Distribution(NamedTuple):
    haiku: int = 0
    sonnet: int = 0
    opus: int = 0
    unassigned: int = 0

    @property
    def total(self) -> int:
        return self.haiku + self.sonnet + self.opus + self.unassigned

    def count(self, tier: str | None) -> int:
        return self.unassigned if tier is None else getattr(self, tier)

    def share(self, tier: str | None) -> float:
        return self.count(tier) / self.total if self.total else 0.0

    def __add__(self, other: Distribution) -> Distribution:
        return Distribution(
            self.haiku + other.haiku,
            self.sonnet + other.sonnet,
            self.opus + other.opus,
            self.unassigned + other.unassigned,
        )


class TableInfo(NamedTuple):
    """A ticket table as analysed: where it is and what it holds."""

    table: Table
    columns: Columns
    tickets: tuple[Ticket, ...]
    distribution: Distribution
    cost: int


class Sprint(NamedTuple):
    """A sprint (or any heading that owns ticket tables, such as a bug backlog)."""

    id: str | None
    name: str
    heading: Heading | None
    is_sprint: bool
    tables: tuple[TableInfo, ...]
    distribution: Distribution
    cost: int
    declared_count: int | None = None

    @property
    def line(self) -> int:
        if self.heading is not None:
            return self.heading.line
        return self.tables[0].table.first_line if self.tables else 0

    @property
    def tickets(self) -> tuple[Ticket, ...]:
        return tuple(t for info in self.tables for t in info.tickets)


class Analysis(NamedTuple):
    sprints: tuple[Sprint, ...]
    diagnostics: tuple[Diagnostic, ...]
    distribution: Distribution
    cost: int
    notices: tuple[str, ...] = ()

    @property
    def tickets(self) -> tuple[Ticket, ...]:
        return tuple(t for s in self.sprints for t in s.tickets)

    @property
    def tables(self) -> tuple[TableInfo, ...]:
        return tuple(info for s in self.sprints for info in s.tables)
