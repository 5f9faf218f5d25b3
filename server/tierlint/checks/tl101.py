"""TL101: a sprint's opus share is above the target ("Opus usage < 20%")."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Diagnostic
from .common import pct, severity, sprint_label, sprint_span
from .context import SprintContext

CODE = "TL101"


def check(ctx: SprintContext) -> Iterator[Diagnostic]:
    d = ctx.sprint.distribution
    limit = ctx.rules.targets["opus_max"]
    minimum = int(ctx.rules.targets.get("opus_min_tickets", 5))
    if d.total < minimum or not d.total or d.opus / d.total <= limit:
        return
    message = (
        f"{sprint_label(ctx.sprint)} puts {d.opus} of {d.total} tickets ({pct(d.opus, d.total)}) on opus; "
        f"the target is under {round(limit * 100)}%"
    )
    yield Diagnostic(CODE, severity(CODE), message, sprint_span(ctx.sprint), None, None)
