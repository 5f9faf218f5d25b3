"""Fix properties on generated backlogs: a fix (one, or all of them) rewrites
its target cells or lines and not one byte more, keeps every line ending and
the line count, and fix-all is idempotent and leaves nothing fixable."""

from __future__ import annotations

import itertools
from collections import defaultdict

from hypothesis import example, given, note, settings

from tierlint.analyze import Analyzer, fix_all, fixable
from tierlint.config import default_rules
from tierlint.fixes import aligned_columns, apply_edits
from tierlint.lines import line_endings, split_lines
from tierlint.model import Analysis, Diagnostic, Edit, Table
from tierlint.parse import parse_block

from .profiles import examples
from .strategies import Backlog, backlogs

ANALYZER = Analyzer(default_rules())
MODEL_CODES = {"TL001", "TL002", "TL003", "TL004"}
WS = " \t"


def independent_apply(text: str, edits: list[Edit]) -> str:
    """Apply non-overlapping single-line edits, written without the engine."""
    lines, ends = split_lines(text), line_endings(text)
    by_line: dict[int, list[Edit]] = defaultdict(list)
    for e in edits:
        by_line[e.span.line].append(e)
    for n, group in by_line.items():
        group.sort(key=lambda e: (e.span.start, e.span.end))
        for a, b in itertools.pairwise(group):
            assert a.span.end <= b.span.start, f"overlapping edits in one fix: {a} {b}"
        s = lines[n]
        for e in reversed(group):
            s = s[: e.span.start] + e.text + s[e.span.end :]
        lines[n] = s
    return "".join(a + b for a, b in zip(lines, ends))


def confined(old: str, new: str, lo: int, hi: int) -> bool:
    """True when `new` is `old` with only old[lo:hi] replaced: everything
    before `lo` and after `hi` is kept, byte for byte."""
    tail = old[hi:]
    return new[:lo] == old[:lo] and new.endswith(tail) and len(new) - len(tail) >= lo


def check_shape(before: str, after: str) -> list[int]:
    """Same line count and the same terminator on every line; returns the
    changed line numbers."""
    a, b = split_lines(before), split_lines(after)
    assert len(a) == len(b), "line count changed"
    assert line_endings(before) == line_endings(after), "a line ending changed"
    return [i for i, (x, y) in enumerate(zip(a, b)) if x != y]


def table_at(analysis: Analysis, line: int):
    for info in analysis.tables:
        t = info.table
        if t.first_line <= line <= t.last_line:
            return info
    return None


def parsed_tables(text: str) -> dict[int, Table]:
    return {t.first_line: t for t in parse_block(split_lines(text)).tables}


def check_single_fix(text: str, analysis: Analysis, d: Diagnostic) -> None:
    assert d.fix is not None
    edits = list(d.fix.edits)
    new = apply_edits(text, edits)
    assert new == independent_apply(text, edits), "apply_edits differs from a plain application"
    old_lines, new_lines = split_lines(text), split_lines(new)
    changed = check_shape(text, new)
    edit_lines = {e.span.line for e in edits}
    assert set(changed) <= edit_lines, f"{d.code} changed lines it does not edit: {set(changed) - edit_lines}"
    for n in changed:
        lo = min(e.span.start for e in edits if e.span.line == n)
        hi = max(e.span.end for e in edits if e.span.line == n)
        assert confined(old_lines[n], new_lines[n], lo, hi), (
            f"{d.code} line {n}: changed outside its edits [{lo},{hi}): {old_lines[n]!r} -> {new_lines[n]!r}"
        )

    # the edits are where the code says they are
    if d.code in MODEL_CODES or d.code == "TL006":
        info = table_at(analysis, d.span.line)
        assert info is not None
        col = info.columns.model if d.code in MODEL_CODES else info.columns.cost
        assert col is not None
        row = next(r for r in info.table.rows if r.line == d.span.line)
        cell = row.cells[col]
        (e,) = edits
        assert e.span.line == row.line
        assert cell.inner.start <= e.span.start <= e.span.end <= cell.inner.end, (d, cell)
        after = parsed_tables(new)[info.table.first_line]
        new_row = next(r for r in after.rows if r.line == row.line)
        assert len(new_row.cells) == len(row.cells)
        for k, (c0, c1) in enumerate(zip(row.cells, new_row.cells)):
            if k == col:
                line = old_lines[row.line]
                inner = line[cell.inner.start : e.span.start] + e.text + line[e.span.end : cell.inner.end]
                assert c1.text == inner.strip(WS).replace("\\|", "|"), (c1.text, e.text)
            else:
                assert c0.text == c1.text, f"{d.code} changed cell {k}: {c0.text!r} -> {c1.text!r}"
    elif d.code == "TL005":
        info = table_at(analysis, d.span.line)
        assert info is not None and info.columns.model is None
        t = info.table
        rows = (t.header, t.delimiter, *t.rows)
        assert sorted(e.span.line for e in edits) == [r.line for r in rows]
        width = len(t.header.cells)
        for e in edits:
            row = next(r for r in rows if r.line == e.span.line)
            # a pure insertion after the header's last column: at the end of the
            # row, or (on a row longer than the header) in front of its stray cells
            boundary = row.cells[min(width, len(row.cells)) - 1].inner.end
            assert e.span.start == e.span.end >= boundary, "TL005 must only insert after the last column"
        after = parsed_tables(new)[t.first_line]
        assert after.header.cells[-1].text == "Model"
        assert len(after.header.cells) == len(t.header.cells) + 1
        for r0, r1 in zip((t.header, *t.rows), (after.header, *after.rows)):
            # every old cell is still there, in order, with the new one at index `width`
            kept = [c.text for i, c in enumerate(r1.cells) if i != width]
            assert kept[: len(r0.cells)] == [c.text for c in r0.cells]
        # the new column holds each ticket's recommendation
        for ticket in info.tickets:
            r1 = next(r for r in after.rows if r.line == ticket.line)
            assert r1.cells[width].text == ticket.recommendation.tier, (ticket.line, r1)
    elif d.code == "TL103":
        for n in edit_lines:
            assert "distribution" in old_lines[n].lower()
    elif d.code == "TL104":
        for e in edits:
            assert old_lines[e.span.line].lstrip(" ").startswith("#")
            assert old_lines[e.span.line][e.span.start : e.span.end].isdigit() and e.text.isdigit()
    else:
        raise AssertionError(f"unexpected fixable code {d.code}")


