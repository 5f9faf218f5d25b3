"""The pipeline: text -> sections -> tickets and row findings -> sprints, stats,
sprint and file findings -> suppression and configuration.

The document is cut into sections at ATX headings outside code fences; each
section is parsed and analysed on its own and cached by its text and position,
so an edit re-analyses only the section it touches. The CLI and the language
server both call `Analyzer.analyze`, so they can never disagree.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping
from operator import attrgetter
from types import MappingProxyType

from . import checks, regexes
from .cells import ModelReader, ModelValue, StatusReader, clean, find_columns, strip_comments
from .checks.context import FileContext, RowContext, SprintContext, SummaryLine, TableContext
from .classify import Classifier, Fact
from .codes import CODES, matches
from .fixes import table_style
from .lines import split_lines
from .model import (
    Analysis,
    Columns,
    Diagnostic,
    Distribution,
    Heading,
    Recommendation,
    Row,
    Severity,
    Sprint,
    Table,
    TableInfo,
    Ticket,
)
from .pack import Packer, Part, Unpacker
from .parallel import MIN_CHARS, Channel, Claims, Helper
from .parse import Directive, parse_block
from .records import NamedTuple
from .rules import RuleSet
from .sections import Layout, is_code_line, scan

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_SUMMARY = regexes.compile(r"^\W*distribution\W*:", re.IGNORECASE)
_COUNT = regexes.compile(r"\s*\((\d+)\s+(?:tickets?|tasks?|items?|stories|issues)\)", re.IGNORECASE)
_STATUS_SUFFIX = regexes.compile(r"\s+[—–-]+\s+[A-Z][A-Z _-]+$")


class Settings(NamedTuple):
    """What a front end may choose per run: which codes, at which severity."""

    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, str] = MappingProxyType({})

    def enabled(self, code: str) -> bool:
        return self._decisions()[code][0] if code in CODES else self._enabled(code)

    def _enabled(self, code: str) -> bool:
        if self.severity.get(code, "").lower() == "off":
            return False
        return matches(code, self.select) and not matches(code, self.ignore)

    def _decisions(self) -> dict[str, tuple[bool, Severity | None]]:
        """Each code's on/off and severity, worked out once per Settings."""
        found = _DECISIONS.get(id(self))
        if found is None or found[0] is not self:
            table = {}
            for code in CODES:
                value = self.severity.get(code)
                level = Severity.parse(value) if value and value.lower() != "off" else None
                table[code] = (self._enabled(code), level)
            if len(_DECISIONS) > 64:
                _DECISIONS.clear()
            found = _DECISIONS[id(self)] = (self, table)
        return found[1]

    def level(self, code: str, default: Severity) -> Severity:
        return self.override(code) or default

    def override(self, code: str) -> Severity | None:
        """The severity configured for `code`, if any."""
        if code in CODES:
            return self._decisions()[code][1]
        value = self.severity.get(code)
        if value and value.lower() != "off":
            return Severity.parse(value)
        return None


_DECISIONS: dict[int, tuple[Settings, dict[str, tuple[bool, Severity | None]]]] = {}


# sections a helper sends at a time
_BATCH = 4
# titles' facts a helper sends at a time
_FACTS = 64
# a helper (None if it could not start) and the first and end section of its range
_HelperRange = tuple[Helper | None, int, int]


class _TablePrep(NamedTuple):
    table: Table
    columns: object
    rows: list[tuple[Row, str, str, str, str | None, str | None]]


class _Section:
    """One parsed section, and its analysis once done (kept for the next run)."""

    __slots__ = ("block", "designs", "designs_key", "implements", "preps", "result", "summaries")

    def __init__(
        self,
        block: Any,
        preps: list[_TablePrep],
        designs: list[frozenset[str]],
        implements: list[tuple[int, str, str]],
        summaries: list[SummaryLine],
    ) -> None:
        self.block = block
        self.preps = preps
        self.designs = designs
        # (ticket index, title, owner) of tickets that may start with an implement verb
        self.implements = implements
        self.summaries = summaries
        # (capped flags, tables, findings, own sprint's findings), once analysed
        self.result: (
            tuple[
                tuple[bool, ...], tuple[TableInfo, ...], tuple[Diagnostic, ...], tuple[Diagnostic, ...] | None
            ]
            | None
        ) = None
        self.designs_key: object = None


