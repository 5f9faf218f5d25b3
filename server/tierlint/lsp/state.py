"""What the server knows: open documents, editor settings, config files, and
the latest analysis of each document (keyed by version)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from ..codes import CODES, is_selector
from .documents import Document, Documents

if TYPE_CHECKING:
    from ..analyze import Analyzer, Settings
    from ..config import Config, ConfigResolver
    from ..model import Analysis
    from ..rules import RuleSet

DEFAULT_MAX_SIZE = 2_000_000
LEVELS = ("error", "warning", "information", "info", "hint", "off")


@dataclass(frozen=True)
class EditorSettings:
    """Settings from the editor (initializationOptions / workspace/configuration)."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)
    code_lens: bool = True
    inlay_hints: bool = False
    run: str = "onType"
    max_file_size: int = DEFAULT_MAX_SIZE

    @classmethod
    def parse(cls, raw: Any, problems: list[str]) -> EditorSettings:
        """Lenient: a bad value is reported in `problems` and the default kept."""
        if not isinstance(raw, dict):
            return cls()
        if isinstance(raw.get("tierlint"), dict):
            raw = raw["tierlint"]
        out = cls()

        def codes(key: str) -> tuple[str, ...]:
            value = raw.get(key)
            if value is None:
                return ()
            if isinstance(value, str):
                value = [v for v in value.split(",") if v.strip()]
            if not isinstance(value, list):
                problems.append(f"tierlint.{key}: expected a list of rule codes")
                return ()
            good = []
            for v in value:
                if isinstance(v, str) and is_selector(v):
                    good.append(v.strip().upper())
                else:
                    problems.append(f"tierlint.{key}: unknown rule code {v!r}")
            return tuple(good)

        out = replace(out, select=codes("select"), ignore=codes("ignore"))
        sev = raw.get("severity")
        if isinstance(sev, dict):
            clean = {}
            for k, v in sev.items():
                if str(k).upper() in CODES and isinstance(v, str) and v.lower() in LEVELS:
                    clean[str(k).upper()] = v.lower()
                else:
                    problems.append(
                        f"tierlint.severity.{k}: expected a rule code and one of {', '.join(LEVELS)}"
                    )
            out = replace(out, severity=clean)
        elif sev is not None:
            problems.append("tierlint.severity: expected an object of CODE: level")
        for key, attr in (("codeLens", "code_lens"), ("inlayHints", "inlay_hints")):
            value = raw.get(key)
            if isinstance(value, bool):
                out = replace(out, **{attr: value})
            elif value is not None:
                problems.append(f"tierlint.{key}: expected true or false")
        run = raw.get("run")
        if run in ("onType", "onSave"):
            out = replace(out, run=run)
        elif run is not None:
            problems.append("tierlint.run: expected 'onType' or 'onSave'")
        size = raw.get("maxFileSize")
        if isinstance(size, int) and not isinstance(size, bool) and size >= 0:
            out = replace(out, max_file_size=size or 1 << 62)  # 0 means no limit
        elif size is not None:
            problems.append("tierlint.maxFileSize: expected a number of bytes (0 for no limit)")
        return out


def uri_to_path(uri: str) -> Path | None:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if len(path) > 2 and path[0] == "/" and path[2] == ":":  # /C:/...
        path = path[1:]
    return Path(path)


@dataclass
class Cached:
    version: int | None
    text: str
    analysis: Analysis
    config: Config
    settings: Settings


class State:
    def __init__(self) -> None:
        self.documents = Documents()
        self.editor = EditorSettings()
        self._resolver: ConfigResolver | None = None
        self.encoding = "utf-16"
        self.pull = False
        self.cache: dict[str, Cached] = {}
        self._analyzers: dict[int, Analyzer] = {}
        self.reported: set[str] = set()
        self.too_big: set[str] = set()
        self.executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="tierlint")
        self.tasks: dict[str, asyncio.Task[None]] = {}
        self.config_errors: list[str] = []

    @property
    def resolver(self) -> ConfigResolver:
        """Created on first use: the engine loads after `initialize` has answered."""
        if self._resolver is None:
            from ..config import ConfigResolver

            self._resolver = ConfigResolver()
        return self._resolver

    def analyzer(self, rules: RuleSet) -> Analyzer:
        from ..analyze import Analyzer

        key = id(rules)
        found = self._analyzers.get(key)
        if found is None:
            if len(self._analyzers) > 8:
                self._analyzers.clear()
            found = self._analyzers[key] = Analyzer(rules)
        return found

    def config_for(self, uri: str) -> tuple[Config, str | None]:
        """The config for a document, or the defaults plus an error message."""
        from ..config import ConfigError, default_config
        from ..rules import RuleError

        path = uri_to_path(uri)
        if path is None:
            return default_config(), None
        try:
            return self.resolver.for_path(path), None
        except (ConfigError, RuleError, OSError) as exc:
            return default_config(), str(exc)

    def settings_for(self, config: Config) -> Settings:
        from ..analyze import Settings

        base = config.settings
        ed = self.editor
        severity = {**base.severity, **ed.severity}
        return Settings(ed.select or base.select, ed.ignore or base.ignore, severity)

    def is_too_big(self, doc: Document) -> bool:
        limit = self.editor.max_file_size
        n = len(doc.text)
        if n * 4 <= limit:
            return False
        return len(doc.text.encode("utf-8", errors="surrogatepass")) > limit

    def cached(self, doc: Document) -> Cached | None:
        c = self.cache.get(doc.uri)
        if c is not None and c.version == doc.version and c.text is doc.text:
            return c
        return None

    def analyse_now(self, uri: str, text: str, version: int | None) -> Cached:
        """Analyse in the calling thread (the worker thread, normally)."""
        config, _error = self.config_for(uri)
        settings = self.settings_for(config)
        with collector_paused():
            analysis = self.analyzer(config.rules).analyze(text, settings)
        c = Cached(version, text, analysis, config, settings)
        return c

    async def analysis(self, doc: Document) -> Cached | None:
        """The analysis of the document's current text; None when it is too big."""
        if self.is_too_big(doc):
            return None
        c = self.cached(doc)
        if c is not None:
            return c
        loop = asyncio.get_running_loop()
        c = await loop.run_in_executor(self.executor, self.analyse_now, doc.uri, doc.text, doc.version)
        if doc.text is c.text:
            self.cache[doc.uri] = c
        return c

    def forget(self, uri: str) -> None:
        self.cache.pop(uri, None)
        self.too_big.discard(uri)
        task = self.tasks.pop(uri, None)
        if task is not None:
            task.cancel()

    def invalidate(self) -> None:
        """Config or settings changed: every analysis must be redone."""
        self.cache.clear()
        self.resolver.forget()
        self._analyzers.clear()


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector held off while a document is analysed.
    An analysis makes hundreds of thousands of small objects, none of them
    in a reference cycle, and the collector would walk the growing heap
    again and again: a third of a cold analysis of a big file. Afterwards
    what was made goes straight to the oldest generation (`freeze` then
    `unfreeze`), so no young collection walks it either; a cycle in it is
    still found by the next full collection."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        gc.enable()
