"""Where CPU work runs: never on the event loop.

Two lanes:

* **models** — everything that touches the face models (``photo.check``, and card renders
  that crop a photo from face landmarks). mediapipe's graphs are not safe to call from two
  threads at once, and some of their resources are bound to the thread that created them,
  so each model runner uses its models from one thread only:

  - ``model_processes=0`` (one worker, and the tests): one dedicated thread in the server
    process, models loaded on it at start (warm-up);
  - ``model_processes=N`` (``mynacard serve --workers N``): N model processes, each loading
    the models once at start. One event loop hands every request to whichever process is
    free, in arrival order, so a slow request never holds up a queue behind it while
    another process idles (separate uvicorn workers would each keep the connections the
    kernel happened to give them).

  Requests queue in order; at most ``max_pending`` may wait, beyond that the service
  answers 503 ``serve.busy`` at once rather than letting latency grow without bound. A model
  process that dies (killed, out of memory) fails the requests in flight at that moment
  (503 ``serve.worker_lost``, worth retrying); the pool is started again for the next ones.
* **cpu** — a small pool (``MYNACARD_SERVE_THREADS``, default 2) bounded by an
  ``anyio.CapacityLimiter`` for work that needs no model: romanization and card renders
  without a photo.
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

import anyio
import anyio.to_thread

from mynacard.serve.errors import ServiceError

T = TypeVar("T")


def _start_model_process(native_threads: int, verbosity: int) -> None:
    """Initializer of a model process: logging as the server's, then the models, once.

    Ctrl-C reaches the whole process group: the server shuts the pool down, so a model
    process ignores SIGINT (no traceback from an idle process). If the server dies without
    shutting down (SIGKILL), the process notices its parent is gone and exits.
    """
    import os
    import signal
    import time

    from mynacard import logs
    from mynacard.serve.warm import warm_up
    from photo.models import reuse_freed_memory

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    reuse_freed_memory()
    parent = os.getppid()

    def orphan_watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=orphan_watch, name="mynacard-orphan-watch", daemon=True).start()
    logs.configure(verbosity)
    warm_up(native_threads)


def _in_model_process(fn: Callable[..., T], args: tuple, kwargs: dict) -> tuple[bool, Any]:
    """Run ``fn`` in a model process; a project error comes back as its body and status.

    Project errors are not pickled across the process boundary (their subclasses take
    arguments of their own): the parent raises a ServiceError with the same code, message,
    problems and HTTP status instead.
    """
    from cardface.errors import CardfaceError
    from mynacard.serve.errors import error_body, status_of
    from photo.errors import PhotoError

    try:
        return True, fn(*args, **kwargs)
    except (PhotoError, CardfaceError, ServiceError) as err:
        return False, (error_body(err)["error"], status_of(err))


def _nothing() -> None:
    return None


class Compute:
    """The two lanes of the server (created in the app's lifespan)."""

    def __init__(self, cpu_threads: int = 2, max_pending: int = 64, model_processes: int = 0,
                 native_threads: int = 0, verbosity: int = 0):
        self.model_processes = model_processes
        self._process_args = (native_threads, verbosity)
        self._pool_lock = threading.Lock()
        self._models: Executor = self._new_model_executor()
        self._cpu = anyio.CapacityLimiter(cpu_threads)
        self.max_pending = max_pending
        self.pending = 0

    def _new_model_executor(self) -> Executor:
        if not self.model_processes:
            return ThreadPoolExecutor(max_workers=1, thread_name_prefix="mynacard-models")
        # spawn, not fork: the server process runs threads (event loop, CPU pool)
        return ProcessPoolExecutor(max_workers=self.model_processes, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_start_model_process, initargs=self._process_args)

    async def start_model_processes(self) -> None:
        """Start every model process now and wait until each has loaded its models."""
        if self.model_processes:
            loop = asyncio.get_running_loop()
            # one task per process, submitted together: the pool starts a process for each
            await asyncio.gather(*(loop.run_in_executor(self._models, _nothing)
                                   for _ in range(self.model_processes)))

    async def models(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn`` on the model thread; 503 ``serve.busy`` when too many are waiting."""
        if self.pending >= self.max_pending:
            raise ServiceError("serve.busy", f"{self.pending} requests are waiting for the face models; "
                               "try again shortly", headers={"Retry-After": "1"})
        self.pending += 1
        try:
            loop = asyncio.get_running_loop()
            if not self.model_processes:
                return await loop.run_in_executor(self._models, functools.partial(fn, *args, **kwargs))
            executor = self._models
            try:
                ok, value = await loop.run_in_executor(executor, _in_model_process, fn, args, kwargs)
            except BrokenProcessPool:
                self._restart(executor)
                raise ServiceError("serve.worker_lost", "the worker checking this request stopped "
                                   "unexpectedly; try again", headers={"Retry-After": "1"}) from None
            if not ok:
                body, status = value
                raise ServiceError(body["code"], body["message"], problems=body.get("problems"), status=status)
            return value
        finally:
            self.pending -= 1

    def _restart(self, broken: Executor) -> None:
        """Replace a broken process pool (once, however many requests saw it break)."""
        with self._pool_lock:
            if self._models is broken:
                self._models = self._new_model_executor()
        broken.shutdown(wait=False, cancel_futures=True)

    async def cpu(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn`` in the bounded CPU pool."""
        return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs), limiter=self._cpu)

    def close(self) -> None:
        self._models.shutdown(wait=True, cancel_futures=True)


def of(app: Any) -> Compute:
    """The app's lanes; created on first use when the server runs without a lifespan."""
    compute = getattr(app.state, "compute", None)
    if compute is None:
        compute = app.state.compute = Compute(app.state.settings.cpu_threads)
    return compute
