"""Recommend a tier for a ticket. This module is the one place that decides
precedence; docs/precedence.md describes the same order for users:

1. Base: the ticket rule (rules/tickets.toml) with the highest priority whose
   template matches the ticket text (and no `unless` template vetoes it); ties
   go to the match that starts earliest (titles lead with what the task is),
   then to the longest match, then to the rule listed first.
2. With no matching rule: the owner role's default, else the global default
   (sonnet). Such a recommendation only fills empty cells; it is never reported
   as a mismatch.
3. Role upgrade trigger (rules/roles.toml): the owner's role and the text match
   the trigger, so the tier rises to at least the role's upgrade tier.
4. Overrides (rules/overrides.toml) in ascending order: following a pattern (down),
   first of a pattern (up), POC (haiku), implementation of an opus design (cap
   sonnet), simple but critical (floor sonnet), business logic (floor sonnet),
   security/payment (always opus, last, so it always wins).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from . import regexes
from .cells import clean
from .model import Modifier, Recommendation
from .records import NamedTuple
from .rules import Override, Role, RuleSet, TicketRule
from .templates import Compounds, IndexTables, Matcher, TemplateIndex, index_tables, vocabulary

DEFAULT_TIER = "sonnet"
ROLE_SECTION = "Ticket-to-Model Mapping › By Owner Role"
_ROLE_CLEAN = regexes.compile(r"[^a-z0-9/&+ \-]+")
_SUBJECT_WORD = regexes.compile(r"[a-z0-9]+")
_NOT_WORD = "".join(chr(c) for c in range(128) if not chr(c).isalnum())
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "for",
        "of",
        "to",
        "and",
        "or",
        "with",
        "in",
        "on",
        "at",
        "by",
        "from",
        "into",
        "per",
        "as",
        "step",
        "phase",
        "part",
        "v1",
        "v2",
        "new",
        "initial",
        "basic",
        "full",
        "complete",
    ]
)


class Match(NamedTuple):
    rule: TicketRule
    text: str


# A title's facts as plain data for another process with the same rule set:
# (matcher's place in `RuleSet.matchers()`, start, matched text) of each hit,
# and (place in `RuleSet.rules`, matched text) of its base rule.
Fact = tuple[tuple[tuple[int, int, str], ...], tuple[int, str] | None]


def _least_shared(size: int, need: float) -> int | None:
    """How many words of a design subject of `size` words an implement
    ticket must share, at least one (`implements_design`'s test, as it
    computes it); None when no number is enough."""
    for shared in range(1, size + 1):
        if shared / size >= need:
            return shared
    return None


# The rule set's literal words (compounds are split at them), and the template index's tables.
Tables = tuple[frozenset[str], IndexTables]
# the tables kept with a cached rule set (`keep_tables`), by the rule set's id, with it
_TABLES: dict[int, tuple[RuleSet, Tables]] = {}


def tables_of(rules: RuleSet) -> Tables:
    """What a classifier looks rule words and templates up in: a function of
    the rule set alone, so a cached rule set keeps them (building them took
    about 5 ms, in every process of a run)."""
    matchers = [r.pattern for r in rules.rules] + [o.pattern for o in rules.overrides]
    texts = [t.text for m in matchers + [r.pattern for r in rules.roles] for t in m.templates]
    for value in rules.slots.values():
        texts.extend([value] if isinstance(value, str) else value)
    return frozenset(vocabulary(texts)), index_tables(rules.matchers())


def keep_tables(rules: RuleSet, tables: Tables) -> None:
    """Classifiers of `rules` use `tables` (from its cache) from now on."""
    _TABLES[id(rules)] = (rules, tables)


class Classifier:
    """Classifies ticket texts against one rule set; results are memoised, since
    real backlogs and every keystroke in an editor repeat the same tickets."""

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self._memo: dict[tuple[str, str, bool], Recommendation] = {}
        # title -> its matchers' hits and its base rule: owners vary, titles repeat
        self._facts: dict[str, tuple[dict[int, tuple[int, str]], Match | None]] = {}
        # what decides a recommendation -> the recommendation (few distinct ones)
        self._outcomes: dict[tuple[object, ...], Recommendation] = {}
        self._roles: dict[str, Role | None] = {}
        self._subjects: dict[str, tuple[frozenset[str] | None, bool]] = {}
        self._design = next((o for o in rules.overrides if o.design_verbs), None)
        self._rule_of = {id(r.pattern): (i, r) for i, r in enumerate(rules.rules)}
        # most titles hit no override: one set test skips the loop over them
        self._override_ids = frozenset(id(o.pattern) for o in rules.overrides)
        # the overrides' patterns and vetoes: which of them matched is part of an outcome
        self._override_keys = self._override_ids | {id(o.unless) for o in rules.overrides if o.unless}
        self._index_and_compounds: tuple[TemplateIndex, Compounds] | None = None
        self._place_maps: tuple[list[Matcher], dict[int, int], dict[int, int]] | None = None

    def _tools(self) -> tuple[TemplateIndex, Compounds]:
        """The template index and the compound-word splitter, made on the
        first classification from the rule set's tables (`tables_of`), each
        classifier with memos of its own."""
        if self._index_and_compounds is None:
            rules = self.rules
            kept = _TABLES.get(id(rules))
            words, tables = kept[1] if kept is not None and kept[0] is rules else tables_of(rules)
            compounds = Compounds(words)
            self._index_and_compounds = (TemplateIndex(rules.matchers(), compounds, tables), compounds)
        return self._index_and_compounds

    @property
    def _compounds(self) -> Compounds:
        return self._tools()[1]

    # -- roles ---------------------------------------------------------------

    def role(self, owner: str) -> Role | None:
        if owner in self._roles:
            return self._roles[owner]
        cleaned = " " + " ".join(_ROLE_CLEAN.sub(" ", owner.lower()).split()) + " "
        best: tuple[int, Role] | None = None
        for role in self.rules.roles:
            for name in role.names:
                if f" {name} " in cleaned and (best is None or len(name) > best[0]):
                    best = (len(name), role)
        found = best[1] if best else None
        if len(self._roles) < 10_000:
            self._roles[owner] = found
        return found

    # -- design / implement pairs ("Use Opus for Planning Only") -------------

    def subjects(self, title: str) -> tuple[frozenset[str] | None, bool]:
        """(design subject, whether it may be an implement ticket) of a title:
        the words after a leading design verb, None when it starts with none
        or nothing follows; and whether it starts like an implement verb. The
        implement subject waits for `implement_subject`: only a ticket that a
        design ticket could cap needs it, a handful of a backlog's. Memoised,
        since every row asks and backlogs repeat titles."""
        found = self._subjects.get(title)
        if found is None:
            design = None
            implement = False
            rule = self._design
            if rule is not None:
                head = title.lstrip(_NOT_WORD)[:12].lower()
                dv = rule.design_verbs
                if head.startswith(dv):
                    words = _SUBJECT_WORD.findall(title.lower())
                    if words and words[0] in dv:
                        # the words after the verb, less stop words and the verbs themselves
                        design = frozenset(words[1:]).difference(_STOP, dv) or None
                implement = head.startswith(rule.implement_verbs)
            found = (design, implement)
            if len(self._subjects) < 200_000:
                self._subjects[title] = found
        return found

    def implement_subject(self, title: str) -> frozenset[str] | None:
        """The words after a leading implement verb, less stop words and the
        verbs themselves; None when it starts with none or nothing follows."""
        rule = self._design
        if rule is None:
            return None
        iv = rule.implement_verbs
        words = _SUBJECT_WORD.findall(title.lower())
        if not words or words[0] not in iv:
            return None
        return frozenset(words[1:]).difference(_STOP, iv) or None

    def design_index(self, designs: list[frozenset[str]]) -> dict[str, list[frozenset[str]]]:
        """Design subjects by word, so that matching an implement ticket looks
        at a few of them instead of every design ticket. A subject of n words
        is filed under only its n - m + 1 rarest words, where m is how many of
        them an implement ticket must share (`min_overlap`): one that shares m
        shares one of those. A word found in nearly every design ticket (a
        team's "API", a ticket suffix) is then in almost no subject's list,
        instead of making every implement ticket compare itself with every
        design ticket."""
        index: dict[str, list[frozenset[str]]] = {}
        if self._design is None:
            return index
        need = self._design.min_overlap
        unique = set(designs)
        counts: dict[str, int] = {}
        for d in unique:
            for w in d:
                counts[w] = counts.get(w, 0) + 1
        for d in unique:
            shared = _least_shared(len(d), need)
            if shared is None:
                continue
            for w in sorted(d, key=lambda w: (counts[w], w))[: len(d) - shared + 1]:
                index.setdefault(w, []).append(d)
        return index

    def implements_design(
        self, subject: frozenset[str] | None, index: dict[str, list[frozenset[str]]]
    ) -> bool:
        if not subject or self._design is None or not index:
            return False
        need = self._design.min_overlap
        seen: set[int] = set()
        for w in subject:
            for d in index.get(w, ()):
                if id(d) in seen:
                    continue
                seen.add(id(d))
                if len(subject & d) / len(d) >= need:
                    return True
        return False

    # -- sharing the costly part between processes ------------------------------

    def knows(self, title: str) -> bool:
        """True when the title's facts are worked out already."""
        return title in self._facts

    def facts(self, titles: Iterable[str]) -> dict[str, Fact]:
        """The facts of `titles` (worked out here when not known yet) as plain
        data, for `learn` in another process: processes that split a big
        backlog share its repeated titles instead of each classifying them."""
        _, place, rule_at = self._places()
        out: dict[str, Fact] = {}
        for title in titles:
            hits, found = self._title_facts(title)
            out[title] = (
                tuple([(place[key], start, text) for key, (start, text) in hits.items()]),
                None if found is None else (rule_at[id(found.rule)], found.text),
            )
        return out

    def _places(self) -> tuple[list[Matcher], dict[int, int], dict[int, int]]:
        """The rule set's matchers in order, and the place of each matcher and
        ticket rule by id: worked out once, for every piece of facts."""
        if self._place_maps is None:
            matchers = self.rules.matchers()
            self._place_maps = (
                matchers,
                {id(m): i for i, m in enumerate(matchers)},
                {id(r): i for i, r in enumerate(self.rules.rules)},
            )
        return self._place_maps

    def learn(self, facts: Mapping[str, Fact]) -> None:
        """Take titles' facts from `facts` (another process's, same rule set);
        a title known here already keeps its own."""
        matchers = self._places()[0]
        rules = self.rules.rules
        memo = self._facts
        for title, (hits, base) in facts.items():
            if title in memo or len(memo) >= 200_000:
                continue
            memo[title] = (
                {id(matchers[i]): (start, text) for i, start, text in hits},
                None if base is None else Match(rules[base[0]], base[1]),
            )

    # -- the recommendation ----------------------------------------------------

    def classify(self, title: str, owner: str = "", implements_design: bool = False) -> Recommendation:
        key = (title, owner, implements_design)
        found = self._memo.get(key)
        if found is None:
            found = self._classify(title, owner, implements_design)
            if len(self._memo) < 200_000:
                self._memo[key] = found
        return found

    def base_match(self, hits: dict[int, tuple[int, str]]) -> Match | None:
        best: tuple[int, int, int, int] | None = None
        chosen: tuple[TicketRule, str] | None = None
        rule_of = self._rule_of
        for key, m in hits.items():
            found = rule_of.get(key)
            if found is None:
                continue
            index, rule = found
            if rule.unless is not None and id(rule.unless) in hits:
                continue
            # Same priority: the earlier match wins (titles lead with what the task
            # is), then the longer one, then the rule listed first.
            start, matched = m
            score = (rule.priority, -start, len(matched), -index)
            if best is None or score > best:
                best, chosen = score, (rule, matched)
        return None if chosen is None else Match(*chosen)

    def _title_facts(self, title: str) -> tuple[dict[int, tuple[int, str]], Match | None]:
        """The hits of every matcher on a title, and its base rule: the costly
        part of a recommendation, and the same whoever owns the ticket."""
        found = self._facts.get(title)
        if found is None:
            index = (self._index_and_compounds or self._tools())[0]
            hits = index.hits_of(clean(title))
            found = (hits, self.base_match(hits))
            if len(self._facts) < 200_000:
                self._facts[title] = found
        return found

    def _classify(self, title: str, owner: str, implements_design: bool) -> Recommendation:
        hits, found = self._title_facts(title)
        role = self.role(owner) if owner else None
        # Only these decide: the base rule, the role (its default when no rule
        # matched, its trigger), and which overrides and vetoes matched.
        triggered = role is not None and id(role.pattern) in hits
        key = (
            id(found.rule) if found is not None else None,
            role.id if role is not None and (found is None or triggered) else None,
            triggered,
            implements_design,
            self._override_keys.intersection(hits),
        )
        rec = self._outcomes.get(key)
        if rec is None:
            rec = self._decide(hits, found, role, implements_design)
            if len(self._outcomes) < 100_000:
                self._outcomes[key] = rec
        return rec

    def _decide(
        self,
        hits: dict[int, tuple[int, str]],
        found: Match | None,
        role: Role | None,
        implements_design: bool,
    ) -> Recommendation:
        rs = self.rules
        if found is not None:
            tier, rule_id = found.rule.tier, found.rule.id
            rule_text, section = found.rule.display, found.rule.section
            reason = found.rule.rationale
            matched = True
        elif role is not None:
            tier, rule_id = role.default, f"role:{role.id}"
            rule_text, section = f"{role.title} default", ROLE_SECTION
            reason = f"no ticket pattern matched, so the {role.title}'s default applies"
            matched = False
        else:
            tier, rule_id = DEFAULT_TIER, "default"
            rule_text, section = "default", "The Model Selection Framework › Decision Tree"
            reason = "no ticket pattern matched; standard logic defaults to sonnet"
            matched = False

        mods: list[Modifier] = []
        if role is not None and id(role.pattern) in hits:
            # a floor: raises the tier, or holds it (and then decides it all the same)
            if rs.tier_order(role.upgrade) > rs.tier_order(tier):
                tier = role.upgrade
            effect = f"{role.title} upgrades to {role.upgrade} for {role.trigger}"
            mods.append(Modifier(f"role:{role.id}", effect, tier, ROLE_SECTION))
            matched = True

        always = False
        overrides = rs.overrides if implements_design or not self._override_ids.isdisjoint(hits) else ()
        for ov in overrides:
            if id(ov.pattern) not in hits and not (implements_design and ov.design_verbs):
                continue
            if ov.unless is not None and id(ov.unless) in hits:
                continue
            new = self._apply(ov, tier)
            # A floor, cap or set that holds the tier where it is still decides it
            # (and is what a mismatch is reported against); a step up or down
            # that cannot move is not worth mentioning.
            if new != tier or ov.effect in ("set", "floor", "cap"):
                mods.append(Modifier(ov.id, ov.rationale, new, ov.section))
            tier = new
            matched = True
            always = always or ov.always

        return Recommendation(
            tier=tier,
            rule=rule_id,
            rule_text=rule_text,
            section=section,
            matched=matched,
            modifiers=tuple(mods),
            base_reason=reason,
            base_matched=found is not None,
            always=always,
        )

    def _apply(self, ov: Override, tier: str) -> str:
        rs = self.rules
        order = rs.tier_order(tier)
        if ov.effect == "up":
            return rs.tier_by_order(order + 1)
        if ov.effect == "down":
            return rs.tier_by_order(order - 1)
        assert ov.tier is not None
        target = rs.tier_order(ov.tier)
        if ov.effect == "set":
            return ov.tier
        if ov.effect == "floor":
            return ov.tier if target > order else tier
        if ov.effect == "cap":
            return ov.tier if target < order else tier
        return tier
