"""Hypothesis profile, and a pytest-lsp session against `tierlint serve` for
each kind of client: VS Code pulling (UTF-16), VS Code on push (UTF-16) and
Neovim 0.11 (UTF-8)."""

from __future__ import annotations

import sys

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from ..lsp.conftest import capabilities
from . import profiles  # noqa: F401  (registers and loads the hypothesis profile)


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "tierlint", "serve"]),
    params=["vscode", "vscode-push", "neovim"],
)
async def server(lsp_client: LanguageClient, request: pytest.FixtureRequest):
    lsp_client.kind = request.param  # type: ignore[attr-defined]
    lsp_client.versions = {}  # type: ignore[attr-defined]

    @lsp_client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
    def register(params: lsp.RegistrationParams) -> None:
        return None

    # remember the version of every push, so a test can wait for the latest
    features = lsp_client.protocol.fm.features
    publish = features[lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def published(params: lsp.PublishDiagnosticsParams) -> None:
        lsp_client.versions[params.uri] = params.version  # type: ignore[attr-defined]
        publish(params)

    features[lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = published
    await lsp_client.initialize_session(lsp.InitializeParams(capabilities=capabilities(request.param)))
    yield lsp_client
    await lsp_client.shutdown_session()
