"""Markdown block structure (mistune) plus a position-aware pipe-table rule.

mistune decides what is code, HTML, a quote or a list; a custom block rule
records pipe tables with the line of every row and the span of every cell. The
stock table plugin is no use to a linter: it has no positions and silently
turns a table into a paragraph when one row is ragged. Only block-level
parsing runs: inline parsing is not needed for tables and would cost ~2x.

Most sections of a backlog are a heading, paragraphs and tables. For those a
line scan gives exactly what mistune would (`_plain_block`); a section with
any line that could open another kind of block (a list, a quote, code, HTML,
a setext underline…) goes to mistune, which is imported only then.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from . import regexes
from .model import Cell, Heading, Row, Span, Table
from .records import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, overload

    import mistune
    from mistune.block_parser import BlockParser
    from mistune.core import BlockState

# A header row holding a pipe, then a GFM delimiter row holding a pipe.
_TABLE_START = (
    r"^ {0,3}(?P<tl_head>[^\n|]*\|[^\n]*)\n"
    r"(?P<tl_delim> {0,3}(?=[^\n]*\|)\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*)"
    r"(?:\n|$)"
)
_WS = " \t"
_new = tuple.__new__  # a Cell from its fields: a row's cells are built by the thousand
# Lines that start another block and so end a table even when they hold a pipe.
_INTERRUPT = regexes.compile(r" {0,3}(?:#{1,6}(?:[ \t]|$)|`{3,}|~{3,}|>)")
_ATX_TRIM = regexes.compile(r"(?:^|[ \t]+)#+[ \t]*$")
DIRECTIVE = regexes.compile(
    r"<!--\s*tierlint-(disable-next-line|disable-line|disable-file|disable|enable)"
    r"((?:[\s,]+(?:TL\d{0,3}|ALL))*)\s*-->",
    re.IGNORECASE,
)


class Directive(NamedTuple):
    line: int
    kind: str
    codes: frozenset[str]


class Block(NamedTuple):
    """What tierlint needs from one stretch of markdown."""

    headings: tuple[Heading, ...]
    tables: tuple[Table, ...]
    directives: tuple[Directive, ...]
    fences: tuple[tuple[int, int], ...]


def split_row(text: str, line: int) -> Row:
    """Split one table row with GFM rules (an escaped `\\|` stays in its cell).
    The plain case is a `str.split`; cell spans are computed only when asked for."""
    if "\\" in text:
        cells, leading, trailing = _cells(text, line)
        return Row(line, text, tuple(c.text for c in cells), leading, trailing, cells)
    if (
        text[:2] == "| "
        and text[-2:] == " |"
        and "  |" not in text
        and "|  " not in text
        and "\t" not in text
    ):
        # "| a | b |", one space each side of every pipe: the cells need no trimming
        values = text[2:-2].split(" | ")
        if text.count("|") == len(values) + 1:  # no pipe inside a cell
            return Row(line, text, tuple(values), True, True, None, cells_of)
    parts = text.split("|")
    if len(parts) > 2 and not parts[0].strip(_WS) and not parts[-1].strip(_WS):
        # a pipe first and last, nearly every row: every part between is a cell
        return Row(line, text, tuple([p.strip(_WS) for p in parts[1:-1]]), True, True, None, cells_of)
    stripped = text.strip(_WS)
    leading = stripped[:1] == "|"
    trailing = len(parts) > 1 and stripped[-1:] == "|" and (len(parts) > 2 or not leading)
    inner = parts[1 if leading else 0 : len(parts) - 1 if trailing else len(parts)]
    if not trailing and not leading:
        inner[-1] = inner[-1].rstrip(_WS)
        inner[0] = inner[0].lstrip(_WS)
    elif not trailing:
        inner[-1] = inner[-1].rstrip(_WS)
    elif not leading:
        inner[0] = inner[0].lstrip(_WS)
    values = tuple([p.strip(_WS) for p in inner])
    return Row(line, text, values, leading, trailing, None, cells_of)


if TYPE_CHECKING:

    @overload
    def cells_of(text: str, line: int) -> tuple[Cell, ...]: ...
    @overload
    def cells_of(text: str, line: int, index: int) -> Cell: ...


def cells_of(text: str, line: int, index: int | None = None) -> tuple[Cell, ...] | Cell:
    """The cells of a row, with their spans; or only the one at `index`
    (IndexError past the last)."""
    if "\\" not in text:
        stripped = text.strip(_WS)
        if len(stripped) > 1 and stripped[0] == "|" and stripped[-1] == "|":
            return _framed_cells(text, line) if index is None else _framed_cell(text, line, index)
    cells = _cells(text, line)[0]
    return cells if index is None else cells[index]


def _framed_cell(text: str, line: int, index: int) -> Cell:
    """One cell of a framed row, without building the others."""
    parts = text.split("|")
    if not 0 <= index < len(parts) - 2:
        raise IndexError(index)
    pos = sum(map(len, parts[: index + 1])) + index + 1
    raw = parts[index + 1]
    end = pos + len(raw)
    value = raw.strip(_WS)
    if value:
        s = pos + raw.find(value[0])
        return _new(Cell, (value, line, s, s + len(value), pos, end))
    return _new(Cell, ("", line, pos, end, pos, end))


def _framed_cells(text: str, line: int) -> tuple[Cell, ...]:
    """The cells of the common row, framed by pipes and without escapes: one
    pass over its parts (what `_cells` gives, at a fraction of the cost)."""
    parts = text.split("|")
    out = []
    pos = len(parts[0]) + 1
    for raw in parts[1:-1]:
        end = pos + len(raw)
        value = raw.strip(_WS)
        if value:
            s = pos + raw.find(value[0])
            out.append(_new(Cell, (value, line, s, s + len(value), pos, end)))
        else:
            out.append(_new(Cell, ("", line, pos, end, pos, end)))
        pos = end + 1
    return tuple(out)


def _cells(text: str, line: int) -> tuple[tuple[Cell, ...], bool, bool]:
    if "\\" in text:
        pipes: list[int] = []
        i = text.find("|")
        while i >= 0:
            k = i
            while k > 0 and text[k - 1] == "\\":
                k -= 1
            if (i - k) % 2 == 0:
                pipes.append(i)
            i = text.find("|", i + 1)
    else:
        pipes = []
        pos = -1
        for part in text.split("|")[:-1]:
            pos += len(part) + 1
            pipes.append(pos)
    stripped_end = len(text.rstrip(_WS))
    indent = len(text) - len(text.lstrip(_WS))
    leading = bool(pipes) and pipes[0] == indent
    trailing = bool(pipes) and pipes[-1] == stripped_end - 1 and (len(pipes) > 1 or not leading)
    bounds = pipes
    if not leading:
        bounds = [indent - 1, *bounds]
    if not trailing:
        bounds = [*bounds, stripped_end]
    cells: list[Cell] = []
    append = cells.append
    a = bounds[0]
    for b in bounds[1:]:
        start = a + 1
        raw = text[start:b]
        value = raw.strip(_WS)
        if value:
            s = start + raw.find(value[0])
            e = s + len(value)
            if "\\|" in value:
                value = value.replace("\\|", "|")
            append(_new(Cell, (value, line, s, e, start, b)))
        else:
            append(_new(Cell, ("", line, start, b, start, b)))
        a = b
    return tuple(cells), leading, trailing


def table_rows(lines: list[str], n: int, offset: int) -> tuple[tuple[Row, ...], int]:
    """The body rows of a table from line `n`, and the line after them: rows
    end at a blank line, a line without a pipe, or one that starts another
    block."""
    rows = []
    total = len(lines)
    while n < total:
        text = lines[n]
        # a line that holds a pipe is not blank; one that starts with it starts no other block
        if "|" not in text or (text[0] != "|" and _INTERRUPT.match(text)):
            break
        rows.append(split_row(text, n + offset))
        n += 1
    return tuple(rows), n


class _Collector:
    """Receives what the mistune rules see at the top level of the document."""

    def __init__(self, src: str, lines: list[str], first_line: int) -> None:
        self.lines = lines
        self.first_line = first_line
        self.starts = [0]
        pos = src.find("\n")
        while pos >= 0:
            self.starts.append(pos + 1)
            pos = src.find("\n", pos + 1)
        self.headings: list[Heading] = []
        self.tables: list[Table] = []
        self.fences: list[tuple[int, int]] = []

    def line_of(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1

    def heading(self, line: int, level: int, text: str) -> None:
        raw = self.lines[line]
        start = raw.find(text) if text else len(raw)
        start = max(start, 0)
        self.headings.append(
            Heading(
                line + self.first_line,
                level,
                text,
                Span(line + self.first_line, start, start + len(text)),
            )
        )


def _build_parser() -> mistune.Markdown:
    import mistune

    md = mistune.create_markdown(renderer=None, plugins=[])
    block: BlockParser = md.block

    def table_rule(parser: BlockParser, m: re.Match[str], state: BlockState) -> int | None:
        col: _Collector | None = state.env.get("tierlint")
        if col is None or state.parent is not None:
            return None
        head_line = col.line_of(m.start())
        lines = col.lines
        off = col.first_line
        header = split_row(lines[head_line], head_line + off)
        delim = split_row(lines[head_line + 1], head_line + 1 + off)
        if header.width != delim.width or not header.values:
            return None
        rows, n = table_rows(lines, head_line + 2, off)
        col.tables.append(Table(header, delim, rows, None))
        return col.starts[n] if n < len(col.starts) else state.cursor_max

    block.register("tl_table", _TABLE_START, table_rule, before="atx_heading")

    atx = block._methods["atx_heading"]
    setext = block._methods["setex_heading"]
    fenced = block._methods["fenced_code"]

    def atx_heading(m: re.Match[str], state: BlockState) -> Any:
        col: _Collector | None = state.env.get("tierlint")
        if col is not None and state.parent is None:
            text = m.group("atx_2").strip(" \t")
            text = _ATX_TRIM.sub("", text) if text else text
            col.heading(col.line_of(m.start()), len(m.group("atx_1")), text)
        return atx(m, state)

    def setex_heading(m: re.Match[str], state: BlockState) -> Any:
        last = state.last_token()
        para = last["text"] if last and last["type"] == "paragraph" else None
        result = setext(m, state)
        col: _Collector | None = state.env.get("tierlint")
        if result and para is not None and col is not None and state.parent is None:
            line = col.line_of(m.start()) - 1
            text = para.strip().splitlines()[-1].strip() if para.strip() else ""
            col.heading(line, 1 if m.group("setext_1") == "=" else 2, text)
        return result

    def fenced_code(m: re.Match[str], state: BlockState) -> Any:
        end = fenced(m, state)
        col: _Collector | None = state.env.get("tierlint")
        if end and col is not None and state.parent is None:
            col.fences.append((col.line_of(m.start()), col.line_of(max(end - 1, m.start()))))
        return end

    block._methods["atx_heading"] = atx_heading
    block._methods["setex_heading"] = setex_heading
    block._methods["fenced_code"] = fenced_code
    return md


_PARSER: mistune.Markdown | None = None


def parse_block(lines: list[str], first_line: int = 0) -> Block:
    """Parse `lines` (a whole document or one section of it) whose first line is
    `first_line` of the document."""
    plain = _plain_block(lines, first_line)
    if plain is not None:
        return plain
    return _mistune_block(lines, first_line)


def _mistune_block(lines: list[str], first_line: int = 0) -> Block:
    global _PARSER
    if _PARSER is None:
        _PARSER = _build_parser()
    from mistune.core import BlockState

    src = "\n".join(lines) + "\n"
    col = _Collector(src, lines, first_line)
    state = BlockState()
    state.env["tierlint"] = col
    state.process(src)
    _PARSER.block.parse(state)
    directives = _directives(lines, first_line, col.fences)
    tables = tuple(_attach_headings(col.tables, col.headings))
    fences = tuple((a + first_line, b + first_line) for a, b in col.fences)
    return Block(tuple(col.headings), tables, directives, fences)


# mistune's rules for the blocks the line scan knows (see _plain_block).
_ATX_LINE = regexes.compile(r" {0,3}(?P<atx_1>#{1,6})(?!#+)(?P<atx_2>[ \t]*|[ \t]+.*?)$")
_DELIM_LINE = regexes.compile(r" {0,3}(?=[^\n]*\|)\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*")
_FENCE_OPEN = regexes.compile(r" {0,3}(`{3,}|~{3,})[ \t]*(.*)")
_THEMATIC = regexes.compile(r" {0,3}(?:(?:-[ \t]*){3,}|(?:_[ \t]*){3,}|(?:\*[ \t]*){3,})")
_SETEXT = regexes.compile(r" {0,3}(?:=+|-+)[ \t]*")
_LIST_ITEM = regexes.compile(r" {0,3}(?:[*+-]|\d{1,9}[.)])(?:[ \t]|$)")


def _indented_code(line: str) -> bool:
    """mistune's test for a line of indented code (or a paragraph's continuation)."""
    if len(line) > 4 and line.startswith("    "):
        return True
    body = line.lstrip(" ")
    return body[:1] == "\t" and len(body) > 1


def _plain_block(lines: list[str], first_line: int) -> Block | None:
    """What mistune would find in a section made of paragraphs, pipe tables,
    ATX headings, fenced code, thematic breaks, one-line HTML comments and block
    quotes followed by a blank line; None when the section has anything else
    (lists, setext headings, other HTML, indented code…), which mistune then
    parses. Each case follows mistune's rule order: fenced code, then a table,
    then the rest. `para` tracks whether mistune's last token is a paragraph,
    which decides what a `---` line is."""
    headings: list[Heading] = []
    tables: list[Table] = []
    fences: list[tuple[int, int]] = []
    total = len(lines)
    para = False
    n = 0
    while n < total:
        text = lines[n]
        if _indented_code(text):
            return None
        body = text.lstrip(" ")
        if not body.strip(_WS):
            para = False
            n += 1
            continue
        if len(text) - len(body) > 3:
            return None
        c = body[0]
        if c in "`~" and (m := _FENCE_OPEN.match(text)) is not None:
            marker, info = m.group(1), m.group(2)
            if c == "`" and "`" in info:
                para = True  # not a fence: a paragraph line
                n += 1
                continue
            close = regexes.compile(" {0,3}" + c + "{" + str(len(marker)) + r",}[ \t]*")
            end = next((k for k in range(n + 1, total) if close.fullmatch(lines[k])), total - 1)
            fences.append((n + first_line, end + first_line))
            para = False
            n = end + 1
            continue
        if "|" in text and n + 1 < total and _DELIM_LINE.fullmatch(lines[n + 1]):
            header = split_row(text, n + first_line)
            delim = split_row(lines[n + 1], n + 1 + first_line)
            if header.width != delim.width or not header.values:
                para = True  # not a table: the header line is a paragraph
                n += 1
                continue
            rows, n = table_rows(lines, n + 2, first_line)
            tables.append(Table(header, delim, rows, None))
            continue  # a table adds no token: `para` stays as it was
        if c == "#":
            m = _ATX_LINE.match(text)
            if m is None:
                return None
            title = m.group("atx_2").strip(" \t")
            title = _ATX_TRIM.sub("", title) if title else title
            start = max(text.find(title), 0) if title else len(text)
            line = n + first_line
            headings.append(
                Heading(line, len(m.group("atx_1")), title, Span(line, start, start + len(title)))
            )
            para = False
        elif c in "=-" and _SETEXT.fullmatch(text):
            if para or not _THEMATIC.fullmatch(text):
                return None  # a setext underline, or a list item
            para = False
        elif c in "*_" and _THEMATIC.fullmatch(text):
            para = False
        elif c == ">":
            k = n
            while (
                k < total
                and lines[k].lstrip(" ")[:1] == ">"
                and len(lines[k]) - len(lines[k].lstrip(" ")) <= 3
            ):
                k += 1
            if k < total and (lines[k].strip(_WS) or _indented_code(lines[k])):
                return None  # a lazy continuation may follow
            para = False
            n = k
            continue
        elif c == "<":
            if not (body.startswith("<!--") and "-->" in body[4:]):
                return None
            para = False  # a comment that ends on its line is a block of its own
        elif c == "[" and "]:" in body:
            return None  # maybe a link reference definition
        elif (c in "-*+0123456789" and _LIST_ITEM.match(text)) or c in "=" or c.isspace() or c < " ":
            return None
        else:
            para = True
        n += 1
    directives = _directives(lines, first_line, [(a - first_line, b - first_line) for a, b in fences])
    return Block(tuple(headings), tuple(_attach_headings(tables, headings)), directives, tuple(fences))


def _attach_headings(tables: list[Table], headings: list[Heading]) -> list[Table]:
    out = []
    lines = [h.line for h in headings]
    for t in tables:
        i = bisect_right(lines, t.first_line) - 1
        out.append(Table(t.header, t.delimiter, t.rows, headings[i] if i >= 0 else None))
    return out


def _directives(lines: list[str], first_line: int, fences: list[tuple[int, int]]) -> tuple[Directive, ...]:
    found = []
    for n, text in enumerate(lines):
        if "tierlint-" not in text:
            continue
        if any(a <= n <= b for a, b in fences):
            continue
        for m in DIRECTIVE.finditer(text):
            codes = frozenset(c.upper() for c in re.findall(r"TL\d{0,3}|ALL", m.group(2), re.IGNORECASE))
            found.append(Directive(n + first_line, m.group(1).lower(), codes))
    return tuple(found)
