"""What a check sees. Row checks run per ticket row (cached per section);
sprint and file checks run on the merged analysis (cheap aggregates)."""

from __future__ import annotations

from ..cells import ModelValue
from ..fixes import TableStyle
from ..model import Cell, Columns, Heading, Row, Sprint, Table, Ticket
from ..records import NamedTuple
from ..rules import RuleSet


class RowContext(NamedTuple):
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
        return self.row.cell(index)


class TableContext(NamedTuple):
    rules: RuleSet
    table: Table
    columns: Columns
    style: TableStyle
    tickets: tuple[Ticket, ...]


class SummaryLine(NamedTuple):
    """A 'Distribution: …' line after a table."""

    line: int
    text: str
    table_line: int


class SprintContext(NamedTuple):
    rules: RuleSet
    sprint: Sprint
    summaries: tuple[SummaryLine, ...]
    heading: Heading | None


class FileContext(NamedTuple):
    rules: RuleSet
    sprints: tuple[Sprint, ...]
