"""One batch from start to finish: inputs -> resume plan -> runner -> results.jsonl ->
summary.csv and report.html.

The process that runs this is the only writer of OUT. For each finished photo it writes
the photo's small files (thumbnails, fixed and annotated images; each atomically), then
its result line; so a line never points at a file that is not there.

Stopping: the first SIGINT (Ctrl-C) or SIGTERM stops sending work, lets the photos in
flight finish and be written, writes summary.csv and report.html and returns with
``interrupted=True``. A second Ctrl-C abandons the photos in flight at once (raising
KeyboardInterrupt); what was written stays, and a rerun resumes.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from photo.batch.errors import BatchError, os_reason
from photo.batch.hashing import sha256_file
from photo.batch.inputs import IMAGE_EXTENSIONS, BatchInput, collect
from photo.batch.outdir import FileWriteError, distinct_names, write_files
from photo.batch.progress import BatchProgress
from photo.batch.store import LOCK, RESULTS, ResultStore, read_records
from photo.batch.summary import write_summary
from photo.batch.worker import Options, Outcome, error_record

log = logging.getLogger(__name__)

JOB_FILE = "batch.json"


@dataclass
class BatchConfig:
    source: str | Path
    out: str | Path
    profile: str = "mynumber-online"
    workers: int | None = None  # local processes; None: one per core
    fix: bool = False
    annotate: bool = False
    chip: bool = False  # chip portraits to OUT/chip/ (photo/batch/chip.py)
    scheduler: str | None = None  # tcp://HOST:PORT of a Dask scheduler
    progress: bool = True
    fsync_interval_s: float = 1.0
    csv_bom: bool = True  # summary.csv starts with a UTF-8 BOM so that Excel reads it as UTF-8
    report_lang: str = "ja"  # report.html opens in Japanese ("ja") or English ("en")
    manifest_encoding: str | None = None  # None: UTF-8 (BOM or not) or CP932, detected
    on: datetime.date | None = None  # the day photos are judged on (file.taken); None: the day the batch began


@dataclass
class BatchResult:
    inputs: int = 0  # distinct inputs named by INPUT
    skipped: int = 0  # already done (same path and SHA-256) before this run
    checked: int = 0  # results written by this run
    passed: int = 0  # over every line in results.jsonl
    failed: int = 0
    errors: int = 0
    interrupted: bool = False
    seconds: float = 0.0
    runner: str = ""
    notes: list[str] = field(default_factory=list)
    out: Path = Path()

    @property
    def rate(self) -> float:
        return self.checked / self.seconds if self.seconds > 0 else 0.0


def _check_job_file(out: Path, source: str, profile: str, on: datetime.date | None = None) -> datetime.date:
    """OUT belongs to one INPUT, one profile and one day the photos are judged on: refuse to mix
    results of different jobs. Returns that day: ``on``, else the one the batch began with (a
    batch resumed the next day judges the photos' age as its first run did), else today."""
    path = out / JOB_FILE
    if path.exists():
        try:
            job = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            job = {}
        if job.get("input") not in (None, source) or job.get("profile") not in (None, profile):
            raise BatchError(f"{out} holds the results of another batch (input {job.get('input')}, profile "
                             f"{job.get('profile')}); choose another -o folder", code="batch.output_mismatch")
        try:
            began = datetime.date.fromisoformat(job["on"]) if isinstance(job.get("on"), str) else None
        except ValueError:
            began = None
        if on is not None and began is not None and on != began:
            raise BatchError(f"{out} holds the results of a batch judged on {began} (--on {on} given); rerun "
                             "without --on, or choose another -o folder", code="batch.output_mismatch")
        if began is not None:
            return began
        # a batch begun before the day was recorded: the day it is resumed on is kept from now on
    day = on or datetime.date.today()
    tmp = path.with_name(JOB_FILE + ".tmp")
    try:
        tmp.write_text(json.dumps({"input": source, "profile": profile, "on": day.isoformat()}, ensure_ascii=False,
                                  indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError as err:
        raise BatchError(f"{path}: cannot write the file ({os_reason(err)})", code="batch.output") from None
    return day


#: The files of OUT itself (each replaced whole, or appended to: results.jsonl).
OUT_FILES = (RESULTS, "summary.csv", "report.html", JOB_FILE, LOCK)


def _check_writable(out: Path, folders: tuple[str, ...]) -> None:
    """Refuse an existing OUT this process cannot write before anything is done or written: a
    folder in the way of one of its files, OUT or one of its existing ``folders`` (thumbs/,
    annotated/...) where no file can be made, a results.jsonl that cannot be appended to.
    (A new OUT is made by the store, which refuses one that cannot be made.)"""
    if not out.exists():
        return
    if not out.is_dir():
        raise BatchError(f"{out}: exists and is not a folder; choose another -o folder", code="batch.output")
    for name in OUT_FILES:
        if (out / name).is_dir():
            raise BatchError(f"{out / name}: a folder is in the way of the batch's file; remove it or choose "
                             "another -o folder", code="batch.output")
    for folder in (out, *(out / f for f in folders)):
        if folder != out and not folder.exists():
            continue
        if not folder.is_dir():
            raise BatchError(f"{folder}: a file is in the way of the batch's folder; remove it or choose "
                             "another -o folder", code="batch.output")
        try:
            fd, probe = tempfile.mkstemp(dir=folder, prefix=".mynacard-", suffix=".part")
            os.close(fd)
            os.unlink(probe)
        except OSError as err:
            raise BatchError(f"{folder}: cannot write there ({os_reason(err)})", code="batch.output") from None
    if (out / RESULTS).exists():
        try:
            os.close(os.open(out / RESULTS, os.O_WRONLY | os.O_APPEND))
        except OSError as err:
            raise BatchError(f"{out / RESULTS}: cannot append to the results ({os_reason(err)})",
                             code="batch.output") from None


def _plan(items: list[BatchInput], store: ResultStore) -> tuple[list[BatchInput], list[tuple[str, str]], int]:
    """(inputs to check, keys whose old line must go, number already done).

    Only inputs that already have a line are hashed here (in threads: hashing releases the GIL);
    new inputs are hashed by the worker that checks them.
    """
    seen = [i for i in items if i.key in store.index]
    shas: dict[tuple[str, str], str | None] = {}
    with ThreadPoolExecutor(8) as ex:
        for start in range(0, len(seen), 4096):  # in chunks: a million futures at once is a lot of memory
            chunk = seen[start:start + 4096]
            shas.update(zip((i.key for i in chunk), ex.map(lambda i: sha256_file(i.path), chunk), strict=True))
    todo, retire, done = [], [], 0
    for item in items:
        if item.key in shas and store.is_done(item.key, shas[item.key]):
            done += 1
            continue
        if item.key in store.index:
            retire.append(item.key)  # changed since, or not read last time: check again
        todo.append(item)
    return todo, retire, done


class _Stopper:
    """SIGINT/SIGTERM -> ``event``; a second SIGINT raises KeyboardInterrupt."""

    def __init__(self):
        self.event = threading.Event()
        self._old: dict[int, object] = {}

    def _handle(self, signum, frame) -> None:
        if self.event.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        self.event.set()

    def __enter__(self) -> _Stopper:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._old[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)


def run_batch(config: BatchConfig, *, runner=None, echo: Callable[[str], None] | None = None) -> BatchResult:
    """Run (or resume) a batch. ``runner`` defaults to local processes, or Dask with ``scheduler``.

    Raises :class:`BatchError` when the batch cannot start (``batch.empty``: INPUT names no
    photo; a bad manifest; an OUT that cannot be written ...) or OUT cannot be written later."""
    say = echo or (lambda msg: None)
    out = Path(config.out).expanduser().resolve()
    inputs = collect(config.source, exclude=out, encoding=config.manifest_encoding)
    if not inputs.items:  # nothing to check is a mistake in INPUT, not a batch that passed
        where = (f"{inputs.source}: no photos in the folder (searched for {' '.join(sorted(IMAGE_EXTENSIONS))})"
                 if inputs.kind == "folder" else f"{inputs.source}: the manifest lists no photos (no application_id,"
                 "path row below its header)")
        raise BatchError(where, code="batch.empty")
    result = BatchResult(inputs=len(inputs.items), notes=list(inputs.notes), out=out)
    inputs.items, renamed = distinct_names(inputs.items)
    if renamed and (config.fix or config.annotate or config.chip):
        result.notes.append(f"{renamed} photo(s) would have shared an output file with another; their files in "
                            "fixed/, annotated/ and chip/ get ~ and 12 hex digits of a hash (the same on every run)")
    _check_writable(out, ("thumbs", *(name for name, on in (("annotated", config.annotate), ("fixed", config.fix),
                                                            ("chip", config.chip)) if on)))
    with ResultStore(out, fsync_interval_s=config.fsync_interval_s) as store:
        day = _check_job_file(out, inputs.source, config.profile, config.on)
        options = Options(profile=config.profile, fix=config.fix, annotate=config.annotate, chip=config.chip,
                          on=day.isoformat())
        if store.info.torn_bytes:
            result.notes.append(f"repaired results.jsonl: cut a torn last line of {store.info.torn_bytes} bytes")
        todo, retire, result.skipped = _plan(inputs.items, store)
        removed = store.retire(retire)
        if removed:
            result.notes.append(f"removed {removed} stale line(s) from results.jsonl (file changed, "
                                "unreadable before, unparsable or repeated); their inputs are checked again")
        for note in result.notes:
            say(note)
        if result.skipped:
            say(f"resuming: {result.skipped} of {result.inputs} photo(s) already done")
        if runner is None:
            runner = _default_runner(config, len(todo))
        start = time.monotonic()

        with _Stopper() as stopper, BatchProgress(len(todo), enabled=config.progress) as progress:
            told = False
            for outcome in runner.run(todo, options, stopper.event) if todo else ():
                _store_outcome(out, store, outcome)
                result.checked += 1
                progress.advance()
                if stopper.event.is_set() and not told:  # said here, not in the signal handler
                    progress.note("stopping: finishing the photos in flight (Ctrl-C again to abandon them)", say)
                    told = True
            result.interrupted = stopper.event.is_set() and result.checked < len(todo)
        result.seconds = time.monotonic() - start
        result.runner = runner.description  # a Dask runner learns the cluster's size on connecting
    finish(out, result, csv_bom=config.csv_bom, report_lang=config.report_lang)
    return result


def _default_runner(config: BatchConfig, todo: int):
    if config.scheduler:
        from photo.batch.run_dask import DaskRunner

        return DaskRunner(config.scheduler)
    from photo.batch.run_local import LocalRunner, default_workers

    # no more worker processes than photos: each one loads the models
    return LocalRunner(max(1, min(config.workers or default_workers(), todo)))


def _store_outcome(out: Path, store: ResultStore, outcome: Outcome) -> None:
    """The photo's files, then its line. A file that cannot be written because of the photo's own
    names makes the line an error (``batch.output_file``, retried by the next run) and the batch
    goes on; any other failure to write OUT stops the batch."""
    record = outcome.record
    if outcome.files:
        try:
            write_files(out, outcome.files)
        except FileWriteError as err:
            if not err.of_this_photo:
                raise BatchError(f"{out}: cannot write output files ({err.reason})", code="batch.output") from None
            item = BatchInput(path=record["file"], application_id=record.get("application_id"))
            record = error_record(item, record.get("profile") or "", "batch.output_file",
                                  f"cannot write {err.rel} in the output folder ({err.reason})", record.get("sha256"))
    store.append(record)


def finish(out: Path, result: BatchResult, *, csv_bom: bool = True, report_lang: str = "ja") -> None:
    """Write summary.csv and report.html from every line of results.jsonl; count outcomes."""
    from photo.batch.report import write_report

    try:
        rows = write_summary(read_records(out), out / "summary.csv", bom=csv_bom)
        result.passed = sum(r.result == "pass" for r in rows)
        result.failed = sum(r.result == "fail" for r in rows)
        result.errors = sum(r.result == "error" for r in rows)
        write_report(read_records(out), out, lang=report_lang)
    except OSError as err:
        raise BatchError(f"{out}: cannot write summary.csv and report.html ({os_reason(err)}); every result is kept "
                         "in results.jsonl, and a rerun writes them", code="batch.output") from None
