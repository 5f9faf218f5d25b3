"""A fix changes the target cell and nothing else on the line."""

from __future__ import annotations

from tierlint.analyze import Analyzer, fix_all
from tierlint.config import default_rules
from tierlint.fixes import apply_edits

ROW_EMOJI = "| 1.1 | 🔐 Implement OAuth login 認証 e\u0301 👩‍💻 | 🔲 Todo | Backend | haiku |"


def analyse(text: str):
    return Analyzer(default_rules()).analyze(text)


def test_fix_changes_only_the_model_cell_and_keeps_crlf() -> None:
    text = (
        "## Sprint 1: A\r\n\r\n| # | Ticket | Status | Owner | Model |\r\n|---|---|---|---|---|\r\n"
        + ROW_EMOJI
        + "\r\n"
    )
    (d,) = analyse(text).diagnostics
    assert d.code == "TL003"
    fixed = apply_edits(text, d.fix.edits)
    assert fixed == text.replace("| haiku |", "| opus |")
    assert fixed.count("\r\n") == text.count("\r\n")


def test_span_is_in_code_points_after_emoji_and_combining_marks() -> None:
    text = "| # | Ticket | Status | Owner | Model |\n|---|---|---|---|---|\n" + ROW_EMOJI + "\n"
    (d,) = analyse(text).diagnostics
    assert (d.span.line, d.span.start, d.span.end) == (
        2,
        ROW_EMOJI.index("haiku"),
        ROW_EMOJI.index("haiku") + 5,
    )


def test_cr_only_file_and_no_trailing_newline() -> None:
    text = "| # | Ticket | Model |\r|---|---|---|\r| 1 | Create users table migration | opus |"
    fixed, count, _ = fix_all(Analyzer(default_rules()), text)
    assert count == 1
    assert fixed == text.replace("| opus |", "| haiku |")


def test_fix_all_is_idempotent_and_leaves_nothing_fixable() -> None:
    text = (
        "## Sprint 1: Mixed (3 tickets)\n\n| # | Ticket | Model | Cost Tier |\n|---|---|---|---|\n"
        "| 1 | Create users table migration | | $$$ |\n| 2 | Implement OAuth login | haiku | $ |\n"
        "\nDistribution: 1 haiku (100%)\n"
    )
    analyzer = Analyzer(default_rules())
    fixed, _, analysis = fix_all(analyzer, text)
    assert [d.code for d in analysis.diagnostics if d.fix] == []
    assert fix_all(analyzer, fixed)[0] == fixed
    assert "| 1 | Create users table migration | haiku | $ |" in fixed
    assert "| 2 | Implement OAuth login | opus | $$$ |" in fixed
    assert "## Sprint 1: Mixed (2 tickets)" in fixed
    assert "Distribution: 1 haiku (50%) | 1 opus (50%)" in fixed


def test_aligned_column_keeps_its_pipes_when_text_fits() -> None:
    text = (
        "| #   | Ticket                       | Model  |\n"
        "| --- | ---------------------------- | ------ |\n"
        "| 1   | Create users table migration | sonnet |\n"
        "| 2   | Implement ReportService      | haiku  |\n"
    )
    fixed, _, _ = fix_all(Analyzer(default_rules()), text)
    lines = fixed.splitlines()
    assert lines[2] == "| 1   | Create users table migration | haiku  |"
    assert lines[3] == "| 2   | Implement ReportService      | sonnet |"
    assert {line.rindex("|") for line in lines} == {46}


def test_unaligned_table_gets_a_plain_replacement() -> None:
    text = "| # | Ticket | Model |\n|---|---|---|\n| 1 | Implement ReportService | haiku |\n"
    fixed, _, _ = fix_all(Analyzer(default_rules()), text)
    assert fixed.splitlines()[2] == "| 1 | Implement ReportService | sonnet |"


def test_empty_cell_is_filled_with_one_space_each_side() -> None:
    text = "| # | Ticket | Model |\n|---|---|---|\n| 1 | Implement ReportService ||\n| 2 | Build Nav component |   |\n"
    fixed, _, _ = fix_all(Analyzer(default_rules()), text)
    assert fixed.splitlines()[2:] == [
        "| 1 | Implement ReportService | sonnet |",
        "| 2 | Build Nav component | sonnet |",
    ]


def test_casing_follows_the_table() -> None:
    text = "| # | Ticket | Model |\n|---|---|---|\n| 1 | Implement ReportService | Sonnet |\n| 2 | Create users table migration | Opus |\n"
    fixed, _, _ = fix_all(Analyzer(default_rules()), text)
    assert fixed.splitlines()[3] == "| 2 | Create users table migration | Haiku |"


def test_claude_platform_names_are_kept() -> None:
    text = "| # | Ticket | Model |\n|---|---|---|\n| 1 | Implement ReportService | claude-3-sonnet |\n| 2 | Create users table migration | claude-3-opus |\n"
    fixed, _, _ = fix_all(Analyzer(default_rules()), text)
    assert fixed.splitlines()[3] == "| 2 | Create users table migration | claude-3-haiku |"


def test_notes_after_the_value_stay_out_of_the_fix() -> None:
    text = "| # | Ticket | Model | Cost Tier |\n|---|---|---|---|\n| 1 | Create users table migration | sonnet (for now) | $$ (approx) |\n"
    fixed, _, _ = fix_all(Analyzer(default_rules()), text)
    assert fixed.splitlines()[2] == "| 1 | Create users table migration | haiku (for now) | $ (approx) |"


def test_a_fix_is_made_when_first_read_and_once() -> None:
    """A check hands over how to make its fix; printing findings reads none,
    and a fix read twice is made once, equal to the fix made at once."""
    import pickle

    from tierlint.model import Edit, Fix, Span

    made: list[str] = []

    def make(tier: str) -> tuple[str, tuple[Edit, ...]]:
        made.append(tier)
        return f"Set Model to {tier}", (Edit(Span(3, 50, 55), tier),)

    later = Fix.later(make, "opus")
    assert made == [] and later.recipe == (make, ("opus",))
    now = Fix("Set Model to opus", (Edit(Span(3, 50, 55), "opus"),))
    assert later == now and hash(later) == hash(now)
    assert later.title == "Set Model to opus" and later.edits == now.edits
    assert made == ["opus"] and later.recipe is None
    assert repr(later) == (
        "Fix(title='Set Model to opus', edits=(Edit(span=Span(line=3, start=50, end=55), text='opus'),))"
    )
    assert pickle.loads(pickle.dumps(Fix.later(make, "haiku"))) == Fix(
        "Set Model to haiku", (Edit(Span(3, 50, 55), "haiku"),)
    )
    assert later != Fix("Set Model to opus", ()) and later != ("Set Model to opus", now.edits)


def test_a_check_run_leaves_its_model_fixes_unmade() -> None:
    """Findings come with the recipe of their Model fix, not the fix: the
    text output only says a finding is fixable."""
    text = "| # | Ticket | Status | Owner | Model |\n|---|---|---|---|---|\n" + ROW_EMOJI + "\n"
    (d,) = analyse(text).diagnostics
    assert d.fix is not None and d.fix.recipe is not None
    assert apply_edits(text, d.fix.edits) == text.replace("| haiku |", "| opus |")
    assert d.fix.recipe is None
