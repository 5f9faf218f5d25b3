"""Parser properties: any text is parsed and analysed without raising, every
cell span sits inside its line on cell boundaries, every diagnostic and fix
points inside the document, and tables inside fenced code are never tickets."""

from __future__ import annotations

import time

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from tierlint.analyze import Analyzer, fix_all
from tierlint.cells import clean
from tierlint.config import default_rules
from tierlint.lines import line_endings, split_lines
from tierlint.model import Row
from tierlint.parse import _cells, cells_of, parse_block, split_row

from .profiles import examples
from .strategies import hostile_text, table_soup

WS = " \t"
ANALYZER = Analyzer(default_rules())


def unescaped_pipes(text: str) -> list[int]:
    out = []
    for i, c in enumerate(text):
        if c == "|":
            k = i
            while k > 0 and text[k - 1] == "\\":
                k -= 1
            if (i - k) % 2 == 0:
                out.append(i)
    return out


def check_row(line: str, row: Row) -> None:
    """Every cell lies inside `line`, between pipes (or the line's edges once
    indentation and trailing blanks are skipped), trimmed exactly."""
    assert row.cells, row
    pipes = set(unescaped_pipes(line))
    prev_end = None
    for k, cell in enumerate(row.cells):
        inner, span = cell.inner, cell.span
        assert inner.line == span.line == row.line
        assert 0 <= inner.start <= span.start <= span.end <= inner.end <= len(line), (line, cell)
        # just outside the inner span: a pipe, or the edge of the line
        if k == 0:
            before = line[: inner.start]
            assert before.strip(WS) == "" or (before.endswith("|") and before[:-1].strip(WS) == "")
            assert (inner.start - 1 in pipes) == row.has_leading_pipe
        else:
            assert inner.start == prev_end + 1 and prev_end in pipes, (line, row)
        if k == len(row.cells) - 1:
            after = line[inner.end :]
            assert after.strip(WS) == "" or (after.startswith("|") and after[1:].strip(WS) == "")
            assert (inner.end in pipes) == row.has_trailing_pipe
        prev_end = inner.end
        # no unescaped pipe inside a cell
        assert not any(inner.start <= p < inner.end for p in pipes), (line, cell)
        # padding is blanks; the text is trimmed and un-escaped
        assert line[inner.start : span.start].strip(WS) == ""
        assert line[span.end : inner.end].strip(WS) == ""
        raw = line[span.start : span.end]
        if cell.text:
            assert raw == raw.strip(WS) and raw
            assert cell.text == raw.replace("\\|", "|")
        else:
            assert span == inner and raw.strip(WS) == ""


def check_analysis_positions(text: str) -> None:
    lines = split_lines(text)
    analysis = ANALYZER.analyze(text)
    for d in analysis.diagnostics:
        assert 0 <= d.span.line < len(lines), d
        assert 0 <= d.span.start <= d.span.end <= len(lines[d.span.line]), (d, lines[d.span.line])
        if d.fix is not None:
            for e in d.fix.edits:
                assert 0 <= e.span.line < len(lines)
                assert 0 <= e.span.start <= e.span.end <= len(lines[e.span.line]), (d, e)
    for t in analysis.tickets:
        assert 0 <= t.line < len(lines)
        assert "|" in lines[t.line]


def no_leading_bom(text: str) -> bool:
    # A leading U+FEFF shifts the engine's columns on line 0: see
    # test_leading_bom_columns (xfail) for the known bug.
    return not text.startswith("\ufeff")


