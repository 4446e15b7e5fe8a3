"""Run a batch on an existing Dask distributed cluster (``--scheduler tcp://HOST:PORT``).

The task is the same function as in a local run (:func:`photo.batch.worker.check_input`),
so results are identical. A worker plugin loads the models once in every worker process
when it joins (and in workers that join later); the models stay cached in the process for
every task. The checker's models are serialised by a lock, so start workers with
``--nthreads 1`` and one process per core (``--nworkers N``).

Workers read the inputs themselves: every path must be readable, under the same name, on
every worker (shared storage). Results come back to this process, which alone writes OUT.
"""

from __future__ import annotations

import ipaddress
import re
import threading
import time
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

from photo.batch.errors import BatchError
from photo.batch.inputs import BatchInput
from photo.batch.run_local import TaskFn
from photo.batch.worker import Options, Outcome, check_input, error_record

PLUGIN_NAME = "mynacard-photo-models"

_HOST = re.compile(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?")


def check_address(address: str) -> str:
    """``address`` as Dask takes it (``tcp://HOST:PORT``; ``HOST:PORT`` means tcp), or
    ValueError saying what is wrong with its form. Dask itself retries a malformed address
    until its timeout and then fails with a traceback, so the form is checked first."""
    text = address.strip()
    full = text if "://" in text else "tcp://" + text
    try:
        parts = urlsplit(full)
        port = parts.port
    except ValueError:
        raise ValueError(f"{address!r}: expected tcp://HOST:PORT with a port from 1 to 65535") from None
    if parts.scheme != "tcp":
        raise ValueError(f"{address!r}: expected tcp://HOST:PORT (a Dask scheduler's address), "
                         f"not {parts.scheme}://")
    host = parts.hostname or ""
    if ":" in host:  # [IPv6]
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            host = ""
    elif not _HOST.fullmatch(host):
        host = ""
    if not host or parts.username or parts.password or parts.path or parts.query or parts.fragment:
        raise ValueError(f"{address!r}: expected tcp://HOST:PORT (a Dask scheduler's address)")
    if port is None:
        raise ValueError(f"{address!r}: expected tcp://HOST:PORT; the port is missing (Dask's default is 8786)")
    if port == 0:
        raise ValueError(f"{address!r}: expected tcp://HOST:PORT with a port from 1 to 65535")
    return f"tcp://{parts.netloc}"


def _plugin_class():
    from distributed.diagnostics.plugin import WorkerPlugin

    class LoadModels(WorkerPlugin):
        """Load the checker's models when a worker starts (once per worker process)."""

        name = PLUGIN_NAME

        def setup(self, worker) -> None:
            from photo.batch.worker import init_process

            init_process(ignore_sigint=False)

    return LoadModels


class DaskRunner:
    """``run(items, options, stop)`` yields one :class:`Outcome` per item, in completion order."""

    def __init__(self, scheduler: str, *, fn: TaskFn = check_input, load_models: bool = True,
                 window: int | None = None, connect_timeout_s: float = 10.0, stop_grace_s: float = 10.0):
        import importlib.util

        try:
            scheduler = check_address(scheduler)
        except ValueError as err:
            raise BatchError(f"--scheduler {err}", code="batch.scheduler_invalid") from None
        if importlib.util.find_spec("distributed") is None:  # the core install has no Dask
            raise BatchError("--scheduler needs Dask: install mynacard with the cluster extra "
                             "(pip install -e '.[cluster]' in the clone)", code="batch.not_installed")
        self.scheduler = scheduler
        self.fn = fn
        self.load_models = load_models
        self.window = window
        self.connect_timeout_s = connect_timeout_s
        self.stop_grace_s = stop_grace_s
        self.description = f"Dask scheduler {scheduler}"

    def _connect(self):
        from distributed import Client

        try:
            return Client(self.scheduler, timeout=self.connect_timeout_s, set_as_default=False)
        except (OSError, TimeoutError) as err:
            raise BatchError(f"cannot reach the Dask scheduler at {self.scheduler} ({type(err).__name__})",
                             code="batch.scheduler_unreachable") from None

    def run(self, items: Iterable[BatchInput], options: Options, stop: threading.Event) -> Iterator[Outcome]:
        from distributed import wait

        client = self._connect()
        pending: dict = {}
        try:
            if self.load_models:
                client.register_plugin(_plugin_class()(), name=PLUGIN_NAME)
            threads = sum(client.nthreads().values())
            if threads == 0:
                try:
                    client.wait_for_workers(1, timeout=self.connect_timeout_s * 3)
                except TimeoutError:
                    raise BatchError(f"the Dask scheduler at {self.scheduler} has no workers (waited "
                                     f"{self.connect_timeout_s * 3:.0f} s); start some with dask worker "
                                     f"{self.scheduler}", code="batch.no_workers") from None
                threads = sum(client.nthreads().values())
            self.description = f"Dask scheduler {self.scheduler} ({len(client.nthreads())} workers, {threads} threads)"
            window = self.window or 2 * threads + 2
            source = iter(items)
            deadline: float | None = None
            while True:
                while not stop.is_set() and len(pending) < window:
                    item = next(source, None)
                    if item is None:
                        break
                    pending[client.submit(self.fn, item, options, pure=False)] = item
                if not pending:
                    break
                if stop.is_set():  # let what was sent finish for a moment, then drop the rest
                    if deadline is None:
                        deadline = time.monotonic() + self.stop_grace_s
                    elif time.monotonic() > deadline:
                        break
                try:
                    with client.as_current():
                        done = wait(list(pending), timeout=0.25, return_when="FIRST_COMPLETED").done
                except TimeoutError:
                    continue
                for fut in done:
                    item = pending.pop(fut)
                    if fut.status == "finished":
                        yield fut.result()
                    elif fut.status == "cancelled":
                        continue
                    else:
                        err = fut.exception()
                        name = type(err).__name__
                        code = "batch.worker_crashed" if name == "KilledWorker" else "check.internal_error"
                        yield Outcome(item.key, error_record(item, options.profile, code,
                                                             f"the task failed on the cluster ({name})"))
                    fut.release()
        finally:
            if pending:
                client.cancel(list(pending))
            client.close()
