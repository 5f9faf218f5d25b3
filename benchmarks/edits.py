"""One-cell edits for the warm benchmarks: replace the Model cell of a ticket row
with another tier name, the way a user retypes one cell.

The same plan drives the language-server session (as incremental didChange
events, in UTF-16 positions) and the in-process re-analysis, so both measure
the same work.
"""

from __future__ import annotations

from dataclasses import dataclass

TIERS = ("haiku", "sonnet", "opus")


@dataclass(frozen=True)
class Edit:
    line: int
    start: int  # code points into the line
    end: int
    old: str
    new: str


def model_column(header: str) -> int | None:
    """Index of the Model cell in `line.split("|")` for this header row."""
    parts = [p.strip().lower() for p in header.split("|")]
    return parts.index("model") if "model" in parts else None


def ticket_rows(lines: list[str]) -> list[tuple[int, int]]:
    """(line, split index of the Model cell) for every ticket row with one."""
    out = []
    column: int | None = None
    fenced = False
    for n, line in enumerate(lines):
        if line.startswith(("```", "~~~")):
            fenced = not fenced
        if fenced or not line.startswith("|"):
            column = None
            continue
        if column is None:
            column = model_column(line)
            if column is None:
                column = -1
            continue
        if column > 0 and not line.startswith("|-") and not line.startswith("| -"):
            out.append((n, column))
    return out


def cell_span(line: str, column: int) -> tuple[int, int, str]:
    """(start, end, text) of the stripped content of cell `column` (an index into
    `line.split('|')`); an empty cell gives the position just after its pipe + 1."""
    pos = 0
    parts = line.split("|")
    for part in parts[:column]:
        pos += len(part) + 1
    raw = parts[column]
    text = raw.strip()
    if not text:
        at = pos + min(1, len(raw))
        return at, at, ""
    start = pos + raw.index(text)
    return start, start + len(text), text


def plan(text: str, count: int) -> list[Edit]:
    """`count` edits on ticket rows spread evenly over the document, each to a
    tier different from the cell's current one (computed against the text as the
    earlier edits leave it; they touch different rows)."""
    lines = text.split("\n")
    rows = ticket_rows(lines)
    if not rows or count <= 0:
        return []
    step = max(1, len(rows) // count)
    chosen = rows[step // 2 :: step][:count]
    edits = []
    for i, (n, column) in enumerate(chosen):
        start, end, old = cell_span(lines[n], column)
        options = [t for t in TIERS if t != old.lower()]
        edits.append(Edit(n, start, end, old, options[i % len(options)]))
    return edits


def apply(lines: list[str], edit: Edit) -> None:
    line = lines[edit.line]
    lines[edit.line] = line[: edit.start] + edit.new + line[edit.end :]


def utf16(line: str, index: int) -> int:
    """A code-point index into `line` as UTF-16 code units."""
    return len(line[:index].encode("utf-16-le")) // 2
