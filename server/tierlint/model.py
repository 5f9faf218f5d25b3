"""Plain immutable data passed between the engine's layers and its front ends.

Positions are Python string indices: 0-based line numbers and code-point
columns into the line *without* its terminator. Front ends convert them (the
CLI to 1-based, the language server to the client's position encoding).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum


class Severity(IntEnum):
    """Ordered like LSP's DiagnosticSeverity so the edge can pass the value."""

    ERROR = 1
    WARNING = 2
    INFORMATION = 3
    HINT = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        key = text.strip().lower()
        aliases = {"info": "information", "warn": "warning", "err": "error"}
        return cls[aliases.get(key, key).upper()]


@dataclass(frozen=True, slots=True)
class Span:
    """A range on one line: [start, end) in code points."""

    line: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Cell:
    """One table cell. `span` covers the trimmed text, or the whole gap between
    the pipes when the cell is blank; `inner` covers everything between the
    pipes (needed to rewrite a cell while keeping the column's padding)."""

    text: str
    span: Span
    inner: Span


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    cells: tuple[Cell, ...]
    has_leading_pipe: bool
    has_trailing_pipe: bool


@dataclass(frozen=True, slots=True)
class Heading:
    line: int
    level: int
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class Table:
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


@dataclass(frozen=True, slots=True)
class Columns:
    """Indices of the columns a ticket table may have (None when absent)."""

    id: int | None
    title: int
    status: int | None
    owner: int | None
    model: int | None
    cost: int | None


@dataclass(frozen=True, slots=True)
class Modifier:
    """An override from "When to Override" (or a related rule) that moved the tier."""

    name: str
    effect: str
    tier: str
    section: str


@dataclass(frozen=True, slots=True)
class Recommendation:
    tier: str
    rule: str
    rule_text: str
    section: str
    matched: bool
    modifiers: tuple[Modifier, ...]
    rationale: str
    reason: str
    always: bool = False


@dataclass(frozen=True, slots=True)
class Ticket:
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


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace [span.start, span.end) on span.line with `text`."""

    span: Span
    text: str


@dataclass(frozen=True, slots=True)
class Fix:
    title: str
    edits: tuple[Edit, ...]


@dataclass(frozen=True, slots=True)
class Diagnostic:
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


@dataclass(frozen=True, slots=True)
class Distribution:
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


@dataclass(frozen=True, slots=True)
class TableInfo:
    """A ticket table as analysed: where it is and what it holds."""

    table: Table
    columns: Columns
    tickets: tuple[Ticket, ...]
    distribution: Distribution
    cost: int


@dataclass(frozen=True, slots=True)
class Sprint:
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


@dataclass(frozen=True, slots=True)
class Analysis:
    sprints: tuple[Sprint, ...]
    diagnostics: tuple[Diagnostic, ...]
    distribution: Distribution
    cost: int
    notices: tuple[str, ...] = field(default=())

    @property
    def tickets(self) -> tuple[Ticket, ...]:
        return tuple(t for s in self.sprints for t in s.tickets)

    @property
    def tables(self) -> tuple[TableInfo, ...]:
        return tuple(info for s in self.sprints for info in s.tables)
