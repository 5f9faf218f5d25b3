"""The checks, one module per code (markdownlint style). `ROW`, `TABLE`,
`SPRINT` and `FILE` list them by the scope they run at; each row check names
the kinds of Model cell it looks at (`KINDS`), so a row runs only those."""

from __future__ import annotations

from . import (
    tl001,
    tl002,
    tl003,
    tl004,
    tl005,
    tl006,
    tl101,
    tl102,
    tl103,
    tl104,
    tl105,
    tl201,
    tl202,
)

ROW = (tl201, tl001, tl002, tl003, tl004, tl006)
# The row checks a Model cell of each kind needs (each check names its kinds).
ROW_BY_KIND = {
    kind: tuple(c for c in ROW if kind in c.KINDS) for kind in ("empty", "placeholder", "unknown", "known")
}
TABLE = (tl005,)
SPRINT = (tl101, tl102, tl103, tl104, tl105)
FILE = (tl202,)
