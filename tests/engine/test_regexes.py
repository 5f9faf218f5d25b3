"""tierlint's own regexes: a run after the first compiles none of them, and a
store that is missing, damaged or switched off only costs the ordinary compile."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tierlint import cache
from tierlint.programs import compiled

BACKLOG = """## Sprint 1: Auth

| # | Ticket | Status | Owner | Model |
|---|--------|--------|-------|-------|
| 1.1 | Implement password reset flow | 🔲 Todo | Backend | haiku |
| 1.2 | Fix typo in README | 🔲 Todo | Docs | opus |
"""

# a pattern of tierlint's own: where a document's sections start
ATX = r" {0,3}#{1,6}(?:[ \t]|$)"
# how many of this process's regexes were compiled because the store lacked them
AFRESH = "import tierlint.cli; from tierlint import regexes; print(len(regexes.afresh()))"


def env(where: Path, **extra: str) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if k != "TIERLINT_NO_CACHE"}
    out["TIERLINT_CACHE_DIR"] = str(where)
    out.update(extra)
    return out


def afresh(where: Path, **extra: str) -> int:
    r = subprocess.run(
        [sys.executable, "-c", AFRESH], env=env(where, **extra), capture_output=True, text=True, check=True
    )
    return int(r.stdout)


def check(where: Path, backlog: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tierlint", "check", str(backlog)],
        env=env(where, **extra),
        capture_output=True,
        text=True,
    )


def stores(where: Path) -> list[Path]:
    return sorted(where.glob("regexes-*.pickle")) if where.is_dir() else []


@pytest.fixture
def backlog(tmp_path: Path) -> Path:
    path = tmp_path / "backlog.md"
    path.write_text(BACKLOG, encoding="utf-8")
    return path


def test_a_run_after_the_first_compiles_none_of_them(tmp_path: Path, backlog: Path) -> None:
    where = tmp_path / "cache"
    assert afresh(where) > 25  # nothing kept yet: every module regex compiled
    assert stores(where) == []  # importing alone writes nothing
    first = check(where, backlog)
    assert first.returncode == 1 and "TL003" in first.stdout
    assert len(stores(where)) == 1
    assert afresh(where) == 0
    second = check(where, backlog)
    assert (second.returncode, second.stdout, second.stderr) == (first.returncode, first.stdout, first.stderr)


def test_kept_programs_give_back_the_very_patterns(tmp_path: Path, backlog: Path) -> None:
    where = tmp_path / "cache"
    check(where, backlog)
    (path,) = stores(where)
    store = cache.load(path, dict)
    assert isinstance(store, dict) and len(store) > 25
    samples = [
        "| 1 | Add users table | Todo | Backend | opus |",
        "## Sprint 2 (4 tickets)",
        "  ```py",
        "- [ ] x",
    ]
    for (pattern, flags), program in store.items():
        assert program is not None, pattern
        rx, plain = compiled(pattern, program), re.compile(pattern, flags)
        assert rx is not None
        assert (rx.pattern, rx.flags, rx.groups, rx.groupindex) == (
            plain.pattern,
            plain.flags,
            plain.groups,
            plain.groupindex,
        )
        for text in samples:
            assert [m.span() for m in rx.finditer(text)] == [m.span() for m in plain.finditer(text)]


@pytest.mark.parametrize("content", [b"", b"not a pickle", b"\x80\x05K\x01."])
def test_a_damaged_store_is_compiled_around_and_replaced(
    tmp_path: Path, backlog: Path, content: bytes
) -> None:
    where = tmp_path / "cache"
    expected = check(where, backlog)
    (path,) = stores(where)
    path.write_bytes(content)  # truncated, garbage, or a pickle of the number 1
    assert afresh(where) > 25
    again = check(where, backlog)
    assert (again.returncode, again.stdout, again.stderr) == (expected.returncode, expected.stdout, "")
    assert isinstance(cache.load(path, dict), dict)  # written again
    assert afresh(where) == 0


def test_one_damaged_program_is_compiled_again_alone(tmp_path: Path, backlog: Path) -> None:
    where = tmp_path / "cache"
    expected = check(where, backlog)
    (path,) = stores(where)
    store = cache.load(path, dict)
    assert isinstance(store, dict)
    key = (ATX, 0)
    flags, code, groups, index, names = store[key]
    store[key] = (flags, code[:-1], groups, index, names)  # no whole number of instructions
    cache.store(path, store)
    assert afresh(where) == 1
    again = check(where, backlog)
    assert (again.returncode, again.stdout) == (expected.returncode, expected.stdout)
    assert afresh(where) == 0


def test_no_cache_keeps_nothing(tmp_path: Path, backlog: Path) -> None:
    where = tmp_path / "cache"
    result = check(where, backlog, TIERLINT_NO_CACHE="1")
    assert result.returncode == 1 and "TL003" in result.stdout
    assert stores(where) == []
    assert afresh(where, TIERLINT_NO_CACHE="1") > 25


def test_a_cache_that_cannot_be_written_costs_no_programs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tierlint import regexes

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("TIERLINT_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.delenv("TIERLINT_NO_CACHE", raising=False)
    monkeypatch.setattr(regexes, "_used", {(r"[a-z]+", 0): regexes._AFRESH})

    def no_program(*_args: object) -> None:
        raise AssertionError("worked out a program that could not be kept")

    monkeypatch.setattr(regexes, "program_of", no_program)
    regexes.keep()  # neither raises nor writes
    assert blocker.read_text(encoding="utf-8") == "not a folder"
    assert regexes.afresh() == [r"[a-z]+"]

    monkeypatch.setenv("TIERLINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(regexes, "program_of", lambda pattern, flags: None)
    regexes.keep()  # a pattern whose program does not round-trip is kept as such
    (path,) = stores(tmp_path / "cache")
    assert cache.load(path, dict) == {(r"[a-z]+", 0): None}
    assert regexes.afresh() == []

    monkeypatch.setattr(regexes, "_store", None)  # read the store again
    monkeypatch.setattr(regexes, "_used", {})
    monkeypatch.setattr(regexes, "_patterns", {})
    assert regexes.compile(r"[a-z]+").findall("Ab cd") == ["b", "cd"]
    assert regexes.afresh() == []  # compiled as usual, and not written again


def test_another_versions_patterns_stay_kept(tmp_path: Path, backlog: Path) -> None:
    where = tmp_path / "cache"
    check(where, backlog)
    (path,) = stores(where)
    store = cache.load(path, dict)
    assert isinstance(store, dict)
    theirs = (r"another version's (pattern)", 0)
    flags, code, groups, index, names = store[(ATX, 0)]
    store[theirs] = None
    del store[(ATX, 0)]  # a pattern this version has and that one had not
    cache.store(path, store)
    assert afresh(where) == 1
    check(where, backlog)
    again = cache.load(path, dict)
    assert isinstance(again, dict)
    assert again[theirs] is None and again[(ATX, 0)] == (flags, code, groups, index, names)
    assert afresh(where) == 0


def test_the_language_server_starts_without_the_store_or_the_engine(tmp_path: Path) -> None:
    code = (
        "import sys, tierlint.main, tierlint.lsp.server; "
        "print(sorted(m for m in ('tierlint.analyze', 'tierlint.regexes', 'tierlint.cache') if m in sys.modules))"
    )
    r = subprocess.run(
        [sys.executable, "-c", code], env=env(tmp_path / "cache"), capture_output=True, text=True, check=True
    )
    assert r.stdout.strip() == "[]"  # both load with the first document, after `initialize`


def test_an_interrupted_run_writes_no_store(
    tmp_path: Path, backlog: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tierlint import cli, regexes

    where = tmp_path / "cache"
    monkeypatch.setenv("TIERLINT_CACHE_DIR", str(where))
    monkeypatch.setattr(regexes, "_used", {(r"[a-z]+", 0): regexes._AFRESH})  # a store to write

    def interrupted(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)  # Ctrl-C as the fixes are written
    try:
        code = cli.main(["check", "--fix", str(backlog)])
    except KeyboardInterrupt:  # as a failure, not as the end of the test session
        pytest.fail("the interrupt escaped: the store was written after it")
    assert code == 130
    assert "tierlint: interrupted" in capsys.readouterr().err
    assert backlog.read_text(encoding="utf-8") == BACKLOG
    assert r"[a-z]+" in regexes.afresh()  # left for a run that ends as it should
    assert stores(where) == []


def test_a_pattern_asked_for_again_is_the_same_pattern(monkeypatch: pytest.MonkeyPatch) -> None:
    from tierlint import regexes
    from tierlint.programs import program_of

    fence = " {0,3}`{7,}[ \t]*"  # how a seven-backtick fence closes
    monkeypatch.setattr(regexes, "_store", {(fence, 0): program_of(fence, 0)})  # kept from a run before
    monkeypatch.setattr(regexes, "_patterns", {})
    first = regexes.compile(fence)
    assert regexes.compile(fence) is first  # not built again from its program
    assert first.fullmatch("  ````````") and not first.fullmatch("``````")
