"""Compile the framework's `[placeholder]` notation into bounded regular expressions.

Users write rules in the seed's own words ("Create [table] migration"); this
module is the only place that turns them into regexes. Every repetition is
bounded, and no user text is ever compiled as a raw regex, so a rule cannot
make matching slow on a long line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from . import regexes
from .programs import Program, compiled, program_of

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TypeVar

    T = TypeVar("T")

# A slot holds up to 60 characters, at least one of them a letter or digit: a
# blank, an emoji or punctuation alone does not fill "[architecture]".
GAP = r"[^\w\x1f]{0,20}\w[^\x1f]{0,59}?"
_SEP = r"\W*"
_BOUND = r"\b"


class TemplateError(ValueError):
    pass


_TOKENS: dict[str, tuple[str, ...]] = {}


def _tokens(template: str) -> tuple[str, ...]:
    """The template's words, slots and groups (memoised: slot values recur in
    hundreds of templates)."""
    found = _TOKENS.get(template)
    if found is None:
        found = tuple(_split_tokens(template))
        if len(_TOKENS) < 20_000:
            _TOKENS[template] = found
    return found


def _split_tokens(template: str) -> list[str]:
    if "(" not in template and "[" not in template:
        return template.split()  # plain words: most slot values
    out: list[str] = []
    i = 0
    n = len(template)
    while i < n:
        c = template[i]
        if c.isspace():
            i += 1
        elif c in "([":
            close = ")" if c == "(" else "]"
            depth = 0
            j = i
            while j < n:
                if template[j] == c:
                    depth += 1
                elif template[j] == close:
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            if j >= n:
                raise TemplateError(f"unclosed {c!r} in template {template!r}")
            out.append(template[i : j + 1])
            i = j + 1
            if i < n and template[i] == "?":
                out[-1] += "?"
                i += 1
        else:
            j = i
            while j < n and not template[j].isspace() and template[j] not in "([":
                j += 1
            out.append(template[i:j])
            i = j
    return out


def _word(word: str) -> str:
    prefix = word.endswith("*")
    if prefix:
        word = word[:-1]
    if not word:
        raise TemplateError("empty word in template")
    parts = [re.escape(p) for p in word.split("-")]
    if word[0].isalnum():
        # The word boundary in front, tested behind the first letters once
        # they match: a pattern that starts with letters lets the regex
        # engine skip to where they occur instead of trying every position.
        parts[0] += rf"(?<!\w{parts[0]})"
    body = r" ?".join(parts)
    if prefix:
        body += r"\w*"
    elif word[-1].isalpha():
        body += r"(?:e?s)?"
    right = _BOUND if word[-1].isalnum() or prefix else ""
    return body + right


def _alternatives(inner: str, slots: Mapping[str, str | list[str]], depth: int, fold: bool) -> str:
    return _either([_sequence(p, slots, depth + 1, fold) for p in _split_top(inner)])


# A group of more alternatives than this that all start with a word gets a
# word boundary in front (see `_either`); by callgrind on 10,000 distinct
# ticket texts, 8 and 16 do alike, and both beat always and never.
_MANY = 8


def _either(options: list[str]) -> str:
    """One group of alternatives. When there are many and every one starts
    with a word (whose own boundary test `_word` puts behind its first
    letters), a word boundary in front of the group, which those tests make
    redundant, lets the regex engine pass over the middle of words without
    trying each alternative there; a few alternatives do better without it,
    their first letters telling the engine where to try."""
    if len(options) > _MANY and all(o[:1].isalnum() for o in options):
        return _BOUND + "(?:" + "|".join(options) + ")"
    return "(?:" + "|".join(options) + ")"


Slots = Mapping[str, str | list[str]]
_SEQUENCES: dict[tuple[int, str, int], tuple[Slots, str]] = {}
_FOLDED: dict[tuple[int, str, int], tuple[Slots, str]] = {}


def _per_slots(
    memo: dict[tuple[int, str, int], tuple[Slots, T]],
    build: Callable[[str, Slots, int], T],
    template: str,
    slots: Slots,
    depth: int,
) -> T:
    """`build(template, slots, depth)`, memoised per slot table (a slot's
    alternatives recur in hundreds of templates); the table itself is kept
    with the result, so a reused id never matches another table."""
    key = (id(slots), template, depth)
    found = memo.get(key)
    if found is not None and found[0] is slots:
        return found[1]
    out = build(template, slots, depth)
    if len(memo) > 20_000:
        memo.clear()
    memo[key] = (slots, out)
    return out


def _sequence(template: str, slots: Slots, depth: int = 0, fold: bool = False) -> str:
    """The regex source of a template or slot value; with `fold`, its words
    in lower case, to match a lower-cased text without IGNORECASE."""
    if fold:
        return _per_slots(_FOLDED, _build_folded, template, slots, depth)
    return _per_slots(_SEQUENCES, _build_sequence, template, slots, depth)


def _build_folded(template: str, slots: Slots, depth: int) -> str:
    return _build_sequence(template, slots, depth, fold=True)


def _build_sequence(
    template: str, slots: Mapping[str, str | list[str]], depth: int, fold: bool = False
) -> str:
    if depth > 4:
        raise TemplateError(f"template nests too deeply: {template!r}")
    pieces: list[tuple[str, bool]] = []
    for tok in _tokens(template):
        optional = tok.endswith("?") and tok[0] in "(["
        core = tok[:-1] if optional else tok
        if core.startswith("("):
            rx = _alternatives(core[1:-1], slots, depth, fold)
        elif core.startswith("["):
            name = core[1:-1]
            if name not in slots:
                raise TemplateError(f"unknown slot [{name}] in template {template!r}")
            value = slots[name]
            if value == "*":
                rx = GAP
            else:
                items = [value] if isinstance(value, str) else list(value)
                rx = _either([_sequence(v, slots, depth + 1, fold) for v in items])
        else:
            rx = _word(core.lower() if fold else core)
        pieces.append((rx, optional))
    if not pieces:
        raise TemplateError("empty template")
    out = ""
    for k, (rx, optional) in enumerate(pieces):
        if optional:
            out += f"(?:{rx}{_SEP})?" if k < len(pieces) - 1 else f"(?:{_SEP}{rx})?"
        else:
            out += rx if k == len(pieces) - 1 else rx + _SEP
    return out


def _anchoring(template: str) -> tuple[str, bool, bool]:
    """The template without its `^` and `$` marks, and whether it had them."""
    text = template.strip()
    anchored = text.startswith("^")
    if anchored:
        text = text[1:].strip()
    ends = text.endswith("$")
    if ends:
        text = text[:-1].strip()
    return text, anchored, ends


def compile_template(template: str, slots: Mapping[str, str | list[str]], fold: bool = False) -> str:
    """Return the regex source for one template (to be compiled with
    IGNORECASE; with `fold`, without it, for a lower-cased text)."""
    return _compile(template, slots, fold)[0]


def _compile(template: str, slots: Slots, fold: bool) -> tuple[str, str | None]:
    """The template's regex source, and for one that starts with a free
    slot ("[table] table migration"), the source of the rest: the whole can
    only match where the rest does, and finding that out first spares a
    title that lacks it a search that tries every length of the slot at
    every position."""
    text, anchored, ends = _anchoring(template)
    body = _sequence(text, slots, 0, fold)
    end = r"\W*(?:$|\x1f)" if ends else ""
    rest = body[len(GAP) :] + end if body.startswith(GAP + _SEP) else None
    if anchored:
        body = r"(?:^|\x1f)\W*" + body
    return body + end, rest


_CHECKED: dict[tuple[int, str, int], tuple[Slots, bool]] = {}


def check_template(template: str, slots: Slots) -> None:
    """Raise TemplateError where `compile_template` would, without building the
    regex: rules are checked when they load, and most templates' regexes are
    never needed."""
    _check(_anchoring(template)[0], slots, 0)


def _check(template: str, slots: Slots, depth: int) -> bool:
    return _per_slots(_CHECKED, _check_sequence, template, slots, depth)


def _check_sequence(template: str, slots: Slots, depth: int) -> bool:
    if depth > 4:
        raise TemplateError(f"template nests too deeply: {template!r}")
    tokens = _tokens(template)
    if not tokens:
        raise TemplateError("empty template")
    for tok in tokens:
        core = tok[:-1] if tok.endswith("?") and tok[0] in "([" else tok
        if core.startswith("("):
            for part in _split_top(core[1:-1]):
                _check(part, slots, depth + 1)
        elif core.startswith("["):
            name = core[1:-1]
            if name not in slots:
                raise TemplateError(f"unknown slot [{name}] in template {template!r}")
            value = slots[name]
            if value != "*":
                for v in [value] if isinstance(value, str) else value:
                    _check(v, slots, depth + 1)
        elif not core.rstrip("*"):
            raise TemplateError("empty word in template")
    return True


_CAMEL = regexes.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_FOLD = regexes.compile(r"[_\s\-]+")


def fold_title(title: str) -> str:
    """A title with underscores, dashes and runs of space as one space (so
    `api_keys`, `real-time` and `real time` read alike)."""
    if "_" in title or "-" in title or "  " in title or not title.isprintable():
        return _FOLD.sub(" ", title)
    return title  # single ASCII spaces only (isprintable rules out other space)


def split_word(word: str, splitter: Compounds | None = None) -> str:
    """A word without spaces split at its camel-case joints and, with
    `splitter`, at its run-together rule words. (The classifier keeps what
    each word gives: `TemplateIndex.hits_of`.)"""
    rest = word[1:]
    # a camel-case joint needs a capital after the first letter
    split = word if rest == rest.lower() else _CAMEL.sub(" ", word)
    return split if splitter is None else splitter.split_text(split)


def match_text(title: str, splitter: Compounds | None = None) -> str:
    """The text rules are matched against: the folded title (`fold_title`),
    followed by its split form when a word has compound names
    ("SessionService" -> "Session Service"; with `splitter`, "loginform" ->
    "login form" too, so that letter case does not change what matches).
    Both splits stay inside a word (`split_word`)."""
    text = fold_title(title)
    split = " ".join([split_word(w, splitter) for w in text.split(" ")])
    if split != text:
        return text + " \x1f " + split
    return text


class Compounds:
    """Splits run-together words ("loginform", "SESSIONSERVICE") at a known rule
    word, whatever their case: the suffix is a rule word of five letters or more
    after at least three letters, or both halves are rule words of four letters
    or more ("payload" stays whole)."""

    _TOKEN = re.compile(r"[A-Za-z]{6,}")

    def __init__(self, vocabulary: set[str] | frozenset[str]) -> None:
        self.vocab = frozenset(w for w in vocabulary if len(w) >= 3)
        self._memo: dict[str, str] = {}

    def _known(self, word: str) -> bool:
        v = self.vocab
        return (
            word in v or (word.endswith("s") and word[:-1] in v) or (word.endswith("es") and word[:-2] in v)
        )

    def split_word(self, token: str) -> str:
        low = token.lower()
        found = self._split(low)
        return token if found == low else found

    def _split(self, low: str) -> str:
        found = self._memo.get(low)
        if found is None:
            found = low
            if not self._known(low):
                for cut in range(3, len(low) - 2):
                    head, tail = low[:cut], low[cut:]
                    if self._known(tail) and (
                        len(tail) >= 5 or (len(tail) >= 4 and len(head) >= 4 and self._known(head))
                    ):
                        found = f"{head} {tail}"
                        break
            if len(self._memo) < 50_000:
                self._memo[low] = found
        return found

    def split_text(self, text: str) -> str:
        # Most titles have no run-together word: find that out without a
        # callback per long word.
        for token in self._TOKEN.findall(text):
            low = token.lower()
            if self._split(low) != low:
                return self._TOKEN.sub(lambda m: self.split_word(m.group(0)), text)
        return text


_LETTERS = regexes.compile(r"[A-Za-z]+")


def vocabulary(templates: Iterable[str]) -> set[str]:
    """The literal words of templates ("migration*" gives "migration")."""
    words: set[str] = set()
    for t in templates:
        for w in _LETTERS.findall(t.replace("*", " ")):
            words.add(w.lower())
    return words


Anchor = tuple[frozenset[str], tuple[str, ...]]
_ALNUM = regexes.compile(r"[a-z0-9]+")


def title_words(text: str) -> frozenset[str]:
    """Lower-case alphanumeric words of a match text, for the anchor pre-filter."""
    return frozenset(_ALNUM.findall(text.lower()))


def _split_top(inner: str) -> list[str]:
    parts, level, start = [], 0, 0
    for i, ch in enumerate(inner):
        if ch in "([":
            level += 1
        elif ch in ")]":
            level -= 1
        elif ch == "|" and level == 0:
            parts.append(inner[start:i])
            start = i + 1
    parts.append(inner[start:])
    return parts


def _word_anchor(word: str) -> Anchor | None:
    prefix = word.endswith("*")
    core = word[:-1] if prefix else word
    parts = _ALNUM.findall(core.lower())
    if not parts:
        return None
    first = parts[0]
    if len(parts) == 1 and prefix:
        return frozenset(), (first,)
    words = {first, first + "s", first + "es"}
    if len(parts) > 1:
        joined = "".join(parts)
        if prefix:
            return frozenset(words), (joined,)
        words |= {joined, joined + "s", joined + "es"}
    return frozenset(words), ()


_ANCHORS: dict[tuple[int, str, int], tuple[Mapping[str, str | list[str]], Anchor | None]] = {}


def anchors(template: str, slots: Mapping[str, str | list[str]], depth: int = 0) -> Anchor | None:
    """Words (and word prefixes) of which a title must contain one for `template`
    to have any chance of matching; None when no such word can be named."""
    return _per_slots(_ANCHORS, _anchors, template, slots, depth)


def _anchors(template: str, slots: Mapping[str, str | list[str]], depth: int) -> Anchor | None:
    if depth > 4:
        return None
    for tok in _tokens(template.lstrip("^").strip()):
        if tok.endswith("?") and tok[0] in "([":
            continue
        if tok.startswith("["):
            value = slots.get(tok[1:-1])
            if value is None or value == "*":
                continue
            alts = [value] if isinstance(value, str) else list(value)
        elif tok.startswith("("):
            alts = _split_top(tok[1:-1])
        else:
            found = _word_anchor(tok)
            if found is None:
                continue
            return found
        words: set[str] = set()
        prefixes: list[str] = []
        for alt in alts:
            sub = anchors(alt, slots, depth + 1)
            if sub is None:
                break
            words |= sub[0]
            prefixes.extend(sub[1])
        else:
            return frozenset(words), tuple(prefixes)
    return None


_COMMON_VERBS = frozenset(
    [
        "implement",
        "create",
        "add",
        "build",
        "write",
        "make",
        "set",
        "setup",
        "update",
        "develop",
        "code",
        "design",
        "define",
        "the",
        "a",
        "an",
        "for",
        "of",
        "to",
    ]
)


def requirements(template: str, slots: Mapping[str, str | list[str]]) -> tuple[Anchor, ...]:
    """One anchor per required element of `template` that can be named: a title
    must pass every one of them for the template to match, so most templates
    are ruled out by set lookups instead of a regex search."""
    out: list[Anchor] = []
    for tok in _tokens(template.lstrip("^").strip()):
        if tok.endswith("?") and tok[0] in "([":
            continue
        found = anchors(tok, slots)
        if found is not None:
            out.append(found)
    return tuple(out)


# What a character other than a letter or digit outside ASCII reads as in a
# folded text: a control character that no rule word contains (a pattern
# that does contain it never takes the folded way).
_MARK = "\x1e"


class _Marks(dict[int, str]):
    """`str.translate` table: a character outside ASCII that is no letter,
    digit or underscore (a dash, an arrow, an emoji) becomes `_MARK`, which
    every pattern treats alike (not a word character, not the \\x1f joint);
    any other character stays itself."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        value = ch if code < 128 or ch.isalnum() or ch == "_" else _MARK
        if len(self) < 4096:
            self[code] = value
        return value


