"""Analysing a big backlog in several processes.

On a machine with more than one core the CLI forks helpers as soon as a big
file is split into lines and cut into sections. Each helper parses and
analyses the sections of one of the last parts of the file while this process
does the first part. A section needs one thing from the rest of the document:
its design tickets (for "Use Opus for Planning Only"). So each helper, once
parsed, sends its design tickets here and classifies its tickets while it
waits for all of the document's (a design ticket only ever caps a
recommendation). The helpers' section results come back as plain tuples
(`pack`), and everything after that (sprints, sprint and file checks,
suppressions) runs in this process over all sections, as it does without
helpers. Only the CLI asks for this (the language server never forks), and a
helper that fails leaves its sections to be analysed here.
"""

from __future__ import annotations

import contextlib
import os
import struct
import sys
from collections.abc import Callable
from typing import IO, Any, ClassVar

# A file smaller than this is not worth a fork (about 2,000 tickets); each
# further helper wants half as much again.
MIN_CHARS = 150_000
# The share of the sections one helper takes: this process also unpacks the
# helper's results and runs the document-wide checks.
HELPER_SHARE = 0.40
# Processes at most, this one included: past that, unpacking and the
# document-wide checks, which run here alone, outweigh another helper.
MAX_WORKERS = 4

_HEADER = struct.Struct("<Q")


def default_workers() -> int:
    """One process per core, up to MAX_WORKERS, on Linux (fork is not safe
    everywhere: macOS frameworks, for one, do not survive it), else one.
    TIERLINT_JOBS=N caps the processes at N; TIERLINT_JOBS=1 keeps a run in
    one process."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    jobs = os.environ.get("TIERLINT_JOBS", "").strip()
    limit = int(jobs) if jobs.isdigit() and int(jobs) > 0 else MAX_WORKERS
    return max(1, min(cores, limit))


class Channel:
    """One end of a two-way pipe carrying length-prefixed pickles."""

    def __init__(self, reader: IO[bytes], writer: IO[bytes]) -> None:
        self.reader = reader
        self.writer = writer

    def send(self, obj: object) -> None:
        import pickle

        data = pickle.dumps(obj, pickle.HIGHEST_PROTOCOL)
        self.writer.write(_HEADER.pack(len(data)))
        self.writer.write(data)
        self.writer.flush()

    def receive(self) -> Any:
        """The next message; EOFError when the other side is gone."""
        import pickle

        head = self.reader.read(_HEADER.size)
        if len(head) < _HEADER.size:
            raise EOFError
        (size,) = _HEADER.unpack(head)
        data = self.reader.read(size)
        if len(data) < size:
            raise EOFError
        return pickle.loads(data)

    def close(self) -> None:
        for stream in (self.writer, self.reader):
            with contextlib.suppress(OSError, ValueError):
                stream.close()


class Helper:
    """A forked process that runs `work(channel)` and sends back its result.
    `work` may talk to this process over the channel first; a message larger
    than a pipe's buffer blocks its sender until the other side reads, so the
    two sides must not both send before they receive."""

    # File descriptors of this process's ends of the helpers' pipes: a helper
    # forked later must close its copies, or a hang-up here would never reach
    # the earlier helper as an end of file.
    _ends: ClassVar[set[int]] = set()

    def __init__(self, pid: int, channel: Channel) -> None:
        self.pid = pid
        self.channel: Channel | None = channel
        self.done = False
        self.fds = (channel.reader.fileno(), channel.writer.fileno())
        Helper._ends.update(self.fds)

    @classmethod
    def start(cls, work: Callable[[Channel], object]) -> Helper | None:
        try:
            down_r, down_w = os.pipe()
            up_r, up_w = os.pipe()
            pid = os.fork()
        except OSError:
            return None
        if pid == 0:  # pragma: no cover - the helper; its coverage is not collected
            code = 0
            try:
                for fd in (down_w, up_r, *cls._ends):
                    os.close(fd)
                _run(work, Channel(os.fdopen(down_r, "rb"), os.fdopen(up_w, "wb")))
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(down_r)
        os.close(up_w)
        return cls(pid, Channel(os.fdopen(up_r, "rb"), os.fdopen(down_w, "wb")))

    def receive(self) -> tuple[bool, Any]:
        """(True, the helper's next message), or (False, None) once it has
        failed; after a failure the helper is stopped and reaped."""
        if self.channel is None:
            return False, None
        try:
            return True, self.channel.receive()
        except Exception:
            self.close()
            return False, None

    def send(self, obj: object) -> bool:
        if self.channel is None:
            return False
        try:
            self.channel.send(obj)
        except Exception:
            self.close()
            return False
        return True

    def result(self) -> tuple[bool, Any]:
        """The helper's last message, once it has exited cleanly."""
        ok, found = self.receive()
        status = self.close()
        return (True, found) if ok and status == 0 else (False, None)

    def close(self) -> int | None:
        """Hang up: a helper still reading or writing gets an end of file or
        a broken pipe and exits. Returns its exit status when reaped here."""
        if self.channel is not None:
            self.channel.close()
            self.channel = None
            Helper._ends.difference_update(self.fds)
        return self._reap()

    def _reap(self) -> int | None:
        if self.done:
            return None
        self.done = True
        try:
            return os.waitpid(self.pid, 0)[1]
        except OSError:
            return None


def _run(
    work: Callable[[Channel], object], channel: Channel
) -> None:  # pragma: no cover - runs in the helper
    channel.send(work(channel))
    channel.close()
