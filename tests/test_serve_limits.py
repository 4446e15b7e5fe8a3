"""Service plumbing: settings, streaming body limits, error bodies, the model lane, headers."""

from __future__ import annotations

import asyncio

import pytest
from fastapi.testclient import TestClient

from mynacard.errors import http_status
from mynacard.serve.app import create_app
from mynacard.serve.compute import Compute
from mynacard.serve.errors import ServiceError
from mynacard.serve.limits import BodyLimit
from mynacard.serve.settings import Settings, SettingsError
from tests.serve_support import sample_holder

LIMIT = 4096


@pytest.fixture(scope="module")
def client():
    app = create_app(Settings(max_upload_bytes=LIMIT, body_overhead_bytes=1024), load_models=False)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


# -- settings ---------------------------------------------------------------------------------


def test_settings_default_to_previews_on_loopback_limits():
    s = Settings.from_env({})
    assert s.production is False
    assert s.max_upload_bytes == 10 * 1024 * 1024
    assert s.max_body_bytes > s.max_upload_bytes


def test_settings_round_trip_through_the_environment():
    s = Settings(production=True, max_upload_bytes=12345, cpu_threads=3, profile="icao", verbosity=1,
                 native_threads=1)
    assert Settings.from_env(s.to_env()) == s


@pytest.mark.parametrize("env", [{"MYNACARD_SERVE_PRODUCTION": "maybe"}, {"MYNACARD_SERVE_MAX_UPLOAD": "ten"},
                                 {"MYNACARD_SERVE_THREADS": "0"}])
def test_bad_settings_are_refused_with_a_code(env):
    with pytest.raises(SettingsError) as err:
        Settings.from_env(env)
    assert err.value.code == "serve.settings"


# -- body limits, enforced while streaming ---------------------------------------------------


