"""Edits that rewrite one cell in the table's own style, and applying edits.

A fix touches the target cell and nothing else: other cells, the line ending
and every byte around stay as they were. In an aligned column the new text is
padded (or eats spare padding) so the pipes stay where they were whenever the
text fits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from . import regexes
from .cells import ModelReader
from .lines import line_endings, split_lines
from .model import Cell, Edit, Row, Span, Table
from .rules import RuleSet

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class TableStyle:
    """How a table writes its Model cells: letter case, platform vocabulary, and
    which columns are aligned. Worked out when first asked (`table_style`):
    only a fix needs it, and a run that prints findings makes none."""

    __slots__ = ("_aligned", "_casing", "_columns", "_platform", "_source", "table")

    def __init__(
        self, casing: str, platform: str, table: Table | None = None, aligned: frozenset[int] | None = None
    ) -> None:
        self._casing = casing
        self._platform = platform
        self._source: tuple[int | None, ModelReader] | None = None
        self.table = table
        self._aligned = aligned
        self._columns: dict[int, bool] = {}

    @property
    def casing(self) -> str:
        if self._source is not None:
            self._read()
        return self._casing

    @property
    def platform(self) -> str:
        if self._source is not None:
            self._read()
        return self._platform

    def _read(self) -> None:
        model_col, reader = self._source  # type: ignore[misc]
        assert self.table is not None
        self._casing, self._platform = _style_of(self.table, model_col, reader)
        self._source = None

    def is_aligned(self, col: int) -> bool:
        """Whether one column is aligned (cheaper than `aligned` for all)."""
        if self._aligned is not None:
            return col in self._aligned
        found = self._columns.get(col)
        if found is None:
            found = self._columns[col] = self.table is not None and col in aligned_columns(self.table, (col,))
        return found

    @property
    def aligned(self) -> frozenset[int]:
        if self._aligned is None:
            self._aligned = aligned_columns(self.table) if self.table is not None else frozenset()
        return self._aligned

    def write(self, rules: RuleSet, tier: str) -> str:
        name = tier
        if self.platform != "tier":
            plat = next((p for p in rules.platforms if p.id == self.platform), None)
            if plat is not None:
                name = plat.write.get(tier, tier)
        return cased(name, self.casing)


def cased(text: str, casing: str) -> str:
    if casing == "upper":
        return text.upper()
    if casing == "title":
        return text[:1].upper() + text[1:]
    return text


def casing_of(text: str) -> str | None:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return None
    if all(c.isupper() for c in letters) and len(letters) > 1:
        return "upper"
    if letters[0].isupper():
        return "title"
    return "lower"


def table_style(table: Table, model_col: int | None, reader: ModelReader) -> TableStyle:
    """The table's style, read from its Model cells when first asked."""
    style = TableStyle.__new__(TableStyle)
    style.table, style._source, style._aligned, style._columns = table, (model_col, reader), None, {}
    return style


def _style_of(table: Table, model_col: int | None, reader: ModelReader) -> tuple[str, str]:
    """(casing, platform) most of the table's Model cells use."""
    # plain dicts, not Counters: every ticket table of a backlog asks
    casings: dict[str, int] = {}
    platforms: dict[str, int] = {}
    if model_col is not None:
        # each distinct Model text once: a table repeats a handful
        texts: dict[str, int] = {}
        for r in table.rows:
            values = r.values
            if model_col < len(values):
                text = values[model_col]
                texts[text] = texts.get(text, 0) + 1
        for text, n in texts.items():
            c, platform = _cell_style(reader, text)
            if c:
                casings[c] = casings.get(c, 0) + n
            if platform:
                platforms[platform] = platforms.get(platform, 0) + n
    return _majority(casings, "lower"), _majority(platforms, "tier")


_STYLE_MEMO: dict[tuple[int, str], tuple[str | None, str | None]] = {}


def _cell_style(reader: ModelReader, text: str) -> tuple[str | None, str | None]:
    """(casing, vocabulary platform) of one Model cell; memoised per text."""
    key = (id(reader), text)
    found = _STYLE_MEMO.get(key)
    if found is None:
        value = reader.read(text)
        if value.kind != "known":
            found = (None, None)
        else:
            vocab = value.platform and value.platform != "tier" and reader.vocabulary(value.platform, text)
            found = (casing_of(value.name), value.platform if vocab else "tier")
        if len(_STYLE_MEMO) > 10_000:
            _STYLE_MEMO.clear()
        _STYLE_MEMO[key] = found
    return found


def _majority(counts: dict[str, int], default: str) -> str:
    if not counts:
        return default
    best = max(counts.values())
    # ties go to the default so that a mixed table gets the plainest spelling,
    # else to the one counted first
    if counts.get(default) == best:
        return default
    return next(k for k, v in counts.items() if v == best)


def aligned_columns(table: Table, only: tuple[int, ...] | None = None) -> frozenset[int]:
    """Columns whose cells have the same width between the pipes on every row
    (and more than one row), i.e. a column someone took care to align. Worked
    out from the pipe positions, without building the cells."""
    rows = (table.header, table.delimiter, *table.rows)
    if len(rows) <= 2:
        return frozenset()
    width = table.header.width
    if only is not None and len(only) == 1:
        return _aligned_column(rows, only[0], width)
    # column -> its width so far; a column leaves as soon as one row differs,
    # so an unaligned table costs a row or two
    left: dict[int, int | None] = {c: None for c in (only if only is not None else range(width)) if c < width}
    for r in rows:
        if not left:
            break
        if "\\" in r.text or not (r.has_leading_pipe and r.has_trailing_pipe):
            widths = [c.inner_end - c.inner_start for c in r.cells]
        else:
            widths = [len(p) for p in r.text.split("|")[1:-1]]
        for col, seen in list(left.items()):
            if col < len(widths):
                if seen is None:
                    left[col] = widths[col]
                elif seen != widths[col]:
                    del left[col]
    return frozenset(left)


