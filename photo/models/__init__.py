"""The face models, loaded lazily once per process from files shipped in this package.

MediaPipe Tasks (mediapipe 1.2.x) runs two models on the CPU, onnxruntime a third; nothing is downloaded:

* ``face_landmarker.task``: the Face Landmarker (its own BlazeFace detector, then the 478-point
  mesh with irises, the 52 ARKit-style blendshapes and the facial transformation matrix). It
  runs with ``num_faces`` = :data:`MAX_FACES`, so a second face in the frame is counted.
* ``selfie_segmentation.tflite``: the ImageSegmenter with the general selfie segmentation model
  (person probability 0-1).
* ``modnet.onnx``: MODNet portrait matting (a hair-level alpha matte), run by onnxruntime on one
  core only where the selfie mask is unsure of the person's outline (:func:`portrait_matte`).

Each file is checked against ``manifest.toml`` (size and SHA-256) before it is handed to
MediaPipe: a missing file raises :class:`ModelError` ``model.missing``, an altered one
``model.corrupt``. ``import photo`` never imports mediapipe; :func:`warm_up` loads everything
eagerly (for worker processes). The Tasks objects are closed by :func:`close`, which runs at
interpreter exit too (an unclosed task prints tracebacks while the interpreter shuts down).

The tasks are not thread-safe: calls are serialised by a lock (worker *processes* each hold
their own copy).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import sys
import tempfile
import threading
import time
import tomllib
from dataclasses import dataclass
from importlib import resources

from photo.errors import PhotoError

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
    the service's model runners, ``mynacard photo check``. Also caps the malloc arenas
    (:func:`few_malloc_arenas`). Returns False where there is no glibc.
    """
    mallopt = _mallopt()
    if mallopt is None:
        return False
    few_malloc_arenas()
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))


@functools.cache
def _mallopt():
    """glibc's ``mallopt`` (int param, int value -> 1 on success), or None where there is no glibc."""
    import ctypes
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt
    except (OSError, AttributeError):
        return None


#: glibc malloc arenas a process that checks photos keeps: see :func:`few_malloc_arenas`.
MALLOC_ARENAS = 2
_M_ARENA_MAX = -8  # from <malloc.h>


def few_malloc_arenas() -> bool:
    """Cap this process's glibc malloc arenas at :data:`MALLOC_ARENAS`.

    glibc gives each thread that allocates an arena of its own (up to 8 per core), and each
    arena reserves 64 MB of address space. The model runtimes start a dozen threads
    (MediaPipe's, onnxruntime's, OpenBLAS's: 14 after :func:`warm_up`), so a process that had
    loaded the models held 1.65 GB of address space for 0.44 GB resident, and under a 2 GiB
    ``ulimit -v`` (``bench/robustness.py``'s limit) the service could not start a thread or
    decode a large photo. With two arenas it holds 1.2 GB (1.0 GB with single-threaded BLAS as
    well, :func:`one_core_per_process_env`). A process checks one photo at a time, so only the
    threads of one model call share the arenas (``bench/photo_speed.py``: the check's time
    relative to the floor within the run-to-run spread). Called by :func:`reuse_freed_memory`
    and at the start of the ``mynacard`` command; to take effect for the models' threads it must
    run before the models load. Returns False where there is no glibc."""
    mallopt = _mallopt()
    return mallopt is not None and bool(mallopt(_M_ARENA_MAX, MALLOC_ARENAS))


_lock = threading.RLock()
_models: dict[str, object] = {}
_started: set[str] = set()
load_seconds: float = 0.0

#: Every model this module loads, by manifest name.
MODEL_NAMES = ("face_landmarker", "selfie_segmentation", "modnet")
#: Faces the landmarker looks for: the main face plus enough to count a second and a third.
MAX_FACES = 3
#: Detector and landmark-presence confidences (MediaPipe's defaults are 0.5).
MIN_FACE_CONFIDENCE = 0.5


class ModelError(PhotoError):
    """A shipped model file that is missing or altered (an installation problem, not the photo's)."""

    code = "model.missing"


def manifest() -> dict[str, dict]:
    """The shipped models: name -> file, bytes, sha256, licence, author, what, source."""
    with resources.files("photo.models").joinpath("manifest.toml").open("rb") as f:
        return tomllib.load(f)


