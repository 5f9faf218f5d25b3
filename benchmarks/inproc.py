"""In-process engine timings, run as a child of run.py so they see a clean heap.

    python benchmarks/inproc.py --rounds 5 --edits 20 SMALL.md [MID.md ...] BIG.md

Prints JSON: for every file, the time of `Analyzer(rules).analyze(text)` with a
fresh Analyzer (cold), per round, files alternating; for the last (biggest)
file, also one-cell edits each re-analysed by the warm Analyzer, the way the
language server re-analyses after a didChange. With --profile, a cProfile of
one cold and one warm analysis of the biggest file.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import edits as edit_plan
import profiles


def _timed(fn):  # type: ignore[no-untyped-def]
    from tierlint.lsp.state import collector_paused

    gc.collect()
    c0 = time.process_time()
    t0 = time.perf_counter()
    with collector_paused():  # as the language server analyses
        result = fn()
    t1 = time.perf_counter()
    c1 = time.process_time()
    return result, t1 - t0, c1 - c0


def _profile(fn, top: int) -> dict:  # type: ignore[no-untyped-def]
    from tierlint.lsp.state import collector_paused

    prof = cProfile.Profile()
    gc.collect()
    prof.enable()
    with collector_paused():
        fn()
    prof.disable()
    return profiles.summarize(pstats.Stats(prof), top)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("files", nargs="+")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--edits", type=int, default=20)
    p.add_argument("--profile", action="store_true")
    p.add_argument("--top", type=int, default=15)
    args = p.parse_args(argv)

    from tierlint.analyze import Analyzer
    from tierlint.config import default_config

    rules = default_config().rules
    texts = [Path(f).read_text(encoding="utf-8") for f in args.files]
    Analyzer(rules).analyze(texts[0])  # build the block parser, compile patterns

    out: dict = {"files": []}
    results: list[dict] = []
    for f, text in zip(args.files, texts):
        results.append(
            {
                "file": Path(f).name,
                "bytes": len(text.encode("utf-8")),
                "wall": [],
                "cpu": [],
                "diagnostics": None,
            }
        )
    n = len(texts)
    for r in range(args.rounds):
        for k in range(n):
            i = (k + r) % n
            analysis, wall, cpu = _timed(lambda i=i: Analyzer(rules).analyze(texts[i]))
            results[i]["wall"].append(wall)
            results[i]["cpu"].append(cpu)
            results[i]["diagnostics"] = len(analysis.diagnostics)
            results[i]["sprints"] = len(analysis.sprints)
            results[i]["tickets"] = sum(len(t.tickets) for s in analysis.sprints for t in s.tables)
    out["files"] = results

    # Warm: one analyzer, one-cell edits, each followed by a re-analysis.
    big = texts[-1]
    warm = Analyzer(rules)
    warm.analyze(big)
    lines = big.split("\n")
    samples, cpus, counts = [], [], []
    plan = edit_plan.plan(big, args.edits)
    for e in plan:
        edit_plan.apply(lines, e)
        text = "\n".join(lines)
        analysis, wall, cpu = _timed(lambda text=text: warm.analyze(text))
        samples.append(wall)
        cpus.append(cpu)
        counts.append(len(analysis.diagnostics))
    # The same analysis again, unchanged: the floor of a re-analysis.
    text = "\n".join(lines)
    same = sorted(_timed(lambda: warm.analyze(text))[1] for _ in range(3))[1]
    out["warm"] = {"wall": samples, "cpu": cpus, "diagnostics": counts, "unchanged": same}

    if args.profile:
        out["profile_cold"] = _profile(lambda: Analyzer(rules).analyze(big), args.top)
        e = edit_plan.plan(big, 1)
        lines = big.split("\n")
        prof_warm = Analyzer(rules)
        prof_warm.analyze(big)
        edit_plan.apply(lines, e[0])
        edited = "\n".join(lines)
        out["profile_warm"] = _profile(lambda: prof_warm.analyze(edited), args.top)
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
