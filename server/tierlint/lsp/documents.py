"""Open documents, with tierlint's own line model.

pygls splits lines with `str.splitlines`, which also breaks at U+2028, form
feeds and NEL; clients do not, so its line numbers drift from the editor's on
such text. tierlint keeps the text itself and applies incremental changes with
the LSP's line rule (CRLF, LF, CR).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..lines import split_lines
from .positions import from_client

_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass
class Document:
    uri: str
    text: str
    version: int | None
    language_id: str = "markdown"
    saved_text: str | None = None
    saved_version: int | None = None
    _lines: list[str] | None = field(default=None, repr=False)
    _starts: list[int] | None = field(default=None, repr=False)

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = split_lines(self.text)
        return self._lines

    def line(self, n: int) -> str:
        lines = self.lines
        return lines[n] if 0 <= n < len(lines) else ""

    def _line_starts(self) -> list[int]:
        if self._starts is None:
            text = self.text
            if "\r" not in text:
                starts = [0]
                i = text.find("\n")
                while i >= 0:
                    starts.append(i + 1)
                    i = text.find("\n", i + 1)
            else:
                starts = [0, *(m.end() for m in _BREAK.finditer(text))]
            self._starts = starts
        return self._starts

    def offset(self, line: int, units: int, encoding: str) -> int:
        starts = self._line_starts()
        if line < 0:
            return 0
        if line >= len(starts):
            return len(self.text)
        return starts[line] + from_client(self.line(line), units, encoding)

    def set_text(self, text: str, version: int | None) -> None:
        self.text = text
        self.version = version
        self._lines = None
        self._starts = None

    def apply(self, change: Any, encoding: str) -> None:
        """Apply one `TextDocumentContentChangeEvent` (ranged or whole).

        A change within one line that adds no line break (typing, nearly
        always) replaces that line alone: the other lines stay the very
        strings they were, so what compares them with the last version's
        lines (the diagnostics' conversion) finds them equal at a glance,
        and nothing splits the whole text again."""
        rng = getattr(change, "range", None)
        if rng is None:
            self.set_text(change.text, self.version)
            return
        start = self.offset(rng.start.line, rng.start.character, encoding)
        end = self.offset(rng.end.line, rng.end.character, encoding)
        if end < start:
            start, end = end, start
        new = change.text
        text = self.text[:start] + new + self.text[end:]
        n = rng.start.line
        lines, starts = self._lines, self._starts
        if (
            lines is None
            or starts is None
            or rng.end.line != n
            or not 0 <= n < len(lines)
            or "\n" in new
            or "\r" in new
        ):
            self.set_text(text, self.version)
            return
        # `offset` clamps to the line, so the change leaves its line break alone
        line, first = lines[n], starts[n]
        after = line[: start - first] + new + line[end - first :]
        if not after and first and text[first - 1 : first + 1] == "\r\n":
            # the line emptied between a CR and an LF, which now make one break
            self.set_text(text, self.version)
            return
        lines = list(lines)
        lines[n] = after
        delta = len(new) - (end - start)
        if delta:
            starts = starts[: n + 1] + [s + delta for s in starts[n + 1 :]]
        self.text = text
        self._lines = lines
        self._starts = starts


class Documents:
    def __init__(self) -> None:
        self._docs: dict[str, Document] = {}

    def get(self, uri: str) -> Document | None:
        return self._docs.get(uri)

    def open(self, uri: str, text: str, version: int | None, language_id: str) -> Document:
        doc = Document(uri, text, version, language_id, text, version)
        self._docs[uri] = doc
        return doc

    def close(self, uri: str) -> Document | None:
        return self._docs.pop(uri, None)

    def all(self) -> list[Document]:
        return list(self._docs.values())
