"""``OUT/results.jsonl``: the batch's only record of what is done, append-only.

Guarantees (one writer: the process that holds ``OUT/.lock``):

- Every result is written with a single ``os.write`` of one whole line to a file opened
  with ``O_APPEND`` (no user-space buffer), so a process killed with ``kill -9`` loses
  nothing it had written; only the photos still in flight are missing.
- The file is ``fsync``-ed at most ``fsync_interval_s`` seconds after a write (and on
  close), so a power cut loses at most that many seconds of results; 0 syncs every line.
- On open, a torn last line (a write cut short by a crash, disk full...) is truncated away,
  and the index of finished inputs is read: key (application_id, file) -> SHA-256.
- :meth:`ResultStore.retire` removes the lines of inputs about to be checked again (their
  file changed, or their earlier attempt could not read it), together with any line that
  does not parse and any repeated key, by rewriting the file atomically (temp file,
  fsync, rename). So after a run every input has exactly one line.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from photo.batch.errors import BatchError, os_reason

RESULTS = "results.jsonl"
LOCK = ".lock"


#: Error codes that say nothing about the photo (a worker died, a bug in a check, an output
#: file OUT would not take): such an input is never "done", so the next run checks it again.
RETRY_CODES = frozenset({"batch.worker_crashed", "check.internal_error", "batch.output_file"})


def _done_sha(record: dict) -> str | None:
    """The SHA-256 that makes this line count as done, or None when its input must be retried."""
    error = record.get("error") or {}
    return None if error.get("code") in RETRY_CODES else record.get("sha256")


def record_key(record: dict) -> tuple[str, str]:
    """The identity of a result line: (application_id or "", file)."""
    return (record.get("application_id") or "", record["file"])


@dataclass
class OpenInfo:
    lines: int = 0  # good lines found
    torn_bytes: int = 0  # bytes of a torn last line cut away
    bad_lines: int = 0  # lines that do not parse (removed at the next rewrite)
    repeated: int = 0  # lines whose key appears again later (removed at the next rewrite)


class ResultStore:
    """Append-only results file with a resume index; use as a context manager."""

    def __init__(self, out_dir: str | Path, *, fsync_interval_s: float = 1.0):
        self.out = Path(out_dir)
        self.path = self.out / RESULTS
        self.fsync_interval_s = fsync_interval_s
        self.index: dict[tuple[str, str], str | None] = {}
        self.info = OpenInfo()
        self._fd: int | None = None
        self._lock_fd: int | None = None
        self._last_sync = 0.0
        self._dirty = False
        self._unsynced = False

    # -- opening -------------------------------------------------------------------------
    def __enter__(self) -> ResultStore:
        self.open()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def open(self) -> OpenInfo:
        """Lock OUT, repair a torn last line, read the index, open for appending. An OUT that
        cannot be written or read is a :class:`BatchError` (``batch.output``)."""
        try:
            self.out.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise BatchError(f"{self.out}: cannot create the output folder ({os_reason(err)})",
                             code="batch.output") from None
        try:
            self._lock_fd = os.open(self.out / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as err:
            raise BatchError(f"{self.out / LOCK}: cannot open the output folder's lock file ({os_reason(err)})",
                             code="batch.output") from None
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock_fd)
            self._lock_fd = None
            raise BatchError(f"{self.out}: another batch is writing to this folder", code="batch.output_busy") from None
        self.info = OpenInfo()
        try:
            # opened first: a results.jsonl that cannot be appended to is refused before it is changed
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            self.info.torn_bytes = repair_torn_tail(self.path)
            self._read_index()
        except OSError as err:
            self.close()
            raise BatchError(f"{self.path}: cannot open the results ({os_reason(err)})", code="batch.output") from None
        _fsync_dir(self.out)
        self._last_sync = time.monotonic()
        return self.info

    def _read_index(self) -> None:
        self.index.clear()
        for _, record in self._lines():
            if record is None:
                self.info.bad_lines += 1
                continue
            key = record_key(record)
            if key in self.index:
                self.info.repeated += 1
            self.index[key] = _done_sha(record)
            self.info.lines += 1
        self._dirty = bool(self.info.bad_lines or self.info.repeated)

    def _lines(self) -> Iterator[tuple[bytes, dict | None]]:
        """(raw line, parsed record or None when it does not parse) for every line."""
        if not self.path.exists():
            return
        with open(self.path, "rb") as f:
            for raw in f:
                yield raw, _parse(raw)

    # -- resume --------------------------------------------------------------------------
    def is_done(self, key: tuple[str, str], sha256: str | None) -> bool:
        """True when ``key`` has a line for exactly this content (an unread file, a crashed worker
        or a checker bug never count)."""
        return sha256 is not None and key in self.index and self.index[key] == sha256

    def retire(self, keys: Iterable[tuple[str, str]]) -> int:
        """Remove the lines of ``keys`` (and bad or repeated lines) by an atomic rewrite.

        Returns the number of lines removed. Nothing is rewritten when nothing needs removing.
        """
        drop = {k for k in keys if k in self.index}
        if not drop and not self._dirty:
            return 0
        tmp = self.path.with_name(RESULTS + ".rewrite")
        last_line: dict[tuple[str, str], int] = {}
        for n, (_, record) in enumerate(self._lines()):
            if record is not None:
                last_line[record_key(record)] = n
        removed = 0
        try:
            with open(tmp, "wb") as out:
                for n, (raw, record) in enumerate(self._lines()):
                    if record is None or last_line[record_key(record)] != n or record_key(record) in drop:
                        removed += 1
                        continue
                    out.write(raw)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
            _fsync_dir(self.out)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as err:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise BatchError(f"{self.path}: cannot rewrite the results ({os_reason(err)})", code="batch.output") from None
        assert self._fd is not None
        os.close(self._fd)  # the replaced file's
        self._fd = fd
        for k in drop:
            del self.index[k]
        self._dirty = False
        return removed

    # -- writing -------------------------------------------------------------------------
    def append(self, record: dict) -> None:
        """Write one result line (whole, in one write); sync when the interval has passed."""
        if self._fd is None:
            raise RuntimeError("store is not open")
        key = record_key(record)
        if key in self.index:
            raise RuntimeError("a result for this input is already stored")  # a bug in the caller
        line = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        with _signals_held():
            try:
                view = memoryview(line)
                while view:
                    n = os.write(self._fd, view)
                    view = view[n:]
            except OSError as err:
                raise BatchError(f"{self.path}: cannot write results ({os_reason(err)})", code="batch.output") from None
        self.index[key] = _done_sha(record)
        self._unsynced = True
        if time.monotonic() - self._last_sync >= self.fsync_interval_s:
            self.sync()

    def sync(self) -> None:
        if self._fd is not None and self._unsynced:
            try:
                os.fsync(self._fd)
            except OSError as err:
                raise BatchError(f"{self.path}: cannot write results ({os_reason(err)})", code="batch.output") from None
            self._unsynced = False
        self._last_sync = time.monotonic()

    def close(self) -> None:
        try:
            if self._fd is not None:
                self.sync()
        finally:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
            if self._lock_fd is not None:
                os.close(self._lock_fd)  # releases the flock
                self._lock_fd = None

    def records(self) -> Iterator[dict]:
        """Every good record, in file order."""
        for _, record in self._lines():
            if record is not None:
                yield record


def read_records(out_dir: str | Path) -> Iterator[dict]:
    """Every parseable line of ``OUT/results.jsonl`` (for summaries and reports)."""
    path = Path(out_dir) / RESULTS
    if not path.exists():
        return
    with open(path, "rb") as f:
        for raw in f:
            record = _parse(raw)
            if record is not None:
                yield record


def repair_torn_tail(path: Path) -> int:
    """Cut a last line that lacks its newline; returns the number of bytes removed."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return 0
    if size == 0:
        return 0
    with open(path, "rb+") as f:
        f.seek(size - 1)
        if f.read(1) == b"\n":
            return 0
        # walk back to the last newline
        pos, block = size, 1 << 16
        keep = 0
        while pos > 0:
            start = max(0, pos - block)
            f.seek(start)
            chunk = f.read(pos - start)
            i = chunk.rfind(b"\n")
            if i >= 0:
                keep = start + i + 1
                break
            pos = start
        f.truncate(keep)
        f.flush()
        os.fsync(f.fileno())
    return size - keep


def _parse(raw: bytes) -> dict | None:
    try:
        record = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(record, dict) or not isinstance(record.get("file"), str):
        return None
    return record


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _signals_held():
    """Hold SIGINT/SIGTERM while a line is written, so no handler can cut it in two."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    sigs = {signal.SIGINT, signal.SIGTERM}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, sigs)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
