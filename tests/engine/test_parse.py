from __future__ import annotations

from tierlint.lines import line_endings, split_lines
from tierlint.parse import parse_block, split_row


def cells(line: str) -> list[tuple[str, int, int]]:
    return [(c.text, c.span.start, c.span.end) for c in split_row(line, 0).cells]


def test_split_row_spans_cover_trimmed_text() -> None:
    assert cells("| 4.1 | Create sessions table | haiku |") == [
        ("4.1", 2, 5),
        ("Create sessions table", 8, 29),
        ("haiku", 32, 37),
    ]


def test_empty_cell_covers_the_gap_between_pipes() -> None:
    row = split_row("| a |   | b |", 0)
    assert [(c.text, c.span.start, c.span.end) for c in row.cells] == [("a", 2, 3), ("", 5, 8), ("b", 10, 11)]
    assert split_row("|a||b|", 0).cells[1].span.start == 3
    assert split_row("|a||b|", 0).cells[1].span.end == 3


def test_escaped_pipe_stays_in_the_cell() -> None:
    assert cells(r"| a \| b | c |") == [("a | b", 2, 8), ("c", 11, 12)]
    # an escaped backslash before a pipe does not escape the pipe
    assert [c[0] for c in cells(r"| a \\| b |")] == ["a \\\\", "b"]


def test_rows_without_outer_pipes() -> None:
    row = split_row("a | b | c", 0)
    assert [(c.text, c.span.start) for c in row.cells] == [("a", 0), ("b", 4), ("c", 8)]
    assert not row.has_leading_pipe and not row.has_trailing_pipe


def test_tabs_and_astral_characters_count_as_one_code_point() -> None:
    assert cells("|\tx\t| 😀 y |") == [("x", 2, 3), ("😀 y", 6, 9)]


def test_line_model_breaks_only_at_crlf_lf_cr() -> None:
    text = "a\r\nb\u2028c\x0cd\x85e\rf\n"
    assert split_lines(text) == ["a", "b\u2028c\x0cd\x85e", "f", ""]
    assert line_endings(text) == ["\r\n", "\r", "\n", ""]


def table_lines(text: str) -> list[list[int]]:
    block = parse_block(split_lines(text))
    return [[t.header.line, *(r.line for r in t.rows)] for t in block.tables]


def test_ragged_rows_are_kept_not_dropped() -> None:
    text = "| # | T | M |\n|---|---|---|\n| 1 | a |\n| 2 | b | c | d |\n| 3 | c | d |\n"
    assert table_lines(text) == [[0, 2, 3, 4]]


def test_tables_in_fences_quotes_and_indented_code_are_not_tables() -> None:
    text = "```\n| a | b |\n|---|---|\n| 1 | 2 |\n```\n\n> | a | b |\n> |---|---|\n\n    | a | b |\n    |---|---|\n"
    assert table_lines(text) == []


def test_header_only_and_one_column_tables() -> None:
    assert table_lines("| a | b |\n|---|---|\n") == [[0]]
    assert table_lines("| Ticket |\n|---|\n| x |\n") == [[0, 2]]


def test_delimiter_must_match_header_width() -> None:
    assert table_lines("| a | b |\n|---|\n| 1 | 2 |\n") == []


def test_table_ends_at_a_heading_even_with_a_pipe() -> None:
    text = "| a | b |\n|---|---|\n| 1 | 2 |\n## Sprint 2 | notes\n| 3 | 4 |\n"
    block = parse_block(split_lines(text))
    assert [[r.line for r in t.rows] for t in block.tables] == [[2]]
    assert [h.text for h in block.headings] == ["Sprint 2 | notes"]


def test_no_trailing_newline_and_crlf() -> None:
    assert table_lines("| a | b |\r\n|---|---|\r\n| 1 | 2 |") == [[0, 2]]


def test_headings_record_line_and_text_span() -> None:
    block = parse_block(split_lines("intro\n\n## 🔄 Sprint 0: Foundation — ACTIVE ##\n\nSetext\n------\n"))
    atx, setext = block.headings
    assert (atx.line, atx.level, atx.text) == (2, 2, "🔄 Sprint 0: Foundation — ACTIVE")
    assert (atx.span.start, atx.span.end) == (3, 3 + len(atx.text))
    assert (setext.line, setext.level, setext.text) == (4, 2, "Setext")
