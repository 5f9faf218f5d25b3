"""Real backlogs written by others (tests/fixtures/corpus, MIT, see its LICENSE)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tierlint.analyze import Analyzer
from tierlint.config import default_rules

CORPUS = Path(__file__).parent.parent / "fixtures" / "corpus"

COUNTS = {
    "api-service-backlog.md": 94,
    "backlog.md": 82,
    "ecommerce-backlog.md": 182,
    "taskflow-backlog.md": 72,
    "test-project-backlog.md": 11,
    "backlog.template.md": 16,
    "04_backlog_management.md": 0,
}


@pytest.mark.parametrize(("name", "count"), COUNTS.items())
def test_ticket_counts(name: str, count: int) -> None:
    analysis = Analyzer(default_rules()).analyze((CORPUS / name).read_text(encoding="utf-8"))
    assert len(analysis.tickets) == count


def test_sprints_of_the_sdd_backlog() -> None:
    analysis = Analyzer(default_rules()).analyze((CORPUS / "backlog.md").read_text(encoding="utf-8"))
    assert [(s.id, s.name) for s in analysis.sprints][:3] == [
        ("0", "Foundation & Documentation Structure"),
        ("1", "Environment Guides"),
        ("2", "Spec Templates"),
    ]


def test_tickets_under_non_sprint_headings_are_grouped_there() -> None:
    analysis = Analyzer(default_rules()).analyze(
        (CORPUS / "ecommerce-backlog.md").read_text(encoding="utf-8")
    )
    groups = {s.name: len(s.tickets) for s in analysis.sprints if not s.is_sprint}
    assert groups == {"Future Backlog Items": 18, "Technical Debt": 8}


def test_template_placeholders_are_missing_models() -> None:
    analysis = Analyzer(default_rules()).analyze((CORPUS / "backlog.template.md").read_text(encoding="utf-8"))
    missing = [d for d in analysis.diagnostics if d.code == "TL001"]
    assert len(missing) == 6
    assert missing[0].message.startswith("Model cell is a placeholder ('{{MODEL}}'); recommended: sonnet")
