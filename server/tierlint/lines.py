"""The line model every position in tierlint refers to.

Lines end at CRLF, LF or CR and nowhere else: the same rule as the Language
Server Protocol, unlike `str.splitlines`, which also breaks at U+2028, form
feeds and other characters a user may legitimately have in a cell.
"""

from __future__ import annotations

import re

# `re` itself, not the regex store: the language server imports this module
# before it answers `initialize`, and this pattern compiles in a tenth of a ms.
_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """Lines without their terminators; a trailing break yields a final ''."""
    if "\r" not in text:
        return text.split("\n")
    return _BREAK.split(text)


def line_endings(text: str) -> list[str]:
    """The terminator of every line ('' for the last one)."""
    ends = _BREAK.findall(text)
    ends.append("")
    return ends


def dominant_ending(text: str) -> str:
    """The break most lines use, for writing new lines in the file's style."""
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    cr = text.count("\r") - crlf
    if crlf >= lf and crlf >= cr and crlf:
        return "\r\n"
    if cr > lf:
        return "\r"
    return "\n"