@settings(max_examples=examples(80))
@given(hostile_text())
@example("")
@example("\x00|\x00\n|-|\n|\x00|")
@example("| a | b |\r\n|---|---|\r| 1 | \u2028 |\n| \x85 | \x0c |")
@example("| Ticket | Model |\n|---|---|\n| Create users table migration | \ud800 |\n")
@example("| a |\n|---|\n" + "| x " * 5000)
@example("#" * 7 + " |\n" + "|" * 5000 + "\n" + "|-" * 3000)
def test_any_text_parses_and_analyses(text: str) -> None:
    assume(no_leading_bom(text))
    lines = split_lines(text)
    assert len(lines) == len(line_endings(text))
    assert "".join(a + b for a, b in zip(lines, line_endings(text))) == text
    block = parse_block(lines)
    for table in block.tables:
        for row in (table.header, table.delimiter, *table.rows):
            check_row(lines[row.line], row)
    check_analysis_positions(text)
    new, _count, _analysis = fix_all(ANALYZER, text)
    assert len(split_lines(new)) == len(lines)


@settings(max_examples=examples(120))
@given(table_soup())
def test_table_cells_lie_on_cell_boundaries(text: str) -> None:
    assume(no_leading_bom(text))
    lines = split_lines(text)
    block = parse_block(lines)
    for table in block.tables:
        assert len(table.header.cells) == len(table.delimiter.cells)
        rows = (table.header, table.delimiter, *table.rows)
        assert [r.line for r in rows] == list(range(table.first_line, table.first_line + len(rows)))
        for row in rows:
            check_row(lines[row.line], row)
    check_analysis_positions(text)


# one row's worth of pipes, escapes, blanks, emoji and combining marks
ROW_TEXT = st.text(st.sampled_from(list("|\\ \tab`😀e\u0301\u2028")), max_size=30)


@settings(max_examples=examples(200))
@given(ROW_TEXT)
def test_split_row_any_line(line: str) -> None:
    # The parser only calls split_row on lines holding a pipe (a table row);
    # on a blank pipe-less line it returns an inverted span, which is unreachable.
    assume("|" in line)
    row = split_row(line, 7)
    check_row(line, row)


# a row written "| a | b |" (a space each side of every pipe) whose cells may
# hold anything: blanks, pipes, tabs, escapes
COMPACT_ROW = st.lists(st.text(st.sampled_from(list("ab |\t\\😀")), max_size=4), min_size=1, max_size=5).map(
    lambda cells: "| " + " | ".join(cells) + " |"
)


@settings(max_examples=examples(300))
@given(ROW_TEXT | COMPACT_ROW)
@example("| a | b |")
@example(" \t| a |  ")
@example("||")
@example("|")
@example("| |")
@example("| a | | b |")
@example("| a |b | c |")
@example("| a  | b |")
@example("| a |  b |")
@example("a | b |")
@example("| a | b")
def test_a_rows_values_and_pipes_are_the_same_by_either_path(line: str) -> None:
    """split_row's quick readings (a row with one space each side of every
    pipe, a row framed by pipes, a row without escapes) give what the
    general reading of every pipe gives."""
    assume("|" in line)
    row = split_row(line, 3)
    cells, leading, trailing = _cells(line, 3)
    assert row.values == tuple(c.text for c in cells)
    assert (row.has_leading_pipe, row.has_trailing_pipe) == (leading, trailing)


@settings(max_examples=examples(300))
@given(ROW_TEXT)
@example("| a |  b | |")
@example("  |x|  ")
@example("||")
def test_a_rows_cells_are_the_same_by_either_path(line: str) -> None:
    """The one-pass reading of a framed row gives the general reading's cells."""
    assume("|" in line)
    assert cells_of(line, 3) == _cells(line, 3)[0]
    # one cell read alone is that cell
    cells = cells_of(line, 3)
    assert [cells_of(line, 3, i) for i in range(len(cells))] == list(cells)
    with pytest.raises(IndexError):
        cells_of(line, 3, len(cells))


