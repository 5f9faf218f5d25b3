"""Fixture files carry their expected findings in a `<!-- tierlint-expect -->`
block (line:column code, 1-based, markdownlint style); a sibling `.fixed.md`
holds the exact text `--fix` must produce."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tierlint.analyze import Analyzer, fix_all
from tierlint.config import default_rules

CASES = Path(__file__).parent.parent / "fixtures" / "cases"
FILES = sorted(p for p in CASES.glob("*.md") if not p.name.endswith(".fixed.md"))
EXPECT = re.compile(r"<!-- tierlint-expect\n(.*?)-->", re.S)


def expected(text: str) -> list[str]:
    m = EXPECT.search(text)
    assert m, "fixture has no tierlint-expect block"
    return [line.strip() for line in m.group(1).splitlines() if line.strip()]


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_findings(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    analysis = Analyzer(default_rules()).analyze(text)
    got = [f"{d.span.line + 1}:{d.span.start + 1} {d.code}" for d in analysis.diagnostics]
    assert got == expected(text)


FIXED = [p for p in FILES if p.with_name(p.stem + ".fixed.md").exists()]


@pytest.mark.parametrize("path", FIXED, ids=[p.stem for p in FIXED])
def test_fixed_text(path: Path) -> None:
    analyzer = Analyzer(default_rules())
    text = path.read_text(encoding="utf-8")
    want = path.with_name(path.stem + ".fixed.md").read_text(encoding="utf-8")
    fixed, count, _ = fix_all(analyzer, text)
    assert fixed == want
    assert count > 0
    again, count2, _ = fix_all(analyzer, fixed)
    assert again == fixed and count2 == 0
