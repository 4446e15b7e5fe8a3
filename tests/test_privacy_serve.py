"""The service's callers cannot turn off the 見本 SAMPLE mark or the number masking.

Only the operator can, by starting the server with ``--production``
(``MYNACARD_SERVE_PRODUCTION=1``). Every way a caller might ask — query flags, their
spellings and repeats, fields in the holder JSON, form fields, headers — gets a refusal or a
marked, masked card. The test tells a marked card from an unmarked one by the PDF's text
layer (the mark is real text there), the QR code on the back and byte equality with the
library's own preview.

The service's log holds no number either, whichever way a caller sends one: as the request
id, or percent-encoded in the path or the query (uvicorn's access line quotes them as sent).
"""

from __future__ import annotations

import http.client
import io
import json
import logging
import os
import re
import threading
import time
import uuid
from contextlib import contextmanager
from urllib.parse import unquote, unquote_plus

import cv2
import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

import cardface
from cardface.holder import Holder
from mynacard import logs
from mynacard.serve import request_id
from mynacard.serve.app import create_app
from mynacard.serve.settings import Settings, SettingsError
from tests.privacy_support import number_forms
from tests.robust_support import sample_records
from tests.serve_support import free_port

MARK = "見本 SAMPLE"


def _holder() -> dict:
    data = {k: v for k, v in sample_records()[0].items() if k != "photo"}
    data["remarks"] = []  # the sample's remark says 見本 too: keep the mark the only one
    return data


NUMBER = _holder()["my_number"]


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(data)).pages[0].extract_text()


def _qr(png: bytes) -> str:
    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    return cv2.QRCodeDetector().detectAndDecode(rgb)[0]


def _assert_marked_and_masked(r, what: str) -> None:
    assert r.status_code == 200, (what, r.status_code, r.text[:300])
    if r.headers["content-type"] == "application/pdf":
        text = _pdf_text(r.content)
        assert MARK in text, what
        for form in number_forms(NUMBER):
            assert form not in text, (what, form)
    else:
        qr = _qr(r.content)
        assert qr and NUMBER not in qr, (what, qr)
    for form in number_forms(NUMBER):
        assert form.encode() not in r.content, (what, form)


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Settings(), load_models=False), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def production_client():
    with TestClient(create_app(Settings(production=True), load_models=False), raise_server_exceptions=False) as c:
        yield c


def test_the_detection_tells_marked_from_unmarked(production_client):
    """On a production server the caller may ask: then the mark is gone and the number shown."""
    r = production_client.post("/v1/card/render?side=back&format=pdf&production=true", json=_holder())
    assert r.status_code == 200
    text = _pdf_text(r.content)
    assert MARK not in text and "7709 1453 4160" in text
    r = production_client.post("/v1/card/render?side=back&format=png&production=true", json=_holder())
    assert _qr(r.content) == NUMBER
    # and without asking, a production server still answers with a preview
    _assert_marked_and_masked(production_client.post("/v1/card/render?side=back&format=pdf", json=_holder()),
                              "production server, default")


def test_default_output_is_the_library_preview(client):
    holder = Holder.from_dict(_holder())
    for side in ("front", "back"):
        r = client.post(f"/v1/card/render?side={side}&format=png", json=_holder())
        assert r.status_code == 200
        assert r.content == cardface.render(holder, side, "next", "png", preview=True, show_number=False)
    unmarked = cardface.render(holder, "back", "next", "png", preview=False)  # (a production front needs a photo)
    assert r.content != unmarked and r.content != cardface.render(holder, "back", "next", "png", show_number=True)
    _assert_marked_and_masked(client.post("/v1/card/render?side=back&format=pdf", json=_holder()), "default pdf")
    _assert_marked_and_masked(client.post("/v1/card/render?side=back&format=png", json=_holder()), "default png")


