"""Compiled regexes that travel with a cached rule set.

`re` compiles a pattern in Python, about 0.2 ms for one of the rule set's
templates, and a run over a big backlog meets a couple of hundred of them.
What the compiler hands to the regex engine (`_sre`) is a list of integers:
kept with the cached rule set, it becomes a pattern again in microseconds.
Python's version is part of the cache key, and a program that does not give
back the very pattern `re.compile` would is never kept, so any doubt only
costs the ordinary compile.
"""

from __future__ import annotations

import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

Program = tuple[int, bytes, int, dict[str, int], tuple[str | None, ...]]


def program_of(source: str, flags: int) -> Program | None:
    """What `re.compile(source, flags)` hands to the regex engine, or None
    where this Python's `re` is not built the way this expects."""
    try:
        import array
        from re import _compiler, _parser  # type: ignore[attr-defined]

        parsed = _parser.parse(source, flags)
        code = array.array("I", [int(x) for x in _compiler._code(parsed, flags)]).tobytes()
        state = parsed.state
        index = dict(state.groupdict)
        names: list[str | None] = [None] * state.groups
        for name, i in index.items():
            names[i] = name
        program: Program = (int(flags | state.flags), code, state.groups - 1, index, tuple(names))
        built, plain = compiled(source, program), re.compile(source, flags)
        if built is None or (built.flags, built.groups, built.groupindex) != (
            plain.flags,
            plain.groups,
            plain.groupindex,
        ):
            return None
    except Exception:
        return None
    return program


def compiled(source: str, program: Any) -> re.Pattern[str] | None:
    """The pattern from its program; None when there is none or it does not load."""
    if program is None:
        return None
    try:
        import _sre  # type: ignore[import-not-found]

        flags, code, groups, index, names = program
        # the code's native unsigned ints, as `program_of` wrote them (no `array` import)
        rx: re.Pattern[str] = _sre.compile(
            source, flags, memoryview(code).cast("I").tolist(), groups, index, names
        )
    except Exception:
        return None
    return rx