@settings(max_examples=examples(300))
@given(st.text(st.sampled_from(list("aZ09.-_*` é\u00a0😀#")), max_size=8))
@example("1.2")
@example("A-7")
@example("-")
@example("1._2")
def test_an_id_cell_reads_as_its_clean_text(ident: str) -> None:
    """Plain ids ("1.2") skip `clean`: they read exactly as `clean` reads them."""
    row = f"| {ident} | Fix typo in README | Docs | haiku |"
    text = f"| # | Ticket | Owner | Model |\n|---|---|---|---|\n{row}\n"
    tickets = Analyzer(default_rules()).analyze(text).tickets
    raw = split_row(row, 2).values[0]
    assert [t.id for t in tickets] == [clean(raw)]


# -- tables inside fenced code ---------------------------------------------------

TICKETS = [
    "| # | Ticket | Status | Owner | Model |",
    "|---|--------|--------|-------|-------|",
    "| 1.1 | Create users table migration | 🔲 Todo | DB | opus |",
    "| 1.2 | Implement JWT authentication middleware | 🔲 Todo | Backend | haiku |",
    "| 1.3 | Build LoginForm component | 🔲 Todo | Frontend | |",
]
OUTSIDE = [
    "| # | Ticket | Status | Owner | Model |",
    "|---|--------|--------|-------|-------|",
    "| 9.1 | Fix typo in README | 🔲 Todo | Backend | opus |",
]


@st.composite
def fenced_documents(draw, allow_known_bug: bool = False) -> tuple[str, list[tuple[int, int]], list[int]]:
    """A document with ticket tables inside fenced code (in various containers)
    and one real ticket table outside. Returns the text, the line ranges the
    fences cover, and the lines of the real tickets."""
    lines = ["# Backlog", "", "## Sprint 9: Real", "", *OUTSIDE, ""]
    real = [lines.index(OUTSIDE[2])]
    fenced: list[tuple[int, int]] = []
    nested_seen = False
    for _ in range(draw(st.integers(1, 3))):
        marker = draw(st.sampled_from(["```", "~~~", "````", "~~~~~"]))
        info = draw(st.sampled_from(["", "md", "markdown", " text", "{.md}"]))
        container = draw(st.sampled_from(["", " ", "   ", "> ", "- ", "1. ", "* "]))
        # An indented fence after a list item belongs to that item, so only an
        # unindented fence is sure to be top-level. Headings and Distribution
        # lines inside nested fences hit known bugs (the two xfail tests below).
        top_level = container == ""
        # once a nested fence is in the document, the section splitter may be
        # off for the rest of it (same known bug), so nothing risky after it
        safe = top_level and not nested_seen
        nested_seen = nested_seen or not top_level
        inner = list(TICKETS[: draw(st.integers(2, len(TICKETS)))])
        if draw(st.booleans()) and (allow_known_bug or safe):
            inner.insert(
                0, draw(st.sampled_from(["# Sprint 1", "## Sprint 2 (3 tickets)", "### Notes", "#"]))
            )
        if draw(st.booleans()) and (allow_known_bug or safe):
            inner.append("Distribution: 3 haiku (100%)")
        if draw(st.booleans()) and (allow_known_bug or safe):
            inner.insert(0, "```" if marker[0] == "~" else "~~~")  # the other marker: content
        cont = " " * len(container) if container in ("- ", "1. ", "* ") else container
        start = len(lines)
        lines.append(container + marker + info)
        lines += [cont + x for x in inner]
        closed = draw(st.integers(0, 5)) > 0
        if closed:
            close = marker + draw(st.sampled_from(["", marker[0], "  "]))
            lines.append(cont + close)
            fenced.append((start, len(lines) - 1))
            lines.append("")
        else:
            fenced.append((start, 1 << 30))
            break
    eol = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return eol.join(lines) + eol, fenced, real


def check_fenced(text: str, fenced: list[tuple[int, int]], real: list[int]) -> None:
    analysis = ANALYZER.analyze(text)
    inside = [t.line for t in analysis.tickets if any(a <= t.line <= b for a, b in fenced)]
    assert inside == [], f"tickets inside fenced code at lines {inside}"
    bad = [
        (d.code, d.span.line) for d in analysis.diagnostics if any(a <= d.span.line <= b for a, b in fenced)
    ]
    assert bad == [], f"diagnostics inside fenced code: {bad}"
    assert {t.line for t in analysis.tickets} >= set(real), "the real table outside the fences was lost"


