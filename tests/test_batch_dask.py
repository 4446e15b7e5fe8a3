"""The same batch on a Dask LocalCluster (2 worker processes, 1 thread each)."""

from __future__ import annotations

import threading

import pytest

from photo.batch.errors import BatchError
from photo.batch.inputs import collect
from photo.batch.run_dask import DaskRunner
from photo.batch.run_local import LocalRunner
from photo.batch.worker import Options
from photo.models import MODEL_NAMES
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


def test_cli_on_the_cluster_gives_the_local_results_and_workers_load_models_once(tmp_path, cluster, run_cli):
    from distributed import Client

    from tests.batch_tasks import model_ids
    from tests.test_batch_cli import by_file, make_inputs

    make_inputs(tmp_path / "in", 3)
    (tmp_path / "in" / "gone.jpg").symlink_to(tmp_path / "nowhere.jpg")
    on_cluster = run_cli("photo", "batch", str(tmp_path / "in"), "-o", str(tmp_path / "dask"), "--no-progress",
                         "--scheduler", cluster.scheduler_address)
    assert on_cluster.exit_code == 2, on_cluster.output
    assert "Dask scheduler" in on_cluster.stdout and "2 workers, 2 threads" in on_cluster.stdout, on_cluster.stdout
    local = run_cli("photo", "batch", str(tmp_path / "in"), "-o", str(tmp_path / "local"), "--workers", "2",
                    "--no-progress")
    assert local.exit_code == 2
    assert by_file(tmp_path / "dask") == by_file(tmp_path / "local") and len(by_file(tmp_path / "dask")) == 4
    assert (tmp_path / "dask" / "summary.csv").read_text() == (tmp_path / "local" / "summary.csv").read_text()
    with Client(cluster.scheduler_address, set_as_default=False) as client:
        loaded = client.run(model_ids)
        assert len(loaded) == 2 and all(set(ids) == set(MODEL_NAMES) for ids in loaded.values())
        # a second batch on the same workers reuses the very same model objects
        again = run_cli("photo", "batch", str(tmp_path / "in"), "-o", str(tmp_path / "dask2"), "--no-progress",
                        "--scheduler", cluster.scheduler_address)
        assert again.exit_code == 2
        assert client.run(model_ids) == loaded


@pytest.mark.parametrize("address", ["bogus", "http://127.0.0.1:8786", "tcp://127.0.0.1", "tcp://127.0.0.1:0",
                                     "tcp://127.0.0.1:99999", "tls://127.0.0.1:8786", ""])
def test_a_malformed_scheduler_address_is_a_usage_error_before_anything_is_written(tmp_path, run_cli, address):
    """The tester's report: Dask retried such an address for 20 s, then a traceback and exit 3,
    with batch.json left in OUT."""
    res = run_cli("photo", "batch", "samples/photos", "-o", str(tmp_path / "out"), "--scheduler", address)
    lines = res.stderr.strip().splitlines()
    assert res.exit_code == 2, res.output
    assert len(lines) == 1 and lines[0].startswith("mynacard: cli.usage: ") and "--scheduler" in lines[0], res.stderr
    assert "Traceback" not in res.output and not (tmp_path / "out").exists()


def test_scheduler_address_forms():
    from photo.batch.run_dask import check_address

    assert check_address("tcp://10.0.0.1:8786") == "tcp://10.0.0.1:8786"
    assert check_address("10.0.0.1:8786") == "tcp://10.0.0.1:8786"  # Dask's default scheme
    assert check_address("tcp://[::1]:8786") == "tcp://[::1]:8786"
    assert check_address("tcp://sched-1.example.org:8786") == "tcp://sched-1.example.org:8786"
    for bad in ("bogus", "tcp://a b:1", "tcp://h:1/path", "tcp://:8786", "tcp://h:x"):
        with pytest.raises(ValueError, match="tcp://HOST:PORT"):
            check_address(bad)
    with pytest.raises(BatchError) as err:
        DaskRunner("http://h:8786", fn=size_task)  # from Python as well
    assert err.value.code == "batch.scheduler_invalid"


@pytest.mark.slow
def test_a_scheduler_that_does_not_answer_is_one_line_exit_2(tmp_path, run_cli):
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    res = run_cli("photo", "batch", "samples/photos", "-o", str(tmp_path / "out"), "--no-progress",
                  "--scheduler", f"tcp://127.0.0.1:{port}")
    assert res.exit_code == 2, res.output
    assert res.stderr.strip().splitlines() == [f"mynacard: batch.scheduler_unreachable: cannot reach the Dask "
                                               f"scheduler at tcp://127.0.0.1:{port} (OSError)"]


def test_a_scheduler_without_workers_is_a_batch_error():
    from distributed import LocalCluster

    with LocalCluster(n_workers=0, processes=False, protocol="tcp://", dashboard_address=":0") as empty:
        runner = DaskRunner(empty.scheduler_address, fn=size_task, load_models=False, connect_timeout_s=0.5)
        with pytest.raises(BatchError) as err:
            next(runner.run([], Options(), threading.Event()))
    assert err.value.code == "batch.no_workers" and "has no workers" in str(err.value)
