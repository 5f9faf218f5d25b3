"""The per-sprint report ("Track Per Sprint"): text, markdown and JSON, plus the
distribution bar chart that hovers show."""

from __future__ import annotations

from collections.abc import Sequence

from .model import Analysis
from .rules import RuleSet
from .stats import Stats, pct, sprint_stats, total_stats

COLUMNS = (
    "Sprint",
    "Tickets",
    "Haiku %",
    "Sonnet %",
    "Opus %",
    "Unassigned",
    "Est. Cost",
    "At Recommended",
    "Opus ≤ 20%",
)


def rows(analysis: Analysis, rules: RuleSet) -> list[Stats]:
    out = [sprint_stats(s, rules) for s in analysis.sprints]
    if len(out) > 1:
        out.append(total_stats(analysis.sprints, rules))
    return out


def _cells(s: Stats) -> list[str]:
    d = s.distribution
    limit = f"{round(s.opus_max * 100)}%"
    return [
        s.label,
        str(d.total),
        pct(s.share("haiku")),
        pct(s.share("sonnet")),
        pct(s.share("opus")),
        str(d.unassigned),
        str(s.cost),
        str(s.recommended_cost),
        "✓" if s.opus_ok else f"✗ ({pct(s.share('opus'))} > {limit})",
    ]


def markdown(path: str, analysis: Analysis, rules: RuleSet) -> str:
    stats = rows(analysis, rules)
    header = [f"## tierlint report: {path}", ""]
    if not stats:
        return "\n".join([*header, "No ticket tables found."]) + "\n"
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join("---" for _ in COLUMNS) + "|"]
    for s in stats:
        cells = _cells(s)
        if s.line is None:
            cells = [f"**{c}**" for c in cells]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    t = rules.targets
    foot = [
        "",
        f"Cost in relative units (haiku {rules.cost('haiku')}, sonnet {rules.cost('sonnet')}, opus {rules.cost('opus')}). "
        f"Recommended split: haiku {pct(t['haiku'])}, sonnet {pct(t['sonnet'])}, opus {pct(t['opus'])}; "
        f"opus under {pct(t['opus_max'])}.",
    ]
    return "\n".join([*header, *lines, *foot]) + "\n"


def text(path: str, analysis: Analysis, rules: RuleSet) -> str:
    stats = rows(analysis, rules)
    if not stats:
        return f"{path}: no ticket tables found\n"
    table = [list(COLUMNS), *(_cells(s) for s in stats)]
    widths = [max(len(r[i]) for r in table) for i in range(len(COLUMNS))]
    out = [path]
    for k, r in enumerate(table):
        out.append(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))
            ).rstrip()
        )
        if k == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out) + "\n"


def json_data(path: str, analysis: Analysis, rules: RuleSet) -> dict[str, object]:
    def one(s: Stats) -> dict[str, object]:
        d, r = s.distribution, s.recommended
        return {
            "sprint": s.label,
            "line": s.line + 1 if s.line is not None else None,
            "tickets": d.total,
            "distribution": {
                "haiku": d.haiku,
                "sonnet": d.sonnet,
                "opus": d.opus,
                "unassigned": d.unassigned,
            },
            "shares": {t: round(s.share(t), 4) for t in ("haiku", "sonnet", "opus")},
            "cost": s.cost,
            "recommended": {"haiku": r.haiku, "sonnet": r.sonnet, "opus": r.opus},
            "recommended_cost": s.recommended_cost,
            "opus_within_target": s.opus_ok,
        }

    sprints = [sprint_stats(s, rules) for s in analysis.sprints]
    return {
        "path": path,
        "sprints": [one(s) for s in sprints],
        "total": one(total_stats(analysis.sprints, rules)),
    }


def bar_chart(s: Stats, rules: RuleSet, width: int = 28) -> str:
    """The seed's distribution box, drawn for this sprint."""
    lines = []
    for tier in ("haiku", "sonnet", "opus"):
        share = s.share(tier)
        filled = round(share * width)
        target = round(rules.targets[tier] * 100)
        lines.append(
            f"{'█' * filled}{'░' * (width - filled)} {tier.capitalize():<6} {pct(share):>4} (target {target}%)"
        )
    if s.distribution.unassigned:
        share = s.share(None)
        filled = round(share * width)
        lines.append(f"{'█' * filled}{'░' * (width - filled)} {'None':<6} {pct(share):>4}")
    return "\n".join(lines)


def summary_line(s: Stats) -> str:
    """`haiku 6 (30%) · sonnet 11 (55%) · opus 3 (15%) · cost 69 · opus ≤ 20% ✓`"""
    d = s.distribution
    parts = [f"{t} {d.count(t)} ({pct(s.share(t))})" for t in ("haiku", "sonnet", "opus")]
    if d.unassigned:
        parts.append(f"unassigned {d.unassigned}")
    parts.append(f"cost {s.cost}")
    limit = round(s.opus_max * 100)
    parts.append(f"opus ≤ {limit}% {'✓' if s.opus_ok else '✗'}")
    return " · ".join(parts)


def render_many(fmt: str, items: Sequence[tuple[str, Analysis, RuleSet]]) -> str:
    import json

    if fmt == "json":
        return json.dumps(
            {"version": 1, "files": [json_data(p, a, r) for p, a, r in items]},
            ensure_ascii=False,
            indent=2,
        )
    render = markdown if fmt == "markdown" else text
    return "\n".join(render(p, a, r) for p, a, r in items)
