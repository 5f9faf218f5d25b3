"""tierlint benchmarks: `make bench` (or `python benchmarks/run.py`).

Contenders run in rounds, in a rotating order, so that a noisy machine slows
them all alike; every figure is a median over rounds and every target is the
median of per-round ratios of contenders run back to back in the same run.
The engine (server/tierlint + rules/) is copied and byte-compiled first, so a
run measures one version even if the working tree changes meanwhile.

  processes   python -c pass, the plain-Python floor (read + split lines and
              cells), mistune's stock parse with the table plugin, `tierlint
              check`, `import tierlint.cli`, markdownlint-cli2 (from npm, when
              node and npm are available)
  in-process  Analyzer(rules).analyze(text) on 100 / 1,000 / 10,000 tickets
              (fresh analyzer), and one-cell edits re-analysed warm
  server      spawn -> initialize against a bare pygls server; open + pull
              (cold), one-cell didChange + pull (warm), hover, code lens, peak
              RSS, over a small JSON-RPC client (lsp_client.py)

Options: --quick (fewer rounds), --smoke (one round on the 100-ticket case, for
CI), --write-docs (regenerate docs/performance.md), --profile (cProfile the
analysis and the server's main thread), --strict (exit 1 when a target fails),
--render RESULTS_JSON (report an earlier run again), --no-snapshot.
Results go to benchmarks/out/results.json (git-ignored).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
CACHE = HERE / ".cache"
DOCS = ROOT / "docs" / "performance.md"
sys.path.insert(0, str(HERE))

import edits as edit_plan  # noqa: E402
import generate  # noqa: E402
import profiles  # noqa: E402
from lsp_client import Client, proc_cpu, proc_status  # noqa: E402

PY = sys.executable
SEED = 1
# markdownlint-cli2 releases by the oldest node they support.
MARKDOWNLINT = {22: "0.24.1", 20: "0.22.1"}

FLOOR = (
    "import sys\n"
    "with open(sys.argv[1], encoding='utf-8') as f:\n"
    "    text = f.read()\n"
    "rows = [[c.strip() for c in line.split('|')] for line in text.split('\\n') if line.startswith('|')]\n"
    "print(len(rows))"
)
MISTUNE = (
    "import sys, mistune\n"
    "text = open(sys.argv[1], encoding='utf-8').read()\n"
    "tokens = mistune.create_markdown(renderer=None, plugins=['table'])(text)\n"
    "print(sum(t['type'] == 'table' for t in tokens))"
)
IMPORTS = (
    "import json, sys\n"
    "import tierlint.cli\n"
    "def heavy():\n"
    "    return sorted({m.split('.')[0] for m in sys.modules} & {'pygls', 'lsprotocol', 'cattrs'})\n"
    "after_import = heavy()\n"
    "import contextlib, io\n"
    "with contextlib.redirect_stdout(io.StringIO()):\n"
    "    tierlint.cli.main(['check', '--exit-zero', sys.argv[1]])\n"
    "print(json.dumps({'import': after_import, 'check': heavy()}))"
)


# -- statistics ---------------------------------------------------------------------


def med(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b <= 0:
        return None
    return a / b


def ms(x: float | None) -> str:
    if x is None:
        return "—"
    if x >= 10:
        return f"{x:,.1f} s"
    if x >= 1:
        return f"{x:,.2f} s"
    return f"{x * 1000:,.1f} ms" if x >= 0.0001 else f"{x * 1e6:,.0f} µs"


def rel(path: Path | str) -> str:
    """A path as shown to people: relative to the repository."""
    p = Path(path)
    try:
        return p.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return p.name


# -- processes ----------------------------------------------------------------------


@dataclass
class Proc:
    name: str
    argv: list[str]
    what: str
    cwd: Path = ROOT
    ok_codes: tuple[int, ...] = (0,)
    rounds: int | None = None  # fewer rounds for very slow contenders
    env: dict[str, str] = field(default_factory=dict)  # added to the runner's environment
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    rss: list[int] = field(default_factory=list)
    output: str = ""

    def check(self) -> None:
        """One untimed run that must succeed; keeps a bit of its output."""
        r = subprocess.run(
            self.argv, cwd=self.cwd, capture_output=True, text=True, encoding="utf-8", env=self.environ()
        )
        if r.returncode not in self.ok_codes:
            raise SystemExit(f"{self.name}: exit {r.returncode}\n{r.stderr[-2000:] or r.stdout[-2000:]}")
        self.output = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ""

    def environ(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "TIERLINT_JOBS"}
        env.update(self.env)
        return env

    def once(self) -> None:
        t0 = time.perf_counter()
        p = subprocess.Popen(
            self.argv,
            cwd=self.cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=self.environ(),
        )
        _, status, usage = os.wait4(p.pid, 0)
        t1 = time.perf_counter()
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode not in self.ok_codes:
            raise SystemExit(f"{self.name}: exit {p.returncode}")
        self.wall.append(t1 - t0)
        self.cpu.append(usage.ru_utime + usage.ru_stime)
        self.rss.append(usage.ru_maxrss)

    def summary(self) -> dict[str, Any]:
        # A child's ru_maxrss starts at the RSS of the process that spawned it
        # (vfork + exec), so values at or below the runner's own are unknown.
        floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        peak = max(self.rss) if self.rss else None
        return {
            "what": self.what,
            "command": " ".join(_show(a) for a in self.argv),
            "rounds": len(self.wall),
            "wall": self.wall,
            "cpu": self.cpu,
            "wall_median": med(self.wall),
            "wall_min": min(self.wall) if self.wall else None,
            "cpu_median": med(self.cpu),
            "peak_rss_kb": peak if peak and peak > floor * 1.1 else None,
            "peak_rss_below_kb": floor if not (peak and peak > floor * 1.1) else None,
            "output": self.output,
        }


def _show(arg: str) -> str:
    if arg == PY:
        return "python"
    if "\n" in arg:
        return "<script>"
    if arg.startswith("/"):
        return rel(arg)
    return arg


def run_processes(procs: list[Proc], rounds: int, log) -> None:  # type: ignore[no-untyped-def]
    for p in procs:
        log(f"  checking {p.name} ...")
        p.check()  # also warms the page cache, .pyc files and tierlint's rule cache
    for r in range(rounds):
        k = r % len(procs)
        order = procs[k:] + procs[:k]
        for p in order:
            if p.rounds is not None and len(p.wall) >= p.rounds:
                continue
            p.once()
        log(f"  round {r + 1}/{rounds}: " + ", ".join(f"{p.name} {ms(p.wall[-1])}" for p in procs if p.wall))


# -- markdownlint-cli2 ----------------------------------------------------------------


def markdownlint(log) -> tuple[list[str] | None, str]:  # type: ignore[no-untyped-def]
    """(argv prefix, note). Installs into benchmarks/.cache (git-ignored)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        return None, "skipped: node/npm not found"
    try:
        major = int(
            subprocess.run([node, "--version"], capture_output=True, text=True)
            .stdout.strip()[1:]
            .split(".")[0]
        )
    except (ValueError, OSError):
        return None, "skipped: cannot read the node version"
    version = next((v for m, v in sorted(MARKDOWNLINT.items(), reverse=True) if major >= m), None)
    if version is None:
        return None, f"skipped: node {major} is older than any supported markdownlint-cli2"
    pkg = CACHE / "node_modules" / "markdownlint-cli2" / "package.json"
    installed = None
    if pkg.exists():
        installed = json.loads(pkg.read_text(encoding="utf-8")).get("version")
    if installed != version:
        log(f"  installing markdownlint-cli2@{version} into {rel(CACHE)} ...")
        CACHE.mkdir(parents=True, exist_ok=True)
        r = subprocess.run(
            [
                npm,
                "install",
                "--prefix",
                str(CACHE),
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                f"markdownlint-cli2@{version}",
            ],
            capture_output=True,
            text=True,
        )
        if r.returncode != 0:
            return None, f"skipped: npm install failed ({r.stderr.strip().splitlines()[-1:] or r.returncode})"
    entry = CACHE / "node_modules" / "markdownlint-cli2" / "markdownlint-cli2-bin.mjs"
    if not entry.exists():
        entry = CACHE / "node_modules" / ".bin" / "markdownlint-cli2"
        return [str(entry)], f"markdownlint-cli2 {version}, node {major}"
    return [node, str(entry)], f"markdownlint-cli2 {version} (default config), node {major}"


