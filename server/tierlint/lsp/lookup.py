"""Finding what is under the cursor in a cached analysis (built once per
analysis, so hover and code lens never reparse)."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Analysis, Sprint, TableInfo, Ticket


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
