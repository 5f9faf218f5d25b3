"""cProfile results as small tables with repository-relative names."""

from __future__ import annotations

import pstats
import re
import sysconfig
from typing import Any

_ADDRESS = re.compile(r" at 0x[0-9a-f]+")
_STDLIB = sysconfig.get_paths()["stdlib"].rstrip("/") + "/"


def where(file: str, line: int, name: str) -> str:
    """`file:line(function)` without machine paths."""
    if file == "~":
        return _ADDRESS.sub("", name)
    for marker, keep in (("/site-packages/", False), ("/server/tierlint/", True), ("/benchmarks/", True)):
        i = file.rfind(marker)
        if i >= 0:
            file = file[i + 1 :] if keep else file[i + len(marker) :]
            break
    else:
        if file.startswith(_STDLIB):
            file = file[len(_STDLIB) :]
        elif file.startswith("/"):
            file = file.rsplit("/", 1)[-1]
    return f"{file}:{line}({name})"


def summarize(stats: pstats.Stats, top: int = 15, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    rows = []
    for (file, line, name), (_cc, nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        label = where(file, line, name)
        if any(s in label for s in skip):
            continue
        rows.append({"function": label, "calls": nc, "tottime": tt, "cumtime": ct})
    total = sum(r["tottime"] for r in rows)
    return {
        "total": total,
        "self": sorted(rows, key=lambda r: -r["tottime"])[:top],
        "cumulative": sorted(rows, key=lambda r: -r["cumtime"])[:top],
    }
