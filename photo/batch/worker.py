"""The unit of work, the same for a local process pool and a Dask worker.

:func:`check_input` reads one file, hashes the bytes, runs :func:`photo.check` on exactly
those bytes and returns an :class:`Outcome`: the result line (photo-check JSON schema plus
``application_id`` and ``sha256``) and the small files that go with it (thumbnails for the
report; fixed and annotated images when asked). Workers never write to OUT: the client
writes the files, then the line, so OUT only needs to be writable where the batch was
started, while the inputs must be readable on every worker.

It never raises for a bad photo: unreadable files, refused formats and even a bug in a
check become an error line, and the batch goes on.
"""

from __future__ import annotations

import datetime
import os
import signal
from dataclasses import dataclass, field

from photo.batch.errors import os_reason
from photo.batch.hashing import sha256_bytes, sha256_file
from photo.batch.inputs import BatchInput
from photo.batch.outdir import output_name
from photo.batch.thumbs import THUMB_PX, thumb_path, thumbnail_jpeg
from photo.models import reuse_freed_memory

#: Files above this size are not read into memory: the checker refuses them from their header.
READ_LIMIT_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Options:
    """What every task needs to know; small and picklable (sent with each task)."""

    profile: str = "mynumber-online"
    fix: bool = False
    annotate: bool = False
    thumbnails: bool = True
    chip: bool = False  # chip portraits (photo/batch/chip.py)
    on: str | None = None  # the day photos are judged on, YYYY-MM-DD (file.taken); None: today


@dataclass
class Outcome:
    key: tuple[str, str]
    record: dict
    files: dict[str, bytes] = field(default_factory=dict)  # path relative to OUT -> content


def init_process(options: Options | None = None, batch_pid: int | None = None, *,
                 ignore_sigint: bool = True) -> None:
    """Start-up of a worker process (local pool or Dask): Ctrl-C is the parent's business; the
    worker ends when the batch process ``batch_pid`` does (even by ``kill -9``); one core per
    worker, so OpenCV runs single-threaded; freed image memory is reused; the models load
    once, here."""
    if ignore_sigint:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    if batch_pid is not None:
        exit_with(batch_pid)
    reuse_freed_memory()
    import cv2

    cv2.setNumThreads(1)
    warm_up()


def exit_with(pid: int) -> None:
    """End this process as soon as process ``pid`` ends.

    A pool worker waits for work on a pipe whose writing end it holds itself, so it would
    wait forever once the batch process is killed; a daemon thread watches the batch process
    (a pidfd where the kernel has them, else a poll every second) and exits instead.
    """
    import threading

    def watch() -> None:
        try:
            fd = os.pidfd_open(pid)
        except (AttributeError, OSError):
            fd = None
        if fd is not None:
            import select

            select.select([fd], [], [])  # readable when the process has ended
        else:
            import time

            while True:
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                except PermissionError:
                    pass
                time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-batch", daemon=True).start()


def warm_up() -> float:
    """Load the checker's models in this process (they stay cached for every later task).

    :func:`photo.warm_up` holds back the native start-up chatter of TensorFlow Lite / mediapipe
    (written straight to file descriptor 2), so it does not break the progress bar; anything
    else written meanwhile (a warning of this worker's) still reaches stderr."""
    import photo

    return photo.warm_up()


def error_record(item: BatchInput, profile: str, code: str, message: str, sha256: str | None = None) -> dict:
    """A result line for an input that could not be checked."""
    return {"file": item.path, "application_id": item.application_id, "sha256": sha256,
            "passed": False, "profile": profile, "checks": [], "error": {"code": code, "message": message}}


def check_input(item: BatchInput, options: Options) -> Outcome:
    """Check one input; never raises for anything the input can cause."""
    try:
        size = os.stat(item.path).st_size
        if size > READ_LIMIT_BYTES:
            data, sha = None, sha256_file(item.path)
        else:
            with open(item.path, "rb") as f:
                data = f.read()
            sha = sha256_bytes(data)
    except OSError as err:
        return Outcome(item.key, error_record(item, options.profile, "input.unreadable",
                                              f"cannot read the file ({os_reason(err)})"))
    try:
        return _check_bytes(item, data if data is not None else item.path, sha, options)
    except Exception as err:  # a bug in a check must not stop a batch of thousands
        return Outcome(item.key, error_record(item, options.profile, "check.internal_error",
                                              f"the checker failed on this photo ({type(err).__name__})", sha))


def _check_bytes(item: BatchInput, source: bytes | str, sha: str | None, options: Options) -> Outcome:
    from photo import profile as profile_mod
    from photo.checker import analyse_and_check

    prof = profile_mod.get(options.profile)  # cached per process
    on = datetime.date.fromisoformat(options.on) if options.on else None
    analysis, report = analyse_and_check(source, prof, file=item.path, keep_bytes=options.fix, on=on)
    record = {"file": item.path, "application_id": item.application_id, "sha256": sha}
    record.update((k, v) for k, v in report.to_dict().items() if k != "file")
    files: dict[str, bytes] = {}
    # pictures are made only from the checker's own decoded pixels: a file it refused (a
    # decompression bomb, a HEIC) is never decoded here
    annotated = None
    if analysis is not None and options.annotate:
        from photo.annotate import draw

        annotated = draw(analysis, report, prof)
    if options.thumbnails and sha and analysis is not None and not report.passed:
        from photo.annotate import draw

        # without --annotate, the review image is drawn at thumbnail size only (a fraction of the cost)
        review = annotated if annotated is not None else draw(analysis, report, prof, max_px=THUMB_PX)
        for kind, picture in (("photo", analysis.rgb), ("annotated", review)):
            thumb = thumbnail_jpeg(picture, full_chroma=kind == "annotated")
            if thumb:
                files[thumb_path(sha, kind)] = thumb
    if options.annotate and annotated is not None:
        rel = output_name("annotated", item, ".png")
        files[rel] = _png(annotated)
        record["annotated"] = rel
    if options.fix and report.error is None and not report.passed:
        if report.fixable:
            from photo.correction import fix as fix_photo

            res = fix_photo(source, prof, analysis=analysis, report=report)  # no second analysis
            record["fixed"] = res.to_dict()
            if res.fixed and res.data:
                rel = output_name("fixed", item, ".jpg")
                files[rel] = res.data
                record["fixed"] = {"path": rel, **record["fixed"]}
        else:  # what photo.fix would answer
            bad = [c.id for c in report.failed if not c.fixable]
            record["fixed"] = {"fixed": False, "actions": [], "reason": "not fixable: " + ", ".join(bad),
                               "passed_after": None}
    if options.chip and analysis is not None and report.error is None:
        from photo.batch.chip import chip_outputs

        record["chip"], chip_files = chip_outputs(analysis, report, prof,
                                                  lambda folder, suffix: output_name(folder, item, suffix))
        files.update(chip_files)
    return Outcome(item.key, record, files)


def _png(image) -> bytes:
    """PNG without metadata; fast compression (a 1350 px annotation is ~1 MB either way)."""
    import io

    buf = io.BytesIO()
    image.save(buf, "PNG", compress_level=1)
    return buf.getvalue()
