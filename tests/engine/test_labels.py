"""Tickets labelled by hand from the framework's rules alone (the file says
which rule decided each label); the classifier must agree on every one."""

from __future__ import annotations

from pathlib import Path

import pytest

from tierlint.classify import Classifier
from tierlint.config import default_rules

LABELS = Path(__file__).parent.parent / "fixtures" / "labels"
ROWS = [
    [*line.split("\t"), "", "", "", ""][:4]
    for path in sorted(LABELS.glob("*.tsv"))
    for line in path.read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier(default_rules())


@pytest.mark.parametrize(("ticket", "owner", "tier", "why"), ROWS, ids=[r[0] for r in ROWS])
def test_label(classifier: Classifier, ticket: str, owner: str, tier: str, why: str) -> None:
    rec = classifier.classify(ticket, owner)
    assert rec.tier == tier, f"{why} — got {rec.rationale}"
