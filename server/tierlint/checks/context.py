"""What a check sees. Row checks run per ticket row (cached per section);
sprint and file checks run on the merged analysis (cheap aggregates)."""

from __future__ import annotations

from dataclasses import dataclass

from ..cells import ModelValue
from ..fixes import TableStyle
from ..model import Cell, Columns, Heading, Row, Sprint, Table, Ticket
from ..rules import RuleSet


@dataclass(frozen=True, slots=True)
class RowContext:
    rules: RuleSet
    table: Table
    columns: Columns
    style: TableStyle
    row: Row
    ticket: Ticket | None
    model: ModelValue | None

    def cell(self, index: int | None) -> Cell | None:
        if index is None or index >= self.row.width:
            return None
        return self.row.cells[index]


@dataclass(frozen=True, slots=True)
class TableContext:
    rules: RuleSet
    table: Table
    columns: Columns
    style: TableStyle
    tickets: tuple[Ticket, ...]


@dataclass(frozen=True, slots=True)
class SummaryLine:
    """A 'Distribution: …' line after a table."""

    line: int
    text: str
    table_line: int


@dataclass(frozen=True, slots=True)
class SprintContext:
    rules: RuleSet
    sprint: Sprint
    summaries: tuple[SummaryLine, ...]
    heading: Heading | None


@dataclass(frozen=True, slots=True)
class FileContext:
    rules: RuleSet
    sprints: tuple[Sprint, ...]
