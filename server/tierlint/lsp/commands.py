"""workspace/executeCommand: fix all, fix a table's tiers, the sprint report,
the distribution for a status bar, and debug information."""

from __future__ import annotations

import asyncio
import sys
from typing import TYPE_CHECKING, Any

from lsprotocol import types as lsp

from .edits import workspace_edit
from .guard import guarded

if TYPE_CHECKING:
    from .server import TierlintServer

FIX_ALL = "tierlint.server.fixAll"
FIX_TIERS = "tierlint.server.fixTiers"
REPORT = "tierlint.server.report"
STATS = "tierlint.server.stats"
DEBUG = "tierlint.server.debugInfo"
TIER_CODES = ("TL001", "TL002", "TL003", "TL004")


def _uri(args: tuple[Any, ...]) -> str | None:
    if not args:
        return None
    first = args[0]
    if isinstance(first, dict):
        first = first.get("uri") or first.get("external")
    return first if isinstance(first, str) else None


async def _apply(ls, doc, old: str, new: str, label: str, count: int) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Ask the client to turn `old` into `new` with the smallest edits."""
    from ..fixes import minimal_edits

    edit = workspace_edit(ls, doc, minimal_edits(old, new))
    result = await ls.workspace_apply_edit_async(lsp.ApplyWorkspaceEditParams(edit=edit, label=label))
    return {"applied": bool(result and result.applied), "fixes": count}


def register(server: TierlintServer) -> None:
    @server.command(FIX_ALL)
    @guarded("fix all")
    async def fix_all_command(ls, *args: Any) -> dict[str, Any] | None:  # type: ignore[no-untyped-def]
        from ..analyze import fix_all

        doc = ls.state.documents.get(_uri(args) or "")
        if doc is None:
            return {"applied": False, "reason": "document is not open"}
        text, version = doc.text, doc.version
        config, _ = ls.state.config_for(doc.uri)
        settings = ls.state.settings_for(config)
        analyzer = ls.state.analyzer(config.rules)
        loop = asyncio.get_running_loop()
        new_text, count, _ = await loop.run_in_executor(ls.state.executor, fix_all, analyzer, text, settings)
        if new_text == text or doc.version != version:
            return {"applied": False, "fixes": 0}
        return await _apply(ls, doc, text, new_text, "tierlint: fix all", count)

    @server.command(FIX_TIERS)
    @guarded("fix tiers")
    async def fix_tiers(ls, *args: Any) -> dict[str, Any] | None:  # type: ignore[no-untyped-def]
        from ..fixes import apply_edits

        doc = ls.state.documents.get(_uri(args) or "")
        if doc is None:
            return {"applied": False, "reason": "document is not open"}
        line = args[1] if len(args) > 1 and isinstance(args[1], int) else None
        cached = await ls.state.analysis(doc)
        if cached is None or cached.text is not doc.text:
            return {"applied": False}
        tables = [(i.table.first_line, i.table.last_line) for i in cached.analysis.tables]
        span = next(((a, b) for a, b in tables if line is None or a <= line <= b), None)
        diags = [
            d
            for d in cached.analysis.diagnostics
            if d.code in TIER_CODES
            and d.fix is not None
            and (span is None or span[0] <= d.span.line <= span[1])
        ]
        if not diags:
            return {"applied": False, "fixes": 0}
        edits = [e for d in diags for e in d.fix.edits]  # type: ignore[union-attr]
        new_text = apply_edits(cached.text, edits)
        return await _apply(ls, doc, cached.text, new_text, "tierlint: fix tiers", len(diags))

    @server.command(REPORT)
    @guarded("report")
    async def report_command(ls, *args: Any) -> str | None:  # type: ignore[no-untyped-def]
        from .. import report

        doc = ls.state.documents.get(_uri(args) or "")
        if doc is None:
            return None
        cached = await ls.state.analysis(doc)
        if cached is None:
            return None
        name = doc.uri.rsplit("/", 1)[-1]
        return report.markdown(name, cached.analysis, cached.config.rules)

    @server.command(STATS)
    @guarded("stats")
    async def stats_command(ls, *args: Any) -> dict[str, Any] | None:  # type: ignore[no-untyped-def]
        from ..stats import total_stats

        doc = ls.state.documents.get(_uri(args) or "")
        if doc is None:
            return None
        cached = await ls.state.analysis(doc)
        if cached is None or not cached.analysis.sprints:
            return None
        s = total_stats(cached.analysis.sprints, cached.config.rules)
        d = s.distribution
        return {
            "haiku": d.haiku,
            "sonnet": d.sonnet,
            "opus": d.opus,
            "unassigned": d.unassigned,
            "total": d.total,
            "cost": s.cost,
            "recommended_cost": s.recommended_cost,
            "opus_share": round(s.share("opus"), 4),
            "opus_target": s.opus_max,
        }

    @server.command(DEBUG)
    async def debug_info(ls, *args: Any) -> str:  # type: ignore[no-untyped-def]
        from .. import __version__

        state = ls.state
        lines = [
            f"tierlint {__version__} (Python {sys.version.split()[0]})",
            f"position encoding: {state.encoding}; diagnostics: {'pull' if state.pull else 'push'}",
            f"editor settings: {state.editor}",
            f"open documents: {len(state.documents.all())}",
        ]
        uri = _uri(args)
        docs = [state.documents.get(uri)] if uri else state.documents.all()
        for doc in docs:
            if doc is None:
                continue
            config, error = state.config_for(doc.uri)
            where = str(config.path) if config.path else "defaults (no config file found)"
            lines.append(f"{doc.uri}: config {where}" + (f" — error: {error}" if error else ""))
            lines.append(f"  rule files: {', '.join(config.rules.sources)}")
        return "\n".join(lines)
