"""The `tierlint` command as users run it: output, exit codes, --fix, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tierlint.cli import CHECK_OPTIONS, main, plain_check

ROW = "| 1 | Create users table migration | opus |"
TABLE = f"| # | Ticket | Model |\n|---|---|---|\n{ROW}\n"


def run(*args: str, cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "tierlint", *args],
        cwd=cwd,
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


@pytest.fixture
def backlog(tmp_path: Path) -> Path:
    p = tmp_path / "backlog.md"
    p.write_text(TABLE, encoding="utf-8")
    return p


def test_text_output_and_exit_code(backlog: Path) -> None:
    r = run("check", "backlog.md", cwd=backlog.parent)
    assert r.returncode == 1
    assert r.stdout.splitlines() == [
        "backlog.md:3:38: TL004 [*] Over-tiered: 'opus' is opus (10x the cost of haiku); haiku is enough: "
        "a migration builds the schema from the spec, with no logic (information)",
        "Found 1 problem (1 fixable with `tierlint check --fix`).",
    ]
    assert r.stderr == ""


def test_clean_file_exits_zero(tmp_path: Path) -> None:
    (tmp_path / "ok.md").write_text(TABLE.replace("opus", "haiku"), encoding="utf-8")
    r = run("check", "ok.md", cwd=tmp_path)
    assert (r.returncode, r.stdout.strip()) == (0, "All checks passed!")


def test_exit_zero_and_ignore(backlog: Path) -> None:
    assert run("check", "--exit-zero", "backlog.md", cwd=backlog.parent).returncode == 0
    r = run("check", "--ignore", "TL004", "backlog.md", cwd=backlog.parent)
    assert r.returncode == 0
    assert run("check", "--select", "TL003", "backlog.md", cwd=backlog.parent).returncode == 0
    assert run("check", "--select", "TL0", "backlog.md", cwd=backlog.parent).returncode == 1


def test_json_contract(backlog: Path) -> None:
    r = run("check", "--format", "json", "backlog.md", cwd=backlog.parent)
    assert r.returncode == 1
    doc = json.loads(r.stdout)
    assert doc["version"] == 1
    (f,) = doc["files"]
    assert set(f) == {"path", "sprints", "diagnostics"}
    (sprint,) = f["sprints"]
    assert set(sprint) == {"id", "name", "line", "tickets", "distribution", "cost"}
    assert sprint["distribution"] == {"haiku": 0, "sonnet": 0, "opus": 1, "unassigned": 0}
    assert sprint["cost"] == 10
    (t,) = sprint["tickets"]
    assert set(t) == {
        "id",
        "title",
        "owner",
        "status",
        "model",
        "tier",
        "recommended",
        "rule",
        "rationale",
        "line",
    }
    assert (t["id"], t["model"], t["tier"], t["recommended"], t["rule"], t["line"]) == (
        "1",
        "opus",
        "opus",
        "haiku",
        "create-migration",
        3,
    )
    (d,) = f["diagnostics"]
    assert d == {
        "code": "TL004",
        "severity": "information",
        "message": "Over-tiered: 'opus' is opus (10x the cost of haiku); haiku is enough: a migration builds the schema from the spec, with no logic",
        "line": 3,
        "column": 38,
        "end_line": 3,
        "end_column": 42,
        "fix": {"line": 3, "column": 38, "end_line": 3, "end_column": 42, "text": "haiku"},
    }
    assert ROW[d["column"] - 1 : d["end_column"] - 1] == "opus"


def test_json_columns_count_code_points(tmp_path: Path) -> None:
    row = "| 1 | 😀 Create users table migration 認証 | opus |"
    (tmp_path / "e.md").write_text(f"| # | Ticket | Model |\n|---|---|---|\n{row}\n", encoding="utf-8")
    d = json.loads(run("check", "--format", "json", "e.md", cwd=tmp_path).stdout)["files"][0]["diagnostics"][
        0
    ]
    assert row[d["column"] - 1 : d["end_column"] - 1] == "opus"


def test_json_fix_of_a_multi_line_fix_is_one_equivalent_edit(tmp_path: Path) -> None:
    text = "| # | Ticket | Status |\n|---|---|---|\n| 1 | Implement ReportService | todo |\n"
    (tmp_path / "n.md").write_text(text, encoding="utf-8")
    (d,) = json.loads(run("check", "--format", "json", "n.md", cwd=tmp_path).stdout)["files"][0][
        "diagnostics"
    ]
    assert d["code"] == "TL005"
    fix = d["fix"]
    lines = text.split("\n")
    start = sum(len(x) + 1 for x in lines[: fix["line"] - 1]) + fix["column"] - 1
    end = sum(len(x) + 1 for x in lines[: fix["end_line"] - 1]) + fix["end_column"] - 1
    assert text[:start] + fix["text"] + text[end:] == (
        "| # | Ticket | Status | Model |\n|---|---|---|---|\n| 1 | Implement ReportService | todo | sonnet |\n"
    )


def test_fix_writes_only_the_cell_keeps_crlf_and_bom(tmp_path: Path) -> None:
    p = tmp_path / "w.md"
    original = ("\ufeff" + TABLE.replace("\n", "\r\n")).encode("utf-8")
    p.write_bytes(original)
    r = run("check", "--fix", "w.md", cwd=tmp_path)
    assert r.returncode == 0
    assert r.stdout.splitlines() == ["Fixed 1 problem.", "All checks passed!"]
    assert p.read_bytes() == original.replace(b"| opus |", b"| haiku |")
    assert run("check", "--fix", "w.md", cwd=tmp_path).stdout.strip() == "All checks passed!"
    assert p.read_bytes() == original.replace(b"| opus |", b"| haiku |")
    assert [x.name for x in tmp_path.iterdir()] == ["w.md"]


def test_diff_changes_nothing(backlog: Path) -> None:
    before = backlog.read_bytes()
    r = run("check", "--diff", "backlog.md", cwd=backlog.parent)
    assert r.returncode == 1
    assert "-" + ROW in r.stdout and "+" + ROW.replace("opus", "haiku") in r.stdout
    assert backlog.read_bytes() == before


def test_stdin(tmp_path: Path) -> None:
    r = run("check", "-", "--stdin-filename", "plan/backlog.md", cwd=tmp_path, stdin=TABLE.encode())
    assert r.returncode == 1
    assert r.stdout.startswith("plan/backlog.md:3:38: TL004")
    fixed = run("check", "--fix", "-", cwd=tmp_path, stdin=TABLE.encode())
    assert fixed.stdout == TABLE.replace("opus", "haiku")
    assert "Fixed 1 problem." in fixed.stderr


def test_folders_are_walked_for_markdown(tmp_path: Path) -> None:
    (tmp_path / "docs" / "deep").mkdir(parents=True)
    (tmp_path / "docs" / "deep" / "b.md").write_text(TABLE, encoding="utf-8")
    (tmp_path / "docs" / "notes.txt").write_text(TABLE, encoding="utf-8")
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "x.md").write_text(TABLE, encoding="utf-8")
    os.symlink(tmp_path, tmp_path / "docs" / "loop")
    r = run("check", ".", cwd=tmp_path)
    assert r.returncode == 1
    assert [line.split(":")[0] for line in r.stdout.splitlines()[:-1]] == [
        os.path.join("docs", "deep", "b.md")
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"| a |\n\xff\xfe\n",
            "bad.md:2:1: not valid UTF-8 (byte 0xff); tierlint reads UTF-8 markdown, re-save the file as UTF-8",
        ),
        (b"PK\x03\x04\x00\x00", "bad.md:1: looks like a binary file (NUL byte); skipped"),
    ],
)
def test_unreadable_input_is_exit_2_with_a_message(tmp_path: Path, content: bytes, message: str) -> None:
    (tmp_path / "bad.md").write_bytes(content)
    r = run("check", "bad.md", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.strip() == message
    assert "Traceback" not in r.stderr + r.stdout


def test_missing_path_and_empty_file(tmp_path: Path) -> None:
    r = run("check", "nope.md", cwd=tmp_path)
    assert (r.returncode, r.stderr.strip(), r.stdout) == (2, "nope.md: no such file or directory", "")
    (tmp_path / "empty.md").write_bytes(b"")
    assert run("check", "empty.md", cwd=tmp_path).returncode == 0


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            "[tool.tierlint]\nselectt = ['TL0']\n",
            "pyproject.toml:2: tool.tierlint.selectt: unknown key 'selectt'; did you mean 'select'?",
        ),
        (
            "[tool.tierlint]\nseverity = { TL004 = 'loud' }\n",
            "pyproject.toml:2: tool.tierlint.severity.TL004: expected one of error, warning, information, info, hint, off, got 'loud'",
        ),
        (
            "[tool.tierlint]\nignore = ['XX1']\n",
            "pyproject.toml:2: tool.tierlint.ignore: unknown rule code or prefix 'XX1'",
        ),
        ("[tool.tierlint\n", "pyproject.toml:1: invalid TOML"),
        (
            "[tool.tierlint]\nrules = ['missing.toml']\n",
            "pyproject.toml:2: tool.tierlint.rules: rule file not found: missing.toml",
        ),
        (
            "[tool.tierlint]\n[[tool.tierlint.rule]]\nid = 'x'\ntier = 'gpt'\npriority = 1\nrationale = 'r'\nmatch = ['x']\n",
            "tool.tierlint.rule 'x'.tier: unknown tier 'gpt'",
        ),
    ],
)
def test_config_errors_name_file_line_and_key(backlog: Path, config: str, message: str) -> None:
    (backlog.parent / "pyproject.toml").write_text(config, encoding="utf-8")
    r = run("check", "backlog.md", cwd=backlog.parent)
    assert r.returncode == 2
    assert r.stderr.startswith("tierlint: config error: ")
    assert message in r.stderr
    assert "Traceback" not in r.stderr


def test_error_in_a_listed_rule_file_names_that_file(backlog: Path) -> None:
    (backlog.parent / "tierlint.toml").write_text("rules = ['team.toml']\n", encoding="utf-8")
    (backlog.parent / "team.toml").write_text(
        "[[rule]]\nid = 'y'\ntier = 'haiku'\npriority = 1\nrationale = 'r'\nmatchh = ['x']\n",
        encoding="utf-8",
    )
    r = run("check", "backlog.md", cwd=backlog.parent)
    assert r.returncode == 2
    assert r.stderr.strip().endswith("team.toml:6: rule 'y'.matchh: unknown key 'matchh' in [[rule]]")


def test_columns_section_can_extend_synonyms(tmp_path: Path) -> None:
    (tmp_path / "tierlint.toml").write_text("[columns]\nstatus = ['state', 'stage']\n", encoding="utf-8")
    (tmp_path / "b.md").write_text(
        "| # | Ticket | Stage | Model |\n|---|---|---|---|\n| 1 | Create users table migration | done | opus |\n",
        encoding="utf-8",
    )
    r = run("check", "--format", "json", "b.md", cwd=tmp_path)
    assert json.loads(r.stdout)["files"][0]["sprints"][0]["tickets"][0]["status"] == "done"


def test_fix_through_a_symlink_rewrites_the_target(tmp_path: Path) -> None:
    (tmp_path / "real.md").write_text(TABLE, encoding="utf-8")
    os.symlink("real.md", tmp_path / "link.md")
    assert run("check", "--fix", "link.md", cwd=tmp_path).returncode == 0
    assert (tmp_path / "link.md").is_symlink()
    assert (tmp_path / "real.md").read_text(encoding="utf-8") == TABLE.replace("opus", "haiku")


def test_stdin_filename_alone_reads_stdin(tmp_path: Path) -> None:
    r = run("check", "--stdin-filename", "x.md", cwd=tmp_path, stdin=TABLE.encode())
    assert r.stdout.startswith("x.md:3:38: TL004")


def test_nearest_config_wins(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.tierlint]\nignore = ['TL004']\n", encoding="utf-8")
    sub = tmp_path / "team"
    sub.mkdir()
    (sub / "tierlint.toml").write_text("select = ['TL0']\n", encoding="utf-8")
    (sub / "b.md").write_text(TABLE, encoding="utf-8")
    (tmp_path / "a.md").write_text(TABLE, encoding="utf-8")
    assert run("check", "a.md", cwd=tmp_path).returncode == 0
    assert run("check", "team/b.md", cwd=tmp_path).returncode == 1


def test_severity_override_and_custom_rule(tmp_path: Path) -> None:
    (tmp_path / "tierlint.toml").write_text(
        "[severity]\nTL004 = 'error'\n\n[[rule]]\nid = 'ledger-export'\ntier = 'haiku'\npriority = 95\n"
        "rationale = 'exports follow the report template'\nmatch = ['export [name] csv']\n",
        encoding="utf-8",
    )
    (tmp_path / "b.md").write_text(TABLE + "| 2 | Export orders csv | sonnet |\n", encoding="utf-8")
    r = run("check", "b.md", cwd=tmp_path)
    assert "(error)" in r.stdout.splitlines()[0]
    assert "exports follow the report template" in r.stdout


def test_main_returns_the_exit_code(backlog: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(backlog)]) == 1
    assert main(["check", "--exit-zero", str(backlog)]) == 0
    assert "TL004" in capsys.readouterr().out


def test_explain_output(tmp_path: Path) -> None:
    r = run("explain", "Implement JWT authentication middleware", "--owner", "Backend", cwd=tmp_path)
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert lines[0] == "Ticket:       Implement JWT authentication middleware"
    assert lines[1] == "Owner:        Backend (Backend Lead)"
    assert lines[2] == "Recommended:  opus  ($$$, cost 10x haiku)"
    assert "security/payment is always opus" in r.stdout
    j = json.loads(run("explain", "Create seed data", "--format", "json", cwd=tmp_path).stdout)
    assert (j["recommended"], j["rule"], j["matched"]) == ("haiku", "seed-data", True)


def test_rules_lists_every_code(tmp_path: Path) -> None:
    r = run("rules", cwd=tmp_path)
    codes = [line.split()[0] for line in r.stdout.splitlines() if line.startswith("TL")]
    assert codes == [
        "TL001",
        "TL002",
        "TL003",
        "TL004",
        "TL005",
        "TL006",
        "TL101",
        "TL102",
        "TL103",
        "TL104",
        "TL105",
        "TL201",
        "TL202",
    ]


def test_report_formats(tmp_path: Path) -> None:
    (tmp_path / "b.md").write_text("## Sprint 1: A\n\n" + TABLE, encoding="utf-8")
    text = run("report", "b.md", cwd=tmp_path).stdout.splitlines()
    assert text[1].split() == [
        "Sprint",
        "Tickets",
        "Haiku",
        "%",
        "Sonnet",
        "%",
        "Opus",
        "%",
        "Unassigned",
        "Est.",
        "Cost",
        "At",
        "Recommended",
        "Opus",
        "≤",
        "20%",
    ]
    assert text[3].split() == [
        "Sprint",
        "1:",
        "A",
        "1",
        "0%",
        "0%",
        "100%",
        "0",
        "10",
        "1",
        "✗",
        "(100%",
        ">",
        "20%)",
    ]
    md = run("report", "--format", "markdown", "b.md", cwd=tmp_path).stdout
    assert "| Sprint 1: A | 1 | 0% | 0% | 100% | 0 | 10 | 1 | ✗ (100% > 20%) |" in md
    j = json.loads(run("report", "--format", "json", "b.md", cwd=tmp_path).stdout)
    assert j["files"][0]["sprints"][0]["recommended_cost"] == 1


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("check", "--format", "yaml", cwd=tmp_path).returncode == 2
    assert run("bogus", cwd=tmp_path).returncode == 2
    r = run("check", "--select", "TL9", cwd=tmp_path)
    assert (r.returncode, r.stderr.strip()) == (
        2,
        "tierlint: --select: unknown rule code or prefix 'TL9' (see `tierlint rules`)",
    )


def test_help_lists_every_command_and_a_typo_names_them(tmp_path: Path) -> None:
    r = run("--help", cwd=tmp_path)
    assert r.returncode == 0
    listed = [line.split()[0] for line in r.stdout.splitlines() if line.startswith("    ")]
    assert listed == ["check", "report", "explain", "rules", "serve"]
    r = run("chek", "backlog.md", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.splitlines()[-1] == (
        "tierlint: error: argument COMMAND: invalid choice: 'chek' "
        "(choose from 'check', 'report', 'explain', 'rules', 'serve')"
    )
    r = run("check", "--help", cwd=tmp_path)
    assert r.returncode == 0
    assert r.stdout.startswith("usage: tierlint check [-h] [--fix] [--diff]")


def test_a_check_run_loads_no_typing_nor_pathlib(backlog: Path) -> None:
    """Start-up is most of a small run: importing `typing` alone would add
    about 7 ms to it (see records.py), and `pathlib` with the `urllib` and
    `ipaddress` it imports about 5 ms. A folder walk and a config found
    upwards need no pathlib (reading a config's TOML takes `typing`)."""
    (backlog.parent / "docs").mkdir()
    (backlog.parent / "docs" / "b.md").write_text(backlog.read_text(encoding="utf-8"), encoding="utf-8")
    code = (
        "import sys; from tierlint.main import main; code = main(['check', '--exit-zero', '.']); "
        "print(code, sorted({'typing', 'pathlib', 'urllib', 'ipaddress'} & set(sys.modules)))"
    )
    subprocess.run(
        [sys.executable, "-c", code], capture_output=True, check=True, cwd=backlog.parent
    )  # the cache
    for config, loaded in (False, "[]"), (True, "['typing']"):
        if config:
            (backlog.parent / "tierlint.toml").write_text('exclude = ["nothing/*"]\n', encoding="utf-8")
        r = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=backlog.parent
        )
        assert r.stdout.splitlines()[-1] == f"0 {loaded}"
        assert [line.split(":")[0] for line in r.stdout.splitlines()[:-2]] == ["backlog.md", "docs/b.md"]


