"""The CLI on hostile file systems and broken configuration: unreadable and
unwritable files, symlink loops, named pipes, non-UTF-8 / binary / empty
files, and every kind of config error. The guarantee: exit 2 with a message
naming what and where, never a traceback, never a hang; and `--fix` leaves a
file either fully written or untouched (no temporary file left behind)."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import shutil
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tierlint.analyze import Analyzer, fix_all
from tierlint.cli import main
from tierlint.config import default_rules

BACKLOG = (
    "## Sprint 1: Foundation (2 tickets)\n\n"
    "| # | Ticket | Owner | Model | Cost Tier |\n|---|---|---|---|---|\n"
    "| 1.1 | Create users table migration 👩‍💻 | DB | opus | $$$ |\n"
    "| 1.2 | Implement JWT authentication middleware | Backend | | |\n"
)
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def run_cli(*args: str, cwd: Path, stdin: bytes = b"", timeout: float = 60) -> subprocess.CompletedProcess:
    """`python -m tierlint ARGS`, asserting it did not die with a traceback."""
    proc = subprocess.run(
        [sys.executable, "-m", "tierlint", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        timeout=timeout,
    )
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    return proc


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`tierlint.cli.main(ARGS)` in-process: faster, and lets a test patch os."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "backlog.md").write_text(BACKLOG, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- unreadable, unwritable, odd files -----------------------------------------


def _reads_blocked(path: Path) -> bool:
    try:
        path.read_bytes()
    except PermissionError:
        return True
    return False


def test_unreadable_file(tree: Path) -> None:
    f = tree / "secret.md"
    f.write_text(BACKLOG, encoding="utf-8")
    f.chmod(0)
    try:
        if not _reads_blocked(f):
            pytest.skip("chmod 000 does not stop reads here (running as root); see test_broken_symlink")
        proc = run_cli("check", "secret.md", cwd=tree)
        assert proc.returncode == 2
        assert b"secret.md: permission denied" in proc.stderr
    finally:
        f.chmod(0o644)


def test_broken_symlink(tree: Path) -> None:
    (tree / "gone.md").symlink_to(tree / "missing.md")
    proc = run_cli("check", "gone.md", "backlog.md", cwd=tree)
    assert proc.returncode == 2
    assert b"gone.md: no such file" in proc.stderr
    assert b"backlog.md:" in proc.stdout  # the readable file is still checked


def test_directory_named_like_a_file_is_walked(tree: Path) -> None:
    d = tree / "notes.md"
    d.mkdir()
    (d / "inner.md").write_text(BACKLOG, encoding="utf-8")
    proc = run_cli("check", "notes.md", cwd=tree)
    assert proc.returncode == 1
    assert b"inner.md" in proc.stdout


def test_folder_with_directory_symlink_loop(tree: Path) -> None:
    sub = tree / "sub"
    sub.mkdir()
    (sub / "up").symlink_to(tree, target_is_directory=True)
    (sub / "self").symlink_to(sub, target_is_directory=True)
    proc = run_cli("check", ".", cwd=tree, timeout=30)
    assert proc.returncode == 1
    assert proc.stdout.count(b"backlog.md:") >= 1


@pytest.mark.parametrize("target", [".", "a.md"], ids=["folder", "explicit"])
def test_file_symlink_loop(tree: Path, target: str) -> None:
    (tree / "a.md").symlink_to(tree / "b.md")
    (tree / "b.md").symlink_to(tree / "a.md")
    proc = run_cli("check", target, cwd=tree)
    assert proc.returncode == 2
    assert b"a.md" in proc.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")
def test_named_pipe_in_folder_does_not_hang(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sub = tree / "docs"
    sub.mkdir()
    (sub / "backlog.md").write_text(BACKLOG, encoding="utf-8")
    fifo = sub / "pipe.md"
    os.mkfifo(fifo)
    result: list[int] = []
    worker = threading.Thread(target=lambda: result.append(main(["check", str(sub)])), daemon=True)
    worker.start()
    worker.join(2.0)
    hung = worker.is_alive()
    if hung:  # release the blocked open() so the thread can finish
        with contextlib.suppress(OSError):
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            os.close(fd)
        worker.join(10)
    capsys.readouterr()
    assert not hung, "tierlint check blocked on a named pipe"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"# ok\n\nline two \xff\xfe here\n", b"bad.md:3:10: not valid UTF-8 (byte 0xff)"),
        (b"\xef\xbb\xbf| a |\n\xc3\x28\n", b"bad.md:2:1: not valid UTF-8"),
        (b"| # | Ticket |\n|---|---|\n| 1 | x\x00y |\n", b"bad.md:3: looks like a binary file"),
        (bytes(range(256)) * 4, b"bad.md:"),
    ],
    ids=["latin1-bytes", "bad-continuation", "nul-byte", "binary"],
)
def test_non_utf8_and_binary_files(
    tree: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    data: bytes,
    message: bytes,
) -> None:
    f = tree / "bad.md"
    f.write_bytes(data)
    proc = run_cli("check", "bad.md", cwd=tree)
    assert proc.returncode == 2
    assert message in proc.stderr, proc.stderr
    for args in (["check", "--fix", "bad.md"], ["report", "bad.md"], ["check", "--diff", "bad.md"]):
        code, _out, err = run_main(capsys, *args)
        assert code == 2, args
        assert message.decode() in err, (args, err)
    assert f.read_bytes() == data
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, _out, err = run_main(capsys, "check", "-")
    assert code == 2 and "-:" in err


@pytest.mark.parametrize(
    "data", [b"", b"\xef\xbb\xbf", b"\n\n\r\n", b"   "], ids=["empty", "bom", "blank", "spaces"]
)
def test_empty_files(tree: Path, capsys: pytest.CaptureFixture[str], data: bytes) -> None:
    f = tree / "empty.md"
    f.write_bytes(data)
    code, out, err = run_main(capsys, "check", "--fix", "empty.md")
    assert code == 0, err
    assert "All checks passed" in out
    assert f.read_bytes() == data


def _make_unwritable(directory: Path) -> str | None:
    """Make `directory` refuse new files; returns how, or None if impossible."""
    if not IS_ROOT:
        directory.chmod(0o555)
        return "chmod"
    chattr = shutil.which("chattr")
    if chattr and subprocess.run([chattr, "+i", str(directory)], capture_output=True).returncode == 0:
        return "chattr"
    return None


def _undo_unwritable(directory: Path, how: str | None) -> None:
    if how == "chattr":
        subprocess.run(["chattr", "-i", str(directory)], capture_output=True)
    elif how == "chmod":
        directory.chmod(0o755)


def test_fix_into_read_only_directory(tmp_path: Path) -> None:
    d = tmp_path / "ro"
    d.mkdir()
    f = d / "backlog.md"
    f.write_text(BACKLOG, encoding="utf-8")
    how = _make_unwritable(d)
    try:
        if how is None:
            pytest.skip("cannot make a read-only directory here (root without chattr +i)")
        proc = run_cli("check", "--fix", "ro/backlog.md", cwd=tmp_path)
        assert proc.returncode == 2
        assert b"ro/backlog.md: cannot write fixes" in proc.stderr
        assert b"file left unchanged" in proc.stderr
        assert f.read_text(encoding="utf-8") == BACKLOG
        assert sorted(p.name for p in d.iterdir()) == ["backlog.md"]
    finally:
        _undo_unwritable(d, how)


# -- --fix writes fully or not at all ---------------------------------------------


def _fixed(text: str) -> str:
    return fix_all(Analyzer(default_rules()), text)[0]


def _interrupt(exc: BaseException):
    def fail(*_args, **_kwargs):
        raise exc

    return fail


@pytest.mark.parametrize(
    ("target", "exc", "code"),
    [
        ("replace", OSError(errno.EIO, "Input/output error"), 2),
        ("replace", OSError(errno.EXDEV, "Invalid cross-device link"), 2),
        ("fsync", OSError(errno.ENOSPC, "No space left on device"), 2),
        ("chmod", PermissionError(errno.EPERM, "Operation not permitted"), 2),
        ("replace", KeyboardInterrupt(), 130),
    ],
    ids=["replace-eio", "replace-exdev", "fsync-enospc", "chmod-eperm", "replace-interrupted"],
)
def test_fix_failure_leaves_file_untouched(
    tree: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    target: str,
    exc: BaseException,
    code: int,
) -> None:
    f = tree / "backlog.md"
    f.chmod(0o640)
    original = f.read_bytes()
    assert _fixed(BACKLOG) != BACKLOG  # there is something to write
    monkeypatch.setattr(os, target, _interrupt(exc))
    got, _out, err = run_main(capsys, "check", "--fix", "backlog.md")
    monkeypatch.undo()
    assert got == code, err
    if code == 2:
        assert "backlog.md: cannot write fixes" in err and "left unchanged" in err
    assert f.read_bytes() == original
    assert sorted(p.name for p in tree.iterdir()) == ["backlog.md"], "a temporary file was left behind"


def test_fix_failure_mid_write_leaves_file_untouched(
    tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills up halfway through writing the temporary file."""
    f = tree / "backlog.md"
    original = f.read_bytes()
    real_fdopen = os.fdopen

    class HalfWriter:
        def __init__(self, fh) -> None:
            self.fh = fh

        def write(self, data: bytes) -> int:
            self.fh.write(data[: len(data) // 2])
            self.fh.flush()
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name: str):
            return getattr(self.fh, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc) -> None:
            self.fh.close()

    monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: HalfWriter(real_fdopen(fd, *a, **k)))
    code, _out, err = run_main(capsys, "check", "--fix", "backlog.md")
    monkeypatch.undo()
    assert code == 2, err
    assert f.read_bytes() == original
    assert sorted(p.name for p in tree.iterdir()) == ["backlog.md"]


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_fix_writes_the_whole_file(tree: Path, capsys: pytest.CaptureFixture[str], eol: str) -> None:
    f = tree / "backlog.md"
    text = BACKLOG.replace("\n", eol)
    f.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    f.chmod(0o640)
    code, _out, err = run_main(capsys, "check", "--fix", "backlog.md")
    assert code in (0, 1), err
    assert f.read_bytes() == b"\xef\xbb\xbf" + _fixed(text).encode("utf-8")
    assert stat.S_IMODE(f.stat().st_mode) == 0o640
    assert sorted(p.name for p in tree.iterdir()) == ["backlog.md"]