@settings(max_examples=examples(120))
@given(fenced_documents())
def test_tables_in_fenced_code_are_never_tickets(doc) -> None:
    check_fenced(*doc)


LIST_FENCE_WITH_HEADING = (
    "- ```\n"
    "  #\n"
    "  | # | Ticket | Model |\n"
    "  |---|---|---|\n"
    "  | 1.1 | Create users table migration | opus |\n"
    "  ```\n"
)


@pytest.mark.parametrize(
    "text",
    [
        LIST_FENCE_WITH_HEADING,
        "1. ```\n   ## Sprint 1\n   | # | Ticket | Model |\n   |---|---|---|\n"
        "   | 1.1 | Create users table migration | opus |\n   ```\n",
        "<pre>\n# x\n| # | Ticket | Model |\n|---|---|---|\n| 1.1 | Create users table migration | opus |\n</pre>\n",
        "- ```\n  ~~~\n  ```\n\n```\n~~~\n# S\n| # | Ticket | Model |\n|---|---|---|\n"
        "| 1.1 | Create users table migration | opus |\n```\n",
        "- ```\n  x\n  ```\n\n~~~\n```\n# S\n| # | Ticket | Model |\n|---|---|---|\n"
        "| 1.1 | Create users table migration | opus |\n~~~\n",
    ],
    ids=["bullet-list", "ordered-list", "html-pre", "fence-marker-inside-list-fence", "after-list-fence"],
)
def test_heading_inside_list_item_fence(text: str) -> None:
    analysis = ANALYZER.analyze(text)
    assert analysis.tickets == ()
    assert analysis.diagnostics == ()


BOM_TEXT = (
    "\ufeff## Sprint 1: X (3 tickets)\n\n| # | Ticket | Model |\n|---|---|---|\n"
    "| 1.1 | Create users table migration | opus |\n"
)


def test_leading_bom_columns() -> None:
    lines = split_lines(BOM_TEXT)
    analysis = ANALYZER.analyze(BOM_TEXT)
    tl104 = next(d for d in analysis.diagnostics if d.code == "TL104")
    assert lines[0][tl104.span.start : tl104.span.end] == "3"
    new, _n, _a = fix_all(ANALYZER, BOM_TEXT)
    assert split_lines(new)[0] == "\ufeff## Sprint 1: X (1 tickets)"


TABLE_ABOVE = "| # | Ticket | Model |\n|---|---|---|\n| 1.1 | Create users table migration | haiku |\n\n"


@pytest.mark.parametrize(
    "tail",
    [
        "> ```\n> Distribution: 3 haiku (100%)\n> ```\n",
        "- ```\n  Distribution: 3 haiku (100%)\n  ```\n",
        "    Distribution: 3 haiku (100%)\n",
        "<!--\nDistribution: 3 haiku (100%)\n-->\n",
        "- x\n\n   ```\n   Distribution: 3 haiku (100%)\n   ```\n",
    ],
    ids=["quote-fence", "list-fence", "indented-code", "html-comment", "fence-continuing-list-item"],
)
def test_distribution_line_in_code(tail: str) -> None:
    text = TABLE_ABOVE + tail
    assert [d.code for d in ANALYZER.analyze(text).diagnostics] == []
    assert fix_all(ANALYZER, text)[0] == text


def _parse_seconds(n: int) -> float:
    line = "a|" * n
    t0 = time.process_time()
    parse_block([line, "b"])
    return time.process_time() - t0


def test_long_pipe_line_is_linear() -> None:
    _parse_seconds(500)  # warm up
    small, big = _parse_seconds(2_500), _parse_seconds(10_000)
    # linear: 4x the text, ~4x the time; quadratic: ~16x
    assert big < 0.2 or big < 8 * max(small, 1e-3), (small, big)


