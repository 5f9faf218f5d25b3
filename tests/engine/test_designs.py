"""Matching implement tickets to design tickets ("Use Opus for Planning
Only"): the same answer as comparing with every design ticket, without
comparing with every design ticket."""

from __future__ import annotations

import random

import pytest

from tierlint.classify import Classifier
from tierlint.config import default_rules

CLASSIFIER = Classifier(default_rules())


def brute(subject: frozenset[str], designs: list[frozenset[str]], need: float) -> bool:
    return any(subject & d and len(subject & d) / len(d) >= need for d in designs)


@pytest.mark.parametrize("seed", range(4))
def test_the_index_gives_what_a_scan_of_every_design_gives(seed: int) -> None:
    need = CLASSIFIER._design.min_overlap  # type: ignore[union-attr]
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(30)] + ["api", "ref"]
    checked = found = 0
    for _ in range(300):
        designs = [
            frozenset(rng.sample(vocab, rng.randint(1, 7)) + (["ref"] if rng.random() < 0.8 else []))
            for _ in range(rng.randint(1, 30))
        ]
        index = CLASSIFIER.design_index(designs)
        for _ in range(10):
            subject = frozenset(rng.sample(vocab, rng.randint(1, 6)))
            want = brute(subject, designs, need)
            assert CLASSIFIER.implements_design(subject, index) is want, (subject, designs)
            checked += 1
            found += want
    assert 0.1 < found / checked < 0.9  # both answers well represented


def test_a_word_in_every_design_ticket_files_almost_none_of_them() -> None:
    """Eight hundred design tickets that all end in "ref": matching an
    implement ticket that says "ref" too looks at the few filed under it,
    not at all eight hundred."""
    designs = [frozenset({f"screen{i}", f"flow{i % 97}", "ref"}) for i in range(800)]
    index = CLASSIFIER.design_index(designs)
    assert len(index.get("ref", ())) == 0
    assert sum(map(len, index.values())) <= 2 * len(designs)
    assert CLASSIFIER.implements_design(frozenset({"screen5", "flow5", "ref", "page"}), index)
    # two of three words: enough at min_overlap 0.6, whichever two
    assert CLASSIFIER.implements_design(frozenset({"screen5", "ref"}), index)
    assert not CLASSIFIER.implements_design(frozenset({"ref", "page"}), index)


def test_repeated_design_tickets_are_filed_once() -> None:
    same = frozenset({"checkout", "flow"})
    index = CLASSIFIER.design_index([same, frozenset({"checkout", "flow"}), same])
    assert sum(map(len, index.values())) == 1


def test_an_edit_away_from_design_tickets_reuses_the_index() -> None:
    """Re-analysing after an edit that leaves every design ticket as it was
    takes last time's index; changing a design ticket builds a new one, and
    the recommendations follow it."""
    from tierlint.analyze import Analyzer

    text = (
        "## Sprint 1: Core\n\n| # | Ticket | Status | Owner | Model |\n|---|---|---|---|---|\n"
        "| 1.1 | Design offline sync engine | Todo | Backend | opus |\n"
        "| 1.2 | Implement offline sync engine | Todo | Backend | sonnet |\n"
        "| 1.3 | Fix typo in README | Todo | Backend | haiku |\n"
    )
    analyzer = Analyzer(default_rules())

    def implement(t: str) -> tuple[str, list[str]]:
        (k,) = [k for s in analyzer.analyze(t).sprints for i in s.tables for k in i.tickets if k.id == "1.2"]
        return k.recommendation.tier, [m.name for m in k.recommendation.modifiers]

    assert implement(text) == ("sonnet", ["planning-only"])
    built = analyzer._design_index
    assert built is not None and len(built[0]) == 1
    assert implement(text.replace("Fix typo", "Fix a typo")) == ("sonnet", ["planning-only"])
    assert analyzer._design_index is built
    assert implement(text.replace("Design offline sync engine", "Design billing dashboard")) == ("opus", [])
    assert analyzer._design_index is not built
    assert implement(text) == ("sonnet", ["planning-only"])
