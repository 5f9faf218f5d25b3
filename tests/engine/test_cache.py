"""The rule cache: a second run reads the rule set the first one built, and a
cache that is missing, corrupt, foreign or unwritable only costs a build."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tierlint import cache, config
from tierlint.analyze import Analyzer
from tierlint.rules import RuleSet, build, default_rules_dir, load_documents

BACKLOG = """## Sprint 1: Auth

| # | Ticket | Status | Owner | Model |
|---|--------|--------|-------|-------|
| 1.1 | Implement password reset flow | 🔲 Todo | Backend | haiku |
| 1.2 | Fix typo in README | 🔲 Todo | Docs | opus |
| 1.3 | Create users table migration | 🔲 Todo | DB | |
"""


def sources() -> list[Path]:
    return list(Path(default_rules_dir()).glob("*.toml"))


def fresh() -> RuleSet:
    return build(load_documents(default_rules_dir()))


def findings(rules: RuleSet) -> list[tuple[str, str, int]]:
    return [(d.code, d.message, d.span.line) for d in Analyzer(rules).analyze(BACKLOG).diagnostics]


@pytest.fixture
def where(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TIERLINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("TIERLINT_NO_CACHE", raising=False)
    return tmp_path / "cache"


def test_the_second_run_reads_what_the_first_built(where: Path) -> None:
    built: list[int] = []

    def counting() -> RuleSet:
        built.append(1)
        return fresh()

    first = cache.cached(sources(), counting, RuleSet)
    second = cache.cached(sources(), counting, RuleSet)
    assert built == [1]
    assert second is not first  # read back from the file
    assert [p.name.startswith("rules-") for p in where.iterdir()] == [True]
    assert findings(second) == findings(first) == findings(fresh())
    assert len(findings(first)) == 3


def test_changed_rules_build_afresh(where: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    for p in sources():
        (rules / p.name).write_bytes(p.read_bytes())
    cache.cached(list(rules.glob("*.toml")), fresh, RuleSet)
    with open(rules / "tiers.toml", "a", encoding="utf-8") as f:
        f.write("\n# a comment changes the key\n")
    built: list[int] = []
    cache.cached(list(rules.glob("*.toml")), lambda: built.append(1) or fresh(), RuleSet)
    assert built == [1]
    assert len(list(where.iterdir())) == 2


@pytest.mark.parametrize("content", [b"", b"not a pickle", b"\x80\x05K\x01."])
def test_a_corrupt_or_foreign_cache_is_rebuilt_and_replaced(where: Path, content: bytes) -> None:
    cache.cached(sources(), fresh, RuleSet)
    (entry,) = where.iterdir()
    entry.write_bytes(content)  # truncated, garbage, or a pickle of the number 1
    built: list[int] = []
    rules = cache.cached(sources(), lambda: built.append(1) or fresh(), RuleSet)
    assert built == [1]
    assert findings(rules) == findings(fresh())
    assert entry.read_bytes() != content  # written again


def test_an_unwritable_cache_only_costs_a_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("TIERLINT_CACHE_DIR", str(blocker / "cache"))
    built: list[int] = []
    for _ in range(2):
        rules = cache.cached(sources(), lambda: built.append(1) or fresh(), RuleSet)
    assert built == [1, 1]
    assert findings(rules) == findings(fresh())


def test_turned_off(where: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIERLINT_NO_CACHE", "1")
    assert cache.cache_dir() is None
    cache.cached(sources(), fresh, RuleSet)
    assert not where.exists()


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root to chown")
def test_a_file_owned_by_someone_else_is_never_read(where: Path) -> None:
    cache.cached(sources(), fresh, RuleSet)
    (entry,) = where.iterdir()
    os.chown(entry, 12345, 12345)
    built: list[int] = []
    cache.cached(sources(), lambda: built.append(1) or fresh(), RuleSet)
    assert built == [1]


def test_the_default_rules_go_through_the_cache(where: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(config, "_DEFAULT", None)
    rules = config.default_rules()
    assert len(list(where.iterdir())) == 1
    monkeypatch.setattr(config, "_DEFAULT", None)
    assert findings(config.default_rules()) == findings(rules)


def test_no_home_means_no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TIERLINT_CACHE_DIR", "TIERLINT_NO_CACHE", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(os.path, "expanduser", lambda path: path)  # "~" stays "~"
    assert cache.cache_dir() is None
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere/cache")
    assert cache.cache_dir() == "/somewhere/cache/tierlint"


def test_a_cached_rule_set_brings_its_compiled_regexes(where: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Compiling is left for when the set is stored; once read back, no
    template or model name goes through `re`'s compiler again."""
    from tierlint.rules import keep_programs

    prepared: list[RuleSet] = []

    def prepare(rules: RuleSet) -> None:
        prepared.append(rules)
        keep_programs(rules)

    first = cache.cached(sources(), fresh, RuleSet, prepare)
    assert len(prepared) == 1
    assert cache.cached(sources(), fresh, RuleSet, prepare) is not first
    assert len(prepared) == 1  # read back: nothing to prepare
    second = cache.cached(sources(), fresh, RuleSet, prepare)
    expected = findings(fresh())
    analyzer = Analyzer(second)
    import re

    def no_compile(*_args: object, **_kw: object) -> None:
        raise AssertionError("compiled a regex the cache had")

    monkeypatch.setattr(re, "compile", no_compile)
    assert [(d.code, d.message, d.span.line) for d in analyzer.analyze(BACKLOG).diagnostics] == expected
    templates = [t for m in second.matchers() for t in m.templates]
    assert all(t._kept is not None and t._kept[2] is not None and t._kept[4] is not None for t in templates)
    assert sum(t._folded is not None for t in templates) > 5  # the findings needed some


