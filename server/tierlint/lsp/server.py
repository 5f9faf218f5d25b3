"""The tierlint language server: wiring, document sync and configuration.

Capabilities are resolved once, at `initialize`, from what the client declares
(pull or push diagnostics, position encoding, versioned workspace edits).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import traceback
from collections.abc import Generator
from typing import Any

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInternalError
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from .. import __version__
from . import (
    code_actions,
    code_lens,
    commands,
    completion,
    diagnostics,
    hover,
    inlay_hints,
    symbols,
)
from .documents import Document
from .positions import normalize
from .rawjson import message_body
from .state import EditorSettings, State

log = logging.getLogger("tierlint")
CONFIG_GLOBS = ("**/tierlint.toml", "**/.tierlint.toml", "**/pyproject.toml")


class TierlintProtocol(LanguageServerProtocol):
    """Keeps documents in tierlint's own store (its own line model) instead of
    pygls's workspace, and writes pre-serialised answers (rawjson.py) as they are."""

    _server: TierlintServer

    def _send_data(self, data: Any) -> None:
        body = message_body(data)
        if body is None:
            super()._send_data(data)
            return
        if self.writer is None:
            return
        try:
            header = f"Content-Length: {len(body)}\r\nContent-Type: {self.CONTENT_TYPE}; charset={self.CHARSET}\r\n\r\n"
            res = self.writer.write((header + body).encode(self.CHARSET))
            if inspect.isawaitable(res):
                self._pending_write = asyncio.ensure_future(res)
        except BrokenPipeError:
            raise
        except Exception as error:  # the transport is gone or broken
            self._server._report_server_error(error, JsonRpcInternalError)

    @lsp_method(lsp.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: lsp.DidOpenTextDocumentParams) -> Generator[Any, Any, None]:
        td = params.text_document
        self._server.state.documents.open(td.uri, td.text, td.version, td.language_id)
        if (handler := self.fm.features.get(lsp.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(
        self, params: lsp.DidChangeTextDocumentParams
    ) -> Generator[Any, Any, None]:
        state = self._server.state
        doc = state.documents.get(params.text_document.uri)
        if doc is not None:
            for change in params.content_changes:
                doc.apply(change, state.encoding)
            doc.version = params.text_document.version
        if (handler := self.fm.features.get(lsp.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(
        self, params: lsp.DidCloseTextDocumentParams
    ) -> Generator[Any, Any, None]:
        self._server.state.documents.close(params.text_document.uri)
        if (handler := self.fm.features.get(lsp.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None


class TierlintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "tierlint",
            __version__,
            text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
            protocol_cls=TierlintProtocol,
        )
        self.state = State()

    # -- messages to the user -------------------------------------------------

    def log_error(self, what: str, exc: BaseException) -> None:
        detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__, limit=6))
        log.error("%s: %s: %s", what, type(exc).__name__, exc)
        with contextlib.suppress(Exception):  # the transport may be gone
            self.window_log_message(
                lsp.LogMessageParams(type=lsp.MessageType.Error, message=f"tierlint: {what}: {exc}\n{detail}")
            )

    def log_info(self, message: str) -> None:
        with contextlib.suppress(Exception):  # the transport may be gone
            self.window_log_message(
                lsp.LogMessageParams(type=lsp.MessageType.Info, message=f"tierlint: {message}")
            )

    def show_once(self, key: str, message: str, kind: lsp.MessageType = lsp.MessageType.Warning) -> None:
        if key in self.state.reported:
            return
        self.state.reported.add(key)
        with contextlib.suppress(Exception):  # the transport may be gone
            self.window_show_message(lsp.ShowMessageParams(type=kind, message=message))

    def notify_too_big(self, doc: Document) -> None:
        limit = self.state.editor.max_file_size
        self.show_once(
            f"too-big:{doc.uri}",
            f"tierlint: {doc.uri.rsplit('/', 1)[-1]} is larger than tierlint.maxFileSize ({limit:,} bytes); "
            "it is not analysed. Raise the setting to lint it.",
            lsp.MessageType.Info,
        )

    def report_config_error(self, uri: str) -> None:
        _config, error = self.state.config_for(uri)
        if error:
            self.show_once(
                f"config:{error}", f"tierlint: {error}. Using the default rules until it is fixed."
            )


def create_server() -> TierlintServer:
    server = TierlintServer()

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: TierlintServer, params: lsp.InitializeParams) -> None:
        state = ls.state
        caps = params.capabilities
        state.pull = bool(caps.text_document and caps.text_document.diagnostic)
        state.encoding = normalize(ls.workspace.position_encoding)
        problems: list[str] = []
        state.editor = EditorSettings.parse(params.initialization_options, problems)
        for p in problems:
            ls.show_once(f"setting:{p}", f"tierlint: invalid setting {p}; using the default.")

    @server.feature(lsp.INITIALIZED)
    async def initialized(ls: TierlintServer, params: lsp.InitializedParams) -> None:
        ls.state.encoding = normalize(ls.workspace.position_encoding)
        await _watch_config_files(ls)
        await _pull_settings(ls)

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: TierlintServer, params: lsp.DidOpenTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.report_config_error(uri)
        doc = ls.state.documents.get(uri)
        if doc is not None and ls.state.is_too_big(doc):
            ls.notify_too_big(doc)
        diagnostics.schedule(ls, uri, 0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: TierlintServer, params: lsp.DidChangeTextDocumentParams) -> None:
        if ls.state.editor.run == "onType":
            diagnostics.schedule(ls, params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: TierlintServer, params: lsp.DidSaveTextDocumentParams) -> None:
        # Fallback for clients that cannot watch files: re-read config on save.
        doc = ls.state.documents.get(params.text_document.uri)
        if doc is not None:
            if params.text is not None and params.text != doc.text:
                doc.set_text(params.text, doc.version)
            doc.saved_text, doc.saved_version = doc.text, doc.version
        ls.state.resolver.forget()
        ls.state.cache.pop(params.text_document.uri, None)
        ls.report_config_error(params.text_document.uri)
        diagnostics.schedule(ls, params.text_document.uri, 0)
        if ls.state.pull and ls.state.editor.run == "onSave":
            diagnostics.refresh_all(ls)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: TierlintServer, params: lsp.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.state.forget(uri)
        diagnostics.clear(ls, uri)

    @server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: TierlintServer, params: lsp.DidChangeConfigurationParams) -> None:
        settings = getattr(params, "settings", None)
        if isinstance(settings, dict) and settings.get("tierlint") is not None:
            problems: list[str] = []
            ls.state.editor = EditorSettings.parse(settings, problems)
            for p in problems:
                ls.show_once(f"setting:{p}", f"tierlint: invalid setting {p}; using the default.")
        else:
            await _pull_settings(ls)
        _changed(ls)

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched(ls: TierlintServer, params: lsp.DidChangeWatchedFilesParams) -> None:
        ls.state.reported = {k for k in ls.state.reported if not k.startswith("config:")}
        _changed(ls)
        for doc in ls.state.documents.all():
            ls.report_config_error(doc.uri)

    for module in (
        code_actions,
        hover,
        code_lens,
        completion,
        symbols,
        inlay_hints,
        commands,
        diagnostics,
    ):
        module.register(server)
    return server


def _changed(ls: TierlintServer) -> None:
    ls.state.invalidate()
    diagnostics.refresh_all(ls)
    caps = ls.client_capabilities.workspace
    try:
        if caps and caps.code_lens and caps.code_lens.refresh_support:
            ls.workspace_code_lens_refresh(None)
        if caps and caps.inlay_hint and caps.inlay_hint.refresh_support:
            ls.workspace_inlay_hint_refresh(None)
    except Exception as exc:  # pragma: no cover
        ls.log_error("refresh request failed", exc)


async def _pull_settings(ls: TierlintServer) -> None:
    caps = ls.client_capabilities.workspace
    if not (caps and caps.configuration):
        return
    try:
        # Shielded: cancelling this await would show the user an error popup.
        result = await asyncio.shield(
            ls.workspace_configuration_async(
                lsp.ConfigurationParams(items=[lsp.ConfigurationItem(section="tierlint")])
            )
        )
    except Exception as exc:
        ls.log_error("workspace/configuration failed", exc)
        return
    if result and isinstance(result[0], dict):
        problems: list[str] = []
        ls.state.editor = EditorSettings.parse(result[0], problems)
        for p in problems:
            ls.show_once(f"setting:{p}", f"tierlint: invalid setting {p}; using the default.")


async def _watch_config_files(ls: TierlintServer) -> None:
    caps = ls.client_capabilities.workspace
    if not (caps and caps.did_change_watched_files and caps.did_change_watched_files.dynamic_registration):
        return
    options = lsp.DidChangeWatchedFilesRegistrationOptions(
        watchers=[lsp.FileSystemWatcher(glob_pattern=g) for g in CONFIG_GLOBS]
    )
    try:
        await ls.client_register_capability_async(
            lsp.RegistrationParams(
                registrations=[
                    lsp.Registration(
                        id="tierlint-config-files",
                        method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                        register_options=options,
                    )
                ]
            )
        )
    except Exception as exc:
        ls.log_error("could not watch config files (falling back to re-reading on save)", exc)


def run(tcp: str | None = None) -> int:
    # One line per problem on stderr; details go to the client's log (window/logMessage).
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    logging.getLogger("pygls").setLevel(logging.CRITICAL)
    server = create_server()
    if tcp:
        host, _, port = tcp.rpartition(":")
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        from .transport import serve_stdio

        serve_stdio(server)
    return 0
