"""The framework as data: load `rules/*.toml`, merge user extensions, compile.

Everything the classifier and checks know about tiers, model names, column
names, ticket patterns, roles, overrides and sprint targets comes from here.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Mapping
from types import MappingProxyType, ModuleType

from . import regexes
from .programs import Program, compiled, program_of
from .records import NamedTuple
from .templates import Matcher, TemplateError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def toml() -> ModuleType:
    """tomllib, imported when a rule or config file is first parsed: a run with
    the rule cache and no config file needs none."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    return tomllib


TIERS = ("haiku", "sonnet", "opus")
EFFECTS = ("up", "down", "set", "floor", "cap")


class RuleError(ValueError):
    """A rule file or rule entry is invalid; `where` names file and key."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


class Tier(NamedTuple):
    name: str
    order: int
    cost: int
    symbol: str
    label: str
    share_target: float
    when_to_use: tuple[str, ...]
    best_for: tuple[tuple[str, str], ...]
    strengths: tuple[str, ...]
    weaknesses: tuple[str, ...]


class Platform(NamedTuple):
    id: str
    title: str
    write: Mapping[str, str]
    names: tuple[tuple[NamePattern, str, str], ...]


class TicketRule(NamedTuple):
    id: str
    tier: str
    priority: int
    section: str
    rationale: str
    templates: tuple[str, ...]
    pattern: Matcher
    unless: Matcher | None = None
    display: str = ""


class Role(NamedTuple):
    id: str
    title: str
    names: tuple[str, ...]
    default: str
    upgrade: str
    trigger: str
    pattern: Matcher


class Override(NamedTuple):
    id: str
    effect: str
    tier: str | None
    order: int
    section: str
    title: str
    rationale: str
    always: bool
    pattern: Matcher
    unless: Matcher | None
    design_verbs: tuple[str, ...] = ()
    implement_verbs: tuple[str, ...] = ()
    min_overlap: float = 0.6


class Status(NamedTuple):
    state: str
    emoji: tuple[str, ...]
    words: tuple[str, ...]


class RuleSet(NamedTuple):
    tiers: Mapping[str, Tier]
    platforms: tuple[Platform, ...]
    columns: Mapping[str, tuple[str, ...]]
    placeholders: frozenset[str]
    statuses: tuple[Status, ...]
    rules: tuple[TicketRule, ...]
    roles: tuple[Role, ...]
    overrides: tuple[Override, ...]
    targets: Mapping[str, float]
    same_model_min: int
    batching_min: int
    batching_rules: frozenset[str]
    sprint_words: tuple[str, ...]
    sources: tuple[str, ...] = ()
    slots: Mapping[str, Any] = MappingProxyType({})

    def tier_order(self, tier: str) -> int:
        return self.tiers[tier].order

    def tier_by_order(self, order: int) -> str:
        ranked = sorted(self.tiers.values(), key=lambda t: t.order)
        order = max(ranked[0].order, min(ranked[-1].order, order))
        return next(t.name for t in ranked if t.order == order)

    def cost(self, tier: str | None) -> int:
        return self.tiers[tier].cost if tier else 0

    def rule(self, rule_id: str) -> TicketRule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def matchers(self) -> list[Matcher]:
        """Every matcher of the rule set: ticket rules, overrides, roles and
        the vetoes ("unless") of rules and overrides."""
        out = [r.pattern for r in self.rules] + [o.pattern for o in self.overrides]
        out += [r.pattern for r in self.roles]
        out += [r.unless for r in self.rules if r.unless is not None]
        out += [o.unless for o in self.overrides if o.unless is not None]
        return out


def keep_programs(rules: RuleSet) -> None:
    """Before a rule set is cached: its compiled regexes travel with it."""
    for matcher in rules.matchers():
        for t in matcher.templates:
            t.keep_program()
    for platform in rules.platforms:
        for pattern, _, _ in platform.names:
            pattern.keep_program()


def batching_ids(data: Mapping[str, Any]) -> list[str]:
    return list(data.get("batching", {}).get("rules", []))


def default_rules_dir() -> str:
    """The shipped rule set: inside the wheel, or `rules/` in a source checkout."""
    here = os.path.dirname(os.path.realpath(__file__))
    for candidate in (os.path.join(here, "rules"), os.path.join(here, "..", "..", "rules")):
        candidate = os.path.normpath(candidate)
        if os.path.isfile(os.path.join(candidate, "tiers.toml")):
            return candidate
    raise RuleError("rules", "the default rule set is missing from this installation")


def toml_files(directory: str) -> list[str]:
    """The rule files (`*.toml`) of a directory, by name."""
    return [os.path.join(directory, name) for name in sorted(os.listdir(directory)) if name.endswith(".toml")]


def load_documents(directory: str) -> list[tuple[str, dict[str, Any]]]:
    docs = []
    tomllib = toml()
    for path in toml_files(directory):
        try:
            with open(path, encoding="utf-8") as f:
                docs.append((os.path.basename(path), tomllib.loads(f.read())))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise RuleError(path, f"cannot read rule file: {exc}") from exc
    return docs


_LIST_KEYS = {"tier": "name", "rule": "id", "role": "id", "override": "id", "status": "state"}


def merge(base: dict[str, Any], extra: Mapping[str, Any], top: bool = True) -> dict[str, Any]:
    """Merge a rule document into the accumulated one: list entries with the same
    id replace the shipped entry, new ones are added; tables merge key by key."""
    out = dict(base)
    for key, value in extra.items():
        if top and key in _LIST_KEYS and isinstance(value, list):
            ident = _LIST_KEYS[key]
            current = list(out.get(key, []))
            for item in value:
                idx = next((i for i, old in enumerate(current) if old.get(ident) == item.get(ident)), None)
                if idx is None:
                    current.append(item)
                elif item.get("disabled"):
                    current.pop(idx)
                else:
                    current[idx] = {**current[idx], **item}
            out[key] = current
        elif key == "platform" and isinstance(value, Mapping):
            plats = dict(out.get("platform", {}))
            for pid, pdef in value.items():
                plats[pid] = {**plats.get(pid, {}), **pdef}
            out[key] = plats
        elif isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(dict(out[key]), value, top=False)
        else:
            out[key] = value
    return out


def build(docs: Iterable[tuple[str, Mapping[str, Any]]]) -> RuleSet:
    data: dict[str, Any] = {}
    sources = []
    for name, doc in docs:
        validate_document(doc)
        data = merge(data, doc)
        sources.append(name)
    return _compile(data, tuple(sources))


def load_default() -> RuleSet:
    return build(load_documents(default_rules_dir()))


def _req(entry: Mapping[str, Any], key: str, where: str, kind: type | tuple[type, ...]) -> Any:
    if key not in entry:
        raise RuleError(where, f"missing required key '{key}'")
    value = entry[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise RuleError(f"{where}.{key}", f"expected {_kind_name(kind)}, got {value!r}")
    return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {
        str: "a string",
        int: "an integer",
        float: "a number",
        list: "a list",
        bool: "true/false",
        dict: "a table",
    }
    if isinstance(kind, tuple):
        return " or ".join(names.get(k, k.__name__) for k in kind)
    return names.get(kind, kind.__name__)


def _tier(value: Any, where: str) -> str:
    if value not in TIERS:
        raise RuleError(where, f"unknown tier {value!r} (expected one of {', '.join(TIERS)})")
    return value


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleError(where, "expected a list of strings")
    return tuple(value)


def _pattern(templates: tuple[str, ...], slots: Mapping[str, Any], where: str) -> Matcher:
    if not templates:
        raise RuleError(where, "needs at least one template")
    try:
        return Matcher(list(templates), slots)
    except (TemplateError, re.error) as exc:
        raise RuleError(where, str(exc)) from exc


def _unless(entry: Mapping[str, Any], slots: Mapping[str, Any], where: str) -> Matcher | None:
    """Templates that veto a match ("no business logic" is not business logic)."""
    if "unless" not in entry:
        return None
    return _pattern(_strings(entry["unless"], f"{where}.unless"), slots, f"{where}.unless")


class NamePattern:
    """A model name of the rules, `*` standing for any run of name characters.
    Compiled when first matched: a run meets only the few names it reads."""

    __slots__ = ("_program", "_rx", "source")

    def __init__(self, name: str) -> None:
        key = "-".join(name.lower().replace("_", "-").split())
        self.source = "".join(r"[a-z0-9.\-]*" if ch == "*" else re.escape(ch) for ch in key) + r"\Z"
        self._rx: re.Pattern[str] | None = None
        self._program: Program | None = None

    def match(self, text: str) -> re.Match[str] | None:
        rx = self._rx
        if rx is None:
            rx = self._rx = compiled(self.source, self._program) or re.compile(self.source)
        return rx.match(text)

    def keep_program(self) -> None:
        """Work out the compiled regex, to be stored with a cached rule set."""
        self._program = program_of(self.source, 0)


_MODEL_JUNK = regexes.compile(r"[*_`~]+|\([^)]*\)|\[[^\]]*\]")
_NON_MODEL = regexes.compile(r"[^a-z0-9.\-/ ]+")


def normalize_model_name(text: str) -> str:
    """'**Claude 3 Opus** ($$$)' -> 'claude-3-opus'."""
    t = text.lower()
    if any(c in t for c in "*_`~(["):
        t = _MODEL_JUNK.sub(" ", t)
    t = _NON_MODEL.sub(" ", t)
    return "-".join(t.split())


def _compile(data: Mapping[str, Any], sources: tuple[str, ...]) -> RuleSet:
    slots = dict(data.get("slots", {}))
    for key, value in slots.items():
        if not (value == "*" or isinstance(value, (str, list))):
            raise RuleError(f"slots.{key}", 'expected "*", a template or a list of templates')

    tiers = {}
    for i, entry in enumerate(data.get("tier", [])):
        where = f"tier[{i}]"
        name = _tier(_req(entry, "name", where, str), f"{where}.name")
        tiers[name] = Tier(
            name=name,
            order=_req(entry, "order", where, int),
            cost=_req(entry, "cost", where, int),
            symbol=_req(entry, "symbol", where, str),
            label=entry.get("label", name),
            share_target=float(entry.get("share_target", 0.0)),
            when_to_use=_strings(entry.get("when_to_use", []), f"{where}.when_to_use"),
            best_for=tuple(tuple(x) for x in entry.get("best_for", [])),
            strengths=_strings(entry.get("strengths", []), f"{where}.strengths"),
            weaknesses=_strings(entry.get("weaknesses", []), f"{where}.weaknesses"),
        )
    missing = [t for t in TIERS if t not in tiers]
    if missing:
        raise RuleError("tier", f"tiers missing from the rule set: {', '.join(missing)}")

    platforms = []
    for pid, pdef in data.get("platform", {}).items():
        where = f"platform.{pid}"
        names = []
        for j, item in enumerate(pdef.get("names", [])):
            iw = f"{where}.names[{j}]"
            name = _req(item, "name", iw, str)
            names.append((NamePattern(name), _tier(_req(item, "tier", iw, str), f"{iw}.tier"), name))
        write = pdef.get("write", {})
        for t in TIERS:
            if t not in write:
                raise RuleError(f"{where}.write", f"no name for tier '{t}'")
        platforms.append(Platform(pid, pdef.get("title", pid), dict(write), tuple(names)))

    cols = data.get("columns", {})
    columns = {k: tuple(v.lower() for v in _strings(cols.get(k, []), f"columns.{k}")) for k in cols}
    placeholders = frozenset(
        v.lower() for v in _strings(data.get("placeholders", {}).get("values", []), "placeholders.values")
    )
    statuses = tuple(
        Status(
            _req(s, "state", f"status[{i}]", str),
            _strings(s.get("emoji", []), f"status[{i}].emoji"),
            tuple(w.lower() for w in _strings(s.get("words", []), f"status[{i}].words")),
        )
        for i, s in enumerate(data.get("status", []))
    )

    rules = []
    for i, entry in enumerate(data.get("rule", [])):
        where = f"rule[{i}]"
        rid = _req(entry, "id", where, str)
        where = f"rule '{rid}'"
        templates = _strings(_req(entry, "match", where, list), f"{where}.match")
        rules.append(
            TicketRule(
                id=rid,
                tier=_tier(_req(entry, "tier", where, str), f"{where}.tier"),
                priority=_req(entry, "priority", where, int),
                section=entry.get("section", "Ticket-to-Model Mapping"),
                rationale=_req(entry, "rationale", where, str),
                templates=templates,
                pattern=_pattern(templates, slots, f"{where}.match"),
                unless=_unless(entry, slots, where),
                display=str(entry.get("pattern", templates[0])).lstrip("^ "),
            )
        )

    roles = []
    for i, entry in enumerate(data.get("role", [])):
        rid = _req(entry, "id", f"role[{i}]", str)
        where = f"role '{rid}'"
        templates = _strings(entry.get("match", []), f"{where}.match")
        roles.append(
            Role(
                id=rid,
                title=entry.get("title", rid),
                names=tuple(n.lower() for n in _strings(_req(entry, "names", where, list), f"{where}.names")),
                default=_tier(_req(entry, "default", where, str), f"{where}.default"),
                upgrade=_tier(entry.get("upgrade", entry["default"]), f"{where}.upgrade"),
                trigger=entry.get("trigger", ""),
                pattern=_pattern(templates, slots, f"{where}.match"),
            )
        )

    overrides = []
    for i, entry in enumerate(data.get("override", [])):
        oid = _req(entry, "id", f"override[{i}]", str)
        where = f"override '{oid}'"
        effect = _req(entry, "effect", where, str)
        if effect not in EFFECTS:
            raise RuleError(
                f"{where}.effect",
                f"unknown effect {effect!r} (expected one of {', '.join(EFFECTS)})",
            )
        tier = entry.get("tier")
        if effect in ("set", "floor", "cap"):
            tier = _tier(tier, f"{where}.tier")
        templates = _strings(_req(entry, "match", where, list), f"{where}.match")
        overrides.append(
            Override(
                id=oid,
                effect=effect,
                tier=tier,
                order=int(entry.get("order", 50)),
                section=entry.get("section", "When to Override"),
                title=entry.get("title", oid),
                rationale=_req(entry, "rationale", where, str),
                always=entry.get("always", False) is True,
                pattern=_pattern(templates, slots, f"{where}.match"),
                unless=_unless(entry, slots, where),
                design_verbs=tuple(entry.get("design_verbs", ())),
                implement_verbs=tuple(entry.get("implement_verbs", ())),
                min_overlap=float(entry.get("min_overlap", 0.6)),
            )
        )
    overrides.sort(key=lambda o: o.order)

    known = {r.id for r in rules}
    for rid in batching_ids(data):
        if rid not in known:
            raise RuleError("batching.rules", f"unknown rule id {rid!r}")
    targets = {k: float(v) for k, v in data.get("targets", {}).items()}
    for key in ("haiku", "sonnet", "opus", "opus_max"):
        if key not in targets:
            raise RuleError("targets", f"missing required key '{key}'")
    batching = data.get("batching", {})
    return RuleSet(
        tiers=tiers,
        platforms=tuple(platforms),
        columns=columns,
        placeholders=placeholders,
        statuses=statuses,
        rules=tuple(rules),
        roles=tuple(roles),
        overrides=tuple(overrides),
        targets=targets,
        same_model_min=int(data.get("same_model", {}).get("min_tickets", 4)),
        batching_min=int(batching.get("min_tickets", 3)),
        batching_rules=frozenset(batching.get("rules", [])),
        sprint_words=tuple(w.lower() for w in data.get("sprint_heading", {}).get("words", ["sprint"])),
        sources=sources,
        slots=slots,
    )


# -- checking a rule document before it is merged -----------------------------

_ENTRY_KEYS = {
    "tier": {
        "name",
        "order",
        "cost",
        "symbol",
        "label",
        "share_target",
        "when_to_use",
        "best_for",
        "strengths",
        "weaknesses",
    },
    "status": {"state", "emoji", "words", "disabled"},
    "rule": {"id", "tier", "priority", "section", "rationale", "match", "unless", "pattern", "disabled"},
    "role": {"id", "title", "names", "default", "upgrade", "trigger", "match", "disabled"},
    "override": {
        "id",
        "effect",
        "tier",
        "order",
        "section",
        "title",
        "rationale",
        "always",
        "match",
        "unless",
        "design_verbs",
        "implement_verbs",
        "min_overlap",
        "disabled",
    },
}
_TABLE_KEYS = {
    "columns": {"id", "title", "status", "owner", "model", "cost", "depends", "points"},
    "placeholders": {"values"},
    "targets": {"haiku", "sonnet", "opus", "opus_max", "opus_min_tickets"},
    "same_model": {"min_tickets"},
    "batching": {"min_tickets", "rules"},
    "sprint_heading": {"words"},
}
_SECTIONS = {*_ENTRY_KEYS, *_TABLE_KEYS, "platform", "slots"}


def _check_type(where: str, value: Any, kind: str) -> None:
    ok = {
        "str": isinstance(value, str),
        "bool": isinstance(value, bool),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "share": isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1,
        "count": isinstance(value, int) and not isinstance(value, bool) and value >= 1,
        "strings": isinstance(value, list) and all(isinstance(v, str) for v in value),
    }[kind]
    if not ok:
        expected = {
            "str": "a string",
            "bool": "true or false",
            "int": "an integer",
            "share": "a number from 0 to 1",
            "count": "a whole number of at least 1",
            "strings": "a list of strings",
        }[kind]
        raise RuleError(where, f"expected {expected}, got {value!r}")


_TYPES = {
    ("rule", "priority"): "int",
    ("rule", "match"): "strings",
    ("rule", "unless"): "strings",
    ("rule", "tier"): "str",
    ("rule", "disabled"): "bool",
    ("override", "always"): "bool",
    ("override", "order"): "int",
    ("override", "match"): "strings",
    ("override", "unless"): "strings",
    ("override", "min_overlap"): "share",
    ("override", "design_verbs"): "strings",
    ("override", "implement_verbs"): "strings",
    ("override", "disabled"): "bool",
    ("role", "names"): "strings",
    ("role", "match"): "strings",
    ("role", "disabled"): "bool",
    ("tier", "order"): "int",
    ("tier", "cost"): "count",
    ("tier", "share_target"): "share",
    ("status", "emoji"): "strings",
    ("status", "words"): "strings",
    ("targets", "haiku"): "share",
    ("targets", "sonnet"): "share",
    ("targets", "opus"): "share",
    ("targets", "opus_max"): "share",
    ("targets", "opus_min_tickets"): "count",
    ("same_model", "min_tickets"): "count",
    ("batching", "min_tickets"): "count",
    ("batching", "rules"): "strings",
    ("sprint_heading", "words"): "strings",
    ("placeholders", "values"): "strings",
}


def validate_document(doc: Mapping[str, Any]) -> None:
    """Unknown sections and keys, and values of the wrong type, are errors
    (a misspelt key must never be silently ignored)."""
    for section, value in doc.items():
        if section not in _SECTIONS:
            raise RuleError(section, f"unknown rule-set section '{section}'")
        if section in _ENTRY_KEYS:
            if not isinstance(value, list) or not all(isinstance(e, Mapping) for e in value):
                raise RuleError(section, f"expected a list of tables ([[{section}]]), got {value!r}")
            for i, entry in enumerate(value):
                name = entry.get("id") or entry.get("name") or entry.get("state") or i
                where = f"{section} '{name}'" if not isinstance(name, int) else f"{section}[{name}]"
                for key, item in entry.items():
                    if key not in _ENTRY_KEYS[section]:
                        raise RuleError(f"{where}.{key}", f"unknown key '{key}' in [[{section}]]")
                    kind = _TYPES.get((section, key))
                    if kind:
                        _check_type(f"{where}.{key}", item, kind)
        elif section in _TABLE_KEYS:
            if not isinstance(value, Mapping):
                raise RuleError(section, f"expected a table, got {value!r}")
            for key, item in value.items():
                if key not in _TABLE_KEYS[section]:
                    raise RuleError(f"{section}.{key}", f"unknown key '{key}' in [{section}]")
                kind = _TYPES.get((section, key)) or ("strings" if section == "columns" else None)
                if kind:
                    _check_type(f"{section}.{key}", item, kind)
        elif section == "platform":
            if not isinstance(value, Mapping):
                raise RuleError(section, "expected a table of platforms")
            for pid, pdef in value.items():
                if not isinstance(pdef, Mapping):
                    raise RuleError(f"platform.{pid}", "expected a table")
                for key in pdef:
                    if key not in {"title", "write", "names"}:
                        raise RuleError(f"platform.{pid}.{key}", f"unknown key '{key}' in [platform.{pid}]")
        elif section == "slots" and not isinstance(value, Mapping):
            raise RuleError(section, "expected a table of slot = template(s)")
