"""pytest-lsp sessions against `tierlint serve` over stdio, once with VS Code's
capabilities (UTF-16, versioned edits) and once with Neovim 0.11's (UTF-8)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

FIXTURES = Path(__file__).parent.parent / "fixtures"


def capabilities(kind: str) -> lsp.ClientCapabilities:
    if kind == "vscode":
        caps = client_capabilities("visual-studio-code")
        # Current VS Code (languageclient 9) pulls diagnostics.
        caps.text_document.diagnostic = lsp.DiagnosticClientCapabilities(dynamic_registration=True)
        caps.general = lsp.GeneralClientCapabilities(position_encodings=[lsp.PositionEncodingKind.Utf16])
        return caps
    if kind == "vscode-push":
        caps = client_capabilities("visual-studio-code")
        caps.text_document.diagnostic = None
        return caps
    caps = client_capabilities("neovim@v0.11")
    return caps


CLIENTS = ["vscode", "vscode-push", "neovim"]


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "tierlint", "serve"]),
    params=CLIENTS,
)
async def client(lsp_client: LanguageClient, request: pytest.FixtureRequest):
    lsp_client.kind = request.param  # type: ignore[attr-defined]

    @lsp_client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
    def register(params: lsp.RegistrationParams) -> None:
        return None

    @lsp_client.feature(lsp.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: lsp.ApplyWorkspaceEditParams) -> lsp.ApplyWorkspaceEditResult:
        lsp_client.applied_edits.append(params.edit)  # type: ignore[attr-defined]
        return lsp.ApplyWorkspaceEditResult(applied=True)

    @lsp_client.feature(lsp.WORKSPACE_INLAY_HINT_REFRESH)
    def inlay_refresh(params: None) -> None:
        return None

    @lsp_client.feature(lsp.WORKSPACE_CODE_LENS_REFRESH)
    def lens_refresh(params: None) -> None:
        return None

    lsp_client.applied_edits = []  # type: ignore[attr-defined]
    await lsp_client.initialize_session(lsp.InitializeParams(capabilities=capabilities(request.param)))
    yield
    await lsp_client.shutdown_session()
