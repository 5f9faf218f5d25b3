"""The CLI's helper processes: analysing the last sections in forked processes
gives exactly the analysis of one process, and a helper that fails at any
step costs nothing but time."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import sys
from pathlib import Path

import pytest

import tierlint.analyze as analyze_module
from tierlint import parallel, pickling
from tierlint.analyze import Analyzer, _share, _turn
from tierlint.classify import Classifier
from tierlint.config import default_rules
from tierlint.lines import split_lines
from tierlint.model import Analysis, Edit, Span
from tierlint.pack import Packer, Unpacker
from tierlint.sections import scan

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "corpus"


def corpus_text() -> str:
    return "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.md")))


def summary(a: Analysis) -> list[object]:
    out: list[object] = [(d.code, d.severity, d.message, d.span, d.fix) for d in a.diagnostics]
    out += [(t.line, t.recommendation, t.tier) for t in a.tickets]
    out += [(s.line, s.distribution, s.cost) for s in a.sprints]
    return out


@pytest.fixture
def small_thresholds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the corpus (a few hundred tickets) take the parallel path."""
    monkeypatch.setattr(analyze_module, "MIN_CHARS", 1000)


class Tally:
    """Who analysed how many sections, seen from the main process."""

    def __init__(self) -> None:
        self.here = 0  # claimed and analysed here
        self.received: list[int] = []  # sections per batch from the helpers
        self.ends = 0  # helpers that sent all they had and ended

    def redone(self, sections: int) -> int:
        """Sections analysed here again, after a helper that had claimed them failed."""
        return sections - self.here - sum(self.received)


@pytest.fixture
def tally(monkeypatch: pytest.MonkeyPatch) -> Tally:
    t = Tally()
    here = os.getpid()
    take, unpack, receive = parallel.Claims.take, Unpacker.unpack, parallel.Helper.receive

    def spy_take(self: parallel.Claims) -> tuple[int, int] | None:
        piece = take(self)
        if piece is not None and os.getpid() == here:
            t.here += piece[1] - piece[0]
        return piece

    def spy_unpack(self: Unpacker, packed: object) -> list[object]:
        out = unpack(self, packed)  # type: ignore[arg-type]
        t.received.append(len(out))
        return out  # type: ignore[return-value]

    def spy_receive(self: parallel.Helper) -> tuple[bool, object]:
        ok, message = receive(self)
        t.ends += ok and message is None
        return ok, message

    monkeypatch.setattr(parallel.Claims, "take", spy_take)
    monkeypatch.setattr(Unpacker, "unpack", spy_unpack)
    monkeypatch.setattr(parallel.Helper, "receive", spy_receive)
    return t


def sections_of(text: str) -> int:
    return len(scan(split_lines(text)).sections)


@pytest.mark.parametrize("workers", [2, 3, 4])
def test_helpers_give_the_same_analysis(small_thresholds: None, tally: Tally, workers: int) -> None:
    text = corpus_text()
    one = Analyzer(default_rules(), workers=1).analyze(text)
    tally.here = 0
    many = Analyzer(default_rules(), workers=workers).analyze(text)
    assert tally.ends == workers - 1  # every helper sent all it had
    # each section analysed once, here or in a helper (which did which depends on timing)
    assert tally.redone(sections_of(text)) == 0
    assert summary(many) == summary(one)
    assert [(t.row.text, t.row.values) for t in many.tickets] == [
        (t.row.text, t.row.values) for t in one.tickets
    ]
    assert len(one.diagnostics) > 50


@pytest.mark.parametrize("workers", [2, 4])
@pytest.mark.parametrize("how", ["raises", "exits"])
def test_a_helper_lost_at_the_start_changes_nothing(
    small_thresholds: None, monkeypatch: pytest.MonkeyPatch, workers: int, how: str
) -> None:
    def lost(*_args: object) -> None:
        if how == "exits":
            os._exit(3)
        raise RuntimeError("helper lost")

    monkeypatch.setattr(parallel, "_run", lost)
    text = corpus_text()
    one = Analyzer(default_rules(), workers=1).analyze(text)
    many = Analyzer(default_rules(), workers=workers).analyze(text)
    assert summary(many) == summary(one)


