"""The mediapipe models, loaded lazily once per process and reused by every check.

Three graphs from mediapipe 0.10.14 (bundled in the wheel, no download at run time):
face detection (full range, for counting faces anywhere in the frame), face mesh with
``refine_landmarks=True`` (478 points: 468 mesh + 10 iris) and selfie segmentation (the
person mask). ``import photo`` never imports mediapipe; :func:`warm_up` loads everything
eagerly (for worker processes).

The graphs are not thread-safe: calls are serialised by a lock (worker *processes* each
hold their own copy).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time

#: Native thread pools sized when numpy/OpenCV load. A process meant to use one core (a batch
#: worker, one of N service workers on N cores) sets these to 1 *before* those imports:
#: otherwise OpenBLAS threads spin after every call (measured: 25 % more CPU per photo).
NATIVE_THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def one_core_per_process_env() -> None:
    """Ask child processes started from now on for single-threaded BLAS/OpenMP (user values kept)."""
    for var in NATIVE_THREAD_ENV:
        os.environ.setdefault(var, "1")


#: glibc malloc settings for processes that check many photos (bytes): see :func:`reuse_freed_memory`.
MMAP_THRESHOLD = 32 * 1024 * 1024
TRIM_THRESHOLD = 128 * 1024 * 1024
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # from <malloc.h>


def reuse_freed_memory() -> bool:
    """Let this process reuse the memory of the big arrays each photo allocates and frees.

    A Dask nanny starts its worker with ``MALLOC_TRIM_THRESHOLD_=65536``, which also fixes
    glibc's mmap threshold at 128 KB: every image-sized array is then mmap-ed and returned to
    the system, and page faults double the CPU time per photo (measured: 0.27 s instead of
    0.12 s of task-thread CPU for a 1350 px photo). Even glibc's default (a threshold that
    adapts) costs ~10 % in a local worker. Photos of one size allocate the same arrays again
    and again, so they are kept in the heap instead (bounded: at most ``TRIM_THRESHOLD`` of
    free memory is kept). Called by every process that checks many photos: batch workers,
    the service's model runners, ``mynacard photo check``. Returns False where there is no
    glibc.
    """
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))


_lock = threading.RLock()
_models: dict[str, object] = {}
_started: set[str] = set()
load_seconds: float = 0.0


@contextlib.contextmanager
def _quiet_native_stderr():
    """Silence the C++ start-up chatter of TFLite/absl (fd 2) while a graph is built and first run.

    mediapipe's native code writes INFO/W0000 lines straight to file descriptor 2, which
    Python's logging cannot filter; they would land in every CLI run's output. Set
    MYNACARD_DEBUG=1 to keep them.
    """
    if os.environ.get("MYNACARD_DEBUG"):
        yield
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _mp():
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import mediapipe as mp
    return mp


def _get(name: str):
    global load_seconds
    m = _models.get(name)
    if m is not None:
        return m
    with _lock:
        m = _models.get(name)
        if m is not None:
            return m
        t = time.perf_counter()
        with _quiet_native_stderr():
            m = _build(name)
        _models[name] = m
        load_seconds += time.perf_counter() - t
        return m


def _build(name: str):
    mp = _mp()
    if name == "detector":
        return mp.solutions.face_detection.FaceDetection(model_selection=1, min_detection_confidence=0.5)
    if name == "mesh":
        return mp.solutions.face_mesh.FaceMesh(static_image_mode=True, max_num_faces=1, refine_landmarks=True,
                                               min_detection_confidence=0.3)
    if name == "segmenter":
        return mp.solutions.selfie_segmentation.SelfieSegmentation(model_selection=0)
    raise KeyError(name)  # pragma: no cover - programming error


def _process(name: str, rgb):
    import warnings

    with _lock, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = _get(name)
        if name in _started:
            return model.process(rgb)
        with _quiet_native_stderr():  # the first run prints the delegate/feedback lines
            result = model.process(rgb)
        _started.add(name)
        return result


def detect_faces(rgb):
    """Face detections on an RGB uint8 image: list of (score, x0, y0, x1, y1) in pixels."""
    h, w = rgb.shape[:2]
    res = _process("detector", rgb)
    out = []
    for d in res.detections or []:
        b = d.location_data.relative_bounding_box
        out.append((float(d.score[0]), b.xmin * w, b.ymin * h, (b.xmin + b.width) * w, (b.ymin + b.height) * h))
    return out


def face_mesh(rgb):
    """478 landmarks (x, y in pixels, z in pixels at the x scale) of the most prominent face, or None."""
    import numpy as np

    h, w = rgb.shape[:2]
    res = _process("mesh", rgb)
    if not res.multi_face_landmarks:
        return None
    lm = res.multi_face_landmarks[0].landmark
    pts = np.fromiter((c for p in lm for c in (p.x, p.y, p.z)), dtype=np.float64, count=3 * len(lm)).reshape(-1, 3)
    pts *= (w, h, w)
    return pts


def person_mask(rgb):
    """Person probability (float32 0-1, same size as ``rgb``) from selfie segmentation."""
    res = _process("segmenter", rgb)
    return res.segmentation_mask


def warm_up() -> float:
    """Load every model now (e.g. at the start of a worker process); returns seconds spent loading."""
    import numpy as np

    for name in ("detector", "mesh", "segmenter"):
        _get(name)
    blank = np.full((256, 256, 3), 128, np.uint8)
    detect_faces(blank)
    face_mesh(blank)
    person_mask(blank)
    return load_seconds
