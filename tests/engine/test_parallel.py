"""The CLI's helper process: analysing the last sections in a forked process
gives exactly the analysis of one process, and a helper that fails at any
step costs nothing but time."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

import tierlint.analyze as analyze_module
from tierlint import parallel
from tierlint.analyze import Analyzer
from tierlint.config import default_rules
from tierlint.model import Analysis
from tierlint.pack import unpack

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


def test_two_processes_give_the_same_analysis(
    small_thresholds: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = corpus_text()
    served: list[int] = []
    real = parallel.Helper.result

    def spy(self: parallel.Helper) -> tuple[bool, object]:
        ok, found = real(self)
        served.append(len(unpack(found)) if ok else -1)  # type: ignore[arg-type]
        return ok, found

    monkeypatch.setattr(parallel.Helper, "result", spy)
    one = Analyzer(default_rules(), workers=1).analyze(text)
    two = Analyzer(default_rules(), workers=2).analyze(text)
    assert served and served[0] > 10  # the helper did analyse its sections
    assert summary(two) == summary(one)
    assert len(one.diagnostics) > 50


def test_a_failing_helper_changes_nothing(small_thresholds: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("helper lost")

    monkeypatch.setattr(parallel, "_run", broken)
    text = corpus_text()
    one = Analyzer(default_rules(), workers=1).analyze(text)
    two = Analyzer(default_rules(), workers=2).analyze(text)
    assert summary(two) == summary(one)


def test_a_helper_that_dies_changes_nothing(small_thresholds: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def dies(*_args: object) -> None:
        os._exit(3)

    monkeypatch.setattr(parallel, "_run", dies)
    text = corpus_text()
    one = Analyzer(default_rules(), workers=1).analyze(text)
    two = Analyzer(default_rules(), workers=2).analyze(text)
    assert summary(two) == summary(one)


def test_small_files_do_not_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork() -> int:
        raise AssertionError("forked for a small file")

    monkeypatch.setattr(os, "fork", no_fork)
    Analyzer(default_rules(), workers=2).analyze(corpus_text())


def test_jobs_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIERLINT_JOBS", "1")
    assert parallel.default_workers() == 1
    monkeypatch.delenv("TIERLINT_JOBS")
    expected = 2 if len(os.sched_getaffinity(0)) >= 2 else 1
    assert parallel.default_workers() == expected


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
def test_a_helper_failing_after_the_swap_changes_nothing(
    small_thresholds: None, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """The helper has its sections and the designs, then fails before its
    results are sent: this process analyses the helper's sections itself."""

    def fails(*_args: object) -> None:
        if how == "exits":
            os._exit(3)
        raise RuntimeError("lost while packing")

    monkeypatch.setattr(analyze_module, "pack", fails)
    swapped: list[bool] = []
    real = parallel.Helper.send

    def spy(self: parallel.Helper, obj: object) -> bool:
        swapped.append(real(self, obj))
        return swapped[-1]

    monkeypatch.setattr(parallel.Helper, "send", spy)
    text = corpus_text()
    one = Analyzer(default_rules(), workers=1).analyze(text)
    two = Analyzer(default_rules(), workers=2).analyze(text)
    assert swapped == [True]
    assert summary(two) == summary(one)
