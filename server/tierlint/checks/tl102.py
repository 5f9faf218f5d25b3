"""TL102: every ticket of a sprint uses the same model ("Same Model for Whole Sprint")."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from ..model import Diagnostic
from .common import severity, sprint_label, sprint_span
from .context import SprintContext

CODE = "TL102"


def check(ctx: SprintContext) -> Iterator[Diagnostic]:
    sprint = ctx.sprint
    d = sprint.distribution
    if d.total < ctx.rules.same_model_min or d.unassigned:
        return
    used = [t for t in ("haiku", "sonnet", "opus") if d.count(t)]
    if len(used) != 1:
        return
    recs = Counter(t.recommendation.tier for t in sprint.tickets)
    if set(recs) == {used[0]}:
        return
    split = ", ".join(f"{recs[t]} {t}" for t in ("haiku", "sonnet", "opus") if recs.get(t))
    message = (
        f"Every ticket in {sprint_label(sprint)} uses {used[0]} ({d.total} tickets); "
        f"the framework recommends {split}: match each ticket to its tier"
    )
    yield Diagnostic(CODE, severity(CODE), message, sprint_span(sprint), None, None)
