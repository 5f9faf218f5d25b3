"""The framework's own examples must come out exactly as the framework says."""

from __future__ import annotations

import pytest

from tierlint.analyze import Analyzer
from tierlint.classify import Classifier
from tierlint.config import default_rules

SPRINT_4 = """## Sprint 4: Session Management (20 tickets)

| # | Ticket | Model | Cost Tier |
|---|--------|-------|-----------|
| 4.1 | Create sessions table | haiku | $ |
| 4.2 | Create session_items table | haiku | $ |
| 4.3 | Implement SessionService | sonnet | $$ |
| 4.4 | Implement SessionRepository | sonnet | $$ |
| 4.5 | Create POST /sessions endpoint | sonnet | $$ |
| 4.6 | Create GET /sessions/:id endpoint | sonnet | $$ |
| 4.7 | Add session caching | sonnet | $$ |
| 4.8 | Build SessionPage component | sonnet | $$ |
| 4.9 | Build SessionCard component | sonnet | $$ |
| 4.10 | Implement session state machine | opus | $$$ |
| 4.11 | Add real-time session updates | opus | $$$ |
| 4.12 | Write SessionService tests | sonnet | $$ |
| 4.13 | Write session API tests | sonnet | $$ |
| 4.14 | Write SessionPage tests | sonnet | $$ |
| 4.15 | Create session seed data | haiku | $ |
| 4.16 | Add session config | haiku | $ |
| 4.17 | Design session analytics | opus | $$$ |
| 4.18 | Document session API | haiku | $ |
| 4.19 | QA review all tickets | sonnet | $$ |
| 4.20 | Final integration test | sonnet | $$ |

Distribution: 6 haiku (30%) | 11 sonnet (55%) | 3 opus (15%)
"""


def test_sprint_4_reproduces_every_label() -> None:
    analysis = Analyzer(default_rules()).analyze(SPRINT_4)
    tickets = analysis.tickets
    assert len(tickets) == 20
    assert [(t.id, t.recommendation.tier) for t in tickets] == [(t.id, t.tier) for t in tickets]


def test_sprint_4_only_finding_is_the_seeds_own_stale_distribution_line() -> None:
    # The table holds 5 haiku, 12 sonnet and 3 opus; the seed's summary line
    # under it says 6 / 11 / 3. That is exactly what TL103 exists for.
    analysis = Analyzer(default_rules()).analyze(SPRINT_4)
    (d,) = analysis.diagnostics
    assert d.code == "TL103"
    assert (
        d.message
        == "Distribution line is stale: the table has 5 haiku (25%) | 12 sonnet (60%) | 3 opus (15%)"
    )
    assert (d.span.line, d.span.start, d.span.end) == (25, 14, 60)
    sprint = analysis.sprints[0]
    assert (sprint.id, sprint.name, sprint.declared_count) == ("4", "Session Management", 20)
    dist = sprint.distribution
    assert (dist.haiku, dist.sonnet, dist.opus, dist.unassigned) == (5, 12, 3, 0)
    assert sprint.cost == 5 * 1 + 12 * 3 + 3 * 10


# The seed's "By Ticket Type" table: each [placeholder] filled in three ways.
PATTERNS = [
    (
        "Create [table] migration",
        "haiku",
        ["Create users table migration", "Create orders migration", "Create warehouse_bins table migration"],
    ),
    (
        "Implement [CRUD] endpoint",
        "sonnet",
        ["Implement product CRUD endpoint", "Implement GET /orders endpoint", "Implement tags endpoint"],
    ),
    (
        "Build [component]",
        "sonnet",
        ["Build ProductCard component", "Build Sidebar component", "Build OrderList component"],
    ),
    (
        "Write tests for [feature]",
        "sonnet",
        ["Write tests for search", "Write tests for the cart", "Write tests for OrderService"],
    ),
    (
        "Design [architecture]",
        "opus",
        ["Design notification architecture", "Design the plugin system", "Design caching layer"],
    ),
    (
        "Debug [issue]",
        "opus",
        ["Debug memory leak in worker", "Debug slow dashboard load", "Debug flaky upload test"],
    ),
    (
        "Research [options]",
        "opus",
        ["Research search engine options", "Research queue providers", "Research charting libraries"],
    ),
    (
        "Create seed data",
        "haiku",
        ["Create seed data", "Create product seed data", "Create seed data for demo tenants"],
    ),
    (
        "Add [config] file",
        "haiku",
        ["Add eslint config file", "Add .env file", "Add docker-compose config file"],
    ),
    (
        "Implement [complex feature]",
        "opus",
        [
            "Implement order state machine",
            "Implement recommendation algorithm",
            "Implement real-time inventory sync",
        ],
    ),
]


