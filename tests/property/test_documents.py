"""The language server's document model: after any run of ranged changes (in
the client's units) its text is the text the changes describe, and its lines
and line starts are the ones a fresh split of that text gives, whether a
change replaced one line's text in place or reached across lines."""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from tierlint.lines import split_lines
from tierlint.lsp.documents import Document

from .lsp_support import units
from .profiles import examples

ENCODINGS = ("utf-16", "utf-8", "utf-32")
PIECES = ["a", "|", " ", "é", "e\u0301", "🚀", "認", "\u2028", "\n", "\r", "\r\n", "| 1 | Fix typo | haiku |"]
texts = st.lists(st.sampled_from(PIECES), max_size=25).map("".join)


def starts_of(text: str) -> list[int]:
    out, pos = [0], 0
    for line, end in zip(split_lines(text), _endings(text)):
        pos += len(line) + len(end)
        if end:
            out.append(pos)
    return out


def _endings(text: str) -> list[str]:
    from tierlint.lines import line_endings

    return line_endings(text)


@st.composite
def changes(draw, text: str, encoding: str) -> tuple[SimpleNamespace, str]:
    """A ranged change in `encoding` units (at times past the end of a line or
    of the text, which the model clamps), and the text it should give."""
    lines = split_lines(text)
    sl = draw(st.integers(0, len(lines)))
    el = draw(st.integers(sl, len(lines) + 1)) if draw(st.booleans()) else sl
    line_s = lines[sl] if sl < len(lines) else ""
    line_e = lines[el] if el < len(lines) else ""
    sc = draw(st.integers(0, len(line_s) + 2))
    ec = draw(st.integers(0, len(line_e) + 2))
    new = draw(texts)
    rng = SimpleNamespace(
        start=SimpleNamespace(
            line=sl, character=units(line_s[: min(sc, len(line_s))], encoding) + max(0, sc - len(line_s))
        ),
        end=SimpleNamespace(
            line=el, character=units(line_e[: min(ec, len(line_e))], encoding) + max(0, ec - len(line_e))
        ),
    )
    start, end = _offset(text, sl, sc), _offset(text, el, ec)
    if end < start:
        start, end = end, start
    return SimpleNamespace(range=rng, text=new), text[:start] + new + text[end:]


def _offset(text: str, line: int, column: int) -> int:
    lines = split_lines(text)
    if line >= len(lines):
        return len(text)
    return starts_of(text)[line] + min(column, len(lines[line]))


@settings(max_examples=examples(300))
@given(text=texts, encoding=st.sampled_from(ENCODINGS), data=st.data())
def test_changes_keep_text_lines_and_starts_together(text: str, encoding: str, data: st.DataObject) -> None:
    doc = Document("file:///d.md", text, 1)
    for _ in range(data.draw(st.integers(1, 5))):
        change, text = data.draw(changes(text, encoding))
        doc.lines  # noqa: B018  (an editor's requests read them between changes)
        doc.apply(change, encoding)
        assert doc.text == text
        assert doc.lines == split_lines(text)
        assert doc._line_starts() == starts_of(text)


def test_retyping_a_cell_then_breaking_its_line() -> None:
    doc = Document("file:///d.md", "ab\ncd", 1)
    for change, after in [
        (SimpleNamespace(range=_range(1, 0, 1, 1), text="x"), "ab\nxd"),
        (SimpleNamespace(range=_range(0, 1, 0, 1), text="\r"), "a\rb\nxd"),
        (SimpleNamespace(range=_range(1, 1, 1, 1), text="🚀"), "a\rb🚀\nxd"),
        # emptying the line between a CR and an LF joins them into one break
        (SimpleNamespace(range=_range(1, 0, 1, 3), text=""), "a\r\nxd"),
    ]:
        doc.apply(change, "utf-16")
        assert (doc.text, doc.lines, doc._line_starts()) == (after, split_lines(after), starts_of(after))


def _range(sl: int, sc: int, el: int, ec: int) -> SimpleNamespace:
    return SimpleNamespace(
        start=SimpleNamespace(line=sl, character=sc), end=SimpleNamespace(line=el, character=ec)
    )


def test_a_change_within_a_line_keeps_the_other_lines_strings() -> None:
    """What the diagnostics' conversion counts on to compare lines quickly."""
    doc = Document("file:///d.md", "| a | haiku |\n| b | opus |\n| c | sonnet |", 1)
    before = doc.lines
    doc.apply(SimpleNamespace(range=_range(1, 6, 1, 10), text="haiku"), "utf-16")
    assert doc.text == "| a | haiku |\n| b | haiku |\n| c | sonnet |"
    assert doc.lines[0] is before[0] and doc.lines[2] is before[2]
    assert doc.lines[1] == "| b | haiku |"
    assert before[1] == "| b | opus |"  # the last version's lines stay as they were