# -- configuration errors ----------------------------------------------------------

RULE = 'id = "x"\ntier = "opus"\npriority = 50\nsection = "s"\nrationale = "r"\n'
CONFIG_ERRORS = [
    # (config text, words the message must hold, line or None)
    ('selec = ["TL001"]\n', ["selec", "did you mean 'select'"], 1),
    ('select = "TL001"\n', ["select", "expected a list"], 1),
    ("ignore = [1]\n", ["ignore"], 1),
    ('exclude = "x"\n', ["exclude"], 1),
    ('\n[severity]\nTL001 = "loud"\n', ["severity.TL001", "loud"], 3),
    ('[severity]\nTL999 = "error"\n', ["severity.TL999"], 2),
    ("severity = 5\n", ["severity"], 1),
    ('select = ["TL999"]\n', ["select", "TL999"], 1),
    ('extend-select = ["XX1"]\n', ["extend-select", "XX1"], 1),
    ("select = [\n", ["invalid TOML"], None),
    ("a = 1\na = 2\n", ["invalid TOML"], 2),
    ('rules = ["missing-rules.toml"]\n', ["rules", "missing-rules.toml"], 1),
    ("rules = 5\n", ["rules"], 1),
    ('[[rule]]\nid = "x"\ntier = "gigantic"\nmatch = ["foo"]\n', ["rule 'x'.tier", "gigantic"], None),
    ("[[rule]]\n" + RULE + 'match = ["foo (bar"]\n', ["rule 'x'.match", "foo (bar"], None),
    ("[[rule]]\n" + RULE + 'match = ["[nope] thing"]\n', ["rule 'x'.match", "[nope]"], None),
    ("[[rule]]\n" + RULE.replace("50", '"high"') + 'match = ["a"]\n', ["rule 'x'.priority"], None),
    (
        '[[override]]\nid = "o"\neffect = "sideways"\nmatch = ["x"]\n',
        ["override 'o'.effect", "sideways"],
        None,
    ),
    ("[columns]\nmodel = 5\n", ["columns.model"], 2),
    ("[slots]\nx = 5\n", ["slots.x"], 2),
    ('[[tier]]\nname = "x"\n', ["tier", "'x'"], 2),
    ("[[status]]\nstate = 5\n", ["state"], 2),
    ("rule = 5\n", ["rule", "expected a list of tables"], 1),
    ('[[platform]]\nid = "p"\n', ["platform"], 1),
    ("targets = 5\n", ["targets", "expected a table"], 1),
    ('[targets]\nopus = "many"\n', ["targets.opus", "many"], 2),
    ("batching = []\n", ["batching", "expected a table"], 1),
]
CONFIG_ERRORS_XFAIL = [
    pytest.param(
        "[[rule]]\n" + RULE + "match = []\n",
        ["rule 'x'.match"],
        None,
        id="rule-empty-match",
    ),
]


