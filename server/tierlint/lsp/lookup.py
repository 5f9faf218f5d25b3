"""Finding what is under the cursor in a cached analysis (built once per
analysis, so hover and code lens never reparse)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from ..model import Analysis, Cell, Sprint, TableInfo, Ticket
from .positions import from_client

if TYPE_CHECKING:
    from .documents import Document
    from .server import TierlintServer
    from .state import Cached


@dataclass
class Index:
    tickets: dict[int, Ticket]
    tables: dict[int, tuple[Sprint, TableInfo]]
    table_rows: dict[int, tuple[Sprint, TableInfo]]
    headings: dict[int, Sprint]

    @classmethod
    def build(cls, analysis: Analysis) -> Index:
        tickets: dict[int, Ticket] = {}
        tables: dict[int, tuple[Sprint, TableInfo]] = {}
        rows: dict[int, tuple[Sprint, TableInfo]] = {}
        headings: dict[int, Sprint] = {}
        for s in analysis.sprints:
            if s.heading is not None:
                headings[s.heading.line] = s
            for info in s.tables:
                tables[info.table.header.line] = (s, info)
                rows[info.table.header.line] = (s, info)
                rows[info.table.delimiter.line] = (s, info)
                for row in info.table.rows:
                    rows[row.line] = (s, info)
                for t in info.tickets:
                    tickets[t.line] = t
        return cls(tickets, tables, rows, headings)


_INDEX: dict[int, tuple[Analysis, Index]] = {}


def index(analysis: Analysis) -> Index:
    """The index of `analysis`, memoised while that analysis is alive."""
    key = id(analysis)
    hit = _INDEX.get(key)
    if hit is not None and hit[0] is analysis:
        return hit[1]
    if len(_INDEX) > 64:
        _INDEX.clear()
    built = Index.build(analysis)
    _INDEX[key] = (analysis, built)
    return built


@dataclass
class Cursor:
    """What a position in an open document points at, in its cached analysis."""

    doc: Document
    cached: Cached
    index: Index
    line: int
    column: int
    ticket: Ticket | None
    table: TableInfo | None
    model_cell: Cell | None

    @property
    def on_model_cell(self) -> bool:
        c = self.model_cell
        return c is not None and c.inner_start <= self.column <= c.inner_end


async def cursor(ls: TierlintServer, uri: str, position: lsp.Position) -> Cursor | None:
    """Resolve a request position (client units) against the cached analysis."""
    doc = ls.state.documents.get(uri)
    if doc is None:
        return None
    cached = await ls.state.analysis(doc)
    if cached is None:
        return None
    line = position.line
    column = from_client(doc.line(line), position.character, ls.state.encoding)
    idx = index(cached.analysis)
    ticket = idx.tickets.get(line)
    table = idx.table_rows[line][1] if line in idx.table_rows else None
    cell = None
    if ticket is not None and table is not None:
        col = table.columns.model
        if col is not None and col < ticket.row.width:
            cell = ticket.row.cells[col]
    return Cursor(doc, cached, idx, line, column, ticket, table, cell)