# -- the language server ------------------------------------------------------------


def _uri(path: Path) -> str:
    return path.resolve().as_uri()


async def spawn_bench(rounds: int, log) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    servers = {
        "bare pygls": [PY, str(HERE / "bare_server.py")],
        "tierlint serve": [PY, "-m", "tierlint", "serve"],
    }
    times: dict[str, list[float]] = {k: [] for k in servers}
    rss: dict[str, list[int]] = {k: [] for k in servers}
    cpu: dict[str, list[float]] = {k: [] for k in servers}
    names = list(servers)
    for r in range(rounds + 1):  # round 0 warms .pyc files and is dropped
        for name in names[r % 2 :] + names[: r % 2]:
            client = await Client.spawn(*servers[name], cwd=str(ROOT))
            reply = await client.initialize()
            hwm = proc_status(client.pid).get("VmHWM")
            used = proc_cpu(client.pid)
            await client.shutdown()
            if r == 0:
                continue
            times[name].append(reply.arrived - client.started)
            if used is not None:
                cpu[name].append(used)
            if hwm:
                rss[name].append(hwm)
        if r:
            log(f"  round {r}/{rounds}: " + ", ".join(f"{n} {ms(times[n][-1])}" for n in names))
    return {
        n: {
            "wall": times[n],
            "median": med(times[n]),
            "cpu": cpu[n],
            "cpu_median": med(cpu[n]),
            "peak_rss_kb": max(rss[n]) if rss[n] else None,
        }
        for n in names
    }


