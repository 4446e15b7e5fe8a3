"""What an operator expects of ``mynacard serve``: one worker per core by default, request ids
in and out and on the log lines, JSON logs, and interactive API docs at /docs with no CDN."""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
import urllib.request
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient

from mynacard import logs
from mynacard.cli import serve as serve_cli
from mynacard.serve.app import create_app
from mynacard.serve.request_id import accepted
from mynacard.serve.routes.api_docs import ASSETS, swagger_ui_dir
from mynacard.serve.settings import Settings
from tests.serve_support import free_port

HEX32 = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def captured(monkeypatch):
    """uvicorn.run recorded, not run; the address is not bound; the settings' environment cleaned up."""
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: calls.append((a, kw)))
    monkeypatch.setattr(serve_cli, "check_address", lambda host, port: None)
    for name in Settings().to_env():
        monkeypatch.delenv(name, raising=False)
    yield calls
    for name in Settings().to_env():
        os.environ.pop(name, None)
    logs.configure(0, "text")


@pytest.fixture
def quiet_logs(tmp_path, monkeypatch):
    """JSON logs at INFO to a file for the test; plain text again afterwards."""
    path = tmp_path / "log.jsonl"
    monkeypatch.setenv("MYNACARD_LOG_FILE", str(path))
    logs.configure(1, "json")
    yield path
    monkeypatch.delenv("MYNACARD_LOG_FILE")
    logs.configure(0, "text")


def _lines(path):
    for h in logging.getLogger().handlers:
        h.flush()
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# -- workers and log format --------------------------------------------------------------------


def test_workers_default_to_one_per_core(run_cli, captured, monkeypatch):
    cores = serve_cli.default_workers()
    assert cores == len(os.sched_getaffinity(0))
    r = run_cli("serve")
    assert r.exit_code == 0, r.output
    assert f"with {cores} worker(s)" in r.stderr
    assert Settings.from_env().model_processes == (cores if cores > 1 else 0)
    monkeypatch.setattr(serve_cli, "default_workers", lambda: 4)
    assert run_cli("serve").exit_code == 0
    assert Settings.from_env().model_processes == 4 and captured[-1][1]["workers"] == 1  # one event loop
    assert run_cli("serve", "--workers", "1").exit_code == 0
    assert Settings.from_env().model_processes == 0  # one: the models run in the server process


def test_log_format_option_reaches_the_workers_and_bad_values_are_one_line(run_cli, captured):
    assert run_cli("serve", "--workers", "1", "--log-format", "json").exit_code == 0
    assert Settings.from_env().log_format == "json" and os.environ["MYNACARD_LOG_FORMAT"] == "json"
    r = run_cli("serve", "--log-format", "xml")
    assert r.exit_code == 2 and "log.format" in r.stderr and not captured[1:]


def test_serve_without_the_serve_extra_is_one_line_with_a_code(run_cli, captured, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "fastapi_offline" else real(name, *a))
    r = run_cli("serve")
    assert r.exit_code == 2 and not captured
    assert r.stderr.startswith("mynacard: serve.not_installed:") and "fastapi-offline" in r.stderr
    assert "[serve]" in r.stderr and "Traceback" not in r.stderr


def test_json_log_lines_are_json_and_still_redacted(quiet_logs):
    logging.getLogger("mynacard.test").warning("number %s", "1234 5678 9018")
    (line,) = _lines(quiet_logs)
    assert line["level"] == "WARNING" and line["logger"] == "mynacard.test"
    assert line["message"] == "number [number redacted]" and "request_id" not in line


# -- request ids -------------------------------------------------------------------------------


def test_request_ids_are_kept_when_safe_and_made_otherwise():
    assert accepted(b"req-42.a:b_c") == "req-42.a:b_c"
    for bad in (None, b"", b"x" * 65, b"a b", b"<script>", "大野".encode()):
        assert HEX32.fullmatch(accepted(bad)), bad
    assert accepted(None) != accepted(None)


