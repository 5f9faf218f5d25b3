"""The built default rule set, kept between runs the way Python keeps bytecode.

Parsing the rule files' TOML and building their templates costs a run about
25 ms: more than the whole analysis of a small backlog. So the built rule set
is pickled into the user's cache directory under a name made from the rule
files' bytes, tierlint's version, Python's, and the source of the modules
whose objects it holds; any change to one of them builds afresh. With it go
the compiled forms of the rules' regexes (`programs`). A cache that cannot be
read or written is ignored, and a file not owned by the user is never read.
`TIERLINT_CACHE_DIR` names another directory; `TIERLINT_NO_CACHE=1` builds
every time.
"""

from __future__ import annotations

import contextlib
import os
import sys
import zlib
from collections.abc import Callable, Sequence

from . import __version__

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TypeVar

    T = TypeVar("T")
    # a path as a string or a path object: os.fspath takes both, and pathlib
    # (with urllib and ipaddress, a sixth of the CLI's start-up) stays unloaded
    StrPath = str | os.PathLike[str]

# The modules that define what a cached rule set is made of.
_MODULES = ("cache.py", "classify.py", "config.py", "pickling.py", "programs.py", "rules.py", "templates.py")


def cache_dir() -> str | None:
    if os.environ.get("TIERLINT_NO_CACHE", "").strip() not in ("", "0"):
        return None
    named = os.environ.get("TIERLINT_CACHE_DIR")
    if named:
        return named
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return os.path.join(base, "tierlint", "cache") if base else None
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        home = os.path.expanduser("~")
        if not os.path.isabs(home):
            return None  # no home to keep it in: never litter the working folder
        base = os.path.join(home, ".cache")
    return os.path.join(base, "tierlint")


def cached(
    sources: Sequence[StrPath],
    build: Callable[[], T],
    kind: type,
    prepare: Callable[[T], None] | None = None,
) -> T:
    """`build()`, or what it gave last time for the same `sources`. A value
    about to be stored is first given to `prepare` (work worth keeping, but
    not worth doing when it cannot be kept)."""
    where = cache_dir()
    if where is None:
        return build()
    here = os.path.dirname(__file__)
    data = [f"{__version__} {sys.version}".encode()]
    try:
        for path in [*sorted(map(os.fspath, sources)), *(os.path.join(here, name) for name in _MODULES)]:
            with open(path, "rb") as f:
                data += [os.path.basename(path).encode(), f.read()]
    except OSError:
        return build()
    # Two checksums and the length tell versions apart (hashlib's import alone
    # would cost a fifth of what the cache saves); nobody but the user writes here.
    blob = b"\0".join(data)
    path = os.path.join(where, f"rules-{zlib.crc32(blob):08x}{zlib.adler32(blob):08x}{len(blob):x}.pickle")
    found = load(path, kind)
    if found is not None:
        return found  # type: ignore[no-any-return]
    value = build()
    if prepare is not None:
        prepare(value)
    store(path, value)
    return value


def load(path: StrPath, kind: type) -> object | None:
    """The pickle at `path` if it is a `kind`, the user's own and whole; else None."""
    from . import pickling

    try:
        with open(path, "rb") as f:
            if hasattr(os, "getuid") and os.fstat(f.fileno()).st_uid != os.getuid():
                return None
            value = pickling.load(f)
    except Exception:  # missing, unreadable, truncated, from another build
        return None
    return value if isinstance(value, kind) else None


def store(path: StrPath, value: object) -> None:
    """Pickle `value` to `path` all at once (a rename), or not at all."""
    import tempfile

    from . import pickling

    path = os.fspath(path)
    folder, name = os.path.split(path)
    tmp = None
    try:
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.splitext(name)[0]}-", dir=folder)
        with os.fdopen(fd, "wb") as f:
            pickling.dump(value, f, pickling.HIGHEST)
        os.replace(tmp, path)
        tmp = None
    except Exception:  # a read-only home, a full disk: build next time too
        pass
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
