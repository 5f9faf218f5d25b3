"""How a ticket text meets the rule templates: in lower case without
IGNORECASE where that finds the very same spans, with IGNORECASE where
only it knows the letters."""

from __future__ import annotations

import re

import pytest

from tierlint.classify import Classifier
from tierlint.config import default_rules
from tierlint.templates import Template, fold_text, match_text, title_words

CLASSIFIER = Classifier(default_rules())


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Add Users TABLE migration", "add users table migration"),
        ("Fix login — follow-up 🚀", "fix login \x1e follow-up \x1e"),
        ("“Quoted” → arrow…", "\x1equoted\x1e \x1e arrow\x1e"),
        ("snake_case\u00a0name", "snake_case\x1ename"),
        ("Café menu", None),  # a letter outside ASCII
        ("ſtate machine", None),  # IGNORECASE reads the long s as an s
        ("\u212aEY rotation", None),  # ... and the Kelvin sign as a k
        ("İndex users", None),  # lower() makes two characters of it
        ("Phase Ⅱ rollout", None),  # a numeral outside ASCII
        ("", ""),
    ],
)
def test_fold_text(text: str, folded: str | None) -> None:
    assert fold_text(text) == folded
    if folded is not None:
        assert len(folded) == len(text)


TITLES = [
    "Add users table migration",
    "Create migration for the users table",  # both words, not the sequence
    "Implement the STATE MACHINE for orders",
    "Recreate orders view",
    "Build RealTime sync engine — follow-up",
    "Write tests for checkout 🚀",
    "Créer la table users migration",  # a letter outside ASCII
    "Design the ſtate machine",  # a long s: only IGNORECASE matches it
    "Fix \u212aEY rotation job",  # a Kelvin sign
    "Add İndex on users.email",
    "Add index on users.email",
    "  --  ",
    "users table migration users table migration users table migration " * 3,
]


@pytest.mark.parametrize("title", TITLES)
def test_every_way_finds_what_ignorecase_finds(title: str) -> None:
    """Every template of the rule set that the word filter lets through,
    and every one that it does not, finds the same span as its IGNORECASE
    pattern would on the text the classifier matches."""
    index, compounds = CLASSIFIER._tools()
    text = match_text(title, compounds)
    low = fold_text(text)
    templates = {id(t): t for m in default_rules().matchers() for t in m.templates}
    checked = 0
    for t in templates.values():
        hit = re.compile(t.source, re.IGNORECASE).search(text)
        assert t.search(text, low) == (hit.span() if hit else None), t.text
        checked += 1
    assert checked > 300
    assert index.candidates(title_words(text)) is not None


def test_a_template_that_starts_with_a_free_slot_looks_for_the_rest_first() -> None:
    t = Template("[table] table migration", {"table": "*"})
    finder = t._fold()
    assert finder and finder[1] is not None and finder[1].pattern.startswith(r"\W*table(?<!\wtable)")
    assert t.search("Create migration for the users table", "create migration for the users table") is None
    title = "Add Users table migration"
    assert t.search(title, fold_text(title)) == (0, len(title))
    # a slot that holds the text before the rest: not the whole title
    title = "Plan: add users table migration now"
    assert t.search(title, fold_text(title)) == re.compile(t.source, re.I).search(title).span()  # type: ignore[union-attr]


@pytest.mark.parametrize("extra", [0, 12])
def test_words_and_alternatives_keep_their_word_boundaries(extra: int) -> None:
    """A word's front boundary is tested behind its first letters, and a
    big group of alternatives gets one in front too: either way a word
    still only matches whole."""
    fillers = [f"filler{i} thing" for i in range(extra)]
    t = Template("(create|add) [thing]", {"thing": ["orders view", "users", *fillers]})
    assert t.source.startswith("(?:create")
    assert (r"\b(?:orders" in t.source) is (extra > 0)
    for title, span in [
        ("Recreate orders view", None),
        ("Add users", (0, 9)),
        ("Readd users", None),
        ("Add superusers", None),
        ("Create orders viewer", None),
        ("Create orders view", (0, 18)),
        ("please ADD USERS", (7, 16)),
        ("x-add users", (2, 11)),
    ]:
        assert t.search(title, fold_text(title)) == span, title
        assert t.search(title, None) == span, title
    word = Template("search", {})
    for title, span in [
        ("Research", None),
        ("search", (0, 6)),
        ("full-text search", (10, 16)),
        ("_search", None),
    ]:
        assert word.search(title, fold_text(title)) == span, title
        assert word.search(title, None) == span, title


def test_a_rule_word_outside_ascii_is_matched_with_ignorecase() -> None:
    t = Template("Update café menu", {})
    assert t._fold() == ()
    assert t.search("UPDATE CAFÉ MENU", fold_text("UPDATE CAFÉ MENU")) == (0, 16)
    assert t.search("update cafe menu", "update cafe menu") is None
