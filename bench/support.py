"""Helpers shared by the benchmarks and the tests (the tests import from here, never the reverse).

- :func:`run_with_limits`: a command in a subprocess with 2 GiB of address space at most and
  a time limit, with its peak memory (``bench/robustness.py`` and the robustness tests);
- :func:`make_corpus_module`: ``scripts/make_corpus.py``, the generator of the damaged-input
  corpus, as a module;
- :func:`profile_bench_args`: the start the benchmarks that check the shared faces under one
  profile share (``--profile``, the models loaded before the clock starts);
- :func:`srgb_to_linear`, :func:`linear_to_srgb`: the sRGB tone curve both ways (exposure in
  linear light for the home conditions and the test photos; the reference the colour tests
  check the intake against).
"""

from __future__ import annotations

import importlib
import os
import resource
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

ROOT = Path(__file__).resolve().parents[1]
#: The address-space limit of :func:`run_with_limits`.
MEMORY_LIMIT_BYTES = 2 * 1024**3


def srgb_to_linear(levels: np.ndarray) -> np.ndarray:
    """sRGB levels (0-255, a float array) to linear light (0-1) by the IEC 61966-2-1 curve, in
    the array's own precision."""
    import numpy as np

    x = levels / 255.0
    return np.where(x <= 0.04045, x / 12.92, ((x + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(light: np.ndarray) -> np.ndarray:
    """Linear light (clipped to 0-1) to sRGB levels (0-255), in the array's own precision."""
    import numpy as np

    y = np.clip(light, 0.0, 1.0)
    return 255 * np.where(y <= 0.0031308, 12.92 * y, 1.055 * y ** (1 / 2.4) - 0.055)


def profile_bench_args(description: str | None):
    """Parse a benchmark's command line, ``--profile`` (default mynumber-online) and nothing else,
    with ``description`` (its module docstring) as the help, then load every model, so that no
    timing the benchmark takes includes loading them. Returns the parsed arguments."""
    import argparse

    ap = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--profile", default="mynumber-online")
    args = ap.parse_args()
    import photo

    photo.warm_up()
    return args


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval (fractions 0-1) of k successes in n trials; 95 % for z = 1.96.
    With no trials nothing is known: (0, 1)."""
    if n == 0:
        return (0.0, 1.0)
    import math

    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (max(0.0, c - h), min(1.0, c + h))


def rate(k: int, n: int, *, width: int = 4, ci: str = "95 % CI") -> str:
    """``k/n = share % (ci lo-hi)``, the counts right- and left-aligned in ``width`` columns, with the
    Wilson interval (:func:`wilson`): how the accuracy benchmarks print a rate."""
    lo, hi = wilson(k, n)
    return f"{k:>{width}}/{n:<{width}} = {100 * k / max(n, 1):5.1f} % ({ci} {100 * lo:4.1f}-{100 * hi:5.1f})"


def make_corpus_module():
    """``scripts/make_corpus.py`` (``build(folder)`` writes the corpus and returns its manifest)."""
    return importlib.import_module("scripts.make_corpus")


def _limits() -> None:  # runs in the child between fork and exec
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


@dataclass
class Finished:
    """A finished (or, when ``timed_out``, killed) run of :func:`run_with_limits`."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    usage: resource.struct_rusage  # of the child and the descendants it waited for
    timed_out: bool


def run_with_limits(args: list[str], *, timeout_s: float, env: dict | None = None, cwd: Path | None = None,
                    on_start: Callable[[int], None] | None = None) -> Finished:
    """``args`` in a subprocess with 2 GiB of address space at most, killed after ``timeout_s``.

    ``on_start(pid)`` runs once the child exists (the robustness benchmark samples its process
    tree's memory from there). Shared by ``tests/robust_support.run_limited`` and ``bench/robustness.py``.
    """
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    full_env.pop("MYNACARD_DEBUG", None)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        proc = subprocess.Popen(args, cwd=cwd or ROOT, env=full_env, stdout=out, stderr=err, preexec_fn=_limits)
        if on_start is not None:
            on_start(proc.pid)
        timed_out = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - t > timeout_s:
                proc.kill()
                _, status, usage = os.wait4(proc.pid, 0)
                timed_out = True
                break
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not wait again
        seconds = time.perf_counter() - t
        out.seek(0)
        err.seek(0)
        return Finished(proc.returncode, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                        seconds, usage, timed_out)


def texture(kind: str, h: int, w: int, seed: int = 0) -> np.ndarray:
    """Backgrounds made differently from the simulator's: stripes, checks, noise, a photo."""
    import cv2
    import numpy as np

    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == "stripes":
        v = 128 + 90 * np.sign(np.sin((xx * 0.7 + yy * 0.3) / 9.0))
        img = np.dstack([v, v * 0.8, v * 0.6])
    elif kind == "checks":
        v = ((xx // 37 + yy // 37) % 2) * 150 + 60
        img = np.dstack([v, v, v * 0.9])
    elif kind == "noise":
        img = cv2.GaussianBlur(rng.uniform(0, 255, (h, w, 3)).astype(np.float32), (0, 0), 3) * 1.8 - 100
    elif kind == "photo":
        ph = cv2.imread(str(ROOT / "tests" / "data" / "faces" / "lisa1.jpg"))[:, :, ::-1]
        img = cv2.resize(ph, (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    elif kind == "white":
        img = np.full((h, w, 3), 250.0, np.float32) + rng.normal(0, 2, (h, w, 1))
    else:
        raise ValueError(kind)
    return np.clip(img, 0, 255).astype(np.uint8)
