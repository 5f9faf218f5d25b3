"""Configuration files: `tierlint.toml`, `.tierlint.toml`, or `[tool.tierlint]`
in `pyproject.toml`. The nearest one to a file wins (searching upwards).

Every key is checked: an unknown key or a bad value is an error naming the file,
the line and the key, never silently ignored.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from types import MappingProxyType

from . import regexes
from .analyze import Settings
from .cache import cached
from .classify import Tables, keep_tables, tables_of
from .codes import CODES, is_selector
from .records import NamedTuple
from .rules import (
    RuleError,
    RuleSet,
    build,
    default_rules_dir,
    keep_programs,
    load_documents,
    toml,
    toml_files,
    validate_document,
)
from .sources import clean_path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .cache import StrPath

CONFIG_NAMES = ("tierlint.toml", ".tierlint.toml", "pyproject.toml")
SEVERITIES = ("error", "warning", "information", "info", "hint", "off")
RULE_SECTIONS = (
    "rule",
    "override",
    "role",
    "platform",
    "tier",
    "status",
    "slots",
    "targets",
    "columns",
    "placeholders",
    "batching",
    "same_model",
    "sprint_heading",
)
KNOWN_KEYS = ("select", "ignore", "extend-select", "severity", "exclude", "rules", *RULE_SECTIONS)


class ConfigError(ValueError):
    def __init__(self, path: str, line: int | None, key: str, message: str) -> None:
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")
        self.path = path
        self.line = line
        self.key = key
        self.message = message


class Config(NamedTuple):
    """A resolved configuration: the file it came from (None = defaults)."""

    path: str | None
    settings: Settings
    rules: RuleSet
    exclude: tuple[str, ...] = ()
    rule_files: tuple[str, ...] = ()
    root: str | None = None
    raw: Mapping[str, Any] = MappingProxyType({})


_DEFAULT: RuleSet | None = None
_DEFAULT_DOCS: list[tuple[str, dict[str, Any]]] | None = None


class _Kept(NamedTuple):
    """What the cache keeps of the shipped rule set: the rules, and the
    tables their classifiers look words and templates up in."""

    rules: RuleSet
    tables: Tables


def _build_default() -> _Kept:
    rules = build(_default_docs())
    return _Kept(rules, tables_of(rules))


def default_rules() -> RuleSet:
    global _DEFAULT
    if _DEFAULT is None:
        directory = default_rules_dir()
        kept = cached(toml_files(directory), _build_default, _Kept, lambda k: keep_programs(k.rules))
        keep_tables(*kept)
        _DEFAULT = kept.rules
    return _DEFAULT


def _default_docs() -> list[tuple[str, dict[str, Any]]]:
    global _DEFAULT_DOCS
    if _DEFAULT_DOCS is None:
        _DEFAULT_DOCS = load_documents(default_rules_dir())
    return _DEFAULT_DOCS


def default_config() -> Config:
    return Config(None, Settings(), default_rules())


def find_config_file(start: StrPath) -> str | None:
    """The nearest config file in `start` or its parents."""
    return _search_up(folder_of(start))


def _search_up(d: str) -> str | None:
    """The nearest config file in the resolved folder `d` or its parents."""
    while True:
        for name in CONFIG_NAMES:
            candidate = os.path.join(d, name)
            if os.path.isfile(candidate):
                if name == "pyproject.toml" and not _has_tool_section(candidate):
                    continue
                return candidate
        up = os.path.dirname(d)
        if up == d:
            return None
        d = up


def folder_of(path: StrPath) -> str:
    """The folder a path's configuration is looked for from: the path itself
    when it is one, else the folder it is in; resolved."""
    p = clean_path(os.fspath(path))
    return os.path.realpath(p if os.path.isdir(p) else os.path.dirname(p) or ".")


_TOOL_SECTION = regexes.compile(r"^\s*\[\s*tool\s*\.\s*tierlint\b", re.MULTILINE)


def _has_tool_section(path: str) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return False
    return _TOOL_SECTION.search(text) is not None


def _locate(text: str, key: str) -> int | None:
    """Best-effort line of `key` (dotted) in a TOML text, for error messages."""
    parts = key.split(".")
    last = re.escape(parts[-1].strip('"'))
    pattern = re.compile(
        rf'^\s*"?{last}"?\s*=|[{{,]\s*"?{last}"?\s*=|^\s*\[+[^\]]*\b{last}\b[^\]]*\]+', re.MULTILINE
    )
    m = pattern.search(text)
    if m:
        return text.count("\n", 0, m.start()) + 1
    return None


def load_config_file(path: StrPath) -> Config:
    path = os.fspath(path)
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), None, "", f"cannot read config file: {exc}") from exc
    tomllib = toml()
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise ConfigError(str(path), int(m.group(1)) if m else None, "", f"invalid TOML: {exc}") from exc
    prefix = ""
    if os.path.basename(path) == "pyproject.toml":
        doc = doc.get("tool", {}).get("tierlint", {})
        prefix = "tool.tierlint."
    if not isinstance(doc, dict):
        raise ConfigError(str(path), _locate(text, "tierlint"), prefix.rstrip("."), "expected a table")
    return _from_mapping(doc, path, text, prefix)


def _from_mapping(doc: Mapping[str, Any], path: str, text: str, prefix: str) -> Config:
    def fail(key: str, message: str) -> ConfigError:
        return ConfigError(str(path), _locate(text, key), prefix + key, message)

    for key in doc:
        if key not in KNOWN_KEYS:
            hint = _suggest(key, KNOWN_KEYS)
            raise fail(
                key,
                f"unknown key{hint} (known keys: {', '.join(KNOWN_KEYS[:6])} and the rule-set sections)",
            )

    def selectors(key: str) -> tuple[str, ...]:
        value = doc.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(key, f"expected a list of rule codes, got {value!r}")
        for v in value:
            if not is_selector(v):
                raise fail(key, f"unknown rule code or prefix {v!r} (see `tierlint rules`)")
        return tuple(value)

    select = selectors("select") or ("ALL",)
    select = select + selectors("extend-select")
    ignore = selectors("ignore")
    severity = doc.get("severity", {})
    if not isinstance(severity, dict):
        raise fail("severity", f"expected a table of CODE = level, got {severity!r}")
    for code, level in severity.items():
        if code.upper() not in CODES:
            raise fail(f"severity.{code}", f"unknown rule code {code!r}")
        if not isinstance(level, str) or level.lower() not in SEVERITIES:
            raise fail(f"severity.{code}", f"expected one of {', '.join(SEVERITIES)}, got {level!r}")
    severity = {k.upper(): v.lower() for k, v in severity.items()}

    exclude = doc.get("exclude", [])
    if not isinstance(exclude, list) or not all(isinstance(v, str) for v in exclude):
        raise fail("exclude", f"expected a list of glob patterns, got {exclude!r}")

    rule_files = doc.get("rules", [])
    if isinstance(rule_files, str):
        rule_files = [rule_files]
    if not isinstance(rule_files, list) or not all(isinstance(v, str) for v in rule_files):
        raise fail("rules", f"expected a path or a list of paths to rule files, got {rule_files!r}")
    base = os.path.dirname(path)
    files = []
    extra_docs: list[tuple[str, Mapping[str, Any]]] = []
    tomllib = toml()
    for rel in rule_files:
        p = os.path.realpath(os.path.join(base, rel))
        if not os.path.isfile(p):
            raise fail("rules", f"rule file not found: {rel}")
        try:
            with open(p, encoding="utf-8") as f:
                rtext = f.read()
            rdoc = tomllib.loads(rtext)
        except (OSError, UnicodeDecodeError) as exc:
            raise fail("rules", f"cannot read rule file {rel}: {exc}") from exc
        except tomllib.TOMLDecodeError as exc:
            m = re.search(r"line (\d+)", str(exc))
            raise ConfigError(str(p), int(m.group(1)) if m else None, "", f"invalid TOML: {exc}") from exc
        _validate(rdoc, p, rtext, "")
        extra_docs.append((p, rdoc))
        files.append(p)
    inline = {k: v for k, v in doc.items() if k in RULE_SECTIONS}
    if inline:
        _validate(inline, path, text, prefix)
        extra_docs.append((str(path), inline))
    rules = default_rules()
    if extra_docs:
        try:
            rules = build([*_default_docs(), *extra_docs])
        except RuleError as exc:
            owner, otext, oprefix = _owner_of(exc.where, extra_docs, path, text, prefix)
            raise ConfigError(
                str(owner), _locate_where(otext, exc.where), oprefix + exc.where, exc.message
            ) from exc
    settings = Settings(select, ignore, severity)
    return Config(path, settings, rules, tuple(exclude), tuple(files), base, dict(doc))


def _validate(doc: Mapping[str, Any], path: str, text: str, prefix: str) -> None:
    try:
        validate_document(doc)
    except RuleError as exc:
        raise ConfigError(str(path), _locate_where(text, exc.where), prefix + exc.where, exc.message) from exc


def _locate_where(text: str, where: str) -> int | None:
    """The line of `where` ("rule 'x'.tier", "targets.opus_max") in a TOML text."""
    m = re.match(r"^\w+ '([^']*)'(?:\.(\w+))?$", where)
    if m:
        ident, key = m.group(1), m.group(2)
        found = re.search(rf"""^\s*(?:id|name|state)\s*=\s*["']{re.escape(ident)}["']""", text, re.MULTILINE)
        if found:
            if key:
                after = re.search(rf"^\s*{re.escape(key)}\s*=", text[found.start() :], re.MULTILINE)
                if after:
                    return text.count("\n", 0, found.start() + after.start()) + 1
            return text.count("\n", 0, found.start()) + 1
    return _locate(text, where.split(".")[-1])


def _owner_of(
    where: str, docs: list[tuple[str, Mapping[str, Any]]], path: str, text: str, prefix: str
) -> tuple[str, str, str]:
    """Which extra rule document an error after merging comes from."""
    m = re.match(r"^\w+ '([^']*)'", where)
    ident = m.group(1) if m else None
    for name, doc in reversed(docs):
        if ident and ident in repr(doc):
            if name == path:
                return path, text, prefix
            try:
                with open(name, encoding="utf-8") as f:
                    return name, f.read(), ""
            except (OSError, UnicodeDecodeError):
                break
    return path, text, prefix


def _suggest(key: str, known: tuple[str, ...]) -> str:
    import difflib

    close = difflib.get_close_matches(key, known, n=1)
    return f" '{key}'; did you mean '{close[0]}'?" if close else f" '{key}'"


class ConfigResolver:
    """Finds and caches the configuration for each directory."""

    def __init__(self, explicit: StrPath | None = None) -> None:
        self.explicit = None if explicit is None else os.fspath(explicit)
        self._by_dir: dict[str, str | None] = {}
        self._loaded: dict[tuple[str, float], Config] = {}

    def for_path(self, path: StrPath) -> Config:
        if self.explicit is not None:
            return self._load(self.explicit)
        directory = folder_of(path)
        if directory not in self._by_dir:
            self._by_dir[directory] = _search_up(directory)
        found = self._by_dir[directory]
        return self._load(found) if found is not None else default_config()

    def _load(self, path: str) -> Config:
        try:
            stamp = os.stat(path).st_mtime
        except OSError as exc:
            raise ConfigError(str(path), None, "", f"cannot read config file: {exc.strerror}") from exc
        key = (path, stamp)
        if key not in self._loaded:
            self._loaded[key] = load_config_file(path)
        return self._loaded[key]

    def forget(self) -> None:
        self._by_dir.clear()
        self._loaded.clear()