def check_fix_all(text: str, analysis: Analysis) -> str:
    new, _count, final = fix_all(ANALYZER, text)
    changed = check_shape(text, new)
    old_lines, new_lines = split_lines(text), split_lines(new)
    tables = {info.table.first_line: info for info in analysis.tables}
    after = parsed_tables(new)
    allowed: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for first, info in tables.items():
        t, cols = info.table, info.columns
        new_t = after.get(first)
        assert new_t is not None, "fix-all lost a table"
        for r0 in (t.header, t.delimiter, *t.rows):
            line = old_lines[r0.line]
            for col in (cols.model, cols.cost):
                if col is not None and col < len(r0.cells):
                    allowed[r0.line].append((r0.cells[col].inner.start, r0.cells[col].inner.end))
            if cols.model is None or cols.model >= len(r0.cells):
                width = len(t.header.cells)
                allowed[r0.line].append((r0.cells[min(width, len(r0.cells)) - 1].inner.end, len(line)))
        # cells other than Model / Cost Tier keep their text (an added Model
        # column sits at the header's width, in front of any stray cells)
        added = len(t.header.cells) if cols.model is None else None
        for r0, r1 in zip((t.header, *t.rows), (new_t.header, *new_t.rows)):
            assert r1.line == r0.line
            new_cells = (
                [c for i, c in enumerate(r1.cells) if i != added] if added is not None else list(r1.cells)
            )
            keep = [k for k in range(len(r0.cells)) if k not in (cols.model, cols.cost)]
            for k in keep:
                assert new_cells[k].text == r0.cells[k].text, (
                    r0.line,
                    k,
                    r0.cells[k].text,
                    new_cells[k].text,
                )
    for n in changed:
        old, cur = old_lines[n], new_lines[n]
        if "distribution" in old.lower() or old.lstrip(" ").startswith("#"):
            continue  # TL103 / TL104 rewrite numbers on these lines
        assert n in allowed, f"fix-all changed line {n} that holds no fixable cell: {old!r} -> {cur!r}"
        lo = min(a for a, _ in allowed[n])
        hi = max(b for _, b in allowed[n])
        assert confined(old, cur, lo, hi), (
            f"line {n}: changed outside the fixable cells [{lo},{hi}): {old!r} -> {cur!r}"
        )
    assert fixable(final) == [], [(d.code, d.span) for d in fixable(final)]
    assert fixable(ANALYZER.analyze(new)) == []
    again, count2, _ = fix_all(ANALYZER, new)
    assert again == new and count2 == 0, "a second fix-all changed the text"
    return new


@settings(max_examples=examples(60))
@given(backlogs())
@example(
    Backlog(
        "## Sprint 1: X (3 tickets)\r\n\r\n| #   | Ticket                       | Model |\r\n"
        "| --- | ---------------------------- | ----- |\r\n"
        "| 1.1 | Create users table migration | OPUS  |\r\n"
        "| 1.2 | 🔐 Design search architecture | haiku |\r\n\r\n"
        "Distribution: 1 haiku (50%) | 1 opus (50%)\r\n",
        "\r\n",
    )
)
def test_fixes_touch_only_their_targets(bl: Backlog) -> None:
    text = bl.text
    note(repr(text))
    analysis = ANALYZER.analyze(text)
    for d in fixable(analysis):
        check_single_fix(text, analysis, d)
    check_fix_all(text, analysis)


def test_tl005_long_row() -> None:
    text = (
        "| # | Ticket | Owner |\n|---|---|---|\n"
        "| 1.1 | Create users table migration | DB | extra |\n"
        "| 1.2 | Design search architecture | Backend |\n"
    )
    new = fix_all(ANALYZER, text)[0]
    table = parsed_tables(new)[0]
    assert [c.text for c in table.header.cells] == ["#", "Ticket", "Owner", "Model"]
    assert [r.cells[3].text for r in table.rows] == ["haiku", "opus"]


def aligned_oracle(table: Table) -> frozenset[int]:
    """The columns of a table with more than one row whose cells have one
    width between the pipes on every row that has them."""
    rows = (table.header, table.delimiter, *table.rows)
    if len(rows) <= 2:
        return frozenset()
    widths = [[c.inner_end - c.inner_start for c in r.cells] for r in rows]
    return frozenset(
        col for col in range(table.header.width) if len({w[col] for w in widths if col < len(w)}) == 1
    )


@settings(max_examples=examples(60))
@given(backlogs())
def test_aligned_columns_one_by_one_or_all_at_once(bl: Backlog) -> None:
    """A fix asks whether its own column is aligned; a table's style asks for
    all of them: both ways agree with the cells' widths."""
    lines = split_lines(bl.text)
    for table in parse_block(lines, 0).tables:
        want = aligned_oracle(table)
        assert aligned_columns(table) == want
        for col in range(table.header.width + 1):
            assert aligned_columns(table, (col,)) == want & {col}, (table.header.text, col)