# -- the line-scan fast path agrees with mistune --------------------------------

_PLAINISH = [
    "",
    " ",
    "\t",
    "Intro text for the sprint.",
    "text | with a pipe",
    "Distribution: 2 haiku (100%)",
    "**Distribution:** 1 haiku, 1 sonnet",
    "<!-- a note -->",
    "<!-- tierlint-disable-next-line TL001 -->",
    "<!-- not closed",
    "-->",
    "1.1 is a version",
    "1. a list",
    "2) another",
    "- item | a | b",
    "* star",
    "**bold** start",
    "*em* start",
    "---",
    "- - -",
    "___",
    "_x_ word",
    "+",
    "+x",
    "===",
    "=x",
    "[ref]: https://example.com",
    "# Sprint 1: Foundation",
    "## Sprint 2 (2 tickets) ##",
    "#hashtag",
    " # Sprint 3",
    "# a | b",
    "   three spaces",
    "    four spaces | x",
    "\tTab | y",
    "  \tspace tab",
    "\x0b",
    "\u00a0nbsp",
    "> | quoted | table |",
    "```",
    "~~~",
    "`code` | z",
    "<div>",
    "\u2028",
    "```bash",
    "```a`b",
    "````",
    "  ~~~~ info",
    "> Note: x",
    ">",
    "***",
    "* * *",
    "--",
    "  ---",
    "[x] done",
    "# Sprint 4 #",
    "     ",
]


@st.composite
def plainish_sections(draw) -> str:
    cell = st.sampled_from(["", " Ticket ", "Model", "Owner", "haiku", "a \\| b", "🔄", "x"])

    @st.composite
    def row(draw) -> str:
        cells = draw(st.lists(cell, min_size=1, max_size=4))
        lead = draw(st.sampled_from(["", "|", " |", "   |", "    |", "\t|", "- |", "> |", "# |"]))
        return lead + "|".join(cells) + draw(st.sampled_from(["", "|", "| "]))

    delim = st.builds(
        lambda lead, parts, trail: lead + "|".join(parts) + trail,
        st.sampled_from(["", "|", " |", "    |"]),
        st.lists(st.sampled_from(["---", ":--", "--:", " - "]), min_size=1, max_size=4),
        st.sampled_from(["", "|", "| "]),
    )
    line = st.one_of(row(), row(), delim, st.sampled_from(_PLAINISH))
    return "\n".join(draw(st.lists(line, max_size=14)))


def check_fast_path(lines: list[str]) -> int:
    """Compare the line scan with mistune on every section; returns how many
    sections took the fast path."""
    from tierlint.parse import _mistune_block, _plain_block
    from tierlint.sections import scan

    fast = 0
    for a, b in scan(lines).sections:
        plain = _plain_block(lines[a:b], a)
        if plain is not None:
            fast += 1
            assert plain == _mistune_block(lines[a:b], a), lines[a:b]
    return fast


@settings(max_examples=examples(300))
@given(plainish_sections())
@example("## Sprint 1\n\n| # | Ticket | Model |\n|---|---|---|\n| 1 | Add x | haiku |\nDistribution: 1")
@example("# a | b\n|---|---|\n| 1 | 2 |")
@example("text\n| a | b |\n|---|---|\n| 1 | 2 |\n- item | x\n> q | r")
@example("| a | b |\n|---|\n| 1 | 2 |")
@example("    | a | b |\n|---|---|")
@example("<!-- x --> | a | b |\n|---|---|")
def test_line_scan_agrees_with_mistune(text: str) -> None:
    check_fast_path(split_lines(text))


def test_line_scan_agrees_with_mistune_on_fixtures() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "fixtures"
    fast = 0
    for path in sorted(root.rglob("*.md")):
        fast += check_fast_path(split_lines(path.read_text(encoding="utf-8", errors="replace")))
    assert fast >= 80  # most sections of real backlogs take the fast path