def _config_ids() -> list[str]:
    return [c[0].split("\n")[0].strip("[]").split(" =")[0] + f"-{i}" for i, c in enumerate(CONFIG_ERRORS)]


@pytest.mark.parametrize(
    ("config", "words", "line"),
    [*CONFIG_ERRORS, *CONFIG_ERRORS_XFAIL],
    ids=[*_config_ids(), *(p.id for p in CONFIG_ERRORS_XFAIL)],
)
def test_config_error(
    tree: Path, capsys: pytest.CaptureFixture[str], config: str, words: list[str], line: int | None
) -> None:
    (tree / "tierlint.toml").write_text(config, encoding="utf-8")
    for args in (["check", "backlog.md"], ["report", "backlog.md"], ["check", "--fix", "backlog.md"]):
        code, _out, err = run_main(capsys, *args)
        assert code == 2, (args, err)
        err = err.replace(str(tree), "<dir>")  # the test's folder name holds its id
        where = f"tierlint.toml:{line}:" if line else "tierlint.toml"
        assert where in err, err
        for w in words:
            assert w in err, (w, err)
    assert (tree / "backlog.md").read_text(encoding="utf-8") == BACKLOG


def test_config_errors_without_traceback_as_a_process(tree: Path) -> None:
    """The same errors through `python -m tierlint`: exit 2, no traceback."""
    for config, words, _line in CONFIG_ERRORS[::8]:
        (tree / "tierlint.toml").write_text(config, encoding="utf-8")
        proc = run_cli("check", "backlog.md", cwd=tree)
        assert proc.returncode == 2
        assert words[0].encode() in proc.stderr


