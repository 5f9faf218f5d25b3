"""TL103: a "Distribution: 6 haiku (30%) | …" line disagrees with its table."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .. import regexes
from ..model import Diagnostic, Distribution, Edit, Fix, Span
from .common import severity
from .context import SprintContext, SummaryLine

CODE = "TL103"
ITEM = regexes.compile(
    r"(\d+)(\s*)(haiku|sonnet|opus)\b(?:(\s*\(\s*)(\d+(?:\.\d+)?)(\s*%\s*\)))?", re.IGNORECASE
)
TIERS = ("haiku", "sonnet", "opus")


def check(ctx: SprintContext) -> Iterator[Diagnostic]:
    tables = ctx.sprint.tables
    for summary in ctx.summaries:
        info = next((t for t in tables if t.table.first_line == summary.table_line), None)
        if info is None:
            continue
        found = _check(summary, info.distribution)
        if found is not None:
            yield found


def _fmt_pct(n: int, total: int, decimals: int) -> str:
    value = 100 * n / total if total else 0.0
    return f"{value:.{decimals}f}" if decimals else str(int(value + 0.5))


def _check(summary: SummaryLine, d: Distribution) -> Diagnostic | None:
    text = summary.text
    items = list(ITEM.finditer(text))
    if not items:
        return None
    total = d.total
    edits: list[Edit] = []
    seen = set()
    wrong = False
    for m in items:
        tier = m.group(3).lower()
        seen.add(tier)
        count = d.count(tier)
        if int(m.group(1)) != count:
            wrong = True
            edits.append(Edit(Span(summary.line, m.start(1), m.end(1)), str(count)))
        if m.group(5) is not None:
            decimals = len(m.group(5).split(".")[1]) if "." in m.group(5) else 0
            want = _fmt_pct(count, total, decimals)
            if abs(float(m.group(5)) - 100 * count / (total or 1)) > (0.5 if decimals == 0 else 0.05) + 1e-9:
                wrong = True
                edits.append(Edit(Span(summary.line, m.start(5), m.end(5)), want))
    missing = [t for t in TIERS if t not in seen and d.count(t)]
    first, last = items[0], items[-1]
    span = Span(summary.line, first.start(), last.end())
    if missing:
        wrong = True
        sep = _separator(text, items)
        parts = [
            f"{d.count(t)} {t} ({_fmt_pct(d.count(t), total, 0)}%)" for t in TIERS if d.count(t) or t in seen
        ]
        edits = [Edit(span, sep.join(parts))]
    if not wrong:
        return None
    actual = " | ".join(f"{d.count(t)} {t} ({_fmt_pct(d.count(t), total, 0)}%)" for t in TIERS)
    message = f"Distribution line is stale: the table has {actual}"
    return Diagnostic(
        CODE, severity(CODE), message, span, Fix("Update the Distribution line", tuple(edits)), None
    )


def _separator(text: str, items: list[re.Match[str]]) -> str:
    if len(items) > 1:
        between = text[items[0].end() : items[1].start()]
        if between.strip():
            return between
    return " | "