@pytest.mark.parametrize(("pattern", "tier", "tickets"), PATTERNS, ids=[p[0] for p in PATTERNS])
def test_ticket_pattern_table(pattern: str, tier: str, tickets: list[str]) -> None:
    classifier = Classifier(default_rules())
    for ticket in tickets:
        rec = classifier.classify(ticket)
        assert rec.tier == tier, (ticket, rec.rationale)
        assert rec.matched


@pytest.mark.parametrize(
    ("role", "default"),
    [
        ("DB Architect", "haiku"),
        ("Backend Lead", "sonnet"),
        ("Frontend Lead", "sonnet"),
        ("QA Lead", "sonnet"),
        ("DevOps Lead", "haiku"),
    ],
)
def test_owner_role_defaults(role: str, default: str) -> None:
    rec = Classifier(default_rules()).classify("Handle the quarterly thing", role)
    assert rec.tier == default
    assert not rec.matched  # a default only fills empty cells


@pytest.mark.parametrize(
    ("ticket", "role", "tier"),
    [
        ("Design complex schema for multi-tenant billing accounts", "DB", "opus"),  # payment wins
        ("Normalize the product schema into variants", "DB Architect", "sonnet"),
        ("Add refund endpoint", "Backend", "opus"),
        ("Build cart with complex state", "Frontend", "opus"),
        ("Write integration tests for search", "QA", "opus"),
        ("Write unit tests for search", "QA", "sonnet"),
        ("Set up CI/CD pipeline", "DevOps", "sonnet"),
        ("Provision staging bucket", "DevOps", "haiku"),
    ],
)
def test_role_upgrade_triggers(ticket: str, role: str, tier: str) -> None:
    assert Classifier(default_rules()).classify(ticket, role).tier == tier


@pytest.mark.parametrize(
    ("ticket", "tier", "modifier"),
    [
        ("Create users table migration following the accounts pattern", "haiku", None),
        ("Build ProductCard component following the existing card pattern", "haiku", "following-pattern"),
        (
            "Implement rate limiting middleware following the auth middleware pattern",
            "opus",
            "security-payment",
        ),
        (
            "Implement rate limiting middleware following the existing middleware pattern",
            "haiku",
            "following-pattern",
        ),
        (
            "Build first dashboard widget (first implementation of the widget pattern)",
            "opus",
            "first-of-pattern",
        ),
        ("Implement payment refunds", "opus", "security-payment"),
        ("Create payments table migration", "opus", "security-payment"),
        ("Update critical config value", "sonnet", "simple-but-critical"),
        ("Prototype recommendation algorithm (POC)", "haiku", "poc-experimental"),
        ("Implement step 1 per the design", "sonnet", None),
        ("Implement session analytics pipeline per the design doc", "sonnet", "planning-only"),
    ],
)
def test_overrides(ticket: str, tier: str, modifier: str | None) -> None:
    rec = Classifier(default_rules()).classify(ticket)
    assert rec.tier == tier, rec.rationale
    if modifier:
        assert modifier in [m.name for m in rec.modifiers]


def test_design_ticket_makes_its_implementation_sonnet() -> None:
    text = """## Sprint 3: Analytics

| # | Ticket | Model |
|---|--------|-------|
| 3.1 | Design session analytics state machine | opus |
| 3.2 | Implement session analytics state machine | opus |
| 3.3 | Implement order fulfilment state machine | opus |
"""
    tickets = Analyzer(default_rules()).analyze(text).tickets
    recs = {t.id: t.recommendation for t in tickets}
    assert recs["3.1"].tier == "opus"
    assert recs["3.2"].tier == "sonnet"
    assert "planning-only" in [m.name for m in recs["3.2"].modifiers]
    assert recs["3.3"].tier == "opus"  # no design ticket for this one


def test_security_override_is_an_error_when_under_tiered() -> None:
    text = "| # | Ticket | Model |\n|---|---|---|\n| 1 | Implement password reset flow | haiku |\n"
    (d,) = Analyzer(default_rules()).analyze(text).diagnostics
    assert (d.code, d.severity.label) == ("TL003", "error")
    assert (
        d.message
        == "Under-tiered: 'haiku' is haiku, but this ticket needs opus: security/payment is always opus"
    )
