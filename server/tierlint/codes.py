"""The diagnostic codes: stable names, default severities and one-line summaries.

Each code has a page in docs/rules/<CODE>.md; editors link to it.
"""

from __future__ import annotations

from .model import Severity
from .records import NamedTuple

DOCS_URL = "https://github.com/tierlint/tierlint/blob/main/docs/rules/{code}.md"


class Code(NamedTuple):
    code: str
    name: str
    severity: Severity
    summary: str
    fixable: bool

    @property
    def url(self) -> str:
        return DOCS_URL.format(code=self.code)


CODES: dict[str, Code] = {
    c.code: c
    for c in (
        Code(
            "TL001",
            "missing-model",
            Severity.WARNING,
            "Model cell empty or a placeholder (-, TBD, ?, {{MODEL}})",
            True,
        ),
        Code(
            "TL002",
            "unknown-model",
            Severity.WARNING,
            "Model cell names no known tier or model",
            True,
        ),
        Code(
            "TL003",
            "under-tiered",
            Severity.WARNING,
            "Under-tiered: the recommended tier is higher (error when security/payment applies)",
            True,
        ),
        Code(
            "TL004",
            "over-tiered",
            Severity.INFORMATION,
            "Over-tiered: the recommended tier is lower, so the ticket costs more than it needs",
            True,
        ),
        Code("TL005", "no-model-column", Severity.WARNING, "Ticket table has no Model column", True),
        Code(
            "TL006",
            "cost-tier-mismatch",
            Severity.WARNING,
            "Cost Tier cell disagrees with the Model",
            True,
        ),
        Code(
            "TL101",
            "opus-share",
            Severity.WARNING,
            "Sprint opus share above the target (< 20 %)",
            False,
        ),
        Code("TL102", "same-model-sprint", Severity.INFORMATION, "Whole sprint uses one model", False),
        Code(
            "TL103",
            "stale-distribution",
            Severity.WARNING,
            "A 'Distribution: …' summary line disagrees with the table",
            True,
        ),
        Code(
            "TL104",
            "ticket-count",
            Severity.INFORMATION,
            "Heading's '(N tickets)' disagrees with the table",
            True,
        ),
        Code(
            "TL105",
            "batch-similar",
            Severity.HINT,
            "Similar cheap tickets that could be batched into one",
            False,
        ),
        Code(
            "TL201",
            "ragged-row",
            Severity.WARNING,
            "Row has a different cell count from the header",
            False,
        ),
        Code("TL202", "duplicate-id", Severity.WARNING, "Duplicate ticket id", False),
    )
}


def matches(code: str, selectors: tuple[str, ...] | list[str]) -> bool:
    """True when `code` is named by a selector: a full code, a prefix such as
    'TL1', or 'ALL'."""
    for sel in selectors:
        s = sel.strip().upper()
        if s == "ALL" or code.startswith(s):
            return True
    return False


def is_selector(text: str) -> bool:
    s = text.strip().upper()
    return s == "ALL" or (any(c.startswith(s) for c in CODES) and s.startswith("TL"))