_MARKS = _Marks()


def fold_text(text: str) -> str | None:
    """`text` as the folded patterns read it: in lower case, with `_MARK`
    for each dash or symbol outside ASCII; None when a letter or digit
    outside ASCII (where IGNORECASE knows more than `lower()`) leaves it to
    the IGNORECASE patterns. Every character keeps its place."""
    if text.isascii():
        return text.lower()
    marked = text.translate(_MARKS)
    return marked.lower() if marked.isascii() else None


class Template:
    """One checked template: a cheap word pre-filter, and a regex built and
    compiled the first time a title passes the filter (most templates never
    need one).

    A title whose letters and digits are ASCII (nearly every one; dashes,
    arrows and emoji may be anything) is matched as `fold_text` gives it,
    against a pattern whose words are in lower case, without IGNORECASE:
    the regex engine then compares an alternative's first letter before it
    enters it, which makes a slot of fifty phrases about four times cheaper.
    The two ways find the very same spans; a title with other letters, or a
    rule word that is not ASCII, takes the IGNORECASE pattern."""

    __slots__ = ("_folded", "_kept", "_rx", "_slots", "_source", "anchor", "needs", "text")

    def __init__(self, text: str, slots: Mapping[str, str | list[str]]) -> None:
        check_template(text, slots)
        self.text = text
        self.needs = requirements(text, slots)
        self.anchor = _best(self.needs)
        self._slots = slots
        self._source: str | None = None
        self._rx: re.Pattern[str] | None = None
        # (pattern, pattern of the rest or None) once built; () when the
        # template cannot be folded
        self._folded: _Finder | tuple[()] | None = None
        # the folded way's sources and programs, when a cached rule set brings them
        self._kept: _Kept | None = None

    @property
    def source(self) -> str:
        """The regex source, for IGNORECASE (built on first use)."""
        if self._source is None:
            self._source = compile_template(self.text, self._slots)
        return self._source

    @property
    def regex(self) -> re.Pattern[str]:
        rx = self._rx
        if rx is None:
            kept = self._kept
            program = kept[4] if kept is not None else None
            rx = self._rx = compiled(self.source, program) or re.compile(self.source, re.IGNORECASE)
        return rx

    def search(self, text: str, low: str | None) -> tuple[int, int] | None:
        """The span of the template's earliest match in `text`; `low` is
        `fold_text(text)`."""
        if low is not None:
            found = self._folded
            if found is None:
                found = self._fold()
            if found:
                rx, rest = found
                if rest is not None and rest.search(low) is None:
                    return None
                hit = rx.search(low)
                return None if hit is None else hit.span()
        hit = self.regex.search(text)
        return None if hit is None else hit.span()

    def _fold(self) -> _Finder | tuple[()]:
        source, rest, program, rest_program, _ = self._kept or self._folding()
        if not source.isascii() or _MARK in source:
            self._folded = ()
            return ()
        self._folded = (
            compiled(source, program) or re.compile(source),
            None if rest is None else compiled(rest, rest_program) or re.compile(rest),
        )
        return self._folded

    def _folding(self) -> _Kept:
        source, rest = _compile(self.text, self._slots, fold=True)
        return source, rest, None, None, None

    def keep_program(self) -> None:
        """Work out the folded regexes' sources and compiled programs, to be
        stored with a cached rule set."""
        source, rest, _, _, _ = self._folding()
        programs = (program_of(source, 0), None if rest is None else program_of(rest, 0))
        self._kept = (source, rest, *programs, program_of(self.source, re.IGNORECASE))


