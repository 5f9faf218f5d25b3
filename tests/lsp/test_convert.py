"""The diagnostics' conversion reuses a finding's JSON only while it would
convert to the same JSON: the same finding, on lines that read the same, in
the same position encoding."""

from __future__ import annotations

import json

from tierlint.lsp.convert import DiagnosticConverter
from tierlint.model import Diagnostic, Edit, Fix, Severity, Span

LINES = ["| 1 | Add login | haiku |", "Distribution: 1 haiku", "| 2 | Fix typo | opus |"]
# a finding on line 0 whose fix also rewrites line 1 (as TL103's does)
REACHING = Diagnostic(
    "TL003",
    Severity.ERROR,
    "Under-tiered",
    Span(0, 18, 23),
    Fix("Set Model", (Edit(Span(0, 18, 23), "opus"), Edit(Span(1, 16, 21), "opus"))),
    0,
)
PLAIN = Diagnostic("TL004", Severity.WARNING, "Over-tiered", Span(2, 17, 21), None, 2)


def fresh(lines: list[str], diags: list[Diagnostic], encoding: str) -> list[dict[str, object]]:
    return [json.loads(x) for x in DiagnosticConverter().convert_json(lines, diags, encoding)]


def converted(conv: DiagnosticConverter, lines: list[str], encoding: str) -> list[dict[str, object]]:
    return [json.loads(x) for x in conv.convert_json(lines, [REACHING, PLAIN], encoding)]


def test_unchanged_lines_give_the_same_json() -> None:
    conv = DiagnosticConverter()
    first = conv.convert_json(LINES, [REACHING, PLAIN], "utf-16")
    again = conv.convert_json(list(LINES), [REACHING, PLAIN], "utf-16")
    assert again == first
    assert all(a is b for a, b in zip(again, first))  # reused, not converted again


def test_an_emoji_earlier_on_a_findings_line_moves_its_range() -> None:
    conv = DiagnosticConverter()
    converted(conv, LINES, "utf-16")
    lines = [LINES[0], LINES[1], "| 🚀 | Fix typo | opus |"]
    assert converted(conv, lines, "utf-16") == fresh(lines, [REACHING, PLAIN], "utf-16")
    assert converted(conv, lines, "utf-16")[1]["range"]["start"]["character"] == 18


def test_an_emoji_on_another_line_a_fix_reaches_moves_that_edit() -> None:
    conv = DiagnosticConverter()
    before = converted(conv, LINES, "utf-16")
    lines = [LINES[0], "🚀istribution: 1 haiku", LINES[2]]
    after = converted(conv, lines, "utf-16")
    assert after == fresh(lines, [REACHING, PLAIN], "utf-16")
    edit = after[0]["data"]["fix"]["edits"][1]  # type: ignore[index]
    assert edit["range"]["start"]["character"] == 17
    assert after[0] != before[0]


def test_another_encoding_converts_again() -> None:
    conv = DiagnosticConverter()
    lines = ["| 🚀 | Add login | haiku |", LINES[1], LINES[2]]
    converted(conv, lines, "utf-16")
    assert converted(conv, lines, "utf-8") == fresh(lines, [REACHING, PLAIN], "utf-8")
