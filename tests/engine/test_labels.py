"""Tickets labelled from the framework's rules alone, by people who did not
see the classifier (each row says which rule decided its label).

`*.tsv` are curated: the classifier must agree on every row. `holdout.tsv.txt`
is a later, messier batch kept as a measurement: agreement must stay at or
above 95 % (a few rows need judgement the rules do not spell out)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tierlint.classify import Classifier
from tierlint.config import default_rules

LABELS = Path(__file__).parent.parent / "fixtures" / "labels"


def read(path: Path) -> list[list[str]]:
    return [
        [*line.split("\t"), "", "", "", ""][:4]
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


ROWS = [row for path in sorted(LABELS.glob("*.tsv")) for row in read(path)]


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier(default_rules())


@pytest.mark.parametrize(("ticket", "owner", "tier", "why"), ROWS, ids=[r[0] for r in ROWS])
def test_label(classifier: Classifier, ticket: str, owner: str, tier: str, why: str) -> None:
    rec = classifier.classify(ticket, owner)
    assert rec.tier == tier, f"{why} — got {rec.rationale}"


def test_holdout_agreement(classifier: Classifier) -> None:
    rows = read(LABELS / "holdout.tsv.txt")
    wrong = [
        (t, tier, classifier.classify(t, o).tier)
        for t, o, tier, _ in rows
        if classifier.classify(t, o).tier != tier
    ]
    assert len(rows) >= 200
    assert (len(rows) - len(wrong)) / len(rows) >= 0.95, wrong
