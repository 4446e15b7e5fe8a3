"""Where CPU work runs: never on the event loop.

Two lanes per worker process:

* **models** — one dedicated thread for everything that touches the face models
  (``photo.check``, and card renders that crop a photo from face landmarks). mediapipe's
  graphs are not safe to call from two threads at once, and some of their resources are
  bound to the thread that created them, so the models are loaded on this thread at start
  (warm-up) and only ever used from it. Requests for it queue in order; at most
  ``max_pending`` may wait, beyond that the service answers 503 ``serve.busy`` at once
  rather than letting latency grow without bound. Parallelism comes from worker
  processes (``mynacard serve --workers N``), one model thread each.
* **cpu** — a small pool (``MYNACARD_SERVE_THREADS``, default 2) bounded by an
  ``anyio.CapacityLimiter`` for work that needs no model: romanization and card renders
  without a photo.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import anyio
import anyio.to_thread

from mynacard.serve.errors import ServiceError

T = TypeVar("T")


class Compute:
    """The two lanes of one worker process (created in the app's lifespan)."""

    def __init__(self, cpu_threads: int = 2, max_pending: int = 64):
        self._models = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mynacard-models")
        self._cpu = anyio.CapacityLimiter(cpu_threads)
        self.max_pending = max_pending
        self.pending = 0

    async def models(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn`` on the model thread; 503 ``serve.busy`` when too many are waiting."""
        if self.pending >= self.max_pending:
            raise ServiceError("serve.busy", f"{self.pending} requests are waiting for the face models; "
                               "try again shortly", headers={"Retry-After": "1"})
        self.pending += 1
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._models, functools.partial(fn, *args, **kwargs))
        finally:
            self.pending -= 1

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
