"""Run a batch on this machine: a pool of worker processes, models loaded once per worker.

Workers start from a fork server (never forked from the parent, whose progress thread and
signal handlers they must not inherit), ignore Ctrl-C (the parent decides) and load the
models in their initializer. Each is meant to use one core: the BLAS/OpenMP thread counts
default to 1 (``OMP_NUM_THREADS`` etc., set in this process's environment unless already
set) and OpenCV runs single-threaded. At most ``window`` tasks are in flight, so memory does not
grow with the size of the batch and a stop waits only for those few.

If a worker process dies (out of memory, a crash in native code), the pool is rebuilt and
the tasks that were in flight are tried again one at a time; a photo whose worker dies
``max_attempts`` times gets an error line (``batch.worker_crashed``), which a rerun tries
again.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from photo.batch.errors import BatchError
from photo.batch.inputs import BatchInput
from photo.batch.worker import Options, Outcome, check_input, error_record, init_process
from photo.models import one_core_per_process_env

TaskFn = Callable[[BatchInput, Options], Outcome]

def default_workers() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class LocalRunner:
    """``run(items, options, stop)`` yields one :class:`Outcome` per item, in completion order."""

    def __init__(self, workers: int | None = None, *, fn: TaskFn = check_input,
                 initializer: Callable[..., None] = init_process, window: int | None = None,
                 max_attempts: int = 2, max_restarts: int = 5):
        self.workers = workers or default_workers()
        self.fn = fn
        self.initializer = initializer
        self.window = window or 2 * self.workers + 2
        self.max_attempts = max_attempts
        self.max_restarts = max_restarts
        self._breaks_in_a_row = 0
        self.description = f"{self.workers} local worker process(es)"

    def _pool(self, options: Options) -> ProcessPoolExecutor:
        # One core per worker: BLAS/OpenMP thread pools would only compete with the other
        # workers (OpenBLAS threads spin after each call: measured 25 % more CPU per photo).
        # They size themselves when numpy is imported, i.e. in the fork server, which inherits
        # this process's environment when it starts; a value the user set is kept.
        one_core_per_process_env()
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["photo.batch.worker", "photo.models", "mediapipe"])
        return ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=self.initializer,
                                   initargs=(options, os.getpid()))

    def _restart(self, pool: ProcessPoolExecutor, options: Options, pending: dict[Future, BatchInput],
                 retry: list[BatchInput]) -> ProcessPoolExecutor:
        """A worker died: send what was in flight again, to a fresh pool."""
        self._breaks_in_a_row += 1
        retry.extend(item for fut, item in pending.items() if not fut.cancelled())
        pending.clear()
        _terminate(pool)
        if self._breaks_in_a_row > self.max_restarts:
            raise BatchError(f"the worker processes died {self._breaks_in_a_row} times in a row without finishing "
                             "a photo (out of memory? models that do not load?); rerun with -v for details",
                             code="batch.workers_failed")
        return self._pool(options)

    def run(self, items: Iterable[BatchInput], options: Options, stop: threading.Event) -> Iterator[Outcome]:
        source = iter(items)
        retry: list[BatchInput] = []
        attempts: dict[tuple[str, str], int] = {}
        pool = self._pool(options)
        pending: dict[Future, BatchInput] = {}
        clean = False
        try:
            while True:
                # after a crash, the photos that were in flight are retried one at a time, so a
                # photo that kills its worker again is identified and only that one gets an error
                limit = 1 if retry else self.window
                while not stop.is_set() and len(pending) < limit:
                    item = retry.pop() if retry else next(source, None)
                    if item is None:
                        break
                    try:
                        pending[pool.submit(self.fn, item, options)] = item
                    except BrokenProcessPool:  # died before this was sent: send it again to a new pool
                        retry.append(item)
                        pool = self._restart(pool, options, pending, retry)
                if not pending:
                    break
                if stop.is_set():  # drop what has not started yet
                    for fut in [f for f in pending if f.cancel()]:
                        del pending[fut]
                done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                broken = False
                for fut in done:
                    item = pending.pop(fut)
                    try:
                        outcome = fut.result()
                        self._breaks_in_a_row = 0
                        yield outcome
                    except BrokenProcessPool:
                        broken = True
                        n = attempts[item.key] = attempts.get(item.key, 0) + 1
                        if n >= self.max_attempts:
                            yield Outcome(item.key, error_record(
                                item, options.profile, "batch.worker_crashed",
                                f"the worker process died {n} times while this photo was being checked"))
                        else:
                            retry.append(item)
                    except Exception as err:  # the task function itself failed: a bug, not the photo
                        yield Outcome(item.key, error_record(item, options.profile, "check.internal_error",
                                                             f"the task failed ({type(err).__name__})"))
                if broken:
                    pool = self._restart(pool, options, pending, retry)
            clean = True
        finally:
            if clean:
                pool.shutdown(wait=True)
            else:  # a hard stop (second Ctrl-C) or the consumer gave up: do not wait for anything
                _terminate(pool)


def _terminate(pool: ProcessPoolExecutor) -> None:
    procs = list((getattr(pool, "_processes", None) or {}).values())
    for p in procs:
        if p.is_alive():
            p.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        p.join(timeout=2)