def test_paths_are_named_as_pathlib_names_them() -> None:
    from pathlib import PurePosixPath

    from tierlint.sources import clean_path

    for raw in [
        "",
        ".",
        "./",
        "./docs",
        "docs/",
        "a//b",
        "/a/./b/",
        "//a/b",
        "///a",
        "../x",
        "a/../b",
        "/",
        "//",
    ]:
        assert clean_path(raw) == str(PurePosixPath(raw)), raw


def test_cli_does_not_import_the_language_server() -> None:
    code = "import sys, tierlint.cli; print(any(m.split('.')[0] in ('pygls', 'lsprotocol') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_github_and_sarif(backlog: Path) -> None:
    gh = run("check", "--format", "github", "backlog.md", cwd=backlog.parent).stdout.strip()
    assert gh.startswith(
        "::notice file=backlog.md,line=3,col=38,endLine=3,endColumn=42,title=tierlint TL004::TL004 Over-tiered"
    )
    sarif = json.loads(run("check", "--format", "sarif", "backlog.md", cwd=backlog.parent).stdout)
    (result,) = sarif["runs"][0]["results"]
    assert result["ruleId"] == "TL004"
    assert result["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 3,
        "startColumn": 38,
        "endLine": 3,
        "endColumn": 42,
    }
    assert sarif["runs"][0]["columnKind"] == "unicodeCodePoints"


