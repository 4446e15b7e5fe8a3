"""``mynacard serve``: options become the workers' settings; loopback by default."""

from __future__ import annotations

import os
import socket

import pytest

from mynacard.cli import serve as serve_cli
from mynacard.cli.serve import _is_loopback
from mynacard.serve.settings import Settings


@pytest.fixture
def captured(monkeypatch):
    """uvicorn.run recorded, not run; the address check is the real one."""
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: calls.append((a, kw)))
    for name in Settings().to_env():
        monkeypatch.delenv(name, raising=False)
    yield calls
    for name in Settings().to_env():  # the command writes them into this process's environment
        os.environ.pop(name, None)


@pytest.fixture
def any_address(monkeypatch, captured):
    """As ``captured``, and the address is not bound (port 8000 may be in use on a test machine)."""
    addresses = []
    monkeypatch.setattr(serve_cli, "check_address", lambda host, port: addresses.append((host, port)))
    yield captured


def test_defaults_bind_loopback_in_preview_mode(run_cli, any_address):
    captured = any_address
    result = run_cli("serve", "--workers", "1")  # the default, one per core: tests/test_serve_ops.py
    assert result.exit_code == 0, result.output
    (args, kw), = captured
    assert args == ("mynacard.serve.app:create_app",) and kw["factory"] is True
    assert kw["host"] == "127.0.0.1" and kw["port"] == 8000 and kw["workers"] == 1
    assert Settings.from_env() == Settings()
    assert "preview (marked, masked)" in result.stderr


def test_options_reach_every_worker_through_the_environment(run_cli, any_address):
    captured = any_address
    result = run_cli("serve", "--workers", "2", "--port", "9001", "--production", "--max-upload-mb", "5",
                     "--threads", "3", "--profile", "icao")
    assert result.exit_code == 0, result.output
    # one event loop handing requests to 2 model processes, not 2 uvicorn workers
    assert captured[0][1]["workers"] == 1
    s = Settings.from_env()
    assert s.model_processes == 2
    assert (s.production, s.max_upload_bytes, s.cpu_threads, s.profile) == (True, 5 * 1024 * 1024, 3, "icao")
    assert s.native_threads == max(1, (os.cpu_count() or 1) // 2)  # the workers share the cores
    assert "PRODUCTION" in result.stderr


def test_production_can_come_from_the_environment(run_cli, any_address, monkeypatch):
    monkeypatch.setenv("MYNACARD_SERVE_PRODUCTION", "1")
    assert run_cli("serve").exit_code == 0
    assert Settings.from_env().production is True


def test_bad_setting_in_the_environment_is_one_line_and_exit_2(run_cli, captured, monkeypatch):
    monkeypatch.setenv("MYNACARD_SERVE_PRODUCTION", "perhaps")
    result = run_cli("serve")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert captured == []  # refused before uvicorn starts


def test_listening_beyond_loopback_warns(run_cli, any_address):
    result = run_cli("serve", "--host", "0.0.0.0")
    assert result.exit_code == 0 and "not loopback" in result.stderr


@pytest.mark.parametrize(("host", "loopback"), [("127.0.0.1", True), ("::1", True), ("localhost", True),
                                                ("127.0.0.2", True), ("0.0.0.0", False), ("192.168.1.5", False),
                                                ("example.org", False)])
def test_is_loopback(host, loopback):
    assert _is_loopback(host) is loopback


def test_a_port_in_use_is_one_line_before_starting(run_cli, captured):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--port", str(port))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("mynacard: serve.address: ") and result.stderr.strip().count("\n") == 0
    assert "serving on" not in result.output and captured == []


def test_a_host_that_is_not_an_address_is_one_line(run_cli, captured):
    # 192.0.2.1 (TEST-NET-1, RFC 5737) is a literal address no machine has: binding fails, no lookup
    result = run_cli("serve", "--host", "192.0.2.1")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("mynacard: serve.address: ") and result.stderr.strip().count("\n") == 0
    assert captured == []


def test_a_free_port_passes_the_address_check(run_cli, captured):
    result = run_cli("serve", "--port", "0")  # the system picks a free port: the real check binds it
    assert result.exit_code == 0, result.output
    assert len(captured) == 1


def test_an_unknown_profile_refuses_to_start(run_cli, captured):
    result = run_cli("serve", "--port", "0", "--profile", "nope")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("mynacard: profile.invalid: ") and result.stderr.strip().count("\n") == 0
    assert captured == []
