"""tierlint's own regexes, compiled with their programs kept between runs.

The modules compile some 35 regexes as they are imported: about 8 ms of
the CLI's 50 or so before it reads a file, on every run. As with the rule
set's regexes (`programs`, `cache`), what the compiler hands to the regex
engine is kept in the cache directory, in a file named for this Python, and
becomes a pattern again in microseconds. A pattern the store lacks, or whose
program does not load, is compiled the ordinary way, so a missing, damaged
or foreign store only costs that; the CLI writes the store again (`keep`)
after a run that had to. Like `re`, this keeps what it compiled for the
next call with the same pattern (a fence's closing line, say).
"""

from __future__ import annotations

import os
import re
import sys

from .programs import Program, compiled, program_of

# pattern and flags -> program; None for one that does not round-trip (compiled every time)
_store: dict[tuple[str, int], Program | None] | None = None
# what this process compiled, and how: a program, None as above, or _AFRESH
_used: dict[tuple[str, int], object] = {}
_AFRESH = object()
# the patterns themselves, for the next call (as many as `re` keeps)
_patterns: dict[tuple[str, int], re.Pattern[str]] = {}
_MAX_PATTERNS = 512


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    key = (pattern, int(flags))
    rx = _patterns.get(key)
    if rx is None:
        if len(_patterns) >= _MAX_PATTERNS:
            _patterns.clear()  # a document with ever new fence lengths, say
        rx = _patterns[key] = _compile(key, pattern, flags)
    return rx


def _compile(key: tuple[str, int], pattern: str, flags: int) -> re.Pattern[str]:
    global _store
    if _store is None:
        _store = _load()
    if key in _store:
        program = _store[key]
        rx = compiled(pattern, program) if program is not None else None
        if rx is not None or program is None:
            if len(_used) < _MAX_PATTERNS:
                _used[key] = program
            return rx if rx is not None else re.compile(pattern, flags)
    if len(_used) < _MAX_PATTERNS:
        _used[key] = _AFRESH
    return re.compile(pattern, flags)


def afresh() -> list[str]:
    """The patterns this process compiled because the store lacked them."""
    return [pattern for (pattern, _), how in _used.items() if how is _AFRESH]


def keep() -> None:
    """Store the programs of every pattern this process compiled, with those
    kept already, when any of them was compiled afresh (the first run of a
    version, or a damaged store)."""
    if not any(how is _AFRESH for how in _used.values()):
        return
    path = _path()
    if path is None or not _writable(os.path.dirname(path)):
        return  # no cache, or one this user cannot write: not worth the programs' cost
    mine = {key: program_of(*key) if how is _AFRESH else how for key, how in _used.items()}
    _used.update(mine)  # tried once a process, whatever happens next
    from . import cache

    # another version's patterns stay: two versions in turn would otherwise rewrite it every run
    cache.store(path, {**(_store or {}), **mine})  # never raises an Exception


def _writable(folder: str) -> bool:
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK)


def _path() -> str | None:
    from .cache import cache_dir

    where = cache_dir()
    if where is None:
        return None
    import _sre  # type: ignore[import-not-found]
    import zlib

    engine = f"{sys.version} {getattr(_sre, 'MAGIC', '')} {getattr(_sre, 'CODESIZE', '')}"
    return os.path.join(where, f"regexes-{zlib.crc32(engine.encode()):08x}.pickle")


def _load() -> dict[tuple[str, int], Program | None]:
    path = _path()
    if path is None:
        return {}
    from . import cache

    found = cache.load(path, dict)
    return found if found is not None else {}  # type: ignore[return-value]