def test_every_answer_has_a_request_id_and_its_log_lines_carry_it(quiet_logs):
    with TestClient(create_app(Settings(verbosity=1, log_format="json"), load_models=False),
                    raise_server_exceptions=False) as c:
        r = c.post("/v1/romaji", json={"kana": "abc"}, headers={"X-Request-ID": "office-17"})
        assert r.status_code == 422 and r.headers["x-request-id"] == "office-17"
        assert c.get("/no/such/page", headers={"X-Request-ID": "nf-1"}).headers["x-request-id"] == "nf-1"
        made = c.get("/healthz", headers={"X-Request-ID": "bad id with spaces"}).headers["x-request-id"]
        assert HEX32.fullmatch(made)
        assert c.get("/healthz").headers["x-request-id"] not in (made, "office-17")
        assert c.get("/").headers["x-request-id"]
    lines = _lines(quiet_logs)
    (hit,) = [x for x in lines if x["logger"] == "mynacard.serve"]
    assert hit["message"] == "POST /v1/romaji -> romaji.invalid" and hit["request_id"] == "office-17"
    assert all("request_id" not in x for x in lines if x["logger"] == "httpx")  # the client's lines: no request


# -- /docs -------------------------------------------------------------------------------------


def test_docs_page_loads_only_this_servers_files():
    with TestClient(create_app(Settings(), load_models=False)) as c:
        page = c.get("/docs")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        csp = page.headers["content-security-policy"]
        assert "script-src 'self';" in csp and "connect-src 'self'" in csp
        assert not re.search(r"https?://", page.text)
        srcs = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert srcs and all(s.startswith("/docs/") for s in srcs)
        for s in srcs:
            assert c.get(s).status_code == 200, s
        init = c.get("/docs/init.js").text
        assert '"/openapi.json"' in init and "validatorUrl: null" in init
        bundle = c.get("/docs/swagger-ui/swagger-ui-bundle.js")
        assert bundle.headers["content-type"].startswith("text/javascript") and len(bundle.content) > 1_000_000
        assert bundle.content == (swagger_ui_dir() / "swagger-ui-bundle.js").read_bytes()
        assert c.get("/docs/swagger-ui/index.html").status_code == 404  # only the listed files
        assert c.get("/docs/swagger-ui/..%2F..%2F__init__.py").status_code == 404
        assert "/docs" not in c.get("/openapi.json").json()["paths"]
    assert set(ASSETS) <= {p.name for p in swagger_ui_dir().iterdir()}


@contextmanager
def _uvicorn(settings: Settings):
    """The app on a real uvicorn in a thread (no face models), as ``mynacard serve`` runs it."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(create_app(settings, load_models=False), host="127.0.0.1", port=port,
                            log_config=None, access_log=True, lifespan="on")
    server = uvicorn.Server(config)
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and t.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        t.join(10)


def test_uvicorns_access_line_carries_the_request_id(quiet_logs):
    with _uvicorn(Settings(verbosity=1, log_format="json")) as url:
        req = urllib.request.Request(url + "/healthz", headers={"X-Request-ID": "proxy-7f3a"})
        with urllib.request.urlopen(req, timeout=10) as r:
            assert r.headers["X-Request-ID"] == "proxy-7f3a"
    access = [x for x in _lines(quiet_logs) if x["logger"] == "uvicorn.access"]
    assert access and access[0]["request_id"] == "proxy-7f3a" and "/healthz" in access[0]["message"]


@pytest.mark.browser
def test_swagger_ui_renders_every_operation_offline_in_a_browser():
    from playwright.sync_api import sync_playwright

    from tests.test_serve_browser import ARGS, CHROMIUM

    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run scripts/system-deps.sh test (make test does)")
    with _uvicorn(Settings()) as url, sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            page = b.new_page()
            requested, problems = [], []
            page.on("request", lambda r: requested.append(r.url))
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(url + "/docs")
            page.wait_for_selector(".opblock-summary-path", timeout=30_000)
            paths = {e.inner_text().strip() for e in page.query_selector_all(".opblock-summary-path")}
            assert {"/v1/photo/check", "/v1/card/render", "/v1/romaji", "/healthz"} <= paths
            # "Try it out" on /healthz: the request goes to this server and the answer is shown
            page.click("#operations-health-healthz_healthz_get .opblock-summary")
            page.click("button.try-out__btn")
            page.click("button.execute")
            page.wait_for_selector(".live-responses-table tbody .response-col_status", timeout=15_000)
            assert page.inner_text(".live-responses-table tbody .response-col_status").strip() == "200"
            assert requested and all(u.startswith(url + "/") for u in requested), requested
            assert not problems, problems
        finally:
            b.close()