def _aligned_column(rows: tuple[Row, ...], col: int, width: int) -> frozenset[int]:
    """`aligned_columns` for one column (a fix asks for its own): the pipes
    around it found from the nearer end of each row, without splitting it."""
    if not 0 <= col < width:
        return frozenset()
    seen = -1
    for r in rows:
        text = r.text
        n = len(r.values)
        if col >= n:
            continue
        if "\\" in text or not (r.has_leading_pipe and r.has_trailing_pipe):
            cell = r.cells[col]
            size = cell.inner_end - cell.inner_start
        elif col >= n // 2:  # count pipes from the end: the last one closes cell n - 1
            end = text.rfind("|")
            for _ in range(n - 1 - col):
                end = text.rfind("|", 0, end)
            size = end - text.rfind("|", 0, end) - 1
        else:
            start = text.find("|")
            for _ in range(col):
                start = text.find("|", start + 1)
            size = text.find("|", start + 1) - start - 1
        if seen < 0:
            seen = size
        elif size != seen:
            return frozenset()
    return frozenset((col,))


_COMMENT = regexes.compile(r"(<!--.*?-->)", re.DOTALL)
# A model name: words, digits, dots and dashes, spaces only between them
# ("Claude 3 Opus", "gpt-4-turbo"); a note after it "(for now)" is not part of it.
MODEL_CORE = regexes.compile(r"[^\W_](?:[\w.\-]|\s(?=[^\W_]))*")
SYMBOL_CORE = regexes.compile(r"\$(?:\s*\$)*")


def keep_decorations(raw: str, new: str, core: re.Pattern[str] = MODEL_CORE) -> str:
    """`new` in place of the value in `raw`, keeping what decorates it: HTML
    comments (suppressions, notes), emphasis, backticks, a leading emoji.
    `**haiku** <!-- on purpose -->` -> `**sonnet** <!-- on purpose -->`."""
    parts = _COMMENT.split(raw)
    for i, part in enumerate(parts):
        if i % 2 or not part.strip():
            continue
        m = core.search(part)
        if m is None:
            lead = len(part) - len(part.lstrip())
            tail = len(part.rstrip())
            parts[i] = part[:lead] + new + part[tail:]
        else:
            parts[i] = part[: m.start()] + new + part[m.end() :]
        return "".join(parts)
    # only comments: put the value first
    return new + " " + raw


def set_cell(
    cell: Cell, new: str, aligned: bool, raw: str | None = None, core: re.Pattern[str] = MODEL_CORE
) -> Edit:
    """Replace the cell's value with `new`, keeping its padding and, when the
    cell's `raw` text is given, whatever decorates the value."""
    line, start, end, inner_start, inner_end = cell[1:]
    if raw is not None and cell.text and (raw != cell.text or not raw.isalnum()):
        new = keep_decorations(raw, new, core)
    if not cell.text:
        width = inner_end - inner_start
        text = " " + new + " "
        if aligned and width > len(text):
            text = text + " " * (width - len(text))
        return _edit(line, inner_start, inner_end, text)
    old = end - start
    if not aligned or len(new) == old:
        return _edit(line, start, end, new)
    if len(new) < old:
        return _edit(line, start, end, new + " " * (old - len(new)))
    spare = max(0, inner_end - end - 1)
    take = min(spare, len(new) - old)
    return _edit(line, start, end + take, new)


def _edit(line: int, start: int, end: int, text: str, new: Any = tuple.__new__) -> Edit:
    """An Edit, built as a tuple: a big backlog's fixes make thousands."""
    return new(Edit, (new(Span, (line, start, end)), text))  # type: ignore[no-any-return]


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits to `text`; overlapping ones after the first
    are skipped (a later pass of fix-all picks them up)."""
    todo = sorted(edits, key=lambda e: (e.span.line, e.span.start, e.span.end))
    if not todo:
        return text
    lines = split_lines(text)
    ends = line_endings(text)
    by_line: dict[int, list[Edit]] = {}
    last: tuple[int, int] = (-1, -1)
    for e in todo:
        if e.span.line >= len(lines) or e.span.end > len(lines[e.span.line]):
            continue
        if (e.span.line, e.span.start) < last:
            continue
        by_line.setdefault(e.span.line, []).append(e)
        last = (e.span.line, e.span.end)
    for n, line_edits in by_line.items():
        s = lines[n]
        for e in reversed(line_edits):
            s = s[: e.span.start] + e.text + s[e.span.end :]
        lines[n] = s
    return "".join(a + b for a, b in zip(lines, ends))


def changed_lines(before: str, after: str) -> list[tuple[int, str, str]]:
    """(line, old, new) for every line that differs; both texts must have the
    same number of lines (every tierlint fix keeps the line count)."""
    a, b = split_lines(before), split_lines(after)
    return [(i, x, y) for i, (x, y) in enumerate(zip(a, b)) if x != y]


def line_edit(line: int, old: str, new: str) -> Edit:
    """The smallest single edit turning `old` into `new` (common ends kept)."""
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old -= 1
        end_new -= 1
    return Edit(Span(line, start, end_old), new[start:end_new])


def minimal_edits(before: str, after: str) -> Sequence[Edit]:
    return [line_edit(n, old, new) for n, old, new in changed_lines(before, after)]
