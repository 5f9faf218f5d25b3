"""End to end against `tierlint serve` (pytest-lsp; VS Code pull and push in
UTF-16, Neovim in UTF-8): the server's diagnostics equal the engine's analysis
of the same text, ranges converted independently here; and after a random
sequence of incremental edits they equal the engine's analysis of the final
text (code, range, message, severity)."""

from __future__ import annotations

from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st
from lsprotocol import types as lsp

from tierlint.analyze import Analyzer
from tierlint.config import default_rules
from tierlint.lines import split_lines

from .lsp_support import diagnostics_matching, encoding, expected, offset, open_doc, units
from .profiles import examples
from .strategies import backlogs

ANALYZER = Analyzer(default_rules())
INSERTS = [
    "",
    " ",
    "|",
    "haiku",
    "opus",
    "Sonnet",
    "TBD",
    "🚀",
    "👩‍💻",
    "認証",
    "e\u0301",
    "\u2028",
    "\n",
    "\r\n",
    "\r",
    "| 9.9 | Fix typo in README | 🔲 Todo | Backend | opus |",
    "\n| 9.8 | Design search architecture 🔐 | 🔲 Todo | Backend | haiku |",
    "## Sprint 7: New (2 tickets)\n",
    "Distribution: 1 haiku (100%)",
]
_counter = iter(range(1 << 30))


@st.composite
def edit(draw, text: str) -> tuple[int, int, int, int, str] | str:
    """A change to `text`: (start line, start column, end line, end column,
    new text) in code points, or a whole new text."""
    if draw(st.integers(0, 11)) == 0:
        return draw(backlogs(max_sprints=1)).text
    lines = split_lines(text)
    sl = draw(st.integers(0, len(lines) - 1))
    sc = draw(st.integers(0, len(lines[sl])))
    el = draw(st.integers(sl, min(len(lines) - 1, sl + 2)))
    lo = sc if el == sl else 0
    ec = draw(st.integers(lo, len(lines[el])))
    if draw(st.booleans()):
        el, ec = sl, sc  # a pure insertion, like typing
    new = draw(st.one_of(st.sampled_from(INSERTS), st.text(st.sampled_from("ab |-:#🚀é\u0301"), max_size=5)))
    return sl, sc, el, ec, new


# No shrinking: one server session serves every example, and a failure can
# leave it unable to answer, so shrinking would wait on it instead of
# reporting; the failing example is printed as found.
@settings(
    max_examples=examples(6),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
)
@given(bl=backlogs(max_sprints=2), data=st.data())
async def test_server_diagnostics_match_engine(server, bl, data) -> None:
    enc = encoding(server)
    uri = f"file:///backlogs/prop-{next(_counter)}.md"
    text = bl.text
    version = 1
    await open_doc(server, uri, text, version)
    want = expected(text, ANALYZER.analyze(text).diagnostics, enc)
    assert await diagnostics_matching(server, uri, version, want) == want

    for _ in range(data.draw(st.integers(1, 6), label="notifications")):
        changes = []
        for _ in range(data.draw(st.integers(1, 3), label="changes")):
            e = data.draw(edit(text), label="edit")
            if isinstance(e, str):
                changes.append(lsp.TextDocumentContentChangeWholeDocument(text=e))
                text = e
                continue
            sl, sc, el, ec, new = e
            lines = split_lines(text)
            rng = lsp.Range(
                start=lsp.Position(line=sl, character=units(lines[sl][:sc], enc)),
                end=lsp.Position(line=el, character=units(lines[el][:ec], enc)),
            )
            changes.append(lsp.TextDocumentContentChangePartial(range=rng, text=new))
            text = text[: offset(text, sl, sc)] + new + text[offset(text, el, ec) :]
        version += 1
        server.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=changes,
            )
        )
    note(f"final text: {text!r}")
    want = expected(text, ANALYZER.analyze(text).diagnostics, enc)
    assert await diagnostics_matching(server, uri, version, want) == want
    server.text_document_did_close(
        lsp.DidCloseTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
    )
