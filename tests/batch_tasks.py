"""A small real task function of the tests' own, to exercise the batch plumbing (pools,
crashes, Dask) independently of the photo checker: it reads the file, hashes it and judges
one real property (each side at least 480 px). A file containing ``CRASH`` kills its
worker process, as a crash in native code would."""

from __future__ import annotations

import io
import os
import signal

from PIL import Image

from photo.batch.hashing import sha256_bytes
from photo.batch.worker import Outcome, error_record


def quiet_init(options=None, batch_pid=None) -> None:
    from photo.batch.worker import exit_with

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if batch_pid is not None:
        exit_with(batch_pid)


def size_task(item, options) -> Outcome:
    try:
        with open(item.path, "rb") as f:
            data = f.read()
    except OSError as err:
        return Outcome(item.key, error_record(item, options.profile, "input.unreadable", err.strerror or "?"))
    if b"CRASH" in data:
        os._exit(3)
    sha = sha256_bytes(data)
    try:
        w, h = Image.open(io.BytesIO(data)).size
    except Exception:
        return Outcome(item.key, error_record(item, options.profile, "input.not_image", "not an image", sha))
    ok = min(w, h) >= 480
    check = {"id": "image.dimensions", "passed": ok, "value": [w, h], "limit": 480,
             "message": "画像が小さすぎます" if not ok else "", "message_en": "too small" if not ok else ""}
    record = {"file": item.path, "application_id": item.application_id, "sha256": sha, "passed": ok,
              "profile": options.profile, "checks": [check], "error": None}
    return Outcome(item.key, record, {})


def make_images(folder, sizes):
    """Write one small JPEG per (name, (w, h)) into ``folder``; returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, (name, size) in enumerate(sizes):
        p = folder / name
        Image.new("RGB", size, (40 * i % 255, 120, 200)).save(p, "JPEG", quality=80)
        paths.append(p)
    return paths


def model_ids() -> dict[str, int]:
    """Which model objects this process holds (to see that a worker loads them once)."""
    from photo import models

    return models.loaded()