def model_bytes(name: str) -> bytes:
    """The verified content of one shipped model file (size and SHA-256 against the manifest)."""
    entry = manifest()[name]
    ref = resources.files("photo.models").joinpath(entry["file"])
    try:
        data = ref.read_bytes()
    except (FileNotFoundError, IsADirectoryError, PermissionError) as e:
        raise ModelError(f"model file {entry['file']} is missing from the mynacard installation "
                         f"({type(e).__name__}); reinstall mynacard", code="model.missing") from None
    digest = hashlib.sha256(data).hexdigest()
    if len(data) != entry["bytes"] or digest != entry["sha256"]:
        raise ModelError(f"model file {entry['file']} is not the one mynacard ships ({len(data)} bytes, "
                         f"SHA-256 {digest[:12]}...; expected {entry['bytes']} bytes, {entry['sha256'][:12]}...); "
                         "reinstall mynacard", code="model.corrupt")
    return data


def verify_all() -> None:
    """Check every shipped model file (size and SHA-256) without loading any: raises :class:`ModelError`.

    Called before a batch or the service starts its worker processes, so a broken installation
    is one clear error instead of a failure in every worker."""
    for name in MODEL_NAMES:
        model_bytes(name)


#: the native start-up chatter :func:`_quiet_native_stderr` drops: glog's INFO and WARNING lines
#: ("W0000 00:00:1796705578.266872    5366 file.cc:181] ...": time of day or seconds since the epoch), TFLite's
#: "INFO: Created TensorFlow Lite ..." and absl's note
#: before its logging starts; anything else written to fd 2 meanwhile is passed on
_CHATTER = re.compile(rb"^(?:[IW]\d{4} \d\d:\d\d:\d+\.\d+ +\d+ [^\]]*\] |INFO: Created TensorFlow Lite |"
                      rb"WARNING: Logging before InitGoogle\(\))")


def _pass_on(held: int, out: int) -> None:
    """Copy what was written to ``held`` (a file at its end) to ``out``, less the native chatter."""
    os.lseek(held, 0, os.SEEK_SET)
    chunks = []
    while chunk := os.read(held, 1 << 16):
        chunks.append(chunk)
    kept = b"".join(line for line in b"".join(chunks).splitlines(keepends=True) if not _CHATTER.match(line))
    while kept:
        kept = kept[os.write(out, kept):]


