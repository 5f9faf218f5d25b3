"""Diagnostics: pulled (`textDocument/diagnostic`) when the client declares
support, pushed otherwise, never both. Pushes are debounced per URI, carry the
document version and are dropped when a newer version has arrived."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from ..lines import split_lines
from .convert import DiagnosticConverter
from .rawjson import RawJSON

if TYPE_CHECKING:
    from .server import TierlintServer

DEBOUNCE = 0.15


def register(server: TierlintServer) -> None:
    @server.feature(
        lsp.TEXT_DOCUMENT_DIAGNOSTIC,
        lsp.DiagnosticOptions(
            identifier="tierlint", inter_file_dependencies=False, workspace_diagnostics=False
        ),
    )
    async def pull(ls: TierlintServer, params: lsp.DocumentDiagnosticParams) -> lsp.DocumentDiagnosticReport:
        doc = ls.state.documents.get(params.text_document.uri)
        if doc is None:
            return lsp.RelatedFullDocumentDiagnosticReport(items=[])
        try:
            items, result_id = await items_for(ls, doc.uri)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the server never dies over one document
            ls.log_error(f"diagnostics for {doc.uri} failed", exc)
            return lsp.RelatedFullDocumentDiagnosticReport(items=[])
        if result_id is not None and params.previous_result_id == result_id:
            return lsp.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        rid = f', "resultId": {json.dumps(result_id)}' if result_id is not None else ""
        return RawJSON(f'{{"kind": "full"{rid}, "items": [{", ".join(items)}]}}')  # type: ignore[return-value]


_converters: dict[str, DiagnosticConverter] = {}


async def items_for(ls: TierlintServer, uri: str) -> tuple[list[str], str | None]:
    """The document's diagnostics as LSP JSON strings, and a result id."""
    state = ls.state
    doc = state.documents.get(uri)
    if doc is None:
        return [], None
    if state.is_too_big(doc):
        ls.notify_too_big(doc)
        return [], f"{doc.version}:too-big"
    if state.editor.run == "onSave" and doc.saved_text is not None and doc.saved_text is not doc.text:
        # Lint on save: keep showing what the saved text had until the next save.
        loop = asyncio.get_running_loop()
        saved = await loop.run_in_executor(
            state.executor, state.analyse_now, uri, doc.saved_text, doc.saved_version
        )
        items = DiagnosticConverter().convert_json(
            split_lines(saved.text), saved.analysis.diagnostics, state.encoding
        )
        return items, f"saved:{saved.version}:{len(saved.text)}"
    cached = await state.analysis(doc)
    if cached is None:
        return [], None
    conv = _converters.setdefault(uri, DiagnosticConverter())
    lines = doc.lines if doc.text is cached.text else split_lines(cached.text)
    items = conv.convert_json(lines, cached.analysis.diagnostics, state.encoding)
    return items, f"{cached.version}:{id(cached)}"


def schedule(ls: TierlintServer, uri: str, delay: float = DEBOUNCE) -> None:
    """Push diagnostics for `uri` after `delay`, replacing any pending push."""
    state = ls.state
    if state.pull:
        return
    old = state.tasks.pop(uri, None)
    if old is not None and not old.done():
        old.cancel()
    state.tasks[uri] = asyncio.ensure_future(_push(ls, uri, delay))


async def _push(ls: TierlintServer, uri: str, delay: float) -> None:
    try:
        if delay:
            await asyncio.sleep(delay)
        doc = ls.state.documents.get(uri)
        if doc is None:
            return
        version = doc.version
        items, _ = await items_for(ls, uri)
        doc = ls.state.documents.get(uri)
        if doc is None or doc.version != version:
            return  # superseded: the newer version has its own push queued
        params = f'{{"uri": {json.dumps(uri)}, "version": {json.dumps(version)}, "diagnostics": [{", ".join(items)}]}}'
        ls.protocol.notify(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, RawJSON(params))
    except asyncio.CancelledError:
        pass
    except Exception as exc:
        ls.log_error(f"publishing diagnostics for {uri} failed", exc)


def clear(ls: TierlintServer, uri: str) -> None:
    _converters.pop(uri, None)
    if not ls.state.pull:
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


def refresh_all(ls: TierlintServer) -> None:
    """Configuration changed: recompute every open document."""
    if ls.state.pull:
        caps = ls.client_capabilities.workspace
        if caps and caps.diagnostics and caps.diagnostics.refresh_support:
            ls.workspace_diagnostic_refresh(None)
        return
    for doc in ls.state.documents.all():
        schedule(ls, doc.uri, 0)