def test_a_regex_program_that_does_not_load_falls_back_to_compiling() -> None:
    import re

    from tierlint.programs import compiled, program_of
    from tierlint.templates import Template, fold_text

    t = Template("Create [table] migration", {"table": "*"})
    program = program_of(t.source, re.IGNORECASE)
    assert program is not None
    rx = compiled(t.source, program)
    assert rx is not None and rx.pattern == t.source and rx.flags == re.compile(t.source, re.I).flags
    title = "Create the Orders table migration"
    span = re.compile(t.source, re.I).search(title).span()  # type: ignore[union-attr]
    assert rx.search(title).span() == span  # type: ignore[union-attr]
    t.keep_program()
    assert t._kept is not None
    source, rest, *_ = t._kept
    flags, code, groups, index, names = program
    for broken in [
        None,
        "junk",
        (flags, code[:-4], groups, index, names),
        (flags, b"\xff" * 8, groups, index, names),
    ]:
        assert compiled(t.source, broken) is None
        t._kept, t._folded, t._rx = (source, rest, broken, broken, broken), None, None  # type: ignore[assignment]
        assert t.search(title, fold_text(title)) == span  # the folded way
        assert t.search(title + " for Zoë", None) == span  # the IGNORECASE way


def test_the_shipped_rule_set_keeps_its_classifier_tables(
    where: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache keeps the tables a classifier looks words and templates up
    in with the shipped rule set; classifiers made from them recommend what
    ones that build their own do, and each keeps memos of its own."""
    from tierlint import classify

    monkeypatch.setattr(config, "_DEFAULT", None)
    config.default_rules()  # builds and stores
    monkeypatch.setattr(config, "_DEFAULT", None)
    rules = config.default_rules()  # read back
    assert classify._TABLES[id(rules)][0] is rules
    built: list[object] = []
    real = classify.tables_of
    monkeypatch.setattr(classify, "tables_of", lambda r: built.append(r) or real(r))
    a, b = classify.Classifier(rules), classify.Classifier(rules)
    index_a, index_b = a._tools()[0], b._tools()[0]
    assert built == []  # nothing built: the tables came with the rules
    assert index_a._anchored is index_b._anchored and index_a._read is not index_b._read
    titles = ["Implement password reset flow", "Create users table migration", "Add LoginForm component"]
    own = classify.Classifier(fresh())
    assert [a.classify(t, "Backend") for t in titles] == [own.classify(t, "Backend") for t in titles]
    assert built and built[0] is not rules  # the fresh rule set built its own
    assert index_a._read and not index_b._read
