"""Suppression comments: what each form hides, and that enable undoes exactly
what it names."""

from __future__ import annotations

import pytest

from tierlint.analyze import Analyzer
from tierlint.config import default_rules

ROWS = "| # | Ticket | Model |\n|---|---|---|\n| 1 | Create users table migration | opus |\n| 2 | Build Nav component | |\n"


def codes(text: str) -> list[str]:
    return sorted(d.code for d in Analyzer(default_rules()).analyze(text).diagnostics)


@pytest.mark.parametrize(
    ("before", "after", "visible"),
    [
        ("<!-- tierlint-disable -->", "<!-- tierlint-enable TL0 -->", ["TL001", "TL004"]),
        ("<!-- tierlint-disable TL0 -->", "<!-- tierlint-enable TL001 -->", ["TL001"]),
        ("<!-- tierlint-disable ALL -->", "<!-- tierlint-enable TL001 -->", ["TL001"]),
        ("<!-- tierlint-disable TL004 -->", "<!-- tierlint-enable -->", ["TL001", "TL004"]),
        ("<!-- tierlint-disable TL004 -->", "", ["TL001"]),
    ],
)
def test_enable_undoes_what_it_names(before: str, after: str, visible: list[str]) -> None:
    text = f"{before}\n\n{after}\n\n{ROWS}"
    assert codes(text) == visible


def test_directives_in_code_and_quotes_are_ignored() -> None:
    for wrap in ("> {}", "    {}", "```\n{}\n```"):
        text = ROWS + "\n" + wrap.format("<!-- tierlint-disable-file -->") + "\n"
        assert codes(text) == ["TL001", "TL004"], wrap


def test_file_level_prefix() -> None:
    assert codes("<!-- tierlint-disable-file TL00 -->\n\n" + ROWS) == []


def test_a_severity_setting_hands_back_unchanged_findings_as_they_were() -> None:
    """With a severity setting, re-analysing a text gives the very finding
    objects of last time for the unchanged sections (the language server
    reuses what it converted by identity), at the configured severity."""
    from tierlint.analyze import Settings
    from tierlint.model import Severity

    text = (
        "## Sprint 1: Core\n\n| # | Ticket | Status | Owner | Model |\n|---|---|---|---|---|\n"
        "| 1.1 | Fix typo in README | Todo | Backend | opus |\n"
        "| 1.2 | Design payment architecture | Todo | Backend | haiku |\n\n"
        "## Sprint 2: More\n\n| # | Ticket | Status | Owner | Model |\n|---|---|---|---|---|\n"
        "| 2.1 | Update favicon | Todo | Frontend | opus |\n"
    )
    settings = Settings(severity={"TL003": "hint", "TL004": "error"})
    analyzer = Analyzer(default_rules())
    first = analyzer.analyze(text, settings).diagnostics
    graded = [d for d in first if d.code in ("TL003", "TL004")]
    assert graded and {d.severity for d in graded} <= {Severity.parse("hint"), Severity.parse("error")}
    again = analyzer.analyze(text, settings).diagnostics
    assert [id(d) for d in again] == [id(d) for d in first]
    edited = text.replace("Update favicon", "Update the favicon")
    after = {(d.code, d.span.line): d for d in analyzer.analyze(edited, settings).diagnostics}
    for d in graded:
        if d.span.line < 10:  # the first sprint, not edited
            assert after[(d.code, d.span.line)] is d
