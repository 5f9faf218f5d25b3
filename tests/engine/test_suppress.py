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