@contextlib.contextmanager
def _quiet_native_stderr():
    """Hold back the C++ start-up chatter of TFLite/absl (fd 2) while a task is built and first run.

    mediapipe's native code writes INFO/W0000 lines straight to file descriptor 2, which
    Python's logging cannot filter; they would land in every CLI run's output. Meanwhile fd 2
    goes to a temporary file; when the task is ready, everything in it but those lines (another
    thread's warning, a log line) is written to the real stderr, late but not lost. Set
    MYNACARD_DEBUG=1 to keep the chatter.
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
    try:
        held = tempfile.TemporaryFile()
    except OSError:  # no writable temporary folder: drop the chatter and whatever comes with it
        held = open(os.devnull, "wb")  # closed below, as the temporary file
    try:
        os.dup2(held.fileno(), 2)
        yield
    finally:
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.flush()
        os.dup2(saved, 2)
        with contextlib.suppress(OSError):
            if held.name != os.devnull:
                _pass_on(held.fileno(), saved)
        os.close(saved)
        held.close()


@functools.cache
def _mp():
    """mediapipe and its Tasks classes, imported once (quietly); every call after the first is a lookup."""
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import mediapipe as mp
        from mediapipe.tasks.python import BaseOptions, vision
    return mp, BaseOptions, vision


def _get(name: str):
    global load_seconds
    m = _models.get(name)
    if m is not None:
        return m
    with _lock:
        m = _models.get(name)
        if m is not None:
            return m
        data = model_bytes(name)  # verified before MediaPipe sees it
        t = time.perf_counter()
        with _quiet_native_stderr():
            m = _build(name, data)
        _models[name] = m
        load_seconds += time.perf_counter() - t
        return m


def _build(name: str, data: bytes):
    if name == "modnet":
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1  # one core per photo, as the MediaPipe tasks
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        return ort.InferenceSession(data, opts, providers=["CPUExecutionProvider"])
    _, base, vision = _mp()
    if name == "face_landmarker":
        return vision.FaceLandmarker.create_from_options(vision.FaceLandmarkerOptions(
            base_options=base(model_asset_buffer=data), running_mode=vision.RunningMode.IMAGE,
            num_faces=MAX_FACES, min_face_detection_confidence=MIN_FACE_CONFIDENCE,
            min_face_presence_confidence=MIN_FACE_CONFIDENCE, output_face_blendshapes=True,
            output_facial_transformation_matrixes=True))
    if name == "selfie_segmentation":
        return vision.ImageSegmenter.create_from_options(vision.ImageSegmenterOptions(
            base_options=base(model_asset_buffer=data), running_mode=vision.RunningMode.IMAGE,
            output_confidence_masks=True, output_category_mask=False))
    raise KeyError(name)  # pragma: no cover - programming error


def loaded() -> dict[str, int]:
    """The models this process holds now: name -> object id (to see that a worker loads each once)."""
    return {name: id(m) for name, m in _models.items()}


def close() -> None:
    """Close every loaded task (also run at interpreter exit); the next call loads them again."""
    with _lock:
        while _models:
            _, m = _models.popitem()
            with contextlib.suppress(Exception):
                if hasattr(m, "close"):  # MediaPipe tasks; an onnxruntime session has nothing to close
                    m.close()
        _started.clear()


def _exiting() -> bool:
    """Whether the interpreter has begun to exit (``photo._exit_started``, set by the atexit
    handler ``import photo`` registers): from then on a model call raises ModelError
    ``model.exiting`` instead of loading the tasks again (nothing would close them: their
    finalisers print tracebacks and their native threads abort the process)."""
    return getattr(sys.modules.get("photo"), "_exit_started", False)


#: checks (and fixes, portraits) in progress (:func:`in_use`), which the exit waits for
_active = 0
_idle = threading.Condition()
#: how long the exit waits for the photos in progress on other threads (daemon threads) to finish
EXIT_WAIT_S = 10.0


@contextlib.contextmanager
def in_use():
    """Wraps a check, fix or portrait: one photo in progress. When the interpreter exits it
    waits (up to :data:`EXIT_WAIT_S`) for those to end before closing the models, and refuses
    new ones with ModelError ``model.exiting``: a daemon thread still checking at exit would
    otherwise be inside OpenCV or MediaPipe native code while the process tears them down
    ("terminate called without an active exception", exit 134)."""
    global _active
    with _idle:
        if _exiting():
            raise ModelError(_EXITING, code="model.exiting")
        _active += 1
    try:
        yield
    finally:
        with _idle:
            _active -= 1
            _idle.notify_all()


def _close_at_exit() -> None:
    """At interpreter exit (called by ``photo``'s atexit handler once it has set the exit flag):
    wait for the photos in progress, then close the models."""
    with _idle:
        _idle.wait_for(lambda: _active == 0, timeout=EXIT_WAIT_S)
    close()

_EXITING = ("the face models cannot run while the Python interpreter exits (a check from an atexit "
            "handler or a daemon thread still running at exit); check before the program ends")

#: tasks a fork inherited from its parent: kept referenced, never used or closed (see _forget_after_fork)
_inherited: list[object] = []


def _forget_after_fork() -> None:
    """In a child made by ``fork`` (a pre-forking server, ``multiprocessing``'s fork start method)
    after the parent loaded the models: the parent's MediaPipe tasks run on threads the child
    does not have, so a call waits forever, and closing or finalising them aborts the child. The
    child sets them aside with a reference it never drops (so no finaliser runs, even at exit) and
    loads its own on first use. The lock is new as well: a parent thread may have held it at the
    fork; and the count of photos in progress (:func:`in_use`) starts again from none."""
    global _lock, _idle, _active
    import ctypes

    for m in _models.values():
        if hasattr(m, "close"):  # a MediaPipe task: never finalised in the child (its native threads are gone)
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(m))  # one reference the child never drops
            _inherited.append(m)
    _models.clear()
    _started.clear()
    _lock = threading.RLock()
    _idle = threading.Condition()  # the photos in progress were the parent's threads'
    _active = 0


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)


def _run(name: str, rgb):
    import numpy as np

    mp, _, _ = _mp()
    image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb, dtype=np.uint8))
    with _lock:
        # once the exit has begun, or the main thread has ended (a daemon thread before the atexit
        # handlers), nothing would close a task built now: its finaliser prints tracebacks
        if _exiting() or (name not in _models and not threading.main_thread().is_alive()):
            raise ModelError(_EXITING, code="model.exiting")
        model = _get(name)
        call = model.detect if name == "face_landmarker" else model.segment
        try:
            if name in _started:
                return call(image)
            with _quiet_native_stderr():  # the first run prints the delegate/feedback lines
                result = call(image)
        except RuntimeError as e:
            # MediaPipe runs its C calls through a concurrent.futures executor, which refuses work
            # ("cannot schedule new futures after [interpreter] shutdown") once the interpreter has
            # begun to exit: its threads are joined before any atexit handler runs
            if "cannot schedule new futures" in str(e):
                raise ModelError(_EXITING, code="model.exiting") from None
            raise
        _started.add(name)
        return result


@dataclass(frozen=True)
class Face:
    """One face from the Face Landmarker, in the pixels of the image it was given.

    ``points``: 478 x 3 (x, y in px; z in px at the x scale, smaller = nearer the camera;
    0-467 the mesh, 468-477 the irises). ``blendshapes``: the 52 expression scores (0-1) by
    name (``mouthSmileLeft``, ``eyeBlinkRight`` ... where Left/Right are the subject's own).
    ``matrix``: the 4 x 4 facial transformation matrix (canonical face model -> camera, cm).
    """

    points: object
    blendshapes: dict[str, float]
    matrix: object

    @property
    def box(self) -> tuple[float, float, float, float]:
        p = self.points
        return (float(p[:, 0].min()), float(p[:, 1].min()), float(p[:, 0].max()), float(p[:, 1].max()))

    @property
    def area(self) -> float:
        x0, y0, x1, y1 = self.box
        return (x1 - x0) * (y1 - y0)


def faces(rgb) -> list[Face]:
    """Every face (up to :data:`MAX_FACES`) in an RGB uint8 image, largest first."""
    import numpy as np

    h, w = rgb.shape[:2]
    res = _run("face_landmarker", rgb)
    out = []
    for i, lm in enumerate(res.face_landmarks or []):
        pts = np.array([(p.x, p.y, p.z) for p in lm], dtype=np.float64) * (w, h, w)
        shapes = {c.category_name: float(c.score) for c in (res.face_blendshapes[i] if res.face_blendshapes else [])}
        mats = res.facial_transformation_matrixes
        matrix = np.asarray(mats[i], dtype=np.float64) if mats else np.eye(4)
        out.append(Face(points=pts, blendshapes=shapes, matrix=matrix))
    return sorted(out, key=lambda f: -f.area)


def person_mask(rgb):
    """Person probability (float32 0-1, same size as ``rgb``) from selfie segmentation."""
    import numpy as np

    res = _run("selfie_segmentation", rgb)
    m = res.confidence_masks[0].numpy_view()
    return np.array(m.reshape(m.shape[0], m.shape[1]), dtype=np.float32)


#: Long side (px) MODNet runs at; the image is resized to multiples of 32 (its stride).
MATTE_PX = 512


def portrait_matte(rgb):
    """Person alpha matte (float32 0-1, same size as ``rgb``) from MODNet (portrait matting, hair level).

    MODNet (Ke et al., "MODNet: Real-Time Trimap-Free Portrait Matting via Objective
    Decomposition", AAAI 2022), run at :data:`MATTE_PX` on the long side with onnxruntime on one
    core: about 0.29 s, so :class:`photo.analysis.FaceAnalysis` calls it only where the cheap
    person mask is unsure."""
    import cv2
    import numpy as np

    h, w = rgb.shape[:2]
    f = MATTE_PX / max(h, w)
    mh, mw = max(32, round(h * f / 32) * 32), max(32, round(w * f / 32) * 32)
    x = cv2.resize(np.ascontiguousarray(rgb, dtype=np.uint8), (mw, mh), interpolation=cv2.INTER_AREA)
    x = (x.astype(np.float32) * (1.0 / 127.5) - 1.0).transpose(2, 0, 1)[None]
    with _lock:
        out = _get("modnet").run(None, {"input": x})[0][0, 0]
    return np.clip(cv2.resize(out, (w, h), interpolation=cv2.INTER_LINEAR), 0.0, 1.0).astype(np.float32)


def warm_up() -> float:
    """Load every model now (e.g. at the start of a worker process); returns seconds spent loading."""
    import numpy as np

    for name in MODEL_NAMES:
        _get(name)
    blank = np.full((256, 256, 3), 128, np.uint8)
    faces(blank)
    person_mask(blank)
    # one MODNet run at its largest input, so onnxruntime's memory arena is allocated now and a
    # worker's memory stays flat when its first unsure photo comes (about 0.3 s, once)
    portrait_matte(np.full((MATTE_PX, MATTE_PX, 3), 128, np.uint8))
    return load_seconds