async def _hovers(
    client: Client, uri: str, lines: list[str], picks: list[tuple[int, int]]
) -> tuple[list[float], int]:
    """Hover in the middle of each picked Model cell: latencies, and how many
    hovers had an answer."""
    times, answered = [], 0
    for n, column in picks:
        start, end, _ = edit_plan.cell_span(lines[n], column)
        char = edit_plan.utf16(lines[n], (start + end) // 2)
        reply = await client.request(
            "textDocument/hover",
            {"textDocument": {"uri": uri}, "position": {"line": n, "character": char}},
        )
        times.append(reply.latency)
        answered += reply.result is not None
    return times, answered


async def session_bench(  # type: ignore[no-untyped-def]
    big: Path, small: Path, edits: int, hovers: int, lenses: int, log, profile_to: Path | None = None
) -> dict[str, Any]:
    """One tierlint server session on the big file (and a small one for hover).
    With `profile_to`, the server runs under cProfile (its main thread: protocol,
    conversion, serialization; the analysis runs in a worker thread)."""
    text = big.read_text(encoding="utf-8")
    small_text = small.read_text(encoding="utf-8")
    uri, small_uri = _uri(big), _uri(small)
    prefix = ["-m", "cProfile", "-o", str(profile_to)] if profile_to else []
    client = await Client.spawn(PY, *prefix, "-m", "tierlint", "serve", cwd=str(ROOT))
    init = await client.initialize(root_uri=_uri(ROOT))
    caps = init.result.get("capabilities", {})
    encoding = caps.get("positionEncoding", "utf-16")
    if encoding != "utf-16":
        raise SystemExit(f"server chose position encoding {encoding!r}; the client asked for utf-16")
    if not caps.get("diagnosticProvider"):
        raise SystemExit("server does not offer pull diagnostics to a client that declares them")
    pid = client.pid
    out: dict[str, Any] = {"spawn_to_initialize": init.arrived - client.started}

    # Cold: open the file and pull its diagnostics.
    cpu0 = proc_cpu(pid)
    sent = await client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}},
    )
    reply = await client.request("textDocument/diagnostic", {"textDocument": {"uri": uri}})
    cpu1 = proc_cpu(pid)
    out["cold"] = reply.arrived - sent
    out["cold_cpu"] = (cpu1 - cpu0) if cpu0 is not None and cpu1 is not None else None
    out["cold_items"] = len(reply.result.get("items", []))
    out["cold_bytes"] = reply.size
    result_id = reply.result.get("resultId")

    # Warm: one-cell edits, each followed by a pull.
    lines = text.split("\n")
    warm, warm_items = [], []
    cpu0 = proc_cpu(pid)
    version = 1
    for e in edit_plan.plan(text, edits):
        line = lines[e.line]
        change = {
            "range": {
                "start": {"line": e.line, "character": edit_plan.utf16(line, e.start)},
                "end": {"line": e.line, "character": edit_plan.utf16(line, e.end)},
            },
            "text": e.new,
        }
        edit_plan.apply(lines, e)
        version += 1
        sent = await client.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]},
        )
        params: dict[str, Any] = {"textDocument": {"uri": uri}}
        if result_id:
            params["previousResultId"] = result_id
        reply = await client.request("textDocument/diagnostic", params)
        warm.append(reply.arrived - sent)
        warm_items.append(len(reply.result.get("items", [])))
        result_id = reply.result.get("resultId", result_id)
    cpu1 = proc_cpu(pid)
    out["warm"] = warm
    out["warm_cpu_each"] = (
        (cpu1 - cpu0) / len(warm) if warm and cpu0 is not None and cpu1 is not None else None
    )
    out["warm_items"] = warm_items
    out["warm_bytes"] = reply.size if warm else None
    out["final_text"] = "\n".join(lines)

    # Hover on the big file, from the analysis the last pull left.
    rows = edit_plan.ticket_rows(lines)
    picks = rows[len(rows) // (2 * hovers) :: max(1, len(rows) // hovers)][:hovers] if rows else []
    hover_times, hover_nonnull = await _hovers(client, uri, lines, picks)
    out["hover_first"] = hover_times[0] if hover_times else None
    out["hover"] = hover_times[1:]
    out["hover_answered"] = hover_nonnull

    lens_times, lens_count = [], 0
    for _ in range(lenses):
        reply = await client.request("textDocument/codeLens", {"textDocument": {"uri": uri}})
        lens_times.append(reply.latency)
        lens_count = len(reply.result or [])
    out["lens_first"] = lens_times[0] if lens_times else None
    out["lens"] = lens_times[1:]
    out["lens_count"] = lens_count
    out["lens_bytes"] = reply.size if lens_times else None

    # Hover on the small file, for comparison (same session, same server).
    await client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": small_uri, "languageId": "markdown", "version": 1, "text": small_text}},
    )
    await client.request("textDocument/diagnostic", {"textDocument": {"uri": small_uri}})
    small_lines = small_text.split("\n")
    small_rows = edit_plan.ticket_rows(small_lines)
    small_picks = small_rows[:: max(1, len(small_rows) // hovers)][: hovers + 1]
    small_hover, _ = await _hovers(client, small_uri, small_lines, small_picks)
    out["hover_small"] = small_hover[1:]

    status = proc_status(pid)
    out["peak_rss_kb"] = status.get("VmHWM")
    out["rss_kb"] = status.get("VmRSS")
    out["exit"] = await client.shutdown()
    log(
        f"  session: cold {ms(out['cold'])}, warm median {ms(med(warm))}, "
        f"hover {ms(med(out['hover']))}, code lens {ms(med(out['lens']))}, peak RSS {(out['peak_rss_kb'] or 0) / 1024:.0f} MB"
    )
    return out


# -- the run --------------------------------------------------------------------------


@dataclass
class Plan:
    rounds: int
    inproc_rounds: int
    spawn_rounds: int
    sessions: int
    edits: int
    hovers: int
    lenses: int
    markdownlint_rounds: int
    big: int
    small: int
    mid: int | None
    label: str


def make_plan(args: argparse.Namespace) -> Plan:
    if args.smoke:
        return Plan(1, 1, 1, 1, 3, 3, 2, 0, 100, 100, None, "smoke")
    if args.quick:
        p = Plan(3, 2, 4, 1, 20, 10, 5, 1, args.tickets, 100, 1000, "quick")
    else:
        p = Plan(7, 5, 10, 3, 20, 10, 5, 1, args.tickets, 100, 1000, "full")
    if args.rounds:
        p.rounds = args.rounds
    if args.no_markdownlint:
        p.markdownlint_rounds = 0
    return p


def files_for(plan: Plan, log) -> dict[int, Path]:  # type: ignore[no-untyped-def]
    OUT.mkdir(parents=True, exist_ok=True)
    sizes = sorted({plan.small, plan.big, *([plan.mid] if plan.mid else [])})
    paths = {}
    for n in sizes:
        path = OUT / f"backlog-{n}.md"
        text = generate.generate(n, SEED)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8", newline="\n")
        paths[n] = path
        log(
            f"  {rel(path)}: {n:,} tickets, {len(text.encode('utf-8')):,} bytes, {text.count(chr(10)):,} lines"
        )
    return paths


def inproc(plan: Plan, paths: dict[int, Path], profile: bool, log) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    files = [str(paths[n]) for n in sorted(paths)]
    argv = [
        PY,
        str(HERE / "inproc.py"),
        "--rounds",
        str(plan.inproc_rounds),
        "--edits",
        str(plan.edits),
        *files,
    ]
    if profile:
        argv.append("--profile")
    r = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    if r.returncode != 0:
        raise SystemExit(f"inproc.py failed:\n{r.stderr[-3000:]}")
    data = json.loads(r.stdout)
    for f in data["files"]:
        f["wall_median"] = med(f["wall"])
        f["cpu_median"] = med(f["cpu"])
        log(
            f"  analyze {f['file']}: {ms(f['wall_median'])} (cpu {ms(f['cpu_median'])}), {f['diagnostics']} diagnostics"
        )
    w = data["warm"]
    w["wall_median"] = med(w["wall"])
    w["cpu_median"] = med(w["cpu"])
    log(
        f"  warm one-cell re-analysis: {ms(w['wall_median'])} (cpu {ms(w['cpu_median'])}); unchanged text: {ms(w['unchanged'])}"
    )
    return data


def expected_count(text: str) -> int:
    """Diagnostics the engine gives for `text` (to check the server applied the edits)."""
    from tierlint.analyze import Analyzer
    from tierlint.config import default_config

    return len(Analyzer(default_config().rules).analyze(text).diagnostics)


def target(name: str, ok: bool | None, detail: str) -> dict[str, Any]:
    return {"target": name, "status": "n/a" if ok is None else ("PASS" if ok else "FAIL"), "detail": detail}


def paired(a: list[float], b: list[float]) -> float | None:
    """Median of the per-round ratios a[i] / b[i]: each pair ran back to back, so
    a slow patch of the machine cancels out of the ratio."""
    pairs = [x / y for x, y in zip(a, b) if y > 0]
    return med(pairs)


def paired_spread(a: list[float], b: list[float]) -> str:
    """The lowest and highest per-round ratio, for a target that sits close to
    its line: how far one round can land from the median."""
    pairs = [x / y for x, y in zip(a, b) if y > 0]
    return f"rounds {min(pairs):.2f}-{max(pairs):.2f}x" if pairs else "no rounds"


def evaluate(res: dict[str, Any], plan: Plan) -> list[dict[str, Any]]:
    """Targets from wall-clock ratios of contenders run in the same rounds
    (median of per-round ratios); CPU-time ratios are shown for comparison, and
    the in-process scaling check, single-threaded, is judged on CPU time."""
    p = res["processes"]
    out = []
    check, mist = p["tierlint check"], p["mistune stock parse"]
    r = paired(check["wall"], mist["wall"])
    rc = paired(check["cpu"], mist["cpu"])
    out.append(
        target(
            f"`tierlint check` on {plan.big:,} tickets <= 0.5x mistune's stock parse (processes)",
            r is not None and r <= 0.5,
            f"{ratio_s(r)} ({paired_spread(check['wall'], mist['wall'])}; medians {ms(check['wall_median'])} "
            f"vs {ms(mist['wall_median'])}; CPU {ratio_s(rc)})",
        )
    )
    check, mist = p.get("tierlint check, distinct texts"), p.get("mistune stock parse, distinct texts")
    if check and mist:
        r = paired(check["wall"], mist["wall"])
        out.append(
            {
                "target": f"(not a target) the same on {plan.big:,} tickets whose texts are all different",
                "status": "INFO",
                "detail": f"{ratio_s(r)} ({paired_spread(check['wall'], mist['wall'])}; medians "
                f"{ms(check['wall_median'])} vs {ms(mist['wall_median'])}; CPU "
                f"{ratio_s(paired(check['cpu'], mist['cpu']))})",
            }
        )
    lsp = res["server"]
    per_session = [paired([med(s["warm"]) or 0.0], [s["cold"]]) for s in lsp["raw"] if s["warm"]]
    r = med([x for x in per_session if x is not None])
    out.append(
        target(
            "warm one-cell edit -> pull <= 0.1x cold open -> pull",
            r is not None and r <= 0.1,
            f"{ratio_s(r)} (medians {ms(lsp['warm_median'])} vs {ms(lsp['cold_median'])}; "
            f"server CPU {ratio_s(ratio(lsp['warm_cpu_each'], lsp['cold_cpu']))})",
        )
    )
    sp = res["spawn"]
    tl, bare = sp["tierlint serve"], sp["bare pygls"]
    r = paired(tl["wall"], bare["wall"])
    rc = paired(tl["cpu"], bare["cpu"])
    out.append(
        target(
            "server spawn -> initialize <= 1.2x a bare pygls server",
            r is not None and r <= 1.2,
            f"{ratio_s(r)} (medians {ms(tl['median'])} vs {ms(bare['median'])}; server CPU {ratio_s(rc)})",
        )
    )
    imp = res["cli_imports"]
    bad = sorted(set(imp["import"] + imp["check"]) & {"pygls", "lsprotocol"})
    out.append(
        target(
            "the CLI imports neither pygls nor lsprotocol",
            not bad,
            (f"loaded: {', '.join(bad)}" if bad else "none after `import tierlint.cli` nor after a check")
            + (f" (cattrs: {'loaded' if 'cattrs' in imp['import'] + imp['check'] else 'not loaded'})"),
        )
    )
    cold = lsp["cold_median"]
    hov, lens = lsp["hover_median"], lsp["lens_median"]
    rh, rl = ratio(hov, cold), ratio(lens, cold)
    ok = rh is not None and rl is not None and rh <= 0.1 and rl <= 0.1
    out.append(
        target(
            f"hover and code lens on {plan.big:,} tickets answer from the cached analysis (each <= 0.1x cold pull)",
            ok,
            f"hover {ms(hov)} ({ratio_s(rh)}; first {ms(lsp['hover_first'])}; "
            f"{plan.small}-ticket file {ms(lsp['hover_small_median'])}), "
            f"code lens {ms(lens)} ({ratio_s(rl)}; first {ms(lsp['lens_first'])})",
        )
    )
    if plan.big == plan.small:
        out.append(target("no quadratic step", None, "smoke run: one size"))
    else:
        files = {f["file"]: f for f in res["inproc"]["files"]}
        big = files[f"backlog-{plan.big}.md"]
        small = files[f"backlog-{plan.small}.md"]
        rc = paired(big["cpu"], small["cpu"])
        rw = paired(big["wall"], small["wall"])
        pr = paired(p["tierlint check"]["wall"], p[f"tierlint check ({plan.small})"]["wall"])
        scale = plan.big / plan.small
        detail = (
            f"analyze CPU {ratio_s(rc)} ({ms(big['cpu_median'])} vs {ms(small['cpu_median'])}; "
            f"wall {ratio_s(rw)}); processes {ratio_s(pr)}"
        )
        if plan.mid:
            mid = files[f"backlog-{plan.mid}.md"]
            g = paired(big["cpu"], mid["cpu"])
            if g:
                slope = math.log(g) / math.log(plan.big / plan.mid)
                detail += f"; growth exponent {plan.mid:,}->{plan.big:,} tickets (CPU): {slope:.2f}"
        out.append(
            target(
                f"no quadratic step: {plan.big:,} tickets <= {scale:.0f}x the {plan.small}-ticket case",
                rc is not None and pr is not None and rc <= scale and pr <= scale,
                detail,
            )
        )
    return out


def ratio_s(r: float | None) -> str:
    return "—" if r is None else f"{r:.2f}x"


# -- report -------------------------------------------------------------------------


def tables(res: dict[str, Any], plan: Plan) -> str:
    lines = [
        "| Measurement | Median | Min | CPU (median) | Peak RSS | Rounds |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, p in res["processes"].items():
        if p["peak_rss_kb"]:
            rss = f"{p['peak_rss_kb'] / 1024:.0f} MB"
        else:
            rss = f"< {p['peak_rss_below_kb'] / 1024:.0f} MB" if p.get("peak_rss_below_kb") else "—"
        lines.append(
            f"| {name}: {p['what']} | {ms(p['wall_median'])} | {ms(p['wall_min'])} | {ms(p['cpu_median'])} | {rss} | {p['rounds']} |"
        )
    if res.get("markdownlint_note") and "markdownlint-cli2" not in res["processes"]:
        lines.append(f"| markdownlint-cli2 | {res['markdownlint_note']} | | | | |")
    for f in res["inproc"]["files"]:
        lines.append(
            f"| in-process `Analyzer.analyze`, {f['file']} ({f['tickets']:,} tickets, cold) | {ms(f['wall_median'])} | {ms(min(f['wall']))} | {ms(f['cpu_median'])} | | {len(f['wall'])} |"
        )
    w = res["inproc"]["warm"]
    lines.append(
        f"| in-process re-analysis after a one-cell edit, backlog-{plan.big}.md | {ms(w['wall_median'])} | {ms(min(w['wall']) if w['wall'] else None)} | {ms(w['cpu_median'])} | | {len(w['wall'])} edits |"
    )
    lines.append(
        f"| in-process re-analysis of unchanged text, backlog-{plan.big}.md | {ms(w['unchanged'])} | | | | 3 |"
    )
    sp = res["spawn"]
    for name, s in sp.items():
        rss = f"{s['peak_rss_kb'] / 1024:.0f} MB" if s["peak_rss_kb"] else "—"
        lines.append(
            f"| {name}: spawn -> `initialize` result | {ms(s['median'])} | {ms(min(s['wall']))} | {ms(s['cpu_median'])} | {rss} | {len(s['wall'])} |"
        )
    s = res["server"]
    n = s["sessions"]
    rss = f"{s['peak_rss_kb'] / 1024:.0f} MB" if s["peak_rss_kb"] else "—"
    lines += [
        f"| tierlint serve: didOpen + pull, backlog-{plan.big}.md (cold; {s['cold_items']:,} diagnostics, {s['cold_bytes'] / 1024:,.0f} KB) | {ms(s['cold_median'])} | {ms(min(s['cold']))} | {ms(s['cold_cpu'])} | {rss} | {n} |",
        f"| tierlint serve: one-cell didChange + pull (warm) | {ms(s['warm_median'])} | {ms(min(s['warm']))} | {ms(s['warm_cpu_each'])} | | {len(s['warm'])} |",
        f"| tierlint serve: hover on a Model cell (cached; first {ms(s['hover_first'])}) | {ms(s['hover_median'])} | {ms(min(s['hover']) if s['hover'] else None)} | | | {len(s['hover'])} |",
        f"| tierlint serve: hover, backlog-{plan.small}.md | {ms(s['hover_small_median'])} | | | | {s['hover_small_n']} |",
        f"| tierlint serve: code lens ({s['lens_count']} lenses, {s['lens_bytes'] / 1024:,.0f} KB; first {ms(s['lens_first'])}) | {ms(s['lens_median'])} | {ms(min(s['lens']) if s['lens'] else None)} | | | {len(s['lens'])} |",
    ]
    return "\n".join(lines)


def targets_md(targets: list[dict[str, Any]]) -> str:
    return "\n".join(f"- **{t['status']}** {t['target']}: {t['detail']}" for t in targets)


def profile_md(res: dict[str, Any], plan: Plan) -> str:
    out = []
    for key, title in (
        ("profile_cold", "cold analysis"),
        ("profile_warm", "re-analysis after a one-cell edit"),
        ("server_profile", "server main thread over a session (open, warm edits + pulls, hover, code lens)"),
    ):
        prof = res.get(key) or res["inproc"].get(key)
        if not prof:
            continue
        out += [
            f"Hot spots, {title}, backlog-{plan.big}.md (cProfile, {prof['total']:.2f} s under the profiler; by self time):",
            "",
            "| Function | Calls | Self | Cumulative |",
            "|---|---:|---:|---:|",
        ]
        for row in prof["self"][:12]:
            out.append(
                f"| `{row['function']}` | {row['calls']:,} | {ms(row['tottime'])} | {ms(row['cumtime'])} |"
            )
        out.append("")
    return "\n".join(out)


def write_docs(res: dict[str, Any], plan: Plan) -> None:
    m = res["machine"]
    sizes = "\n".join(
        f"| backlog-{n}.md | {v['tickets']:,} | {v['bytes']:,} | {v['lines']:,} |"
        for n, v in res["inputs"].items()
    )
    text = f"""# Performance

Generated by `{res["command"]}` ({plan.label} run, {res["date"]}). Regenerate with
`make bench-docs`; `make bench` prints the same tables without touching this file.

Engine: {engine_s(res["engine"])}.

Machine: {m["nproc"]} CPUs, {m["system"]}, Python {m["python"]}; mistune {m["mistune"]}, pygls {m["pygls"]}, lsprotocol {m["lsprotocol"]}{"; " + res["markdownlint_note"] if res.get("markdownlint_note") else ""}.

## Method

Contenders run in rounds, in a rotating order, so a busy machine slows them all
alike. Every figure is a median over rounds; every target below is a ratio of
contenders measured back to back in this one run: the median of the per-round
ratios, on wall-clock time, with the CPU-time ratio next to it because on a
shared machine it is the steadier of the two (the in-process scaling check,
single-threaded, is judged on CPU time). Processes are timed
from spawn to exit. Server latencies are timed by a minimal JSON-RPC client
(`benchmarks/lsp_client.py`) from the moment a message is written to the
moment the response is read; the client declares pull diagnostics and UTF-16.
"Cold" in-process analysis is a fresh `Analyzer` in a warmed-up process (rules
built, module-level memos filled), in one process, with the cyclic garbage
collector held off during the analysis as the language server holds it off;
so the process figures are the ones to compare with other tools. `tierlint
check` runs as users run it: on a machine with two or more cores it forks
helpers for a file this big (one per further core, up to three; on two cores
one; the processes share out the sections as they go; `TIERLINT_JOBS=1` turns
that off), and its CPU time includes the helpers'. Its cache (the built
default rule set and the compiled regexes, see docs/cli.md) is filled by an
untimed first run, as a user's first run fills it. A child's peak RSS is only
known when it exceeds the runner's own (the child starts as a copy of it);
"< N MB" is that bound. The
server's peak RSS is its VmHWM just before shutdown.
Inputs come from `benchmarks/generate.py` (seed {SEED}):

| File | Tickets | Bytes | Lines |
|---|---:|---:|---:|
{sizes}

The generated backlogs repeat ticket texts (the default 10,000-ticket file has
3,883 different ones), and tierlint classifies a text once. `backlog-{plan.big}-distinct.md` (`generate.py --distinct`) gives
every ticket its own text, so nothing is reused: the INFO line below shows
how `check` fares against mistune there. It is not one of the targets.

## Targets

{targets_md(res["targets"])}

## Results

{tables(res, plan)}

{profile_md(res, plan)}
## Reproduce

```sh
make bench          # full run, prints the tables, writes benchmarks/out/results.json
make bench-quick    # fewer rounds
make bench-docs     # full run with profiles, then rewrites this file
make bench-profile  # adds a cProfile of the analysis to the output
.venv/bin/python benchmarks/run.py --smoke   # one round on 100 tickets (CI)
.venv/bin/python benchmarks/generate.py --tickets 10000 --seed 1 -o backlog.md
```
"""
    DOCS.parent.mkdir(parents=True, exist_ok=True)
    DOCS.write_text(text.replace("\n\n\n", "\n\n"), encoding="utf-8")


ENGINE_ID = (
    "import hashlib, json, pathlib, tierlint\n"
    "from tierlint.rules import default_rules_dir\n"
    "pkg = pathlib.Path(tierlint.__file__).resolve().parent\n"
    "h = hashlib.sha256()\n"
    "for f in sorted(pkg.rglob('*.py')) + sorted(default_rules_dir().glob('*.toml')):\n"
    "    h.update(f.name.encode()); h.update(f.read_bytes())\n"
    "print(json.dumps({'sha256': h.hexdigest()[:12], 'path': str(pkg)}))"
)


def snapshot() -> Path:
    """Copy the engine (server/tierlint and rules/) and put the copy first on
    every child's import path, so one run measures one version of the code even
    if the working tree changes while it runs."""
    dest = CACHE / "engine"
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(
        ROOT / "server" / "tierlint",
        dest / "server" / "tierlint",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    shutil.copytree(ROOT / "rules", dest / "rules")
    # Byte-compile the copy, as an installed package is: with
    # PYTHONDONTWRITEBYTECODE set, every start would otherwise compile tierlint
    # from source while pygls, lsprotocol and mistune load their .pyc files.
    subprocess.run([PY, "-m", "compileall", "-q", str(dest / "server")], check=True)
    path = str(dest / "server")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (path, os.environ.get("PYTHONPATH")) if p)
    sys.path.insert(0, path)
    return dest


def engine() -> dict[str, Any]:
    """Which engine was measured: the commit, whether server/ or rules/ differ
    from it, and a hash of the tierlint sources and rules actually imported."""
    out: dict[str, Any] = {}
    r = subprocess.run([PY, "-c", ENGINE_ID], cwd=ROOT, capture_output=True, text=True)
    if r.returncode == 0:
        data = json.loads(r.stdout)
        out["sha256"] = data["sha256"]
        where = Path(data["path"])
        out["in_repository"] = where.is_relative_to(ROOT)
        out["snapshot"] = where.is_relative_to(CACHE)
    git = shutil.which("git")
    if git:
        head = subprocess.run([git, "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        if head.returncode == 0:
            out["commit"] = head.stdout.strip()
            # read-only: --no-optional-locks keeps git from refreshing the index
            diff = subprocess.run(
                [git, "--no-optional-locks", "diff", "--quiet", "HEAD", "--", "server", "rules"],
                cwd=ROOT,
                capture_output=True,
            )
            out["uncommitted_changes"] = diff.returncode == 1
    return out


def engine_s(e: dict[str, Any]) -> str:
    parts = [f"commit {e['commit']}" if e.get("commit") else "commit unknown"]
    if e.get("uncommitted_changes"):
        parts.append("with uncommitted changes to server/ or rules/")
    if e.get("snapshot"):
        parts.append("measured on a copy taken at the start of the run")
    elif e.get("in_repository") is False:
        parts.append("tierlint imported from outside the repository")
    if e.get("sha256"):
        parts.append(f"sources + rules sha256 {e['sha256']}")
    if e.get("changed_during_run"):
        parts.append(f"CHANGED during the run (to {e['changed_during_run'].get('sha256')})")
    return ", ".join(parts)


def machine() -> dict[str, Any]:
    from importlib.metadata import version

    def v(name: str) -> str:
        try:
            return version(name)
        except Exception:
            return "?"

    return {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "system": f"{platform.system()} {platform.machine()}",
        "mistune": v("mistune"),
        "pygls": v("pygls"),
        "lsprotocol": v("lsprotocol"),
    }


def report(res: dict[str, Any], plan: Plan, args: argparse.Namespace) -> None:
    command = res["command"]
    m = res["machine"]
    print(
        f"\ntierlint benchmarks ({plan.label}, {res['seconds']} s): {m['nproc']} CPUs, Python {m['python']}"
    )
    print(f"command: {command}")
    print(f"engine: {engine_s(res['engine'])}\n")
    print(tables(res, plan))
    print("\nTargets:")
    for t in res["targets"]:
        print(f"  {t['status']:4}  {t['target']}: {t['detail']}")
    if res.get("server_profile") or res["inproc"].get("profile_cold"):
        print()
        print(profile_md(res, plan))
    if args.write_docs:
        write_docs(res, plan)
        print(f"wrote {rel(DOCS)}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description="tierlint benchmarks", formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="fewer rounds (a quick look)")
    ap.add_argument("--smoke", action="store_true", help="one round on the 100-ticket case (CI)")
    ap.add_argument("--rounds", type=int, help="process rounds (default 7, quick 3)")
    ap.add_argument("--tickets", type=int, default=10_000, help="size of the big case (default 10000)")
    ap.add_argument("--no-markdownlint", action="store_true", help="do not install or run markdownlint-cli2")
    ap.add_argument("--profile", action="store_true", help="cProfile one cold and one warm analysis")
    ap.add_argument("--write-docs", action="store_true", help="regenerate docs/performance.md")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    ap.add_argument(
        "--no-snapshot", action="store_true", help="measure the working tree in place (no copy of the engine)"
    )
    ap.add_argument(
        "--render",
        metavar="RESULTS_JSON",
        help="print (and with --write-docs, write) the report of an earlier run",
    )
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    args = ap.parse_args(argv)
    # tierlint's rule cache lives with the benchmark's other files; each
    # contender's untimed first run fills it, as a user's first run would.
    os.environ["TIERLINT_CACHE_DIR"] = str(CACHE / "rule-cache")
    plan = make_plan(args)
    if args.render:
        res = json.loads(Path(args.render).read_text(encoding="utf-8"))
        plan = Plan(**res["plan"])
        res["targets"] = evaluate(res, plan)
        report(res, plan, args)
        return 0

    def log(msg: str) -> None:
        if not args.quiet:
            print(msg, file=sys.stderr, flush=True)

    started = time.time()
    if not args.no_snapshot:
        snapshot()
    elif os.environ.get("PYTHONDONTWRITEBYTECODE") and not any(
        (ROOT / "server" / "tierlint").glob("__pycache__")
    ):
        log(
            "note: PYTHONDONTWRITEBYTECODE is set and server/tierlint has no .pyc files: every start compiles it"
        )
    engine_before = engine()
    log(f"tierlint benchmarks ({plan.label}): inputs")
    paths = files_for(plan, log)
    big, small = paths[plan.big], paths[plan.small]
    distinct = OUT / f"backlog-{plan.big}-distinct.md"
    text = generate.generate(plan.big, SEED, distinct=True)
    if not distinct.exists() or distinct.read_text(encoding="utf-8") != text:
        distinct.write_text(text, encoding="utf-8", newline="\n")
    log(
        f"  {rel(distinct)}: {plan.big:,} tickets, no two ticket texts alike, {len(text.encode('utf-8')):,} bytes"
    )
    inputs = {}
    for n, path in paths.items():
        data = path.read_bytes()
        inputs[n] = {"tickets": n, "bytes": len(data), "lines": data.count(b"\n")}

    procs = [
        Proc("python -c pass", [PY, "-c", "pass"], "interpreter start-up"),
        Proc("floor", [PY, "-c", FLOOR, str(big)], "read + split lines and cells in plain Python"),
        Proc(
            "mistune stock parse",
            [PY, "-c", MISTUNE, str(big)],
            "create_markdown(renderer=None, plugins=['table'])",
        ),
        Proc(
            "tierlint check",
            [PY, "-m", "tierlint", "check", str(big), "--exit-zero"],
            f"{plan.big:,} tickets",
        ),
        Proc(
            "tierlint check, one process",
            [PY, "-m", "tierlint", "check", str(big), "--exit-zero"],
            f"{plan.big:,} tickets, TIERLINT_JOBS=1 (no helper process)",
            env={"TIERLINT_JOBS": "1"},
        ),
        Proc("import tierlint.cli", [PY, "-c", "import tierlint.cli"], "CLI start-up cost"),
        Proc(
            "mistune stock parse, distinct texts",
            [PY, "-c", MISTUNE, str(distinct)],
            f"{plan.big:,} tickets, no two ticket texts alike",
        ),
        Proc(
            "tierlint check, distinct texts",
            [PY, "-m", "tierlint", "check", str(distinct), "--exit-zero"],
            f"{plan.big:,} tickets, no two ticket texts alike (nothing for a memo to reuse)",
        ),
    ]
    if plan.small != plan.big:
        procs.append(
            Proc(
                f"tierlint check ({plan.small})",
                [PY, "-m", "tierlint", "check", str(small), "--exit-zero"],
                f"{plan.small} tickets",
            )
        )
    ml_note = "markdownlint-cli2: skipped (--no-markdownlint or smoke run)"
    if plan.markdownlint_rounds:
        prefix, ml_note = markdownlint(log)
        if prefix:
            procs.append(
                Proc(
                    "markdownlint-cli2",
                    [*prefix, big.name],
                    f"{plan.big:,} tickets, all default rules",
                    cwd=big.parent,
                    ok_codes=(0, 1),
                    rounds=plan.markdownlint_rounds,
                )
            )
    log(f"processes: {plan.rounds} rounds")
    run_processes(procs, plan.rounds, log)

    log("CLI imports")
    r = subprocess.run(
        [PY, "-c", IMPORTS, str(small)], cwd=ROOT, capture_output=True, text=True, encoding="utf-8"
    )
    if r.returncode != 0:
        raise SystemExit(f"import check failed:\n{r.stderr[-2000:]}")
    cli_imports = json.loads(r.stdout.strip().splitlines()[-1])

    log(f"in-process analysis: {plan.inproc_rounds} rounds")
    inproc_res = inproc(plan, paths, args.profile, log)

    log(f"server start-up: {plan.spawn_rounds} rounds")
    spawn = asyncio.run(spawn_bench(plan.spawn_rounds, log))

    log(f"server sessions: {plan.sessions}")
    sessions = []
    for _ in range(plan.sessions):
        sessions.append(asyncio.run(session_bench(big, small, plan.edits, plan.hovers, plan.lenses, log)))
    server_profile = None
    if args.profile:
        log("server session under cProfile")
        prof_path = OUT / "server.prof"
        asyncio.run(session_bench(big, small, plan.edits, plan.hovers, plan.lenses, log, prof_path))
        server_profile = profiles.summarize(pstats.Stats(str(prof_path)), 15, skip=("select.epoll",))
    final = sessions[-1].pop("final_text")
    for s in sessions[:-1]:
        s.pop("final_text")
    want = expected_count(final)
    got = sessions[-1]["warm_items"][-1] if sessions[-1]["warm_items"] else sessions[-1]["cold_items"]
    if want != got:
        raise SystemExit(f"the server reports {got} diagnostics after the edits; the engine gives {want}")

    def all_of(key: str) -> list[float]:
        return [x for s in sessions for x in s[key]]

    server = {
        "sessions": len(sessions),
        "cold": [s["cold"] for s in sessions],
        "cold_median": med([s["cold"] for s in sessions]),
        "cold_cpu": med([s["cold_cpu"] for s in sessions if s["cold_cpu"] is not None]),
        "cold_items": sessions[0]["cold_items"],
        "cold_bytes": sessions[0]["cold_bytes"],
        "warm": all_of("warm"),
        "warm_median": med(all_of("warm")),
        "warm_cpu_each": med([s["warm_cpu_each"] for s in sessions if s["warm_cpu_each"] is not None]),
        "warm_bytes": sessions[0]["warm_bytes"],
        "hover": all_of("hover"),
        "hover_median": med(all_of("hover")),
        "hover_first": med([s["hover_first"] for s in sessions if s["hover_first"] is not None]),
        "hover_answered": sum(s["hover_answered"] for s in sessions),
        "hover_small_median": med(all_of("hover_small")),
        "hover_small_n": len(all_of("hover_small")),
        "lens": all_of("lens"),
        "lens_median": med(all_of("lens")),
        "lens_first": med([s["lens_first"] for s in sessions if s["lens_first"] is not None]),
        "lens_count": sessions[0]["lens_count"],
        "lens_bytes": sessions[0]["lens_bytes"],
        "peak_rss_kb": max((s["peak_rss_kb"] or 0) for s in sessions) or None,
        "raw": sessions,
    }

    exe = rel(PY) if Path(PY).resolve().is_relative_to(ROOT) else "python"
    command = " ".join([exe, "benchmarks/run.py", *(argv if argv is not None else sys.argv[1:])])
    res: dict[str, Any] = {
        "command": command,
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "plan": plan.__dict__,
        "machine": machine(),
        "engine": engine_before,
        "inputs": inputs,
        "processes": {p.name: p.summary() for p in procs},
        "markdownlint_note": ml_note,
        "cli_imports": cli_imports,
        "inproc": inproc_res,
        "spawn": spawn,
        "server": server,
        "server_profile": server_profile,
        "seconds": round(time.time() - started, 1),
    }
    res["targets"] = evaluate(res, plan)
    engine_after = engine()
    if engine_after.get("sha256") != engine_before.get("sha256"):
        res["engine"]["changed_during_run"] = engine_after
        log("WARNING: the tierlint sources or rules changed during the run; the figures mix two versions")

    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(res, indent=1, ensure_ascii=False), encoding="utf-8")
    report(res, plan, args)
    print(f"wrote {rel(OUT / 'results.json')}")
    if args.strict and any(t["status"] == "FAIL" for t in res["targets"]):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
