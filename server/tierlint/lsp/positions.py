"""Code-point columns (the engine's) <-> the client's position units.

pygls negotiates utf-8, utf-16 or utf-32 but converts nothing it returns; these
helpers work on one line at a time, so a diagnostic never costs a re-split of
the document. ASCII lines (most lines) take the fast path.
"""

from __future__ import annotations

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def to_client(line: str, column: int, encoding: str) -> int:
    """Code-point `column` on `line` -> client units."""
    if encoding == UTF32 or line.isascii():
        return column
    head = line[:column]
    if encoding == UTF16:  # two bytes a unit (a lone surrogate is one unit, as in the client)
        return len(head.encode("utf-16-le", errors="surrogatepass")) >> 1
    return len(head.encode("utf-8", errors="surrogatepass"))


def from_client(line: str, units: int, encoding: str) -> int:
    """Client units on `line` -> code-point column, clamped to the line; a
    position inside a character (half a surrogate pair, a UTF-8 continuation
    byte) moves to the start of that character."""
    if units <= 0:
        return 0
    if encoding == UTF32 or line.isascii():
        return min(units, len(line))
    count = 0
    for i, c in enumerate(line):
        width = (
            (2 if ord(c) > 0xFFFF else 1)
            if encoding == UTF16
            else len(c.encode("utf-8", errors="surrogatepass"))
        )
        if count + width > units:
            return i
        count += width
        if count == units:
            return i + 1
    return len(line)


def normalize(encoding: object) -> str:
    text = str(getattr(encoding, "value", encoding) or UTF16).lower()
    return text if text in (UTF8, UTF16, UTF32) else UTF16
