"""Classifying a big backlog's tickets in two processes.

Classification is the largest single cost of a cold run and is pure: a ticket's
title and owner in, a small `Recommendation` out. On a machine with more than
one core the CLI forks a helper before it parses a big file (while the heap is
still small, so that copy-on-write costs little), sends it half of the tickets
to classify, classifies the other half itself, and reads the helper's
recommendations back into the classifier's memo. Everything else stays in one
process. Only the CLI asks for this (the language server has threads and never
forks), and any failure of the helper leaves its half to be classified the
ordinary way.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence

from .classify import Classifier

# A file smaller than this is not worth a fork (about 2,000 tickets).
MIN_CHARS = 150_000
# Fewer unseen tickets than this are classified in one process.
MIN_TICKETS = 1000


def default_workers() -> int:
    """Two processes where fork exists and there is a second core, else one;
    TIERLINT_JOBS=1 keeps a run in one process."""
    if not hasattr(os, "fork"):
        return 1
    if os.environ.get("TIERLINT_JOBS", "").strip() == "1":
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return 2 if cores >= 2 else 1


class Helper:
    """A forked process that classifies the tickets it is sent, once."""

    def __init__(self, pid: int, to_child: int, from_child: int) -> None:
        self.pid = pid
        self.to_child = to_child
        self.from_child = from_child
        self.done = False

    @classmethod
    def start(cls, classifier: Classifier) -> Helper | None:
        try:
            work_r, work_w = os.pipe()
            result_r, result_w = os.pipe()
            pid = os.fork()
        except OSError:
            return None
        if pid == 0:  # pragma: no cover - the helper; its coverage is not collected
            code = 0
            try:
                os.close(work_w)
                os.close(result_r)
                _serve(classifier, work_r, result_w)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(work_r)
        os.close(result_w)
        return cls(pid, work_w, result_r)

    def classify(self, classifier: Classifier, keys: Sequence[tuple[str, str]]) -> int:
        """Fill `classifier`'s memo for `keys` (title, owner), half of them in
        the helper. Returns how many recommendations came from the helper."""
        import pickle

        todo = [k for k in keys if not classifier.known(k[0], k[1])]
        if len(todo) < MIN_TICKETS:
            self.close()
            return 0
        mine, theirs = todo[::2], todo[1::2]
        fd, self.to_child = self.to_child, -1
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(pickle.dumps(theirs, pickle.HIGHEST_PROTOCOL))
        except OSError:
            self.close()
            return 0
        for title, owner in mine:
            classifier.classify(title, owner)
        fd, self.from_child = self.from_child, -1
        try:
            with os.fdopen(fd, "rb") as pipe:
                data = pipe.read()
            results = pickle.loads(data) if data else None
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
            results = None
        finally:
            self._reap()
        if not isinstance(results, list) or len(results) != len(theirs):
            return 0
        for (title, owner), rec in zip(theirs, results):
            classifier.remember(title, owner, rec)
        return len(theirs)

    def close(self) -> None:
        """Let the helper go without work."""
        if self.done:
            return
        for fd in (self.to_child, self.from_child):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self.to_child = self.from_child = -1
        self._reap()

    def _reap(self) -> None:
        if self.done:
            return
        self.done = True
        with contextlib.suppress(OSError):
            os.waitpid(self.pid, 0)


def _serve(classifier: Classifier, work: int, result: int) -> None:  # pragma: no cover - runs in the helper
    import pickle

    with os.fdopen(work, "rb") as inp:
        data = inp.read()
    if not data:
        return
    keys = pickle.loads(data)
    out = pickle.dumps([classifier.classify(t, o) for t, o in keys], pickle.HIGHEST_PROTOCOL)
    with os.fdopen(result, "wb") as pipe:
        pipe.write(out)