@pytest.mark.parametrize("query", [
    "production=true", "show_number=true", "production=1", "show_number=on", "production=yes&show_number=yes",
    "production=false&production=true", "show_number=false&show_number=true", "production=true&allow_failing_photo=true",
])
def test_asking_for_production_is_refused(client, query):
    for fmt in ("pdf", "png"):
        r = client.post(f"/v1/card/render?side=back&format={fmt}&{query}", json=_holder())
        if r.status_code == 200:  # a repeated flag read as false: then it must still be a preview
            _assert_marked_and_masked(r, query)
        else:
            assert r.status_code == 403 and r.json()["error"]["code"] == "serve.production_disabled", r.text


@pytest.mark.parametrize("query", [
    "preview=false", "Production=true", "PRODUCTION=1", "show-number=true", "showNumber=true", "mask=false",
    "mark=false", "production", "show_number", "production=", "production=true%00", "production[]=true",
])
def test_other_spellings_change_nothing(client, query):
    for fmt in ("pdf", "png"):
        r = client.post(f"/v1/card/render?side=back&format={fmt}&{query}", json=_holder())
        if r.status_code == 200:
            _assert_marked_and_masked(r, query)
        else:
            assert r.status_code in (403, 422), (query, r.status_code, r.text[:200])


@pytest.mark.parametrize("extra", [{"production": True}, {"preview": False}, {"show_number": True},
                                   {"settings": {"production": True}}, {"MYNACARD_SERVE_PRODUCTION": "1"}])
def test_holder_fields_cannot_switch_it_off(client, extra):
    r = client.post("/v1/card/render?side=back&format=pdf", json={**_holder(), **extra})
    assert r.status_code == 422 and r.json()["error"]["code"] == "holder.invalid"


def test_form_fields_and_headers_cannot_switch_it_off(client):
    fields = {"holder": (None, json.dumps(_holder(), ensure_ascii=False), "application/json"),
              "production": (None, "true"), "show_number": (None, "true")}
    r = client.post("/v1/card/render?side=back&format=pdf", files=fields)
    if r.status_code == 200:
        _assert_marked_and_masked(r, "form fields")
    else:
        assert 400 <= r.status_code < 500
    headers = {"X-Mynacard-Production": "1", "MYNACARD_SERVE_PRODUCTION": "1", "X-Forwarded-For": "127.0.0.1",
               "Cookie": "production=true"}
    _assert_marked_and_masked(client.post("/v1/card/render?side=back&format=pdf", json=_holder(), headers=headers),
                              "headers")


def test_only_an_explicit_server_setting_enables_production():
    assert Settings.from_env({}).production is False
    for value in ("1", "true", "yes", "on"):
        assert Settings.from_env({"MYNACARD_SERVE_PRODUCTION": value}).production is True
    for value in ("0", "false", "no", "off", ""):
        assert Settings.from_env({"MYNACARD_SERVE_PRODUCTION": value}).production is False
    for value in ("maybe", "2", "production", "TRUE!"):  # anything unclear refuses to start
        with pytest.raises(SettingsError):
            Settings.from_env({"MYNACARD_SERVE_PRODUCTION": value})


def test_health_says_which_mode_the_server_is_in(client, production_client):
    assert client.get("/healthz").json()["production"] is False
    assert production_client.get("/healthz").json()["production"] is True


# -- the service log: no number through the request id, the path or the query ------------------

HEX32 = re.compile(r"[0-9a-f]{32}")


@contextmanager
def _uvicorn_logging_to(path):
    """The app on a real uvicorn in a thread (no face models), its text log at INFO in ``path``."""
    import uvicorn

    os.environ["MYNACARD_LOG_FILE"] = str(path)
    logs.configure(1, "text")
    port = free_port()
    config = uvicorn.Config(create_app(Settings(verbosity=1), load_models=False), host="127.0.0.1", port=port,
                            log_config=None, access_log=True, lifespan="on")
    server = uvicorn.Server(config)
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            assert time.monotonic() < deadline and t.is_alive(), "uvicorn did not start"
            time.sleep(0.05)
        yield port
    finally:
        server.should_exit = True
        t.join(10)
        for h in logging.getLogger().handlers:
            h.flush()
        del os.environ["MYNACARD_LOG_FILE"]
        logs.configure(0, "text")