_Finder = tuple[re.Pattern[str], re.Pattern[str] | None]
# (folded source, its rest's source, their programs, the IGNORECASE program)
_Kept = tuple[str, str | None, Program | None, Program | None, Program | None]


class Matcher:
    """All templates of one rule (TemplateIndex finds which of them match)."""

    __slots__ = ("templates",)

    def __init__(self, templates: list[str], slots: Mapping[str, str | list[str]]) -> None:
        self.templates = tuple(Template(t, slots) for t in templates)


def _best(found: tuple[Anchor, ...]) -> Anchor | None:
    """The required element to index a template by: one other than a common
    verb, which would let nearly every ticket through."""
    if not found:
        return None
    for a in found:
        if not (a[0] & _COMMON_VERBS) and all(p not in _COMMON_VERBS for p in a[1]):
            return a
    return found[0]


_Entry = tuple[Template, Matcher, frozenset[int]]
_NOTHING: frozenset[int] = frozenset()
# requirements met, as bits and as a set
_Needs = tuple[int, frozenset[int]]


# (template, its matcher, the requirements it needs) by what anchors it; those
# anchored by nothing; word -> the requirements it satisfies exactly; word
# prefixes with their requirement, by their first three letters
IndexTables = tuple[
    dict[int, list[_Entry]], list[_Entry], dict[str, frozenset[int]], dict[str, list[tuple[str, int]]]
]


