"""TL104: a heading's "(N tickets)" disagrees with the sprint's table."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .. import regexes
from ..model import Diagnostic, Edit, Fix, Span
from .common import severity
from .context import SprintContext

CODE = "TL104"
COUNT = regexes.compile(r"\((\d+)\s+(tickets?|tasks?|items?|stories|issues)\)", re.IGNORECASE)


def check(ctx: SprintContext) -> Iterator[Diagnostic]:
    heading = ctx.heading
    if heading is None:
        return
    m = COUNT.search(heading.text)
    if m is None:
        return
    declared = int(m.group(1))
    actual = sum(len(info.tickets) for info in ctx.sprint.tables)
    if declared == actual:
        return
    start = heading.span.start + m.start(1)
    span = Span(heading.line, start, start + len(m.group(1)))
    noun = m.group(2)
    message = f"Heading says {declared} {noun} but the table has {actual}"
    fix = Fix(f"Change the count to {actual}", (Edit(span, str(actual)),))
    yield Diagnostic(CODE, severity(CODE), message, span, fix, None)
