"""Reading what a cell says: column names, model names, statuses, placeholders."""

from __future__ import annotations

import re

from . import regexes
from .model import Columns, Table
from .records import NamedTuple
from .rules import RuleSet, normalize_model_name

_HTML_COMMENT = regexes.compile(r"<!--.*?-->", re.DOTALL)
_MARKUP = regexes.compile(r"[*_`~]+")
_EMOJI = regexes.compile(
    "[0-9#*]\ufe0f?\u20e3|[\u2122\u2139]\ufe0f?|"
    "[\u2190-\u21ff\u2300-\u23ff\u2460-\u27bf\u2900-\u297f\u2b00-\u2bff\u3030\u303d"
    "\U0001f000-\U0001faff\ufe0f\u200d\u20e3]+"
)
_TEMPLATE = regexes.compile(r"^\{\{.*\}\}$|^<[^>]*>$|^\[[^\]]*\]$")
_LINK = regexes.compile(r"\[([^\]]*)\]\([^)]*\)")


def strip_comments(text: str) -> str:
    return _HTML_COMMENT.sub("", text).strip() if "<!--" in text else text


_WORD = regexes.compile(r"[a-z0-9]+")
_PLAIN = regexes.compile(r"[A-Za-z0-9 .,:;/#()'+&?!@=-]*")


def clean(text: str) -> str:
    """Cell text without HTML comments, links, emphasis and emoji, for matching."""
    if _PLAIN.fullmatch(text) and "  " not in text:
        return text.strip()
    if "<!--" in text:
        text = _HTML_COMMENT.sub(" ", text)
    if "](" in text:
        text = _LINK.sub(r"\1", text)
    if any(c in text for c in "*_`~"):
        text = _MARKUP.sub("", text)
    text = _EMOJI.sub(" ", text)
    return " ".join(text.split())


def header_key(text: str) -> str:
    return clean(text).lower().rstrip(":").strip()


def find_columns(table: Table, rules: RuleSet) -> Columns | None:
    """The ticket columns of `table`, or None when it is not a ticket table: it
    needs a title column and a status, owner, model or cost-tier column."""
    found: dict[str, int] = {}
    for i, text in enumerate(table.header.values):
        key = header_key(text)
        for kind in ("id", "title", "status", "owner", "model", "cost"):
            if kind not in found and key in rules.columns.get(kind, ()):
                found[kind] = i
                break
    if "title" not in found:
        return None
    if not any(k in found for k in ("status", "owner", "model", "cost")):
        return None
    return Columns(
        id=found.get("id"),
        title=found["title"],
        status=found.get("status"),
        owner=found.get("owner"),
        model=found.get("model"),
        cost=found.get("cost"),
    )


class ModelValue(NamedTuple):
    """What a Model cell says. kind: empty | placeholder | known | unknown."""

    kind: str
    tier: str | None
    platform: str | None
    name: str


class ModelReader:
    """Resolves Model cells to tiers; memoised, since a backlog repeats a few values."""

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self._memo: dict[str, ModelValue] = {}

    def read(self, text: str) -> ModelValue:
        found = self._memo.get(text)
        if found is None:
            found = self._read(text)
            if len(self._memo) < 10_000:
                self._memo[text] = found
        return found

    def _read(self, text: str) -> ModelValue:
        raw = clean(text)
        low = raw.lower().strip()
        if not low:
            return ModelValue("empty", None, None, "")
        if low in self.rules.placeholders or _TEMPLATE.match(low):
            return ModelValue("placeholder", None, None, raw)
        key = normalize_model_name(raw)
        for platform in self.rules.platforms:
            for pattern, tier, _name in platform.names:
                if pattern.match(key):
                    return ModelValue("known", tier, platform.id, raw)
        return ModelValue("unknown", None, None, raw)

    def vocabulary(self, platform_id: str | None, text: str) -> bool:
        """True when `text` is exactly one of the platform's write names."""
        if platform_id is None:
            return False
        plat = next((p for p in self.rules.platforms if p.id == platform_id), None)
        if plat is None:
            return False
        key = normalize_model_name(clean(text))
        return key in {normalize_model_name(v) for v in plat.write.values()}


class StatusReader:
    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self._memo: dict[str, str | None] = {}

    def read(self, text: str) -> str | None:
        if text in self._memo:
            return self._memo[text]
        found = self._read(text)
        if len(self._memo) < 10_000:
            self._memo[text] = found
        return found

    def _read(self, text: str) -> str | None:
        if not text.strip():
            return None
        for status in self.rules.statuses:
            if any(e in text for e in status.emoji):
                return status.state
        words = " " + " ".join(_WORD.findall(clean(text).lower())) + " "
        norm = words.replace(" qa review ", " review ")
        for status in self.rules.statuses:
            for w in status.words:
                key = " " + " ".join(_WORD.findall(w)) + " "
                if key in norm:
                    return status.state
        return None
