"""The service's callers cannot turn off the 見本 SAMPLE mark or the number masking.

Only the operator can, by starting the server with ``--production``
(``MYNACARD_SERVE_PRODUCTION=1``). Every way a caller might ask — query flags, their
spellings and repeats, fields in the holder JSON, form fields, headers — gets a refusal or a
marked, masked card. The test tells a marked card from an unmarked one by the PDF's text
layer (the mark is real text there), the QR code on the back and byte equality with the
library's own preview.
"""

from __future__ import annotations

import io
import json

import cv2
import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

import cardface
from cardface.holder import Holder
from mynacard.serve.app import create_app
from mynacard.serve.settings import Settings, SettingsError
from tests.privacy_support import number_forms
from tests.robust_support import sample_records

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
