"""The server's analyses run with the cyclic garbage collector held off, and
leave it as they found it: on, with nothing it should find hidden from it."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest

from tierlint.lsp.state import State, collector_paused

BACKLOG = Path(__file__).resolve().parents[1] / "fixtures" / "cases" / "sprints.md"


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def cycle() -> weakref.ref[Node]:
    """A reference cycle nobody holds: only the collector frees it."""
    a, b = Node(), Node()
    a.other, b.other = b, a
    return weakref.ref(a)


@pytest.fixture
def collector_on():  # type: ignore[no-untyped-def]
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_paused_while_analysing_then_on_again(collector_on: None) -> None:
    before = cycle()
    with collector_paused():
        assert not gc.isenabled()
        gc.collect(0)  # an explicit collection still works; the automatic ones wait
        during = cycle()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0  # nothing left out of collections
    assert before() is None  # collected in the pause, by the explicit collection
    assert during() is not None
    gc.collect()
    assert during() is None  # a cycle made during the pause is collected afterwards


def test_on_again_after_an_error(collector_on: None) -> None:
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("boom")
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_left_off_when_it_was_off(collector_on: None) -> None:
    gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_an_analysis_leaves_the_collector_on(collector_on: None) -> None:
    state = State()
    try:
        c = state.analyse_now(BACKLOG.as_uri(), BACKLOG.read_text(encoding="utf-8"), 1)
    finally:
        state.executor.shutdown()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    assert [d.code for d in c.analysis.diagnostics] == ["TL102", "TL004", "TL101", "TL104", "TL105"]
