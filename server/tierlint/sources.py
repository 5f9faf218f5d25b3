"""Reading and writing backlog files without losing a byte.

Text is decoded as UTF-8 (a BOM is remembered and written back); line endings
are kept as they are. Writes go to a temporary file in the same folder that is
then renamed over the original, so a file is either fully written or untouched.
"""

from __future__ import annotations

import contextlib
import os
import stat

from .records import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .cache import StrPath

BOM = "\ufeff"
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
SKIP_DIRS = {
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    ".venv",
    "venv",
    "__pycache__",
    ".tox",
    ".mypy_cache",
    ".ruff_cache",
}


class SourceError(Exception):
    """A file that cannot be read as a backlog; the message names it and why."""


class Source(NamedTuple):
    path: str
    text: str
    bom: bool


def decode(data: bytes, path: str) -> Source:
    if b"\x00" in data[:8192]:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise SourceError(f"{path}:{line}: looks like a binary file (NUL byte); skipped")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SourceError(
            f"{path}:{line}:{col}: not valid UTF-8 (byte 0x{data[exc.start]:02x}); "
            "tierlint reads UTF-8 markdown, re-save the file as UTF-8"
        ) from None
    bom = text.startswith(BOM)
    return Source(path, text[1:] if bom else text, bom)


def read(path: StrPath, display: str | None = None) -> Source:
    name = display or os.fspath(path)
    try:
        mode = os.stat(path).st_mode
    except RuntimeError:
        raise SourceError(f"{name}: symlink loop") from None
    except OSError as exc:
        if exc.errno == 40:  # ELOOP
            raise SourceError(f"{name}: symlink loop") from None
        if isinstance(exc, FileNotFoundError):
            raise SourceError(f"{name}: no such file (or a broken symlink)") from None
        raise SourceError(f"{name}: cannot read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(mode):
        raise SourceError(f"{name}: is a directory")
    if not stat.S_ISREG(mode):
        raise SourceError(f"{name}: not a regular file (a pipe, socket or device); skipped")
    try:
        with open(path, "rb") as f:
            data = f.read()
    except IsADirectoryError:
        raise SourceError(f"{name}: is a directory") from None
    except FileNotFoundError:
        raise SourceError(f"{name}: no such file") from None
    except PermissionError:
        raise SourceError(f"{name}: permission denied") from None
    except OSError as exc:
        raise SourceError(f"{name}: cannot read: {exc.strerror or exc}") from None
    return decode(data, name)


def encode(source: Source, text: str) -> bytes:
    return ((BOM if source.bom else "") + text).encode("utf-8", errors="surrogatepass")


def write_atomic(path: StrPath, data: bytes) -> None:
    """Write via a temporary file and rename, keeping the file's permissions. A
    symlink stays a symlink: its target is what gets rewritten."""
    path = os.path.realpath(path)
    directory, base = os.path.split(path)
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mode = None
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=f".{base}.", suffix=".tierlint", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def clean_path(path: str) -> str:
    """`path` as pathlib writes it: no `.` parts and no doubled or trailing
    separators (`./docs//x.md` is `docs/x.md`), `..` kept. tierlint names
    files this way without importing pathlib, which with what it imports
    costs a sixth of the CLI's start."""
    if os.name == "nt":  # drives and UNC names: the system's own rule
        return os.path.normpath(path) if path else "."
    root = (
        "//" if path.startswith("//") and not path.startswith("///") else "/" if path.startswith("/") else ""
    )
    return root + "/".join([p for p in path.split("/") if p and p != "."]) or "."


def walk(root: StrPath) -> list[str]:
    """Markdown files under `root`, sorted; hidden and vendored folders are
    skipped and symlinked folders are not followed (so loops cannot hang)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(filenames):
            if name.lower().endswith(MARKDOWN_SUFFIXES):
                path = clean_path(os.path.join(dirpath, name))
                try:
                    if not stat.S_ISREG(os.stat(path).st_mode):
                        continue  # a pipe or device would block reading
                except (OSError, RuntimeError):
                    pass  # a symlink loop or a dangling link: reading it reports the problem
                found.append(path)
    return found