def test_content_length_over_the_limit_is_refused_before_reading(client):
    r = client.post("/v1/card/render", content=b"{" * (LIMIT + 2048), headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "request.too_large"


def test_chunked_body_over_the_limit_is_refused(client):
    def chunks():
        for _ in range(40):
            yield b" " * 512

    r = client.post("/v1/card/render", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "request.too_large"


def test_body_limit_stops_reading_an_endless_stream():
    """At the ASGI level: the middleware stops pulling chunks right after the limit."""
    pulled = 0

    async def endless_receive():
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": b"x" * 1000, "more_body": True}

    async def reader(scope, receive, send):
        while True:  # an app that would read forever
            await receive()

    sent = []

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/", "headers": []}
    asyncio.run(BodyLimit(reader, max_bytes=10_000)(scope, endless_receive, send))
    assert pulled == 11  # 11 x 1000 bytes > 10,000: refused on the chunk that crossed the limit
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 413


def test_upload_over_the_limit_but_inside_the_body_overhead_is_413(client):
    r = client.post("/v1/photo/check", files={"file": ("big.jpg", b"\xff" * (LIMIT + 10), "image/jpeg")})
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "input.file_too_large"


def test_photo_for_the_card_over_the_limit_is_413(client):
    r = client.post("/v1/card/render", data={"holder": "{}"},
                    files={"photo": ("big.jpg", b"\xff" * (LIMIT + 10), "image/jpeg")})
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "input.file_too_large"


# -- errors of the HTTP layer ---------------------------------------------------------------------


def test_unknown_path_and_method_have_coded_bodies(client):
    r = client.get("/v2/nothing")
    assert r.status_code == 404 and r.json()["error"]["code"] == "request.not_found"
    r = client.delete("/healthz")
    assert r.status_code == 405 and r.json()["error"]["code"] == "request.method_not_allowed"
    assert r.headers["allow"] == "GET"


def test_card_render_refuses_other_media_types(client):
    r = client.post("/v1/card/render", content=b"surname=x", headers={"content-type": "text/plain"})
    assert r.status_code == 415
    assert r.json()["error"]["code"] == "request.unsupported_media_type"


def test_malformed_multipart_is_400(client):
    r = client.post("/v1/card/render", content=b"--xx\r\nnot a part",
                    headers={"content-type": "multipart/form-data; boundary=xx"})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "request.malformed"


def test_bad_query_parameters_are_422_by_name(client):
    r = client.post("/v1/card/render?side=top&dpi=5", json=sample_holder())
    assert r.status_code == 422
    body = r.json()["error"]
    assert body["code"] == "request.invalid"
    assert {p["field"] for p in body["problems"]} == {"query.side", "query.dpi"}


def test_profile_must_be_a_name_not_a_path(client):
    r = client.post("/v1/photo/check", data={"profile": "../../etc/passwd.toml"},
                    files={"file": ("a.jpg", b"\xff\xd8", "image/jpeg")})
    assert r.status_code == 422
    assert [p["field"] for p in r.json()["error"]["problems"]] == ["body.profile"]


def test_missing_file_part_is_422(client):
    r = client.post("/v1/photo/check", data={"profile": "icao"})
    assert r.status_code == 422
    assert r.json()["error"]["problems"][0]["field"] == "body.file"


def test_unexpected_exceptions_become_a_coded_500_without_details():
    app = create_app(Settings(), load_models=False)

    @app.get("/boom")
    async def boom():
        raise RuntimeError("Ohno Taro 770914534160")  # an exception quoting personal data

    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/boom")
    assert r.status_code == 500
    assert r.json() == {"error": {"code": "internal.error", "problems": [],
                                  "message": "internal error; the server log has the details"}}


def test_status_table_has_the_service_codes():
    assert http_status(ServiceError("serve.production_disabled", "")) == 403
    assert http_status(ServiceError("request.too_large", "")) == 413
    assert http_status(ServiceError("input.file_too_large", "")) == 413
    assert http_status(ServiceError("request.unsupported_media_type", "")) == 415
    assert http_status(ServiceError("serve.busy", "")) == 503


# -- headers ---------------------------------------------------------------------------------------


def test_answers_are_never_cached(client):
    for r in (client.get("/healthz"), client.get("/"), client.get("/v2/nothing")):
        assert r.headers["cache-control"] in ("no-store", "no-cache")
        assert r.headers["x-content-type-options"] == "nosniff"


def test_page_forbids_foreign_scripts(client):
    csp = client.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp


# -- the model lane ---------------------------------------------------------------------------------


def test_model_lane_runs_one_job_at_a_time_on_one_thread():
    import threading
    import time

    compute = Compute(cpu_threads=2, max_pending=8)
    active = 0
    peak = 0
    threads = set()
    lock = threading.Lock()

    def job():
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        threads.add(threading.get_ident())
        time.sleep(0.02)
        with lock:
            active -= 1
        return 1

    async def main():
        return await asyncio.gather(*(compute.models(job) for _ in range(6)))

    try:
        assert asyncio.run(main()) == [1] * 6
    finally:
        compute.close()
    assert peak == 1
    assert len(threads) == 1


def test_model_lane_answers_busy_when_the_queue_is_full():
    import threading

    compute = Compute(cpu_threads=1, max_pending=2)
    gate = threading.Event()

    async def main():
        first = [asyncio.ensure_future(compute.models(gate.wait, 5)) for _ in range(2)]
        await asyncio.sleep(0.05)
        with pytest.raises(ServiceError) as err:
            await compute.models(gate.wait, 5)
        gate.set()
        await asyncio.gather(*first)
        return err.value

    try:
        err = asyncio.run(main())
    finally:
        compute.close()
    assert err.code == "serve.busy"
    assert http_status(err) == 503 and err.headers == {"Retry-After": "1"}


def test_cpu_work_does_not_block_other_requests(monkeypatch):
    """While a photo check holds the model thread, the loop still answers health and romaji."""
    import threading
    import time

    import httpx

    from mynacard.serve.routes import photo as photo_route

    started = threading.Event()

    def slow_check(data, profile, filename, on=None):
        started.set()
        time.sleep(1.0)  # CPU-bound work would hold the thread the same way
        return {"file": filename, "passed": True, "profile": profile, "checks": [], "error": None}

    monkeypatch.setattr(photo_route, "check_photo", slow_check)
    app = create_app(Settings(), load_models=False)

    async def main():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            slow = asyncio.ensure_future(c.post("/v1/photo/check", files={"file": ("a.jpg", b"x", "image/jpeg")}))
            while not started.is_set():
                await asyncio.sleep(0.01)
            t = time.perf_counter()
            health = await c.get("/healthz")
            romaji = await c.post("/v1/romaji", json={"kana": "オオノ タロウ"})
            fast = time.perf_counter() - t
            done_early = not slow.done()
            r = await slow
        compute = app.state.compute
        compute.close()
        return health.status_code, romaji.status_code, fast, done_early, r.status_code

    health, romaji, fast, done_early, slow_status = asyncio.run(main())
    assert (health, romaji, slow_status) == (200, 200, 200)
    assert done_early and fast < 0.9


def test_a_body_of_the_wrong_media_type_is_415_with_what_to_send(client):
    photo = client.post("/v1/photo/check", json={"file": "face.jpg"})
    assert photo.status_code == 415
    assert photo.json()["error"]["code"] == "request.unsupported_media_type"
    assert "multipart/form-data" in photo.json()["error"]["message"]
    romaji = client.post("/v1/romaji", data={"kana": "オオノ タロウ"})  # a form, not JSON
    assert romaji.status_code == 415
    assert romaji.json()["error"]["code"] == "request.unsupported_media_type"
    assert client.post("/v1/romaji", json={"kana": "オオノ タロウ"}).status_code == 200
