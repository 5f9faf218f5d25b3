"""Analysing a big backlog in several processes.

On a machine with more than one core the CLI forks helpers as soon as a big
file is split into lines and cut into sections. The sections are cut into one
range per process, and each process parses its own. A section needs one thing
from the rest of the document: its design tickets (for "Use Opus for Planning
Only"). So each helper, once parsed, sends its design tickets and its ticket
titles here and works out its tickets' uncapped recommendations while it
waits for all of the document's (a design ticket only ever caps a
recommendation). Backlogs repeat titles, and classifying a title is the
costly part of a recommendation: a title this process and a helper both hold
is classified by one of them, and its facts travel to the other (this
process's share with the design tickets, the helper's in pieces ahead of its
results).

Then every process claims pieces of the ranges (`Claims`), its own range's
first, then what is left of the others', so a process on a slower or busier
core simply ends up with less. Helpers send their results in batches as they
go, as plain tuples (`pack`), and this process takes them in between its own
sections. Everything after that (sprints, sprint and file checks,
suppressions) runs in this process over all sections, as it does without
helpers. Only the CLI asks for this (the language server never forks), and
the sections a failed helper had claimed are analysed here.
"""

from __future__ import annotations

import contextlib
import os
import select
import struct
import sys
from collections.abc import Callable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar

# A file smaller than this is not worth a fork (about 2,000 tickets); each
# further helper wants half as much again.
MIN_CHARS = 150_000
# Processes at most, this one included: past that, unpacking and the
# document-wide checks, which run here alone, outweigh another helper.
MAX_WORKERS = 4

_HEADER = struct.Struct("<Q")
_TOKEN = struct.Struct("<II")


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
    """One end of a two-way pipe carrying length-prefixed pickles. It reads
    the descriptor directly, without a buffer, so `ready` is exact."""

    def __init__(self, read: int, write: int) -> None:
        self.read = read
        self.write = write

    def send(self, obj: object) -> None:
        from . import pickling

        data = pickling.dumps(obj, pickling.HIGHEST)
        _write_all(self.write, _HEADER.pack(len(data)))
        _write_all(self.write, data)

    def receive(self) -> Any:
        """The next message; EOFError when the other side is gone."""
        from . import pickling

        (size,) = _HEADER.unpack(_read_exactly(self.read, _HEADER.size))
        return pickling.loads(_read_exactly(self.read, size))

    def ready(self) -> bool:
        """True when a message, or the other side's end, is waiting."""
        return bool(select.select([self.read], [], [], 0)[0])

    def close(self) -> None:
        for fd in (self.write, self.read):
            with contextlib.suppress(OSError):
                os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_exactly(fd: int, size: int) -> bytes:
    chunks = []
    while size:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        size -= len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


class Claims:
    """A range of sections that any process may claim a piece of. The pieces
    are tokens written into a pipe before the fork; reading one token is
    atomic, so each piece goes to exactly one process, whichever asks first,
    and a process that dies loses only the pieces it had taken. This is what
    evens out the work when one core is slower or busier than another."""

    # One write of at most PIPE_BUF bytes into an empty pipe is atomic and
    # never blocks.
    MAX_TOKENS = 4096 // _TOKEN.size

    def __init__(self, first: int, end: int) -> None:
        """OSError when no pipe can be had."""
        step = max(1, -(-(end - first) // self.MAX_TOKENS))
        data = b"".join(_TOKEN.pack(a, min(a + step, end)) for a in range(first, end, step))
        read, write = os.pipe()
        try:
            if os.write(write, data) != len(data):
                raise OSError("short write")
        except OSError:
            os.close(read)
            raise
        finally:
            os.close(write)
        self.fd = read

    def take(self) -> tuple[int, int] | None:
        """The next piece (first section, end), or None when all are taken."""
        if self.fd < 0:
            return None
        try:
            data = os.read(self.fd, _TOKEN.size)
        except OSError:
            return None
        if len(data) < _TOKEN.size:
            return None
        first, end = _TOKEN.unpack(data)
        return first, end

    def close(self) -> None:
        if self.fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = -1


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
        self.fds = (channel.read, channel.write)
        Helper._ends.update(self.fds)

    @classmethod
    def start(cls, work: Callable[[Channel], object]) -> Helper | None:
        try:
            down_r, down_w = os.pipe()
            up_r, up_w = os.pipe()
            _widen(up_w)
            pid = os.fork()
        except OSError:
            return None
        if pid == 0:  # pragma: no cover - the helper; its coverage is not collected
            code = 0
            try:
                for fd in (down_w, up_r, *cls._ends):
                    os.close(fd)
                _run(work, Channel(down_r, up_w))
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(down_r)
        os.close(up_w)
        return cls(pid, Channel(up_r, down_w))

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

    def ready(self) -> bool:
        """True when `receive` would not wait."""
        return self.channel is not None and self.channel.ready()

    def send(self, obj: object) -> bool:
        if self.channel is None:
            return False
        try:
            self.channel.send(obj)
        except Exception:
            self.close()
            return False
        return True

    def close(self, wait: bool = True) -> int | None:
        """Hang up: a helper still reading or writing gets an end of file or
        a broken pipe and exits. Returns its exit status when reaped here.
        With `wait` False it is reaped only if it has already exited (a
        helper that has sent everything is still handing its memory back to
        the system, which need not hold this process up); a later `close`
        reaps it for good."""
        if self.channel is not None:
            self.channel.close()
            self.channel = None
            Helper._ends.difference_update(self.fds)
        return self._reap(wait)

    def _reap(self, wait: bool = True) -> int | None:
        if self.done:
            return None
        try:
            pid, status = os.waitpid(self.pid, 0 if wait else os.WNOHANG)
        except OSError:
            self.done = True
            return None
        if pid == 0:
            return None  # still exiting; reaped by the next close
        self.done = True
        return status


def _widen(fd: int) -> None:
    """Let the pipe hold a megabyte where the system allows it, so that a
    helper sending results seldom waits for this process to read them."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, AttributeError, OSError):
        pass


def _run(
    work: Callable[[Channel], object], channel: Channel
) -> None:  # pragma: no cover - runs in the helper
    channel.send(work(channel))
    channel.close()