def test_config_errors_in_pyproject(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tree / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.tierlint]\nselct = ["TL0"]\n', encoding="utf-8"
    )
    code, _out, err = run_main(capsys, "check", "backlog.md")
    assert code == 2
    assert "pyproject.toml:5:" in err and "tool.tierlint.selct" in err


def test_missing_explicit_config(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run_main(capsys, "check", "--config", "nope.toml", "backlog.md")
    assert code == 2
    assert "nope.toml" in err and "not found" in err


def test_unreadable_config(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tree / "tierlint.toml").write_bytes(b"select = ['TL0']\n\xff\n")
    code, _out, err = run_main(capsys, "check", "backlog.md")
    assert code == 2
    assert "tierlint.toml" in err and "cannot read config file" in err


def test_bad_command_line(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for args in (["check", "--select", "TL9Z"], ["check", "--format", "xml"], ["frobnicate"], []):
        code, _out, _err = run_main(capsys, *args)
        assert code == 2, args


def test_fix_through_a_symlink_keeps_the_link(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tree / "link.md").symlink_to("backlog.md")
    code, _out, err = run_main(capsys, "check", "--fix", "link.md")
    assert code in (0, 1), err
    assert (tree / "link.md").is_symlink()
    assert (tree / "backlog.md").read_text(encoding="utf-8") == _fixed(BACKLOG)
    assert sorted(p.name for p in tree.iterdir()) == ["backlog.md", "link.md"]
