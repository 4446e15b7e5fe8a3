"""Output files: whole or absent, never half-written, and errors with a stable code.

:func:`write_atomic` writes into a hidden temporary file beside the target, flushes it to
disk and renames it over the target (``os.replace``, atomic on POSIX and Windows): a reader,
a crash or a ``kill -9`` sees the old file or the new one, never a prefix. Files get the
permissions an ordinary ``open()`` would give (0666 minus the umask).

A folder or file that cannot be created raises :class:`OutputError` (``output.unwritable``),
which the CLI prints as one line with exit status 2.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

TEMP_PREFIX = ".mynacard-"
TEMP_SUFFIX = ".part"


class OutputError(Exception):
    """An output folder or file that cannot be written (not a folder, no permission, disk full)."""

    code = "output.unwritable"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


def _reason(err: OSError) -> str:
    return err.strerror or type(err).__name__


def _read_umask() -> int:
    """The process umask, read without changing it where the system says it (Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o22)  # once, at import: setting it is not thread-safe
    os.umask(mask)
    return mask


_UMASK = _read_umask()


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """True when ``a`` and ``b`` name one file (the same inode when both exist, else the same
    resolved path): an output that would be written over an input."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return Path(a).resolve() == Path(b).resolve()


def ensure_dir(path: str | os.PathLike) -> Path:
    """Create ``path`` (and its parents) when missing; :class:`OutputError` when it cannot be a folder."""
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"{path}: exists and is not a folder") from None
    except OSError as err:
        raise OutputError(f"{path}: cannot create the folder ({_reason(err)})") from None
    if not path.is_dir():
        raise OutputError(f"{path}: exists and is not a folder")
    return path


def write_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` all at once (temporary file + rename); :class:`OutputError` on failure."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path}: a folder is in the way of the output file")
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
    except OSError as err:
        raise OutputError(f"{path.parent}: cannot write there ({_reason(err)})") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write the file ({_reason(err)})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
