"""Engine results -> lsprotocol types, converting positions at this edge only."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from lsprotocol import types as lsp

from ..codes import CODES
from ..model import Diagnostic, Edit, Fix, Severity, Span
from .positions import to_client

SOURCE = "tierlint"
_SEVERITY = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.INFORMATION: lsp.DiagnosticSeverity.Information,
    Severity.HINT: lsp.DiagnosticSeverity.Hint,
}


def position(lines: Sequence[str], line: int, column: int, encoding: str) -> lsp.Position:
    text = lines[line] if 0 <= line < len(lines) else ""
    return lsp.Position(line=line, character=to_client(text, column, encoding))


def span_range(lines: Sequence[str], span: Span, encoding: str) -> lsp.Range:
    text = lines[span.line] if 0 <= span.line < len(lines) else ""
    return lsp.Range(
        start=lsp.Position(line=span.line, character=to_client(text, span.start, encoding)),
        end=lsp.Position(line=span.line, character=to_client(text, span.end, encoding)),
    )


def text_edit(lines: Sequence[str], edit: Edit, encoding: str) -> lsp.TextEdit:
    return lsp.TextEdit(range=span_range(lines, edit.span, encoding), new_text=edit.text)


def text_edits(lines: Sequence[str], edits: Iterable[Edit], encoding: str) -> list[lsp.TextEdit]:
    return [text_edit(lines, e, encoding) for e in sorted(edits, key=lambda e: (e.span.line, e.span.start))]


def fix_data(lines: Sequence[str], fix: Fix, encoding: str) -> dict[str, object]:
    return {
        "title": fix.title,
        "edits": [
            {
                "range": {
                    "start": {"line": te.range.start.line, "character": te.range.start.character},
                    "end": {"line": te.range.end.line, "character": te.range.end.character},
                },
                "newText": te.new_text,
            }
            for te in text_edits(lines, fix.edits, encoding)
        ],
    }


class DiagnosticConverter:
    """Converts engine diagnostics to LSP JSON, reusing the JSON of every
    diagnostic of the previous round that comes back as the very same object
    (the engine hands back the findings of unchanged sections as they were)
    while the lines it points into read the same: its spans count code
    points and the client's positions may not, so an emoji typed in place of
    a letter earlier on the line moves the client's column and leaves the
    diagnostic as it was. After an edit only the diagnostics that changed,
    or whose lines did, are converted again. Keyed by identity: hashing a
    diagnostic, fix and all, would cost more than the lookup saves."""

    def __init__(self) -> None:
        # id of the diagnostic -> (JSON, its line's text, other lines' texts,
        # the diagnostic itself: it keeps the id from being reused)
        self._memo: dict[int, tuple[str, str | None, tuple[str | None, ...] | None, Diagnostic]] = {}
        self._encoding: str | None = None  # what the memo's JSON counts positions in

    def convert_json(self, doc_lines: Sequence[str], diags: Sequence[Diagnostic], encoding: str) -> list[str]:
        out = []
        memo = {}
        old = self._memo if encoding == self._encoding else {}
        self._encoding = encoding
        count = len(doc_lines)
        for d in diags:
            key = id(d)
            line = d.span[0]
            here = doc_lines[line] if 0 <= line < count else None
            found = old.get(key)
            # reusable: the same finding, on a line that reads the same (the
            # very string, when the document kept its unchanged lines)
            if found is not None and (found[3] is not d or found[1] != here):
                found = None
            if found is None or found[2] is not None:  # a fix may reach other lines
                others = None
                if d.fix is not None:
                    edits = d.fix.edits
                    if len(edits) != 1 or edits[0].span[0] != line:
                        others = tuple(
                            doc_lines[e.span[0]] if 0 <= e.span[0] < count else None for e in edits
                        )
                if found is None or found[2] != others:
                    found = (json.dumps(plain(doc_lines, d, encoding)), here, others, d)
            memo[key] = found
            out.append(found[0])
        self._memo = memo
        return out


def _pos(p: lsp.Position) -> dict[str, int]:
    return {"line": p.line, "character": p.character}


def plain(lines: Sequence[str], d: Diagnostic, encoding: str) -> dict[str, object]:
    """The LSP Diagnostic of `d` as JSON-ready data (the same as `to_lsp`)."""
    code = CODES.get(d.code)
    rng = span_range(lines, d.span, encoding)
    data: dict[str, object] = {"code": d.code}
    if d.fix is not None and d.fix.edits:
        data["fix"] = fix_data(lines, d.fix, encoding)
    out: dict[str, object] = {
        "range": {"start": _pos(rng.start), "end": _pos(rng.end)},
        "message": d.message,
        "severity": int(_SEVERITY[d.severity]),
        "code": d.code,
    }
    if code:
        out["codeDescription"] = {"href": code.url}
    out["source"] = SOURCE
    out["data"] = data
    return out


def to_lsp(lines: Sequence[str], d: Diagnostic, encoding: str) -> lsp.Diagnostic:
    code = CODES.get(d.code)
    data: dict[str, object] = {"code": d.code}
    if d.fix is not None and d.fix.edits:
        data["fix"] = fix_data(lines, d.fix, encoding)
    return lsp.Diagnostic(
        range=span_range(lines, d.span, encoding),
        message=d.message,
        severity=_SEVERITY[d.severity],
        code=d.code,
        code_description=lsp.CodeDescription(href=code.url) if code else None,
        source=SOURCE,
        data=data,
    )
