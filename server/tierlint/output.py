"""CLI output formats: text, json (the documented contract), sarif, github.

JSON lines and columns are 1-based, columns count Unicode code points and end
columns are exclusive. A fix made of several edits is given as one edit that
spans them all (its text reproduces the untouched bytes in between).
"""

from __future__ import annotations

from collections.abc import Sequence

from . import __version__
from .codes import CODES
from .fixes import apply_edits
from .lines import split_lines
from .model import Analysis, Diagnostic, Fix, Severity, Sprint, Ticket
from .records import NamedTuple
from .sources import Source

_SARIF_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFORMATION: "note",
    Severity.HINT: "note",
}
_GITHUB_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFORMATION: "notice",
    Severity.HINT: "notice",
}


class FileResult(NamedTuple):
    path: str
    source: Source | None = None
    analysis: Analysis | None = None
    error: str | None = None
    fixed: int = 0


def merged_fix(fix: Fix, lines: list[str]) -> dict[str, object]:
    """One edit (0-based, code points) equivalent to all edits of `fix`."""
    edits = sorted(fix.edits, key=lambda e: (e.span.line, e.span.start))
    first, last = edits[0].span, edits[-1].span
    if len(edits) == 1:
        return {
            "line": first.line,
            "column": first.start,
            "end_line": last.line,
            "end_column": last.end,
            "text": edits[0].text,
        }
    end_col = max(e.span.end for e in edits if e.span.line == last.line)
    region = lines[first.line : last.line + 1]
    region_text = "\n".join(region)
    shifted = []
    from .model import Edit, Span

    for e in edits:
        shifted.append(Edit(Span(e.span.line - first.line, e.span.start, e.span.end), e.text))
    new = apply_edits(region_text, shifted)
    new_lines = split_lines(new)
    # cut the untouched head of the first line and the tail of the last line
    tail = len(region[-1]) - end_col
    new_lines[0] = new_lines[0][first.start :]
    if tail:
        new_lines[-1] = new_lines[-1][: len(new_lines[-1]) - tail]
    return {
        "line": first.line,
        "column": first.start,
        "end_line": last.line,
        "end_column": end_col,
        "text": "\n".join(new_lines),
    }


def diagnostic_json(d: Diagnostic, lines: list[str]) -> dict[str, object]:
    fix = None
    if d.fix is not None and d.fix.edits:
        m = merged_fix(d.fix, lines)
        fix = {
            "line": int(m["line"]) + 1,  # type: ignore[call-overload]
            "column": int(m["column"]) + 1,  # type: ignore[call-overload]
            "end_line": int(m["end_line"]) + 1,  # type: ignore[call-overload]
            "end_column": int(m["end_column"]) + 1,  # type: ignore[call-overload]
            "text": m["text"],
        }
    return {
        "code": d.code,
        "severity": d.severity.label,
        "message": d.message,
        "line": d.span.line + 1,
        "column": d.span.start + 1,
        "end_line": d.span.line + 1,
        "end_column": d.span.end + 1,
        "fix": fix,
    }


def ticket_json(t: Ticket) -> dict[str, object]:
    rec = t.recommendation
    return {
        "id": t.id,
        "title": t.title,
        "owner": t.owner or None,
        "status": t.status,
        "model": t.model,
        "tier": t.tier,
        "recommended": rec.tier,
        "rule": rec.rule,
        "rationale": rec.rationale,
        "line": t.line + 1,
    }


def sprint_json(s: Sprint) -> dict[str, object]:
    d = s.distribution
    return {
        "id": s.id,
        "name": s.name,
        "line": s.line + 1,
        "tickets": [ticket_json(t) for t in s.tickets],
        "distribution": {
            "haiku": d.haiku,
            "sonnet": d.sonnet,
            "opus": d.opus,
            "unassigned": d.unassigned,
        },
        "cost": s.cost,
    }


def file_json(r: FileResult) -> dict[str, object]:
    out: dict[str, object] = {"path": r.path}
    if r.error is not None or r.analysis is None or r.source is None:
        out.update({"sprints": [], "diagnostics": [], "error": r.error})
        return out
    lines = split_lines(r.source.text)
    out["sprints"] = [sprint_json(s) for s in r.analysis.sprints]
    out["diagnostics"] = [diagnostic_json(d, lines) for d in r.analysis.diagnostics]
    return out