class Analyzer:
    """Analyses documents with one rule set, reusing unchanged sections."""

    def __init__(self, rules: RuleSet, cache_size: int = 4096, workers: int = 1) -> None:
        self.rules = rules
        self.workers = workers
        self.classifier = Classifier(rules)
        self.models = ModelReader(rules)
        self.statuses = StatusReader(rules)
        # by first line and lines (a tuple of the line strings: no copy of the text)
        self._cache: dict[tuple[int, tuple[str, ...]], _Section] = {}
        self._sprint_memo: dict[tuple[object, ...], tuple[tuple[TableInfo, ...], list[Diagnostic]]] = {}
        self._names: dict[tuple[Heading, bool], tuple[str | None, str, int | None]] = {}
        self._sprint_texts: dict[str, bool] = {}
        self._cells: dict[tuple[str, str | None, str | None], tuple[Any, ...]] = {}
        self._titles: dict[str, str] = {}  # cell text -> cleaned (backlogs repeat titles, owners)
        self._graded: dict[int, tuple[Diagnostic, Diagnostic]] = {}  # see `_filter`
        self._design_index: tuple[tuple[frozenset[str], ...], dict[str, list[frozenset[str]]]] | None = None
        # whether an implement ticket's title meets a design ticket, by title, for one design index
        self._capping: tuple[object, dict[str, bool]] = (None, {})
        self._cache_size = cache_size
        words = "|".join(re.escape(w) for w in rules.sprint_words)
        self._sprint_re = regexes.compile(
            rf"^\W*(?:{words})\s*[-#]?\s*(?P<id>[A-Za-z]?\d+(?:\.\d+)*[A-Za-z]?|[A-Z])(?![\w.])"
            rf"\s*(?:[:\-–—]+\s*)?(?P<rest>.*)$",
            re.IGNORECASE,
        )

    # -- sections -------------------------------------------------------------

    def _section(self, lines: list[str], start: int, end: int, layout: Layout) -> _Section:
        key = (start, tuple(lines[start:end]))
        found = self._cache.get(key)
        if found is not None:
            return found
        block = parse_block(lines[start:end], start)
        preps = []
        designs: list[frozenset[str]] = []
        implements: list[tuple[int, str, str]] = []
        k = 0
        for table in block.tables:
            cols = find_columns(table, self.rules)
            if cols is None:
                continue
            rows = _ticket_rows(table, cols, self._titles)
            subjects = self.classifier.subjects
            for _, _, title, owner, _, _ in rows:
                design, implement = subjects(title)
                if design:
                    designs.append(design)
                if implement:
                    implements.append((k, title, owner))
                k += 1
            preps.append(_TablePrep(table, cols, rows))
        summaries = self._summaries(lines, start, end, layout, preps)
        section = _Section(block, preps, designs, implements, summaries)
        if len(self._cache) >= self._cache_size:
            self._cache.clear()
        self._cache[key] = section
        return section

    def _summaries(
        self, lines: list[str], start: int, end: int, layout: Layout, preps: list[_TablePrep]
    ) -> list[SummaryLine]:
        out = []
        if not preps:
            return out
        for n in range(start, end):
            text = lines[n]
            if "istribution" not in text and "ISTRIBUTION" not in text:
                continue
            if (
                not _SUMMARY.match(text)
                or text.lstrip().startswith("<")
                or is_code_line(text)
                or layout.is_opaque(n)
            ):
                continue
            before = [p for p in preps if p.table.last_line < n]
            if before:
                out.append(SummaryLine(n, text, before[-1].table.first_line))
        return out

    def _analyse_section(
        self, section: _Section, designs: dict[str, list[frozenset[str]]], designs_key: object
    ) -> tuple[tuple[TableInfo, ...], tuple[Diagnostic, ...], tuple[Diagnostic, ...] | None]:
        """The section's tables and findings, and its own sprint's findings
        (`_own_sprint`)."""
        if section.result is not None and section.designs_key == designs_key:
            return section.result[1:]  # same design tickets as last time
        classify = self.classifier.classify
        # each ticket's recommendation before any cap: one lookup a ticket
        uncapped = [
            classify(title, owner) for prep in section.preps for _, _, title, owner, _, _ in prep.rows
        ]
        capped = self._capped
        flags = tuple(capped(uncapped[k], title, designs) for k, title, _ in section.implements)
        section.designs_key = designs_key
        if section.result is not None and section.result[0] == flags:
            return section.result[1:]
        infos = []
        diags: list[Diagnostic] = []
        flagged = {k for (k, _, _), f in zip(section.implements, flags) if f}
        k = 0
        rules = self.rules
        symbols = {name: tier.symbol for name, tier in rules.tiers.items()}
        by_kind = checks.ROW_BY_KIND
        known_cells, read = self._cells.get, self._read_cells
        new = tuple.__new__  # a Ticket (a context) from its fields, without a Python call each
        for index, prep in enumerate(section.preps):
            table, cols = prep.table, prep.columns
            style = table_style(table, cols.model, self.models)
            width, cost_col = table.header.width, cols.cost
            tickets = []
            counts = {"haiku": 0, "sonnet": 0, "opus": 0, None: 0}
            for row, ident, title, owner, status, model_text in prep.rows:
                rec = classify(title, owner, True) if k in flagged else uncapped[k]
                k += 1
                role, state, model, value = known_cells((owner, status, model_text)) or read(
                    owner, status, model_text
                )
                tier = value.tier if value is not None else None
                counts[tier] += 1
                t = new(Ticket, (ident, title, owner, role, state, model, tier, row, rec, index))
                tickets.append(t)
                if len(row.values) != width:
                    # a ragged row: only TL201 speaks about it
                    diags.extend(ROW_SHAPE.check(RowContext(rules, table, cols, style, row, None, None)))
                    continue
                if value is None:
                    continue
                # Most rows of a big backlog have nothing to report: a known
                # Model that is the recommended tier (and a Cost cell that says
                # so) costs no check call at all.
                if (
                    value.kind == "known"
                    and (not rec.matched or value.tier == rec.tier)
                    and (
                        cost_col is None
                        or strip_comments(row.values[cost_col]).replace(" ", "") == symbols[value.tier]
                    )
                ):
                    continue
                ctx = new(RowContext, (rules, table, cols, style, row, t, value))
                for check in by_kind[value.kind]:
                    diags.extend(check.check(ctx))
            if len(tickets) != len(table.rows):  # rows that are no ticket may be ragged too
                ticket_lines = {t.line for t in tickets}
                for row in table.rows:
                    if row.line not in ticket_lines and row.width != width:
                        diags.extend(ROW_SHAPE.check(RowContext(rules, table, cols, style, row, None, None)))
            tctx = TableContext(rules, table, cols, style, tuple(tickets))
            for check in checks.TABLE:
                diags.extend(check.check(tctx))
            dist = Distribution(counts["haiku"], counts["sonnet"], counts["opus"], counts[None])
            cost = sum(rules.cost(t) * n for t, n in counts.items() if t)
            infos.append(TableInfo(table, cols, tuple(tickets), dist, cost))
        tables = tuple(infos)
        section.result = (flags, tables, tuple(diags), self._own_sprint(section, tables))
        return section.result[1:]

    def _own_sprint(self, section: _Section, infos: tuple[TableInfo, ...]) -> tuple[Diagnostic, ...] | None:
        """The sprint checks' findings when every table of the section sits
        under its first heading, a sprint heading: the section then holds
        the sprint's start, which is all of it unless a later section's
        tables belong to it too (`_analyze` checks that). Worked out with
        the section, so that a big run checks most sprints in its helpers."""
        headings = section.block.headings
        if not infos or not headings:
            return None
        h = headings[0]
        if any(info.table.heading is not h for info in infos) or not self._is_sprint(h.text):
            return None
        lines = {info.table.first_line for info in infos}
        summaries = tuple(x for x in section.summaries if x.table_line in lines)
        # kept with the section's result: the sprint memo would only hold it twice
        return tuple(self._check_sprint(self._sprint(h, True, infos), summaries))

    def _read_cells(
        self, owner: str, status: str | None, model: str | None
    ) -> tuple[str | None, str | None, str | None, ModelValue | None]:
        """A ticket's role, status, Model text and Model value from its cells;
        memoised, since a backlog combines a few owners, statuses and models."""
        key = (owner, status, model)
        found = self._cells.get(key)
        if found is None:
            role = self.classifier.role(owner) if owner else None
            found = (
                role.title if role is not None else None,
                self.statuses.read(status) if status is not None else None,
                strip_comments(model) if model is not None else None,
                self.models.read(model) if model is not None else None,
            )
            if len(self._cells) >= self._cache_size:
                self._cells.clear()
            self._cells[key] = found
        return found

    def _capped(self, first: Recommendation, title: str, designs: dict[str, list[frozenset[str]]]) -> bool:
        """True when an implement ticket follows an opus design ticket of the
        document and would itself be opus: only such a ticket is capped."""
        if not designs or first.tier != "opus" or first.always:
            return False
        index, answers = self._capping
        if index is not designs:  # other design tickets: other answers
            answers = {}
            self._capping = (designs, answers)
        found = answers.get(title)
        if found is None:
            classifier = self.classifier
            found = answers[title] = classifier.implements_design(
                classifier.implement_subject(title), designs
            )
        return found

    def _splits(self, layout: Layout, lines: list[str], workers: int) -> list[tuple[int, int]]:
        """Contiguous section ranges of about equal size, one per process in
        order, this one's first. Each process parses its own range; then the
        processes claim pieces of the ranges, so the split need not be exact."""
        starts = [start for start, _ in layout.sections]
        cuts = [0]
        for k in range(1, workers):
            cuts.append(bisect_left(starts, len(lines) * k / workers))
        cuts.append(len(starts))
        return [(a, b) for a, b in itertools.pairwise(cuts) if a < b]

    def _mostly_new(self, lines: list[str], layout: Layout) -> bool:
        """True unless a sample of the sections is already in the cache."""
        if not self._cache:
            return True
        step = max(1, len(layout.sections) // 20)
        sample = layout.sections[::step]
        cached = sum((a, tuple(lines[a:b])) in self._cache for a, b in sample)
        return cached * 4 < len(sample)

    def _start_helpers(
        self, lines: list[str], layout: Layout, size: int
    ) -> tuple[list[_HelperRange], list[Claims]]:
        """For a big document, fork helpers that parse the last ranges of
        sections while this process parses the first: (helper, first section,
        end) each, a helper that could not start being None; and the claims on
        every range, this process's first."""
        if self.workers < 2 or len(layout.sections) < 2:
            return [], []  # the language server: never a fork, nor its cost on a keystroke
        if size < MIN_CHARS:
            return [], []
        if not self._mostly_new(lines, layout):
            return [], []  # a re-analysis (--fix passes): the cache has it
        ranges = self._splits(layout, lines, min(self.workers, 1 + max(1, size * 2 // (3 * MIN_CHARS))))
        claims: list[Claims] = []
        try:
            claims.extend(Claims(first, end) for first, end in ranges)
        except OSError:
            for c in claims:
                c.close()
            return [], []
        out: list[_HelperRange] = []
        for me, (first, end) in enumerate(ranges[1:], 1):

            def work(channel: Channel, me: int = me, first: int = first, end: int = end) -> object:
                mine = self._parsed(lines, layout, first, end)
                channel.send((_designs(mine), list(_titles(mine))))
                self._classify_until(mine, channel.ready, me, len(ranges))
                designs, share, facts = channel.receive()
                self.classifier.learn(facts)
                # in pieces, so that this process gets the first ones soon
                for k in range(0, len(share), _FACTS):
                    channel.send(self.classifier.facts(share[k : k + _FACTS]))
                packer = Packer(lines)
                numbers: list[int] = []
                parts: list[Part] = []
                for number, part in self._claimed(lines, layout, claims, me, mine, first, designs):
                    numbers.append(number)
                    parts.append(part)
                    # past its own range the end is near: this process should
                    # not wait on a batch, so each section goes at once
                    if len(parts) >= _BATCH or not first <= number < end:
                        channel.send((numbers, packer.pack(parts)))
                        numbers, parts = [], []
                if parts:
                    channel.send((numbers, packer.pack(parts)))
                return None  # the end of its results

            out.append((Helper.start(work), first, end))
        return out, claims

    def _classify_until(
        self, sections: list[_Section], ready: Callable[[], bool], me: int, processes: int
    ) -> None:
        """Work out the sections' tickets' uncapped recommendations, section by
        section, until `ready()`: design tickets only ever cap one, so this
        is work done anyway while the document's design tickets are on their
        way (and no further: a section another process takes would be wasted).
        The titles whose turn is this process's come first (`_turn`): a title
        another process holds too is then classified by one of them only."""
        classify = self.classifier.classify
        for mine in (True, False):
            for s in sections:
                if ready():
                    return
                for prep in s.preps:
                    for _, _, title, owner, _, _ in prep.rows:
                        if (_turn(title, processes) == me) is mine:
                            classify(title, owner)

    def _results(self, sections: list[_Section], designs: list[frozenset[str]]) -> list[Part]:
        """What the document-wide steps need of each section."""
        index, key = self._designs_by_word(designs)
        return [self._part(s, index, key) for s in sections]

    def _designs_by_word(
        self, designs: list[frozenset[str]]
    ) -> tuple[dict[str, list[frozenset[str]]], object]:
        """The document's design tickets as `_analyse_section` takes them; the
        index of the last analysis again while they are the same (an edit
        seldom touches a design ticket, and the index costs milliseconds)."""
        key = tuple(designs)
        last = self._design_index
        if last is not None and last[0] == key:
            return last[1], last[0]
        index = self.classifier.design_index(designs) if designs else {}
        self._design_index = (key, index)
        return index, key

    def _part(self, s: _Section, index: dict[str, list[frozenset[str]]], key: object) -> Part:
        infos, diags, own = self._analyse_section(s, index, key)
        return (s.block.headings, s.block.directives, s.summaries, infos, diags, own)

    def _claimed(
        self,
        lines: list[str],
        layout: Layout,
        claims: list[Claims],
        me: int,
        mine: list[_Section],
        first: int,
        designs: list[frozenset[str]],
    ) -> Iterator[tuple[int, Part]]:
        """(section number, result) of each section this process claims: of
        its own range first (parsed already: `mine`, from section `first`),
        then of what is left of the others' ranges, parsed here."""
        index, key = self._designs_by_word(designs)
        for k in (me, *(k for k in range(len(claims)) if k != me)):
            claim = claims[k]
            while (piece := claim.take()) is not None:
                for i in range(*piece):
                    s = mine[i - first] if k == me else self._section(lines, *layout.sections[i], layout)
                    yield i, self._part(s, index, key)

    # -- the document -----------------------------------------------------------

    def analyze(self, text: str, settings: Settings | None = None) -> Analysis:
        settings = settings or Settings()
        lines = split_lines(text)
        if lines and lines[0].startswith("\ufeff"):
            # A BOM is not text: read it as a space so line 0 keeps its columns.
            lines[0] = " " + lines[0][1:]
        layout = scan(lines)
        helpers, claims = self._start_helpers(lines, layout, len(text))
        if not helpers:
            return self._analyze(lines, layout, settings, self._sections(lines, layout))
        try:
            return self._analyze(lines, layout, settings, self._shared(lines, layout, helpers, claims))
        finally:
            for helper, _, _ in helpers:
                if helper is not None:
                    helper.close()
            for claim in claims:
                claim.close()

    def _sections(self, lines: list[str], layout: Layout) -> list[Part]:
        """Every section's results, all worked out in this process."""
        sections = self._parsed(lines, layout, 0, None)
        return self._results(sections, _designs(sections))

    def _parsed(self, lines: list[str], layout: Layout, first: int, end: int | None) -> list[_Section]:
        return [self._section(lines, a, b, layout) for a, b in layout.sections[first:end]]

    def _shared(
        self, lines: list[str], layout: Layout, helpers: list[_HelperRange], claims: list[Claims]
    ) -> list[Part]:
        """The sections' results, worked out here and in the helpers. A
        helper that fails at any step leaves its sections to this process."""
        head = self._parsed(lines, layout, 0, helpers[0][1])
        started = [helper for helper, _, _ in helpers if helper is not None]
        processes = len(helpers) + 1
        self._classify_until(head, lambda: all(helper.ready() for helper in started), 0, processes)
        designs = _designs(head)
        lost: set[int] = set()
        held: dict[int, list[str]] = {}  # each helper's titles
        for i, (helper, first, end) in enumerate(helpers):
            ok, theirs = helper.receive() if helper is not None else (False, None)
            if ok:
                theirs, held[i] = theirs
            else:
                lost.add(i)
                theirs = _designs(self._parsed(lines, layout, first, end))
            designs += theirs
        # Titles found here and in a helper are classified once, here or there,
        # and their facts travel; the helpers' come in with their batches.
        ours, share = _share(_titles(head), self.classifier.knows, held, lambda t: _turn(t, processes))
        facts = self.classifier.facts(ours)
        for i, (helper, _, _) in enumerate(helpers):
            if i in lost or helper is None:
                continue
            theirs = {t: facts[t] for t in held[i] if t in facts}
            if not helper.send((designs, share.get(i, []), theirs)):
                lost.add(i)
        # The helpers' results arrive in batches as they go: taking them in
        # between this process's own sections keeps the unpacking off the end.
        live = {
            i: (h, Unpacker(lines, self.rules, self.models))
            for i, (h, _, _) in enumerate(helpers)
            if i not in lost and h is not None
        }
        done: dict[int, Part] = {}
        learn = self.classifier.learn
        for number, part in self._claimed(lines, layout, claims, 0, head, 0, designs):
            done[number] = part
            for i, (helper, unpacker) in list(live.items()):
                if helper.ready() and not _collect(helper, unpacker, done, learn, wait=False):
                    del live[i]
        for helper, unpacker in live.values():
            _collect(helper, unpacker, done, learn, wait=True)
        if len(done) < len(layout.sections):  # pieces a failed helper had taken
            missing = [i for i in range(len(layout.sections)) if i not in done]
            sections = [self._section(lines, *layout.sections[i], layout) for i in missing]
            done.update(zip(missing, self._results(sections, designs)))
        return [done[i] for i in range(len(layout.sections))]

    def _analyze(self, lines: list[str], layout: Layout, settings: Settings, parts: list[Part]) -> Analysis:
        headings: list[Heading] = []
        directives: list[Directive] = []
        infos: list[TableInfo] = []
        summaries: list[SummaryLine] = []
        diags: list[Diagnostic] = []
        # a section's own sprint: (its tables, their sprint's findings), by its first table
        owned: dict[int, tuple[int, tuple[Diagnostic, ...]]] = {}
        for s_headings, s_directives, s_summaries, t_infos, t_diags, own in parts:
            if own is not None:
                owned[id(t_infos[0])] = (len(t_infos), own)
            headings.extend(s_headings)
            directives.extend(
                d for d in s_directives if not layout.is_opaque(d.line) and not is_code_line(lines[d.line])
            )
            infos.extend(t_infos)
            summaries.extend(s_summaries)
            diags.extend(t_diags)
        sprints = self._sprints(headings, infos)
        by_table: dict[int, list[SummaryLine]] = {}
        for x in summaries:
            by_table.setdefault(x.table_line, []).append(x)
        for sprint in sprints:
            found = owned.get(id(sprint.tables[0])) if sprint.tables else None
            if found is not None and found[0] == len(sprint.tables):
                diags.extend(found[1])  # the sprint is its section's own, and checked with it
                continue
            mine = tuple(x for i in sprint.tables for x in by_table.get(i.table.first_line, ()))
            diags.extend(self._sprint_checks(sprint, mine))
        fctx = FileContext(self.rules, tuple(sprints))
        for check in checks.FILE:
            diags.extend(check.check(fctx))
        diags = _filter(diags, directives, settings, self._graded)
        total = Distribution()
        cost = 0
        for s in sprints:
            total = total + s.distribution
            cost += s.cost
        return Analysis(tuple(sprints), tuple(diags), total, cost)

    def _sprint_checks(self, sprint: Sprint, summaries: tuple[SummaryLine, ...]) -> list[Diagnostic]:
        """The sprint checks' findings, reused while the sprint's tables are the
        very objects of last time (their sections unchanged), so an edit
        re-checks only its own sprint."""
        key = (
            sprint.id,
            sprint.name,
            sprint.heading,
            sprint.is_sprint,
            sprint.declared_count,
            summaries,
            tuple(map(id, sprint.tables)),
        )
        found = self._sprint_memo.get(key)
        if found is not None and all(a is b for a, b in zip(found[0], sprint.tables)):
            return found[1]
        out = self._check_sprint(sprint, summaries)
        if len(self._sprint_memo) >= 4 * self._cache_size:
            self._sprint_memo.clear()
        self._sprint_memo[key] = (sprint.tables, out)
        return out

    def _check_sprint(self, sprint: Sprint, summaries: tuple[SummaryLine, ...]) -> list[Diagnostic]:
        heading = sprint.heading if sprint.is_sprint or sprint.heading else None
        ctx = SprintContext(self.rules, sprint, summaries, heading)
        return [d for check in checks.SPRINT for d in check.check(ctx)]

    def _sprints(self, headings: list[Heading], infos: list[TableInfo]) -> list[Sprint]:
        owners: dict[int, list[TableInfo]] = {}
        owner_heading: dict[int, Heading | None] = {}
        sprint_of: dict[int, bool] = {}
        index = {h.line: i for i, h in enumerate(headings)}
        parents = _parents(headings)
        owner_of: dict[int, tuple[Heading | None, bool]] = {}
        for info in infos:
            h = info.table.heading
            at = h.line if h is not None else -1
            found = owner_of.get(at)
            if found is None:
                found = owner_of[at] = self._owner(h, headings, index, parents)
            owner, is_sprint = found
            key = owner.line if owner is not None else -1
            owners.setdefault(key, []).append(info)
            owner_heading[key] = owner
            sprint_of[key] = is_sprint
        out = [self._sprint(owner_heading[key], sprint_of[key], tables) for key, tables in owners.items()]
        out.sort(key=lambda s: s.line)
        return out

    def _sprint(self, h: Heading | None, is_sprint: bool, tables: Iterable[TableInfo]) -> Sprint:
        sid, name, declared = self._name(h, is_sprint)
        h_, s_, o_, u_ = 0, 0, 0, 0
        cost = 0
        for t in tables:
            d = t.distribution
            h_, s_, o_, u_ = h_ + d.haiku, s_ + d.sonnet, o_ + d.opus, u_ + d.unassigned
            cost += t.cost
        dist = Distribution(h_, s_, o_, u_)
        return Sprint(sid, name, h, is_sprint, tuple(tables), dist, cost, declared)

    def _owner(
        self, h: Heading | None, headings: list[Heading], index: dict[int, int], parents: list[int]
    ) -> tuple[Heading | None, bool]:
        """The heading that owns a table: the nearest enclosing sprint heading,
        else the nearest enclosing heading of level 1 or 2, else its own."""
        if h is None:
            return None, False
        chain = [h]
        i = index.get(h.line, -1)
        if i >= 0:
            i = parents[i]
            while i >= 0:
                chain.append(headings[i])
                i = parents[i]
        for c in chain:
            if self._is_sprint(c.text):
                return c, True
        for c in chain:
            if c.level <= 2:
                return c, False
        return h, False

    def _is_sprint(self, text: str) -> bool:
        found = self._sprint_texts.get(text)
        if found is None:
            found = self._sprint_re.match(text) is not None
            if len(self._sprint_texts) >= self._cache_size:
                self._sprint_texts.clear()
            self._sprint_texts[text] = found
        return found

    def _name(self, h: Heading | None, is_sprint: bool) -> tuple[str | None, str, int | None]:
        if h is None:
            return None, "", None
        found = self._names.get((h, is_sprint))
        if found is None:
            found = self._read_name(h, is_sprint)
            if len(self._names) >= self._cache_size:
                self._names.clear()
            self._names[(h, is_sprint)] = found
        return found

    def _read_name(self, h: Heading, is_sprint: bool) -> tuple[str | None, str, int | None]:
        text = h.text
        declared = None
        m = _COUNT.search(text)
        if m:
            declared = int(m.group(1))
            text = (text[: m.start()] + text[m.end() :]).strip()
        text = _STATUS_SUFFIX.sub("", strip_comments(text)).strip()
        if is_sprint:
            sm = self._sprint_re.match(text)
            if sm:
                name = sm.group("rest").strip() or f"Sprint {sm.group('id')}"
                return sm.group("id"), name, declared
        return None, clean(text), declared


ROW_SHAPE = checks.tl201


def _collect(
    helper: Helper,
    unpacker: Unpacker,
    done: dict[int, Part],
    learn: Callable[[Mapping[str, Fact]], None],
    wait: bool,
) -> bool:
    """Adds the helper's batches that have arrived to `done` (all of them,
    when `wait`), and gives the titles' facts it sent to `learn`. False once
    the helper has ended, or failed: the batches that came before a failure
    are whole, and stand."""
    while wait or helper.ready():
        ok, message = helper.receive()
        if not ok:
            return False
        if message is None:
            helper.close(wait=False)  # reaped for good when the analysis ends
            return False
        if type(message) is dict:  # the titles it classified for this process
            learn(message)
            continue
        numbers, packed = message
        done.update(zip(numbers, unpacker.unpack(packed)))
    return True


def _designs(sections: list[_Section]) -> list[frozenset[str]]:
    return [d for s in sections for d in s.designs]


def _titles(sections: list[_Section]) -> dict[str, None]:
    """The sections' distinct ticket titles, in order."""
    return dict.fromkeys(row[2] for s in sections for prep in s.preps for row in prep.rows)


def _turn(title: str, processes: int) -> int:
    """The process (0 this one, k helper k - 1) whose turn a title is, when
    more than one holds it: by the title's hash, on which forked processes
    agree, so that each can start on its own turns before they have talked."""
    return hash(title) % processes


def _share(
    ours: dict[str, None],
    known: Callable[[str], bool],
    held: Mapping[int, list[str]],
    turn: Callable[[str], int],
) -> tuple[list[str], dict[int, list[str]]]:
    """Who classifies the titles this process and a helper both hold. This
    process takes those it has classified already, those whose `turn` is
    its own (0) and those whose turn is a helper's that does not hold them;
    helper i the others, whose turn is i + 1, in the order this process
    meets them (so that their facts come back about when it needs them).
    Returns the titles this process does for the helpers, and by helper the
    titles it does for this process. A title that only helpers hold, each
    of them classifies."""
    sets = {i: set(titles) for i, titles in held.items()}
    here: list[str] = []
    there: dict[int, list[str]] = {}
    for t in ours:
        if not any(t in titles for titles in sets.values()):
            continue
        helper = turn(t) - 1
        if helper < 0 or known(t) or t not in sets.get(helper, ()):
            here.append(t)
        else:
            there.setdefault(helper, []).append(t)
    return here, there


def _ticket_rows(
    table: Table, cols: Columns, titles: dict[str, str]
) -> list[tuple[Row, str, str, str, str | None, str | None]]:
    """(row, id, title, owner, status, model) of each row that names a
    ticket; the texts cleaned for matching, status and model as written.
    `titles` keeps cleaned titles and owners from one call to the next."""
    out = []
    ti, ii, oi, si, mi = cols.title, cols.id, cols.owner, cols.status, cols.model
    full = 1 + max(i for i in (ti, ii, oi, si, mi) if i is not None)
    if len(titles) > 50_000:
        titles.clear()
    for row in table.rows:
        cells = row.values
        if len(cells) >= full:  # every column there: index directly
            title = cells[ti]
            ident = cells[ii] if ii is not None else ""
            raw_owner = cells[oi] if oi is not None else ""
            status = cells[si] if si is not None else None
            model = cells[mi] if mi is not None else None
        else:
            title, ident, raw_owner = _get(cells, ti), _get(cells, ii), _get(cells, oi)
            status = _get(cells, si) if si is not None else None
            model = _get(cells, mi) if mi is not None else None
        if not title and not ident:
            continue
        owner = titles.get(raw_owner)
        if owner is None:
            owner = titles[raw_owner] = clean(raw_owner)
        cleaned = titles.get(title)
        if cleaned is None:
            cleaned = titles[title] = clean(title)
        # an id like "1.2" or "A-7" (cells come stripped) is its own clean text
        if not (ident.isascii() and ident.replace(".", "").replace("-", "").isalnum()):
            ident = clean(ident)
        out.append((row, ident, cleaned, owner, status, model))
    return out


def _get(values: tuple[str, ...], index: int | None) -> str:
    if index is None or index >= len(values):
        return ""
    return values[index]


def _parents(headings: list[Heading]) -> list[int]:
    """For each heading, the index of the nearest earlier heading of a lower
    level (-1 for none): one pass with a stack instead of a walk back per table."""
    parents: list[int] = []
    stack: list[int] = []
    for i, h in enumerate(headings):
        while stack and headings[stack[-1]].level >= h.level:
            stack.pop()
        parents.append(stack[-1] if stack else -1)
        stack.append(i)
    return parents


_ORDER = attrgetter("span.line", "span.start", "code")


def _filter(
    diags: Iterable[Diagnostic],
    directives: list[Directive],
    settings: Settings,
    graded: dict[int, tuple[Diagnostic, Diagnostic]] | None = None,
) -> list[Diagnostic]:
    """The findings the settings and suppressions let through, in order.
    `graded` keeps, from one call to the next, the finding a severity
    setting made of each one (by the id of the finding it came from): an
    unchanged section's finding then comes out as the very same object
    again, which the language server's conversion counts on."""
    suppress = _Suppressions(directives) if directives else None
    if suppress is None and settings.select == ("ALL",) and not settings.ignore and not settings.severity:
        out = list(diags)  # every code on, as it is, nothing suppressed: only the order to settle
        out.sort(key=_ORDER)
        return out
    decided: dict[str, tuple[bool, Severity | None]] = {}
    kept: dict[int, tuple[Diagnostic, Diagnostic]] = {}
    out = []
    for d in diags:
        code = d.code
        choice = decided.get(code)
        if choice is None:
            on = settings.enabled(code)
            choice = decided[code] = (on, settings.override(code) if on else None)
        if not choice[0]:
            continue
        if suppress is not None and suppress.hides(code, d.span.line):
            continue
        level = choice[1] or d.severity
        if level != d.severity:
            made = graded.get(id(d)) if graded is not None else None
            if made is not None and made[0] is d and made[1].severity == level:
                d_new = made[1]
            else:
                d_new = Diagnostic(code, level, d.message, d.span, d.fix, d.ticket_line, d.end_line)
            if graded is not None:
                kept[id(d)] = (d, d_new)
            d = d_new
        out.append(d)
    if graded is not None:
        graded.clear()
        graded.update(kept)
    out.sort(key=_ORDER)
    return out


class _Suppressions:
    """`<!-- tierlint-disable… -->` comments, markdownlint style. A directive
    names codes exactly, by prefix (TL1) or as ALL; one without codes names all.
    Each code's disabled stretches are worked out on their own, so an enable
    undoes exactly what it names, however the disable was written."""

    ALL = frozenset({"*"})

    def __init__(self, directives: list[Directive]) -> None:
        self.file: set[str] = set()
        self.lines: dict[int, set[str]] = {}
        self.ranges: dict[str, list[tuple[int, int]]] = {}
        since: dict[str, int] = {}
        for d in sorted(directives, key=lambda x: x.line):
            codes = d.codes or self.ALL
            if d.kind == "disable-file":
                self.file |= codes
            elif d.kind == "disable-line":
                self.lines.setdefault(d.line, set()).update(codes)
            elif d.kind == "disable-next-line":
                self.lines.setdefault(d.line + 1, set()).update(codes)
            elif d.kind in ("disable", "enable"):
                for code in CODES:
                    if not _names(codes, code):
                        continue
                    if d.kind == "disable":
                        since.setdefault(code, d.line)
                    elif code in since:
                        self.ranges.setdefault(code, []).append((since.pop(code), d.line))
        for code, start in since.items():
            self.ranges.setdefault(code, []).append((start, 1 << 30))

    def hides(self, code: str, line: int) -> bool:
        if _names(self.file, code):
            return True
        at = self.lines.get(line)
        if at and _names(at, code):
            return True
        return any(a <= line <= b for a, b in self.ranges.get(code, ()))


def _names(codes: set[str] | frozenset[str], code: str) -> bool:
    """A directive names a code exactly, by prefix (TL1) or as ALL / no codes."""
    return any(c == "*" or c == "ALL" or code.startswith(c) for c in codes)


def fixable(analysis: Analysis) -> list[Diagnostic]:
    return [d for d in analysis.diagnostics if d.fix is not None and d.fix.edits]


def fix_all(
    analyzer: Analyzer, text: str, settings: Settings | None = None, max_passes: int = 8
) -> tuple[str, int, Analysis]:
    """Apply every available fix, re-analysing until nothing changes (a filled
    Model cell can make a Cost Tier or Distribution line stale, fixed next pass).
    Returns the new text, the number of fixes applied and the final analysis."""
    from .fixes import apply_edits

    applied = 0
    analysis = analyzer.analyze(text, settings)
    for _ in range(max_passes):
        todo = fixable(analysis)
        if not todo:
            break
        edits = [e for d in todo for e in d.fix.edits]  # type: ignore[union-attr]
        new = apply_edits(text, edits)
        if new == text:
            break
        applied += len(todo)
        text = new
        analysis = analyzer.analyze(text, settings)
    return text, applied, analysis
