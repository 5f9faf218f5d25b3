"""Cutting a document into sections, and knowing which lines are code.

The analyser parses each section on its own and caches it, so an edit costs
only its section. A cut is only made where it cannot change how mistune reads
the text: at an ATX heading outside every fenced block (fences inside list
items and block quotes included), HTML comment and raw-text HTML block.
The same scan tells which lines are inside such blocks, so that a
`Distribution:` line in an example is never taken for a sprint's summary.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right

from . import regexes
from .records import NamedTuple

# An optional container prefix (quote markers, a list marker) then a fence.
_FENCE = regexes.compile(
    r"^(?P<prefix>(?:[ \t]*>)*[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?)(?P<marker>`{3,}|~{3,})(?P<rest>.*)$"
)
_ATX = regexes.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_RAW_OPEN = regexes.compile(r"^ {0,3}<(pre|script|style|textarea)(?:[ \t>]|$)", re.IGNORECASE)


class Layout(NamedTuple):
    """Section ranges [start, end) and the line ranges (inclusive) that are code,
    comments or raw HTML."""

    sections: tuple[tuple[int, int], ...]
    opaque: tuple[tuple[int, int], ...]

    def is_opaque(self, line: int) -> bool:
        starts = [a for a, _ in self.opaque]
        i = bisect_right(starts, line) - 1
        return i >= 0 and self.opaque[i][0] <= line <= self.opaque[i][1]


def scan(lines: list[str]) -> Layout:
    cuts = [0]
    opaque: list[tuple[int, int]] = []
    fence: tuple[str, int] | None = None
    raw_end: str | None = None
    block_start = 0
    for n, line in enumerate(lines):
        if fence is not None:
            m = _FENCE.match(line)
            if (
                m
                and m.group("marker")[0] == fence[0]
                and len(m.group("marker")) >= fence[1]
                and not m.group("rest").strip()
            ):
                fence = None
                opaque.append((block_start, n))
            continue
        if raw_end is not None:
            if raw_end in line.lower():
                raw_end = None
                opaque.append((block_start, n))
            continue
        first = line[:1]
        if first == "|" and "<" not in line:
            continue  # a table row, most lines of a backlog: nothing opens or heads here
        if first in "`~ \t>-*+0123456789":
            m = _FENCE.match(line)
            if m:
                marker = m.group("marker")
                if not (marker[0] == "`" and "`" in m.group("rest")):
                    fence = (marker[0], len(marker))
                    block_start = n
                    continue
        if "<" in line:
            start = line.rfind("<!--")
            if start >= 0 and "-->" not in line[start:]:
                raw_end, block_start = "-->", n
                continue
            rm = _RAW_OPEN.match(line)
            if rm:
                close = f"</{rm.group(1).lower()}>"
                if close not in line.lower()[rm.end() :]:
                    raw_end, block_start = close, n
                    continue
        if (first == "#" or first == " ") and n and _ATX.match(line):
            cuts.append(n)
    if fence is not None or raw_end is not None:
        opaque.append((block_start, len(lines) - 1))
    cuts.append(len(lines))
    sections = tuple((a, b) for a, b in itertools.pairwise(cuts) if b > a)
    return Layout(sections, tuple(opaque))


def split_sections(lines: list[str]) -> list[tuple[int, int]]:
    return list(scan(lines).sections)


def is_code_line(line: str) -> bool:
    """A line that is code or quoted whatever surrounds it: indented four
    columns (indented code, or a list item's continuation) or in a block quote."""
    return line.startswith(("    ", "\t", " \t", "  \t", "   \t")) or line.lstrip(" ")[:1] == ">"
