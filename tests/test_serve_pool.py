"""``mynacard serve --workers N``: N model processes behind one event loop.

Requests go to whichever process is free; project errors raised in a process come back
with their code, problems and status; a process that dies fails only its request and the
pool is started again.
"""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from cardface.errors import CardfaceError, FieldProblem
from mynacard.errors import http_status
from mynacard.serve.compute import Compute
from mynacard.serve.errors import ServiceError, status_of
from photo.errors import PhotoError


def slow_pid(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def models_loaded() -> bool:
    from photo import models

    return set(models.MODEL_NAMES) <= set(models.loaded())


def photo_refused() -> None:
    raise PhotoError("this file is not a picture", code="input.not_image")


def holder_refused() -> None:
    raise CardfaceError("2 fields are invalid", code="holder.invalid",
                        problems=[FieldProblem(field="my_number", code="my_number.check_digit", message="bad"),
                                  FieldProblem(field="birth_date", code="date.invalid", message="bad")])


def die() -> None:
    os._exit(3)


@pytest.fixture(scope="module")
def pool():
    compute = Compute(cpu_threads=1, max_pending=16, model_processes=2, native_threads=1)
    asyncio.run(compute.start_model_processes())
    yield compute
    compute.close()


def test_requests_go_to_every_model_process_with_models_loaded(pool):
    async def main():
        loaded = await asyncio.gather(*(pool.models(models_loaded) for _ in range(2)))
        pids = await asyncio.gather(*(pool.models(slow_pid, 0.3) for _ in range(6)))
        return loaded, pids

    t = time.perf_counter()
    loaded, pids = asyncio.run(main())
    elapsed = time.perf_counter() - t
    assert loaded == [True, True]
    assert len(set(pids)) == 2 and os.getpid() not in pids
    assert elapsed < 6 * 0.3  # six 0.3 s jobs on two processes: about 0.9 s, never one after another


def test_project_errors_keep_their_code_problems_and_status(pool):
    with pytest.raises(ServiceError) as photo_err:
        asyncio.run(pool.models(photo_refused))
    assert photo_err.value.code == "input.not_image"
    assert status_of(photo_err.value) == http_status(PhotoError("x", code="input.not_image"))
    with pytest.raises(ServiceError) as holder_err:
        asyncio.run(pool.models(holder_refused))
    assert holder_err.value.code == "holder.invalid" and status_of(holder_err.value) == 422
    assert [p["field"] for p in holder_err.value.problems] == ["my_number", "birth_date"]


def test_a_dead_process_fails_its_request_and_the_pool_starts_again(pool):
    with pytest.raises(ServiceError) as err:
        asyncio.run(pool.models(die))
    assert err.value.code == "serve.worker_lost" and http_status(err.value) == 503
    assert isinstance(asyncio.run(pool.models(slow_pid, 0.0)), int)


def _group_members(pgid: int) -> list[int]:
    members = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.getpgid(int(entry)) == pgid:
                    members.append(int(entry))
            except OSError:  # gone meanwhile
                pass
    return members


def test_ctrl_c_stops_the_server_and_its_model_processes_without_a_traceback(tmp_path):
    import signal
    import socket
    import subprocess
    import sys
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = tmp_path / "serve.log"
    with open(out, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "mynacard", "serve", "--port", str(port), "--workers", "2"],
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    if b'"models_loaded":true' in r.read():
                        break
            except OSError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, out.read_text("utf-8", "replace")
            time.sleep(0.3)
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in a terminal reaches the whole process group
        assert proc.wait(timeout=30) == 0
        deadline = time.monotonic() + 10
        while True:  # no model process (nor multiprocessing's resource tracker) outlives the server
            left = _group_members(proc.pid)
            if not left or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert left == []
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert "Traceback" not in out.read_text("utf-8", "replace")