def render_json(results: Sequence[FileResult]) -> str:
    import json

    return json.dumps({"version": 1, "files": [file_json(r) for r in results]}, ensure_ascii=False, indent=2)


def render_text(results: Sequence[FileResult], show_fix_hint: bool = True, failed: bool = False) -> str:
    out = []
    total = fixable = 0
    labels = {level: level.label for level in Severity}
    for r in results:
        if r.analysis is None:
            continue
        path = r.path
        for d in r.analysis.diagnostics:
            span, mark = d.span, " [*]" if d.fix is not None else ""
            out.append(
                f"{path}:{span.line + 1}:{span.start + 1}: {d.code}{mark} {d.message} ({labels[d.severity]})"
            )
            total += 1
            fixable += d.fix is not None
    fixed = sum(r.fixed for r in results)
    if fixed:
        out.append(f"Fixed {fixed} problem{'s' if fixed != 1 else ''}.")
    if total:
        line = f"Found {total} problem{'s' if total != 1 else ''}"
        if fixable and show_fix_hint:
            line += f" ({fixable} fixable with `tierlint check --fix`)"
        out.append(line + ".")
    elif not failed and not any(r.error for r in results):
        out.append("All checks passed!")
    return "\n".join(out)


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def render_github(results: Sequence[FileResult]) -> str:
    out = []
    for r in results:
        if r.error is not None:
            out.append(f"::error file={_gh_escape(r.path, True)},title=tierlint::{_gh_escape(r.error)}")
        if r.analysis is None:
            continue
        for d in r.analysis.diagnostics:
            props = ",".join(
                [
                    f"file={_gh_escape(r.path, True)}",
                    f"line={d.span.line + 1}",
                    f"col={d.span.start + 1}",
                    f"endLine={d.span.line + 1}",
                    f"endColumn={d.span.end + 1}",
                    f"title={_gh_escape('tierlint ' + d.code, True)}",
                ]
            )
            out.append(f"::{_GITHUB_LEVEL[d.severity]} {props}::{_gh_escape(d.code + ' ' + d.message)}")
    return "\n".join(out)


def render_sarif(results: Sequence[FileResult]) -> str:
    rules = [
        {
            "id": c.code,
            "name": c.name,
            "shortDescription": {"text": c.summary},
            "helpUri": c.url,
            "defaultConfiguration": {"level": _SARIF_LEVEL[c.severity]},
        }
        for c in CODES.values()
    ]
    index = {c: i for i, c in enumerate(CODES)}
    items = []
    notifications = []
    for r in results:
        if r.error is not None:
            notifications.append({"level": "error", "message": {"text": r.error}})
        if r.analysis is None or r.source is None:
            continue
        lines = split_lines(r.source.text)
        for d in r.analysis.diagnostics:
            region = {
                "startLine": d.span.line + 1,
                "startColumn": d.span.start + 1,
                "endLine": d.span.line + 1,
                "endColumn": d.span.end + 1,
            }
            result: dict[str, object] = {
                "ruleId": d.code,
                "ruleIndex": index[d.code],
                "level": _SARIF_LEVEL[d.severity],
                "message": {"text": d.message},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": r.path}, "region": region}}],
            }
            if d.fix is not None and d.fix.edits:
                m = merged_fix(d.fix, lines)
                result["fixes"] = [
                    {
                        "description": {"text": d.fix.title},
                        "artifactChanges": [
                            {
                                "artifactLocation": {"uri": r.path},
                                "replacements": [
                                    {
                                        "deletedRegion": {
                                            "startLine": int(m["line"]) + 1,  # type: ignore[call-overload]
                                            "startColumn": int(m["column"]) + 1,  # type: ignore[call-overload]
                                            "endLine": int(m["end_line"]) + 1,  # type: ignore[call-overload]
                                            "endColumn": int(m["end_column"]) + 1,  # type: ignore[call-overload]
                                        },
                                        "insertedContent": {"text": m["text"]},
                                    }
                                ],
                            }
                        ],
                    }
                ]
            items.append(result)
    run: dict[str, object] = {
        "tool": {
            "driver": {
                "name": "tierlint",
                "version": __version__,
                "informationUri": "https://github.com/tierlint/tierlint",
                "rules": rules,
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": items,
    }
    if notifications:
        run["invocations"] = [{"executionSuccessful": False, "toolExecutionNotifications": notifications}]
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    }
    import json

    return json.dumps(doc, ensure_ascii=False, indent=2)
