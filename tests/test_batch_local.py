"""The local process pool: one outcome per input, crashes contained, stops promptly."""

from __future__ import annotations

import threading

from photo.batch.inputs import collect
from photo.batch.run_local import LocalRunner, default_workers
from photo.batch.worker import Options
from tests.batch_tasks import make_images, quiet_init, size_task


def _runner(**kw):
    return LocalRunner(2, fn=size_task, initializer=quiet_init, **kw)


def test_every_input_gives_one_outcome_equal_to_a_direct_call(tmp_path):
    make_images(tmp_path / "in", [(f"{n}.jpg", (500 + n, 300 + 60 * n)) for n in range(6)])
    (tmp_path / "in" / "broken.jpg").write_bytes(b"not a jpeg")
    items = collect(tmp_path / "in").items
    options = Options(profile="p")
    outcomes = list(_runner().run(items, options, threading.Event()))
    assert sorted(o.key for o in outcomes) == sorted(i.key for i in items)
    by_key = {o.key: o.record for o in outcomes}
    for item in items:
        assert by_key[item.key] == size_task(item, options).record
    assert by_key[items[-1].key]["error"]["code"] == "input.not_image"  # broken.jpg sorts last
    assert default_workers() >= 1


def test_a_photo_that_kills_its_worker_gets_an_error_line_and_the_rest_go_on(tmp_path):
    make_images(tmp_path / "in", [(f"{n}.jpg", (600, 600)) for n in range(5)])
    (tmp_path / "in" / "crash.jpg").write_bytes(b"CRASH")
    items = collect(tmp_path / "in").items
    outcomes = {o.key: o.record for o in _runner().run(items, Options(), threading.Event())}
    assert len(outcomes) == 6
    crashed = [r for r in outcomes.values() if r["error"]]
    assert [r["file"] for r in crashed] == [str(tmp_path / "in" / "crash.jpg")]
    assert crashed[0]["error"]["code"] == "batch.worker_crashed"


def test_a_stop_sends_no_more_work(tmp_path):
    make_images(tmp_path / "in", [(f"{n:02d}.jpg", (480, 480)) for n in range(40)])
    items = collect(tmp_path / "in").items
    stop = threading.Event()
    got = []
    for outcome in _runner(window=2).run(items, Options(), stop):
        got.append(outcome)
        stop.set()
    assert 1 <= len(got) <= 3  # the first, plus at most what was already in flight