def test_one_helper_of_several_lost_changes_nothing(
    small_thresholds: None, tally: Tally, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second of three helpers dies at once; the others claim its range."""
    real = parallel.Helper.start.__func__  # type: ignore[attr-defined]
    started: list[int] = []

    def start(cls: type[parallel.Helper], work: object) -> parallel.Helper | None:
        started.append(1)
        if len(started) == 2:
            return real(cls, lambda _channel: os._exit(3))  # type: ignore[no-any-return]
        return real(cls, work)  # type: ignore[no-any-return]

    monkeypatch.setattr(parallel.Helper, "start", classmethod(start))
    text = corpus_text()
    one = Analyzer(default_rules(), workers=1).analyze(text)
    tally.here = 0
    many = Analyzer(default_rules(), workers=4).analyze(text)
    assert len(started) == 3
    assert tally.ends == 2
    assert tally.redone(sections_of(text)) == 0  # it had claimed nothing
    assert summary(many) == summary(one)


def test_small_files_do_not_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork() -> int:
        raise AssertionError("forked for a small file")

    monkeypatch.setattr(os, "fork", no_fork)
    Analyzer(default_rules(), workers=2).analyze(corpus_text())


def test_jobs_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    cores = len(os.sched_getaffinity(0))
    monkeypatch.setenv("TIERLINT_JOBS", "1")
    assert parallel.default_workers() == 1
    monkeypatch.setenv("TIERLINT_JOBS", "3")
    assert parallel.default_workers() == min(cores, 3)
    for junk in ("0", "many", "-2"):
        monkeypatch.setenv("TIERLINT_JOBS", junk)
        assert parallel.default_workers() == min(cores, parallel.MAX_WORKERS)
    monkeypatch.delenv("TIERLINT_JOBS")
    assert parallel.default_workers() == min(cores, parallel.MAX_WORKERS)


def test_the_processes_split_the_sections_in_order() -> None:
    """One contiguous range per process, this one's first, of about equal
    size: the pieces are claimed afterwards, so the split need not be exact."""
    lines = [f"## S{i}" if i % 10 == 0 else "text" for i in range(1000)]
    layout = scan(lines)
    analyzer = Analyzer(default_rules())
    for workers in (2, 3, 4):
        ranges = analyzer._splits(layout, lines, workers)
        assert len(ranges) == workers
        assert ranges[0][0] == 0
        assert ranges[-1][1] == len(layout.sections)
        assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))
        sizes = [b - a for a, b in ranges]
        assert max(sizes) - min(sizes) <= 1


def test_claims_hand_out_each_piece_once() -> None:
    """Two processes take pieces of one range as fast as they can: together
    they get every section exactly once."""
    claims = parallel.Claims(3, 5003)
    assert claims.MAX_TOKENS == 512
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        got = []
        while (piece := claims.take()) is not None:
            got.append(piece)
        os.write(write, json.dumps(got).encode())
        os._exit(0)
    os.close(write)
    mine = []
    while (piece := claims.take()) is not None:
        mine.append(piece)
    os.waitpid(pid, 0)
    with os.fdopen(read, "rb") as f:
        theirs = [tuple(x) for x in json.loads(f.read())]
    pieces = sorted(mine + theirs)
    assert pieces[0][0] == 3 and pieces[-1][1] == 5003
    assert all(a[1] == b[0] for a, b in itertools.pairwise(pieces))  # no gap, no overlap
    assert len(pieces) == 500  # 5,000 sections in pieces of 10: no more than MAX_TOKENS
    assert claims.take() is None
    claims.close()
    assert claims.take() is None


def _slow_in(monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    """Make the main process (`here`) or every helper (`helpers`) stall once
    the design tickets are swapped, so the others claim all its range."""
    import time

    here = os.getpid()
    real = Analyzer._claimed

    def slow(self: Analyzer, *args: object) -> object:
        if (os.getpid() == here) == (where == "here"):
            time.sleep(1.0)
        return real(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Analyzer, "_claimed", slow)


def _stalled(monkeypatch: pytest.MonkeyPatch, tally: Tally, where: str) -> tuple[Analysis, Analysis, str]:
    """The corpus analysed in one process, then in two with one of them stalled."""
    text = corpus_text()
    one = Analyzer(default_rules(), workers=1).analyze(text)
    _slow_in(monkeypatch, where)
    tally.here = 0
    return one, Analyzer(default_rules(), workers=2).analyze(text), text


def test_a_stalled_helper_s_sections_are_done_here(
    small_thresholds: None, tally: Tally, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, two, text = _stalled(monkeypatch, tally, "helpers")
    assert tally.ends == 1
    assert tally.received == []  # it woke up to find nothing left
    assert tally.here == sections_of(text)
    assert summary(two) == summary(one)


def test_a_stalled_main_process_s_sections_are_done_by_the_helper(
    small_thresholds: None, tally: Tally, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, two, text = _stalled(monkeypatch, tally, "here")
    assert tally.here == 0
    assert sum(tally.received) == sections_of(text)  # this process's range included
    assert max(tally.received) == analyze_module._BATCH  # in batches, as it went
    assert summary(two) == summary(one)


def test_cli_output_is_the_same_in_one_process(tmp_path: Path) -> None:
    """A generated backlog big enough for the CLI to fork on its own."""
    import subprocess

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    try:
        from generate import generate
    finally:
        sys.path.pop(0)
    path = tmp_path / "backlog.md"
    path.write_text(generate(3000, seed=7), encoding="utf-8")
    assert path.stat().st_size > parallel.MIN_CHARS
    env = dict(os.environ)
    runs = []
    for jobs in ("1", "2"):
        env["TIERLINT_JOBS"] = jobs
        runs.append(
            subprocess.run(
                [sys.executable, "-m", "tierlint", "check", "--format", "json", str(path)],
                capture_output=True,
                text=True,
                env=env,
            )
        )
    assert runs[0].returncode == runs[1].returncode == 1
    assert runs[0].stdout == runs[1].stdout
    assert runs[0].stderr == runs[1].stderr == ""
    assert runs[0].stdout.count('"code"') > 500


def test_a_re_analysis_does_not_fork(small_thresholds: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """--fix analyses the file again after each pass: the cache has it."""
    text = corpus_text()
    analyzer = Analyzer(default_rules(), workers=2)
    analyzer.analyze(text)

    def no_fork() -> int:
        raise AssertionError("forked for a re-analysis")

    monkeypatch.setattr(os, "fork", no_fork)
    again = analyzer.analyze(text.replace("haiku", "sonnet", 1))
    assert summary(again) == summary(Analyzer(default_rules()).analyze(text.replace("haiku", "sonnet", 1)))


def sprint(n: int, *rows: str) -> str:
    body = "\n".join(f"| {n}.{i} | {r} | opus |" for i, r in enumerate(rows, 1))
    return f"## Sprint {n}: Work\n\n| # | Ticket | Model |\n|---|--------|-------|\n{body}\n"


def test_design_tickets_reach_across_the_split(small_thresholds: None) -> None:
    """A design ticket caps its implementation whichever process has each:
    the two swap their design tickets before analysing their sections."""
    text = "\n".join(
        [
            sprint(1, "Design session analytics state machine", "Implement order fulfilment state machine"),
            corpus_text(),
            sprint(90, "Implement session analytics state machine", "Design order fulfilment state machine"),
        ]
    )
    two = Analyzer(default_rules(), workers=2).analyze(text)
    recs = {t.title: t.recommendation.tier for t in two.tickets}
    assert recs["Implement session analytics state machine"] == "sonnet"  # design in the first part
    assert recs["Implement order fulfilment state machine"] == "sonnet"  # design in the last part
    assert summary(two) == summary(Analyzer(default_rules(), workers=1).analyze(text))


@pytest.mark.parametrize("how", ["raises", "exits"])
@pytest.mark.parametrize("batch", [1, 2])
def test_a_helper_failing_after_the_swap_changes_nothing(
    small_thresholds: None, tally: Tally, monkeypatch: pytest.MonkeyPatch, how: str, batch: int
) -> None:
    """The helper has the designs and claims sections, then fails packing its
    first or second batch: the batches sent before stand, and this process
    analyses the sections the helper had claimed since."""
    real = Packer.pack
    calls: list[int] = []

    def fails(self: Packer, parts: list[object]) -> object:
        calls.append(1)
        if len(calls) < batch:
            return real(self, parts)  # type: ignore[arg-type]
        if how == "exits":
            os._exit(3)
        raise RuntimeError("lost while packing")

    monkeypatch.setattr(Packer, "pack", fails)
    _slow_in(monkeypatch, "here")  # so that the helper claims sections
    swapped: list[bool] = []
    real_send = parallel.Helper.send

    def spy(self: parallel.Helper, obj: object) -> bool:
        swapped.append(real_send(self, obj))
        return swapped[-1]

    monkeypatch.setattr(parallel.Helper, "send", spy)
    text = corpus_text()
    one = Analyzer(default_rules(), workers=1).analyze(text)
    tally.here = 0
    two = Analyzer(default_rules(), workers=2).analyze(text)
    assert swapped == [True]
    assert tally.ends == 0
    assert tally.received == [analyze_module._BATCH] * (batch - 1)
    assert tally.redone(sections_of(text)) == analyze_module._BATCH
    assert summary(two) == summary(one)


def test_an_error_here_stops_every_helper(small_thresholds: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """This process fails while three helpers wait for the design tickets: the
    error comes through, and every helper sees the hang-up and exits (each
    closes its copies of the others' pipes), so none is left behind."""
    import signal

    here = os.getpid()
    real = analyze_module._designs

    def fails_here(sections: list[object]) -> object:
        if os.getpid() == here:
            raise RuntimeError("lost in the main process")
        return real(sections)  # type: ignore[arg-type]

    monkeypatch.setattr(analyze_module, "_designs", fails_here)
    pids: list[int] = []
    real_start = parallel.Helper.start.__func__  # type: ignore[attr-defined]

    def start(cls: type[parallel.Helper], work: object) -> parallel.Helper | None:
        helper = real_start(cls, work)
        pids.append(helper.pid)
        return helper  # type: ignore[no-any-return]

    monkeypatch.setattr(parallel.Helper, "start", classmethod(start))

    def hung(*_args: object) -> None:
        for pid in pids:  # so that this test fails instead of hanging
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        raise TimeoutError("a helper never exited")

    old = signal.signal(signal.SIGALRM, hung)
    signal.alarm(30)
    try:
        with pytest.raises(RuntimeError, match="lost in the main process"):
            Analyzer(default_rules(), workers=4).analyze(corpus_text())
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # every helper reaped


ROUND_TRIP = """\
# Sprint 1: Mixed tables

| # | Ticket | Status | Owner | Model |
|---|--------|--------|-------|-------|
| 1.1 | Add user login form | Todo | Frontend | sonnet |
| 1.2 | Parse `a \\| b` strings | Todo | Backend | haiku |
| 1.3 | Fix typo in README | Todo | Docs | |

## Sprint 2: No outer pipes

# | Ticket | Owner | Model
--|--------|-------|------
2.1 | Implement Stripe payment integration | Backend | haiku
2.2 | Rename config keys | Backend | sonnet
"""


def rows_of(a: Analysis) -> list[object]:
    return [
        (r.line, r.text, r.values, r.has_leading_pipe, r.has_trailing_pipe, r.cells, r.width)
        for info in a.tables
        for r in (info.table.header, info.table.delimiter, *info.table.rows)
    ]


def test_results_travel_intact() -> None:
    """What a helper sends is rebuilt as it was: rows known by their line
    alone split to the same cells as the originals; a table whose rows are
    not the document's lines as they stand travels row by row."""
    lines = split_lines(ROUND_TRIP)
    analyzer = Analyzer(default_rules())
    layout = scan(lines)
    parts = analyzer._sections(lines, layout)
    packed = Packer(lines).pack(parts)
    tables = [t for section in packed[1] for t in section[3]]
    assert [t[0] for t in tables] == [(2, 5), (10, 4)]  # first line, rows with header and delimiter
    edited = lines[:]
    edited[4] += " "  # the first table's rows no longer all stand as the lines say
    assert isinstance(Packer(edited).pack(parts)[1][0][3][0][0], list)
    back = Unpacker(lines, analyzer.rules, analyzer.models).unpack(packed)
    back_by_row = Unpacker(edited, analyzer.rules, analyzer.models).unpack(Packer(edited).pack(parts))
    from tierlint.analyze import Settings

    original = analyzer._analyze(lines, layout, Settings(), parts)
    rebuilt = Analyzer(default_rules())._analyze(lines, layout, Settings(), back)
    assert rows_of(rebuilt) == rows_of(original)
    assert rows_of(Analyzer(default_rules())._analyze(lines, layout, Settings(), back_by_row)) == rows_of(
        original
    )
    assert rows_of(original)[3][2] == ("1.2", "Parse `a | b` strings", "Todo", "Backend", "haiku")
    assert [r[3:5] for r in rows_of(original)[5:9]] == [(False, False)] * 4
    assert summary(rebuilt) == summary(original)
    assert [t.row for t in rebuilt.tickets] == [t.row for t in original.tickets]
    assert all(
        t.row is info.table.rows[t.row.line - info.table.rows[0].line]
        for info in rebuilt.tables
        for t in info.tickets
    )
    assert len(original.tickets) == 5


def test_model_fixes_travel_unmade_and_are_made_alike() -> None:
    """A helper sends a Model fix it has not made as its table, row and
    tier; the receiving process makes the very fix the helper would have,
    on rows that travel by line and on rows that travel one by one."""
    lines = split_lines(ROUND_TRIP)
    edited = lines[:]
    edited[4] += " "  # the first table's rows then travel one by one
    docs = "documentation is boilerplate prose: JSDoc and README sections"
    for source in (lines, edited):
        analyzer = Analyzer(default_rules())
        parts = analyzer._sections(lines, scan(lines))
        packed = Packer(source).pack(parts)
        sent = [x[6] for section in packed[1] for x in section[4]]
        assert sent == [
            (0, 2, "opus", "security/payment is always opus", "Set"),  # table 0, row 2 (the header is row 0)
            (0, 4, "haiku", docs, "Set"),
            (0, 2, "opus", "security/payment is always opus", "Set"),  # the next section's first table
            (0, 3, "haiku", "boilerplate and file structure follow a template", "Set"),
        ]
        back = Unpacker(source, analyzer.rules, analyzer.models).unpack(packed)
        rebuilt = [d for part in back for d in part[4]]
        assert all(d.fix is not None and d.fix.recipe is not None for d in rebuilt)  # not made yet
        assert [(d.fix.title, d.fix.edits) for d in rebuilt] == [
            ("Set Model to opus — security/payment is always opus", (Edit(Span(4, 48, 54), "opus"),)),
            (f"Set Model to haiku — {docs}", (Edit(Span(6, 42, 43), " haiku "),)),
            ("Set Model to opus — security/payment is always opus", (Edit(Span(12, 55, 60), "opus"),)),
            (
                "Set Model to haiku — boilerplate and file structure follow a template",
                (Edit(Span(13, 37, 43), "haiku"),),
            ),
        ]
        assert rebuilt == [d for part in parts for d in part[4]]  # what the helper would have made


def corpus_titles() -> list[str]:
    text = corpus_text()
    return list(dict.fromkeys(t.title for t in Analyzer(default_rules()).analyze(text).tickets))


def test_a_title_s_facts_travel_intact() -> None:
    """Another process learns a title's facts instead of classifying it: it
    then recommends what the one that classified it does, for any owner, and
    never runs a template for those titles."""
    titles = corpus_titles()
    assert len(titles) > 100
    rules = default_rules()
    there = Classifier(rules)
    facts = there.facts(titles)
    assert set(facts) == set(titles)
    assert any(base is not None for _, base in facts.values())
    assert any(len(hits) > 1 for hits, _ in facts.values())
    here = Classifier(rules)
    here.learn(pickling.loads(pickling.dumps(facts, pickling.HIGHEST)))
    here._tools()
    index = here._index_and_compounds[0]  # type: ignore[index]
    index.hits = lambda *_args: pytest.fail("classified a title it had learnt")  # type: ignore[method-assign]
    for title in titles:
        for owner in ("", "Backend", "Security", "Frontend"):
            for design in (False, True):
                assert here.classify(title, owner, design) == there.classify(title, owner, design)


def test_learning_keeps_what_is_known() -> None:
    rules = default_rules()
    here = Classifier(rules)
    mine = here.classify("Implement Stripe payment integration")
    wrong = Classifier(rules).facts(["Fix typo in README"])["Fix typo in README"]
    here.learn({"Implement Stripe payment integration": wrong, "Fix typo in README": wrong})
    assert here.classify("Implement Stripe payment integration") == mine
    assert here.classify("Fix typo in README") == Classifier(rules).classify("Fix typo in README")
    assert mine.tier == "opus"


def test_shared_titles_go_by_turn() -> None:
    ours = dict.fromkeys(["a", "b", "c", "d", "e", "f", "g"])
    held = {0: ["z", "g", "b", "c"], 1: ["c", "d", "e", "f", "y"]}
    turns = {"a": 1, "b": 1, "c": 2, "d": 2, "e": 2, "f": 0, "g": 2}
    here, there = _share(ours, lambda t: t == "e", held, turns.__getitem__)
    # b: helper 0's turn; c: helper 1's; d: helper 1's; e: known here; f: this
    # process's turn; g: helper 1's, which does not hold it; a is this
    # process's alone, y and z a helper's alone
    assert here == ["e", "f", "g"]
    assert there == {0: ["b"], 1: ["c", "d"]}
    assert _share(ours, lambda t: False, {}, turns.__getitem__) == ([], {})


def test_each_process_classifies_its_turns_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """While it waits, a process classifies the titles whose turn is its own
    first, then the others, until the wait is over."""
    lines = split_lines(corpus_text())
    analyzer = Analyzer(default_rules())
    sections = analyzer._parsed(lines, scan(lines), 0, None)
    titles = list(dict.fromkeys(t for s in sections for p in s.preps for _, _, t, _, _, _ in p.rows))
    assert len(titles) > 100
    seen: list[str] = []
    real = analyzer.classifier.classify
    monkeypatch.setattr(analyzer.classifier, "classify", lambda t, o: seen.append(t) or real(t, o))
    analyzer._classify_until(sections, lambda: False, 1, 2)
    first = list(dict.fromkeys(seen))
    mine = [t for t in titles if _turn(t, 2) == 1]
    assert first[: len(mine)] == mine and sorted(first) == sorted(titles)
    seen.clear()
    analyzer._classify_until(sections, lambda: len(seen) > 5, 0, 2)  # asked between sections
    assert 5 < len(seen) < len([t for t in titles if _turn(t, 2) == 0])
    assert all(_turn(t, 2) == 0 for t in seen)


def twice_the_corpus() -> str:
    """A text whose second half (a helper's) repeats every title of its
    first (this process's)."""
    text = corpus_text()
    return text + "\n\n" + text


def _no_classifying_here_while_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    """What this process classifies while it waits for the helpers depends
    on timing, and it keeps those titles for itself: without it, which
    process classifies which title is the same every time."""
    here = os.getpid()
    real = Analyzer._classify_until

    def not_here(self: Analyzer, *args: object) -> None:
        if os.getpid() != here:
            real(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Analyzer, "_classify_until", not_here)


def _learnt_here(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The titles whose facts this process learns from the helpers."""
    here = os.getpid()
    learnt: list[str] = []
    real = Classifier.learn

    def spy(self: Classifier, facts: dict[str, object]) -> None:
        if os.getpid() == here:
            learnt.extend(facts)
        real(self, facts)  # type: ignore[arg-type]

    monkeypatch.setattr(Classifier, "learn", spy)
    return learnt


def test_the_processes_share_the_titles_they_both_hold(
    small_thresholds: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This process sends the facts of its share of the titles it holds with
    the helper along with the design tickets, and learns every one of the
    helper's share from it."""
    plans: list[tuple[list[str], dict[int, list[str]]]] = []
    real_share = analyze_module._share

    def spy_share(*args: object) -> tuple[list[str], dict[int, list[str]]]:
        plans.append(real_share(*args))  # type: ignore[arg-type]
        return plans[-1]

    sent: list[object] = []
    real_send = parallel.Helper.send

    def spy_send(self: parallel.Helper, obj: object) -> bool:
        sent.append(obj)
        return real_send(self, obj)

    monkeypatch.setattr(analyze_module, "_share", spy_share)
    monkeypatch.setattr(parallel.Helper, "send", spy_send)
    learnt = _learnt_here(monkeypatch)
    _no_classifying_here_while_waiting(monkeypatch)
    text = twice_the_corpus()
    two = Analyzer(default_rules(), workers=2).analyze(text)
    assert summary(two) == summary(Analyzer(default_rules(), workers=1).analyze(text))
    [(ours, theirs)] = plans
    titles = corpus_titles()
    assert sorted(ours + theirs[0]) == sorted(titles)  # each classified once, here or there
    assert theirs[0] == [t for t in titles if _turn(t, 2) == 1]  # by turn, in this process's order
    assert abs(len(ours) - len(theirs[0])) < len(titles) // 4
    [(_designs, share, facts)] = sent  # type: ignore[misc]
    assert share == theirs[0]
    assert sorted(facts) == sorted(ours)  # type: ignore[call-overload]
    assert sorted(learnt) == sorted(theirs[0])
    assert len(learnt) > analyze_module._FACTS  # in more than one piece


@pytest.mark.parametrize("how", ["raises", "exits"])
def test_a_helper_failing_while_it_works_out_titles_changes_nothing(
    small_thresholds: None, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """The helper sends one piece of its share of the titles, then fails: this
    process classifies the rest itself."""
    here = os.getpid()
    real = Classifier.facts
    calls: list[int] = []

    def fails(self: Classifier, titles: list[str]) -> object:
        calls.append(1)
        if os.getpid() == here or len(calls) < 2:
            return real(self, titles)
        if how == "exits":
            os._exit(3)
        raise RuntimeError("lost while classifying")

    monkeypatch.setattr(Classifier, "facts", fails)
    learnt = _learnt_here(monkeypatch)
    _no_classifying_here_while_waiting(monkeypatch)
    text = twice_the_corpus()
    one = Analyzer(default_rules(), workers=1).analyze(text)
    assert summary(Analyzer(default_rules(), workers=2).analyze(text)) == summary(one)
    assert len(learnt) == analyze_module._FACTS  # one piece came, then the helper was gone
