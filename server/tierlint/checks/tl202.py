"""TL202: two tickets share an id."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Diagnostic, TableInfo, Ticket
from .common import severity
from .context import FileContext

CODE = "TL202"
_NOT_IDS = {"", "-", "—", "?", "tbd", "n/a"}
_LONGEST = max(map(len, _NOT_IDS))


def check(ctx: FileContext) -> Iterator[Diagnostic]:
    infos = [info for sprint in ctx.sprints for info in sprint.tables if info.columns.id is not None]
    every = [t.id for info in infos for t in info.tickets]
    if len(set(every)) == len(every):
        return  # no text twice, the usual case: nothing to look at one by one
    first: dict[str, int] = {}
    for info in infos:
        col = info.columns.id
        if col is not None:
            for key, line, t in _ids(info):
                if key not in first:
                    first[key] = line
                    continue
                cell = t.row.cell(col)
                message = f"Duplicate ticket id '{key}' (first used on line {first[key] + 1})"
                yield Diagnostic(CODE, severity(CODE), message, cell.span, None, t.line)


_IDS: dict[int, tuple[TableInfo, tuple[tuple[str, int, Ticket], ...]]] = {}


def _ids(info: TableInfo) -> tuple[tuple[str, int, Ticket], ...]:
    """The table's real ticket ids, kept while the table is unchanged: an edit
    elsewhere in a big backlog then costs a lookup per table, not per ticket."""
    found = _IDS.get(id(info))
    if found is not None and found[0] is info:
        return found[1]
    out = []
    for t in info.tickets:
        key = t.id  # stripped when read
        if (len(key) > _LONGEST or key.lower() not in _NOT_IDS) and key[:2] != "{{":
            out.append((key, t.row.line, t))
    if len(_IDS) > 50_000:
        _IDS.clear()
    found = _IDS[id(info)] = (info, tuple(out))
    return found[1]
