"""Output files: whole or absent, never half-written, and errors with a stable code.

:func:`write_atomic` writes into a hidden temporary file beside the target, flushes it to
disk and renames it over the target (``os.replace``, atomic on POSIX and Windows): a reader,
a crash or a ``kill -9`` sees the old file or the new one, never a prefix. Files get the
permissions an ordinary ``open()`` would give (0666 minus the umask).

A folder or file that cannot be created raises :class:`OutputError` (``output.unwritable``),
which the CLI prints as one line with exit status 2.

:class:`OutputNames` names the files a command writes into a folder the user chose
(``photo check --fix DIR``, ``--annotate DIR``, ``photo chip -o DIR``): never over an input
photo or another output of the run, and never over a file already there unless the user
asked for that (``--overwrite``): such a name becomes ``NAME-2.ext``, ``NAME-3.ext`` ...
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterable
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


def write_atomic(path: str | os.PathLike, data: bytes, *, replace: bool = True) -> Path:
    """Write ``data`` to ``path`` all at once (temporary file + rename); :class:`OutputError` on failure.

    ``replace=False``: never over a file that is there, even one made a moment ago by another
    program (the temporary file is linked to the name, which fails when the name exists; where
    the file system has no links, the name is looked up just before the rename): such a file is
    kept and :class:`OutputError` ``output.exists`` raised."""
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
        if replace or not _link_new(tmp, path):
            os.replace(tmp, path)
    except FileExistsError:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path}: a file of this name appeared while it was written; it is kept",
                          code="output.exists") from None
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write the file ({_reason(err)})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


#: errno of a hard link the file system does not make (FAT, exFAT, some network and FUSE mounts)
_NO_LINKS = frozenset({errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS, errno.EMLINK, errno.EXDEV})


def _link_new(tmp: str, path: Path) -> bool:
    """Give the written temporary file the name ``path`` only if no file has it (FileExistsError
    else); False when the file system makes no links and nothing was done (``path`` was free a
    moment ago, the caller renames)."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError as err:
        if err.errno not in _NO_LINKS:
            raise
        if os.path.lexists(path):
            raise FileExistsError(errno.EEXIST, "File exists", str(path)) from None
        return False
    os.unlink(tmp)
    return True


class OutputNames:
    """The names of one run's output files: the name asked for, or ``NAME-2.ext``, ``NAME-3.ext``
    ... when it is taken. Taken: one of the run's ``inputs`` (resolved: a link to an input is
    the input), an output this run named already, a folder, or (unless ``overwrite``) any file
    already there, so that a file the run did not write is never replaced unasked.

    :meth:`write` names and writes one file (or a file and its ``siblings``, the same name with
    other suffixes, all renamed together) and returns the name used."""

    def __init__(self, inputs: Iterable[str | os.PathLike] = (), *, overwrite: bool = False):
        self.overwrite = overwrite
        self._taken = {Path(p).resolve() for p in inputs}

    def claim(self, path: str | os.PathLike, siblings: tuple[str, ...] = ()) -> Path:
        """The first free name of ``path``, ``NAME-2.ext`` ... (with its siblings' names), reserved for this run."""
        path = Path(path)
        out, i = path, 2
        while any(self._is_taken(p) for p in _with_siblings(out, siblings)):
            out = path.with_name(f"{path.stem}-{i}{path.suffix}")
            i += 1
        self._taken.update(p.resolve() for p in _with_siblings(out, siblings))
        return out

    def _is_taken(self, p: Path) -> bool:
        return p.resolve() in self._taken or p.is_dir() or (not self.overwrite and os.path.lexists(p))

    def write(self, path: str | os.PathLike, data: bytes) -> Path:
        """Write a file named by :meth:`claim` (never over a file that appeared since, unless ``overwrite``)."""
        return write_atomic(path, data, replace=self.overwrite)


def _with_siblings(path: Path, siblings: tuple[str, ...]) -> list[Path]:
    return [path, *(path.with_suffix(s) for s in siblings)]