def index_tables(matchers: list[Matcher]) -> IndexTables:
    """What a TemplateIndex looks templates up in. Every distinct requirement
    gets a number (its bit)."""
    anchored: dict[int, list[_Entry]] = {}
    always: list[_Entry] = []
    ids: dict[Anchor, int] = {}
    for m in matchers:
        for t in m.templates:
            needs = frozenset([ids.setdefault(a, len(ids)) for a in t.needs])
            if t.anchor is None:
                always.append((t, m, needs))
            else:
                anchored.setdefault(ids[t.anchor], []).append((t, m, needs))
    exact: dict[str, set[int]] = {}
    prefixes: dict[str, list[tuple[str, int]]] = {}
    for (words, starts), n in ids.items():
        for w in words:
            exact.setdefault(w, set()).add(n)
        for p in starts:
            prefixes.setdefault(p[:3], []).append((p, n))
    return anchored, always, {w: frozenset(found) for w, found in exact.items()}, prefixes


class TemplateIndex:
    """Finds, for one ticket text, which matchers match, running only the
    templates whose required words all occur in the text (a handful of the
    hundreds in the rule set).

    Every distinct requirement (`Template.needs`) has a number and a bit; a
    title's words give the requirements they satisfy, and a template is a
    candidate when all of its requirements are met. Titles of a backlog share
    far fewer such sets than texts, so the candidates are worked out once per
    set, kept by its bits (an int is the cheapest key to build and compare).
    A title is read word by word (`hits_of`): its words' split forms and
    requirements are worked out once per word, since titles share their
    words far more than their texts."""

    def __init__(
        self, matchers: list[Matcher], splitter: Compounds | None = None, tables: IndexTables | None = None
    ) -> None:
        """`tables`: what `index_tables(matchers)` gives, kept with a cached
        rule set (building them is most of a classifier's start)."""
        self.splitter = splitter
        self._anchored, self._always, self._exact, self._prefixes = tables or index_tables(matchers)
        self._word_needs: dict[str, _Needs] = {}
        # a title's word as written -> its split form and what it and that satisfy
        self._read: dict[str, tuple[str, int, frozenset[int]]] = {}
        self._candidates: dict[int, tuple[tuple[Template, Matcher], ...]] = {}

    def _satisfies(self, w: str) -> _Needs:
        """The requirements a lower-case word satisfies, as a set and as bits
        (memoised: backlogs reuse a small vocabulary)."""
        found = self._word_needs.get(w)
        if found is None:
            ids = self._exact.get(w, _NOTHING)
            more = [n for p, n in self._prefixes.get(w[:3], ()) if w.startswith(p)]
            if more:
                ids = ids.union(more)
            found = (sum(1 << n for n in ids), ids)
            if len(self._word_needs) < 100_000:
                self._word_needs[w] = found
        return found

    def candidates(self, words: Iterable[str]) -> tuple[tuple[Template, Matcher], ...]:
        """The templates all of whose required words are among `words` (in
        lower case)."""
        needs = [self._satisfies(w) for w in words]
        have = 0
        for bits, _ in needs:
            have |= bits
        found = self._candidates.get(have)
        return self._satisfied(have, [ids for _, ids in needs]) if found is None else found

    def _satisfied(self, have: int, sets: list[frozenset[int]]) -> tuple[tuple[Template, Matcher], ...]:
        """The templates all of whose requirements are met: `have` has their
        bits, `sets` holds them. Worked out once per set of requirements
        (kept by its bits), which titles share far more often than texts."""
        met = _NOTHING.union(*sets)
        todo = list(self._always)
        anchored = self._anchored
        for n in met:
            todo.extend(anchored.get(n, ()))
        found = tuple([(t, m) for t, m, needs in todo if needs <= met])
        if len(self._candidates) < 50_000:
            self._candidates[have] = found
        return found

    def _read_word(self, word: str) -> tuple[str, int, frozenset[int]]:
        split = split_word(word, self.splitter)
        # a word of the text and the words of its split form, as `title_words` reads them
        needs = [
            self._satisfies(w)
            for w in _ALNUM.findall(f"{word} {split}".lower() if split != word else word.lower())
        ]
        have = 0
        for bits, _ in needs:
            have |= bits
        found = (split, have, _NOTHING.union(*[ids for _, ids in needs]))
        if len(self._read) < 100_000:
            self._read[word] = found
        return found

    def hits_of(self, title: str) -> dict[int, tuple[int, str]]:
        """`hits` of the match text of a (clean) title: `match_text(title,
        self.splitter)`, and what its words satisfy, worked out word by word
        (titles share their words)."""
        text = fold_title(title)
        memo = self._read
        found = [memo.get(w) or self._read_word(w) for w in text.split(" ")]
        split = " ".join([f[0] for f in found])
        if split != text:
            text = f"{text} \x1f {split}"
        have = 0
        for f in found:
            have |= f[1]
        candidates = self._candidates.get(have)
        if candidates is None:
            candidates = self._satisfied(have, [f[2] for f in found])
        return self._hits(text, candidates)

    def hits(self, text: str) -> dict[int, tuple[int, str]]:
        """id(matcher) -> (start, text) of its earliest, then longest, match
        in a match text."""
        return self._hits(text, self.candidates(title_words(text)))

    def _hits(
        self, text: str, candidates: tuple[tuple[Template, Matcher], ...]
    ) -> dict[int, tuple[int, str]]:
        out: dict[int, tuple[int, str]] = {}
        low = fold_text(text)
        for t, m in candidates:
            span = t.search(text, low)
            if span is not None:
                start, end = span
                key = id(m)
                old = out.get(key)
                if old is None or start < old[0] or (start == old[0] and end - start > len(old[1])):
                    out[key] = (start, text[start:end])
        return out