def _get(port: int, target: str, headers: dict | None = None) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", target, headers=headers or {})
    r = conn.getresponse()
    r.read()
    conn.close()
    return r


def _leaks(log: str) -> list[str]:
    """The sample number's forms in ``log`` as written and as a reader would percent-decode it."""
    readings = [log]
    for _ in range(3):
        readings += [unquote(readings[-1]), unquote_plus(readings[-1])]
    return sorted({form for text in readings for form in number_forms(NUMBER) if form in text})


def test_a_request_id_holding_a_number_is_neither_logged_nor_echoed(tmp_path):
    """``X-Request-ID: 770914534160`` was logged as ``[request 770914534160]`` and echoed."""
    spaced = f"{NUMBER[:4]}-{NUMBER[4:8]}-{NUMBER[8:]}"
    sent = [NUMBER, spaced, spaced.replace("-", "."), spaced.replace("-", ":"), spaced.replace("-", "_"),
            f"req-{NUMBER}", f"a{NUMBER}b"]
    log = tmp_path / "serve.log"
    with _uvicorn_logging_to(log) as port:
        for rid in sent:
            r = _get(port, "/v1/nothing", {"X-Request-ID": rid})  # a 404: logged by uvicorn
            assert r.status == 404 and HEX32.fullmatch(r.headers["X-Request-ID"]), (rid, r.headers["X-Request-ID"])
        r = _get(port, "/v1/nothing", {"X-Request-ID": "office-17"})
        assert r.headers["X-Request-ID"] == "office-17"  # an id without a number is still kept
    text = log.read_text(encoding="utf-8")
    assert text.count('"GET /v1/nothing HTTP/1.1" 404') == len(sent) + 1 and "[request office-17]" in text
    assert not _leaks(text), text


@pytest.mark.parametrize("target", [
    "/7709%201453%204160", "/7709%2D1453%2D4160", "/7709%2d1453%2d4160", "/%37709%201453%204160",
    "/7709%E3%80%801453%E3%80%804160", "/7709%25201453%25204160",
    "/%EF%BC%97%EF%BC%97%EF%BC%90%EF%BC%99%EF%BC%91%EF%BC%94%EF%BC%95%EF%BC%93%EF%BC%94%EF%BC%91%EF%BC%96%EF%BC%90",
    "/healthz?n=7709%201453%204160", "/healthz?n=7709+1453+4160", "/healthz?n=7709%2D1453-4160&m=1",
    "/v1/7709%201453%204160/x?n=%37709145341%36%30",
])
def test_a_number_percent_encoded_in_the_path_or_query_is_redacted(tmp_path, target):
    """Plain numbers were redacted in the access line, the same number percent-encoded was not."""
    log = tmp_path / "serve.log"
    with _uvicorn_logging_to(log) as port:
        _get(port, target)
    text = log.read_text(encoding="utf-8")
    assert "uvicorn.access" in text and "[number redacted]" in text and not _leaks(text), text


def test_redaction_keeps_the_rest_of_an_encoded_path_as_it_was_sent():
    assert logs.redact('"GET /a%20b/7709%201453%204160?x=%41&y=1 HTTP/1.1" 404') == \
        '"GET /a%20b/[number redacted]?x=%41&y=1 HTTP/1.1" 404'
    assert logs.redact("/healthz?n=7709+1453+4160&m=1") == "/healthz?n=[number redacted]&m=1"
    for harmless in ("100% of 1+1", "/a%2Fb?q=%E5%A4%A7", "/x%ZZ%2", "7709%25201453%2520x4160", "1234567890123"):
        assert logs.redact(harmless) == harmless


def test_made_up_request_ids_never_hold_a_number(monkeypatch):
    """A random 32-hex id holds 12 decimal digits in a row about 1 time in 75: those are drawn again."""
    drawn = iter([uuid.UUID(hex=NUMBER + "abcdef" + "0" * 14), uuid.UUID(hex="ab" * 16)])
    monkeypatch.setattr(uuid, "uuid4", lambda: next(drawn))
    assert request_id.accepted(NUMBER.encode()) == "ab" * 16
