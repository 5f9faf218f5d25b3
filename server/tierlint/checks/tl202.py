"""TL202: two tickets share an id."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Diagnostic
from .common import severity
from .context import FileContext

CODE = "TL202"
_NOT_IDS = {"", "-", "—", "?", "tbd", "n/a"}


def check(ctx: FileContext) -> Iterator[Diagnostic]:
    first: dict[str, int] = {}
    for sprint in ctx.sprints:
        for info in sprint.tables:
            col = info.columns.id
            if col is None:
                continue
            for t in info.tickets:
                key = t.id.strip()
                if key.lower() in _NOT_IDS or key.startswith("{{"):
                    continue
                if key not in first:
                    first[key] = t.line
                    continue
                cell = t.row.cells[col]
                message = f"Duplicate ticket id '{key}' (first used on line {first[key] + 1})"
                yield Diagnostic(CODE, severity(CODE), message, cell.span, None, t.line)
