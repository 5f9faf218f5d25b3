"""Position properties: code-point columns to UTF-16 / UTF-8 / UTF-32 units and
back land on the same code points, and agree with an independent count."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from tierlint.lsp.positions import from_client, to_client

from .lsp_support import units
from .profiles import examples
from .strategies import ASTRAL_EMOJI, CJK, COMBINING, NOT_BREAKS, any_char

ENCODINGS = ("utf-16", "utf-8", "utf-32")

piece = st.one_of(
    st.sampled_from(ASTRAL_EMOJI + CJK + COMBINING + NOT_BREAKS + ["|", " ", "a", "\t", "é", "\x00"]),
    st.text(any_char, max_size=3),
)
lines = st.lists(piece, max_size=30).map("".join).filter(lambda s: "\n" not in s and "\r" not in s)


@settings(max_examples=examples(300))
@given(lines)
@example("👩‍💻 認証 e\u0301|🇫🇷")
@example("\ud83d|\udc00")  # lone surrogates, as a Python str may hold them
@example("")
def test_round_trip_every_column(line: str) -> None:
    for enc in ENCODINGS:
        prev = -1
        for col in range(len(line) + 1):
            u = to_client(line, col, enc)
            assert u == units(line[:col], enc), (enc, col)
            assert u > prev or col == 0
            prev = u
            assert from_client(line, u, enc) == col, (enc, col, u)


@settings(max_examples=examples(300))
@given(lines, st.integers(-3, 400))
def test_from_client_clamps_and_snaps(line: str, u: int) -> None:
    """Units past the end clamp to the end; units inside a character move to
    its start; the result is always a valid column."""
    for enc in ENCODINGS:
        col = from_client(line, u, enc)
        assert 0 <= col <= len(line)
        if u <= 0:
            assert col == 0
        elif u >= units(line, enc):
            assert col == len(line)
        else:
            assert units(line[:col], enc) <= u < units(line[: col + 1], enc) or units(line[:col], enc) == u
