"""Analysing a big backlog in two processes.

Classification is the largest single cost of a cold run and is pure: a ticket's
title and owner in, a small `Recommendation` out. On a machine with more than
one core the CLI forks a helper as soon as a big file is split into lines. The
helper parses the last part of the file and classifies its tickets while this
process parses the whole file and classifies the rest; the helper's
recommendations then go into the classifier's memo, and everything after that
runs in this process as usual. Only the CLI asks for this (the language server
has threads and never forks), and a helper that fails leaves its tickets to be
classified the ordinary way.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from typing import Any

# A file smaller than this is not worth a fork (about 2,000 tickets).
MIN_CHARS = 150_000
# The share of the file the helper takes: it starts parsing while this process
# still has the whole file to parse.
HELPER_SHARE = 0.55


def default_workers() -> int:
    """Two processes on Linux with a second core, else one (fork is not safe
    everywhere: macOS frameworks, for one, do not survive it);
    TIERLINT_JOBS=1 keeps a run in one process."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return 1
    if os.environ.get("TIERLINT_JOBS", "").strip() == "1":
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return 2 if cores >= 2 else 1


class Helper:
    """A forked process that runs one function and sends back its result."""

    def __init__(self, pid: int, pipe: int) -> None:
        self.pid = pid
        self.pipe = pipe
        self.done = False

    @classmethod
    def start(cls, work: Callable[[], list[Any]]) -> Helper | None:
        try:
            read_fd, write_fd = os.pipe()
            pid = os.fork()
        except OSError:
            return None
        if pid == 0:  # pragma: no cover - the helper; its coverage is not collected
            code = 0
            try:
                os.close(read_fd)
                _run(work, write_fd)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(write_fd)
        return cls(pid, read_fd)

    def results(self) -> list[Any]:
        """What the function returned, or [] when the helper failed."""
        import pickle

        fd, self.pipe = self.pipe, -1
        try:
            with os.fdopen(fd, "rb") as pipe:
                data = pipe.read()
            found = pickle.loads(data) if data else None
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
            found = None
        status = self._reap()
        if status != 0 or not isinstance(found, list):
            return []
        return found

    def close(self) -> None:
        """Stop listening; a helper still writing gets a broken pipe and exits."""
        if self.pipe >= 0:
            with contextlib.suppress(OSError):
                os.close(self.pipe)
            self.pipe = -1
        self._reap()

    def _reap(self) -> int | None:
        if self.done:
            return None
        self.done = True
        try:
            return os.waitpid(self.pid, 0)[1]
        except OSError:
            return None


def _run(work: Callable[[], list[Any]], fd: int) -> None:  # pragma: no cover - runs in the helper
    import pickle

    data = pickle.dumps(work(), pickle.HIGHEST_PROTOCOL)
    with os.fdopen(fd, "wb") as pipe:
        pipe.write(data)
