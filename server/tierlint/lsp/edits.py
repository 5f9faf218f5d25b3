"""Building workspace edits that only apply to the version they were made for."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from ..model import Edit
from .convert import text_edits
from .documents import Document

if TYPE_CHECKING:
    from .server import TierlintServer


def workspace_edit(
    ls: TierlintServer, doc: Document, edits: Iterable[Edit], lines: list[str] | None = None
) -> lsp.WorkspaceEdit:
    items = text_edits(lines if lines is not None else doc.lines, edits, ls.state.encoding)
    caps = ls.client_capabilities.workspace
    versioned = bool(caps and caps.workspace_edit and caps.workspace_edit.document_changes)
    if versioned:
        return lsp.WorkspaceEdit(
            document_changes=[
                lsp.TextDocumentEdit(
                    text_document=lsp.OptionalVersionedTextDocumentIdentifier(
                        uri=doc.uri, version=doc.version
                    ),
                    edits=items,
                )
            ]
        )
    return lsp.WorkspaceEdit(changes={doc.uri: items})


def fix_all_edits(ls: TierlintServer, doc: Document) -> list[Edit]:
    """Every fix, applied until stable, as the smallest per-line edits (runs in
    the worker thread)."""
    from ..analyze import fix_all
    from ..fixes import minimal_edits

    config, _ = ls.state.config_for(doc.uri)
    settings = ls.state.settings_for(config)
    analyzer = ls.state.analyzer(config.rules)
    new_text, _count, _analysis = fix_all(analyzer, doc.text, settings)
    if new_text == doc.text:
        return []
    return list(minimal_edits(doc.text, new_text))
