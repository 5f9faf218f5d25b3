from __future__ import annotations

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from .helpers import diagnostics, open_doc


async def test_diagnostics_on_open(client: LanguageClient, tmp_path):
    uri = (tmp_path / "backlog.md").as_uri()
    text = "## Sprint 1: X\n\n| # | Ticket | Model |\n|---|---|---|\n| 1.1 | Create users table migration | opus |\n"
    await open_doc(client, uri, text)
    items = await diagnostics(client, uri)
    assert [d.code for d in items] == ["TL004"]
    assert items[0].range == lsp.Range(
        start=lsp.Position(line=4, character=39), end=lsp.Position(line=4, character=43)
    )