_TOKENS = [
    *CHECK_OPTIONS,
    "--fix=1",
    "--format=json",
    "--format=sarif",
    "--format=bogus",
    "--select=TL0",
    "--select=",
    "--config=tierlint.toml",
    "--fi",
    "--form",
    "--exit",
    "--",
    "-h",
    "--help",
    "-x",
    "-1",
    "-",
    "",
    "json",
    "github",
    "text",
    "TL001,TL1",
    "backlog.md",
    "docs",
    "a=b.md",
    "ünïcode.md",
]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_TOKENS), max_size=7))
def test_a_plain_check_command_line_reads_as_argparse_reads_it(tail: list[str]) -> None:
    """`tierlint check` parses plainly written arguments without argparse:
    whatever it takes, argparse takes the same way; the rest goes to argparse."""
    from tierlint.arguments import build_parser
    from tierlint.cli import UsageError

    argv = ["check", *tail]
    plain = plain_check(argv)
    if plain is None:
        return
    try:
        full = build_parser("check").parse_args(argv)
    except (UsageError, SystemExit) as exc:
        raise AssertionError(f"{argv}: read plainly, but argparse refuses it: {exc}") from None
    assert vars(plain) == vars(full)


def test_plain_check_takes_the_common_command_lines() -> None:
    assert vars(plain_check(["check", "backlog.md"]))["paths"] == ["backlog.md"]
    assert vars(plain_check(["check", "--format", "json", "--exit-zero", "a.md", "b.md"])) == {
        "command": "check",
        "paths": ["a.md", "b.md"],
        "fix": False,
        "diff": False,
        "format": "json",
        "select": None,
        "ignore": None,
        "config": None,
        "exit_zero": True,
        "stdin_filename": None,
    }
    for argv in (
        ["check", "--help"],
        ["check", "--form", "json"],
        ["check", "a.md", "--fix", "b.md"],
        ["rules"],
    ):
        assert plain_check(argv) is None, argv
