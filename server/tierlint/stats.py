"""Sprint and file statistics ("Track Per Sprint", "Optimization Indicators")."""

from __future__ import annotations

from collections.abc import Iterable

from .model import Distribution, Sprint, Ticket
from .records import NamedTuple
from .rules import TIERS, RuleSet


class Stats(NamedTuple):
    label: str
    line: int | None
    distribution: Distribution
    cost: int
    recommended: Distribution
    recommended_cost: int
    opus_max: float

    @property
    def total(self) -> int:
        return self.distribution.total

    def share(self, tier: str | None) -> float:
        return self.distribution.share(tier)

    @property
    def opus_ok(self) -> bool:
        return self.share("opus") <= self.opus_max


def recommended(tickets: Iterable[Ticket], rules: RuleSet) -> tuple[Distribution, int]:
    counts = dict.fromkeys(TIERS, 0)
    for t in tickets:
        counts[t.recommendation.tier] += 1
    dist = Distribution(counts["haiku"], counts["sonnet"], counts["opus"], 0)
    return dist, sum(rules.cost(k) * v for k, v in counts.items())


def sprint_label(s: Sprint) -> str:
    if s.is_sprint and s.id is not None:
        return f"Sprint {s.id}: {s.name}" if s.name and s.name != f"Sprint {s.id}" else f"Sprint {s.id}"
    return s.name or "(no heading)"


def sprint_stats(s: Sprint, rules: RuleSet) -> Stats:
    rec, rec_cost = recommended(s.tickets, rules)
    return Stats(sprint_label(s), s.line, s.distribution, s.cost, rec, rec_cost, rules.targets["opus_max"])


def total_stats(sprints: Iterable[Sprint], rules: RuleSet, label: str = "Total") -> Stats:
    dist = Distribution()
    cost = 0
    tickets: list[Ticket] = []
    for s in sprints:
        dist = dist + s.distribution
        cost += s.cost
        tickets.extend(s.tickets)
    rec, rec_cost = recommended(tickets, rules)
    return Stats(label, None, dist, cost, rec, rec_cost, rules.targets["opus_max"])


def pct(value: float) -> str:
    """A share as a whole percentage, rounding halves up (62.5% -> 63%)."""
    return f"{int(value * 100 + 0.5)}%"
