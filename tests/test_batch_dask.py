"""The same batch on a Dask LocalCluster (2 worker processes, 1 thread each)."""

from __future__ import annotations

import threading

import pytest

from photo.batch.errors import BatchError
from photo.batch.inputs import collect
from photo.batch.run_dask import DaskRunner
from photo.batch.run_local import LocalRunner
from photo.batch.worker import Options
from tests.batch_tasks import make_images, quiet_init, size_task


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      worker_dashboard_address=None) as c:
        yield c


def test_dask_outcomes_equal_local_ones(tmp_path, cluster):
    make_images(tmp_path / "in", [(f"{n}.jpg", (400 + 40 * n, 600)) for n in range(6)])
    (tmp_path / "in" / "gone.jpg").symlink_to(tmp_path / "nowhere.jpg")
    items = collect(tmp_path / "in").items
    options = Options(profile="p")
    local = {o.key: o.record for o in LocalRunner(2, fn=size_task, initializer=quiet_init)
             .run(items, options, threading.Event())}
    runner = DaskRunner(cluster.scheduler_address, fn=size_task, load_models=False)
    remote = {o.key: o.record for o in runner.run(items, options, threading.Event())}
    assert remote == local and len(remote) == 7
    assert remote[("", str(tmp_path / "in" / "gone.jpg"))]["error"]["code"] == "input.unreadable"
    assert "2 workers, 2 threads" in runner.description


def test_unreachable_scheduler_is_a_batch_error():
    runner = DaskRunner("tcp://127.0.0.1:9", fn=size_task, connect_timeout_s=0.5)
    with pytest.raises(BatchError) as err:
        next(runner.run([], Options(), threading.Event()))
    assert err.value.code == "batch.scheduler_unreachable"
