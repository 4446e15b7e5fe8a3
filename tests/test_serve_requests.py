"""What the service makes of a request's parts: an empty photo attached to a card render is an
error, not a card without the photo; a form part sent twice, or one the endpoint does not
know, is an error (as an unknown field of a JSON body is), not silently chosen or passed over."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from mynacard.serve.app import create_app
from mynacard.serve.settings import Settings
from tests.serve_support import FACE, sample_holder

RENDER = "/v1/card/render?side=front&layout=next"


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Settings(), load_models=False), raise_server_exceptions=False) as c:
        yield c


def _holder_part() -> tuple[None, str, str]:
    return None, json.dumps(sample_holder(), ensure_ascii=False), "application/json"


# -- an empty photo ------------------------------------------------------------------------------


def test_an_empty_photo_for_the_card_is_the_photo_checks_empty_upload_error(client):
    """A 0-byte photo part was dropped: 200 and a card without it, the same bytes as no photo."""
    empty = ("face.jpg", b"", "image/jpeg")
    check = client.post("/v1/photo/check", files={"file": empty})
    r = client.post(RENDER, files={"holder": _holder_part(), "photo": empty})
    assert (r.status_code, r.json()["error"]["code"]) == (check.status_code, check.json()["error"]["code"]) \
        == (415, "input.empty")
    assert "photo" in r.json()["error"]["message"]


def test_a_file_input_left_empty_in_a_browser_form_is_no_photo(client):
    """HTML forms send an unused file input as a part with no file name and no bytes."""
    without = client.post(RENDER, json=sample_holder())
    r = client.post(RENDER, files={"holder": _holder_part(), "photo": ("", b"", "application/octet-stream")})
    assert r.status_code == 200 and r.content == without.content


def test_text_where_the_photo_file_belongs_is_422(client):
    """``curl -F photo=face.jpg`` (no @) sends the name as text: that is no photo either."""
    r = client.post(RENDER, files={"holder": _holder_part(), "photo": (None, "face.jpg")})
    assert r.status_code == 422 and r.json()["error"]["code"] == "request.invalid"
    assert [p["field"] for p in r.json()["error"]["problems"]] == ["photo"]


# -- form parts: each once, no others --------------------------------------------------------------

JPEG = ("face.jpg", FACE.read_bytes(), "image/jpeg")
#: each form and parts that it takes, to which an unknown one is added
FORMS = {"/v1/photo/check": {"file": JPEG}, "/v1/photo/chip": {"file": JPEG}, "/v1/ekyc/evidence": {"file": JPEG},
         "/v1/card/render": {"holder": None}}


def _problems(r) -> list[tuple[str, str]]:
    assert r.status_code == 422 and r.json()["error"]["code"] == "request.invalid", (r.status_code, r.text[:300])
    return [(p["field"], p["code"]) for p in r.json()["error"]["problems"]]


def test_a_second_file_part_is_refused_not_chosen(client):
    """Two ``file`` parts to /v1/photo/check: the second one was checked, the first ignored."""
    r = client.post("/v1/photo/check", files=[("file", JPEG), ("file", ("other.jpg", b"", "image/jpeg"))])
    assert _problems(r) == [("body.file", "request.duplicate_part")]
    r = client.post("/v1/photo/check", data={"profile": ["icao", "mynumber-online"]}, files={"file": JPEG})
    assert _problems(r) == [("body.profile", "request.duplicate_part")]
    for path in ("/v1/photo/chip", "/v1/ekyc/evidence"):
        assert _problems(client.post(path, files=[("file", JPEG), ("file", JPEG)])) == \
            [("body.file", "request.duplicate_part")]
    r = client.post(RENDER, files=[("holder", _holder_part()), ("photo", JPEG), ("photo", JPEG)])
    assert _problems(r) == [("body.photo", "request.duplicate_part")]


def test_unknown_form_fields_are_refused_as_unknown_json_fields_are(client):
    """``profle=icao`` was passed over: the photo was checked against the default profile."""
    as_json = client.post("/v1/romaji", json={"kana": "オオノ タロウ", "reading": "x"})
    assert _problems(as_json) == [("body.reading", "request.invalid")]
    r = client.post("/v1/photo/check", data={"profle": "icao"}, files={"file": JPEG})
    assert _problems(r) == [("body.profle", "request.invalid")]
    assert "known: file, profile, annotate, on" in r.json()["error"]["problems"][0]["message"]
    assert _problems(client.post("/v1/photo/chip", data={"quality": "90"}, files={"file": JPEG})) == \
        [("body.quality", "request.invalid")]
    assert _problems(client.post("/v1/ekyc/evidence", data={"side": "back"}, files={"file": JPEG})) == \
        [("body.side", "request.invalid")]
    r = client.post(RENDER, files={"holder": _holder_part(), "show_number": (None, "true")})
    assert _problems(r) == [("body.show_number", "request.invalid")]


def test_a_field_name_that_may_be_personal_data_is_not_repeated(client):
    r = client.post("/v1/photo/check", data={"770914534160": "x", "大野 太郎": "y"}, files={"file": JPEG})
    assert _problems(r) == [("body.(unknown field)", "request.invalid")] * 2
    assert "770914534160" not in r.text and "大野" not in r.text


def test_the_known_parts_are_the_documented_form(client):
    """The parts a form takes (named in the unknown-field message) are those its OpenAPI schema documents."""
    schema = client.get("/openapi.json").json()
    refs = schema["components"]["schemas"]
    for path, parts in FORMS.items():
        body = schema["paths"][path]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
        props = refs[body["$ref"].rsplit("/", 1)[-1]]["properties"]
        files = {k: (_holder_part() if v is None else v) for k, v in parts.items()} | {"zz_unknown": (None, "x")}
        r = client.post(RENDER if path == "/v1/card/render" else path, files=files)
        assert _problems(r) == [("body.zz_unknown", "request.invalid")], path
        known = r.json()["error"]["problems"][0]["message"].split("(known: ", 1)[1].rstrip(")").split(", ")
        assert set(known) == set(props), path


# -- a body that does not parse --------------------------------------------------------------------


@pytest.mark.parametrize("body", [b"{", b'{"kana": ', b"\xff\xfe{", b'{"kana": "\xff\xfe"}', b"[" * 100_000],
                         ids=["open-brace", "cut", "not-utf8", "not-utf8-in-a-string", "nested"])
def test_a_json_body_that_does_not_parse_is_400_malformed_whatever_the_reason(client, body):
    """``{`` was 422 ``request.invalid`` (FastAPI's json_invalid), bad UTF-8 400 ``request.malformed``."""
    r = client.post("/v1/romaji", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 400, r.text[:300]
    err = r.json()["error"]
    assert err["code"] == "request.malformed" and err["message"].startswith("the body is not valid JSON")


def test_json_that_parses_but_is_not_the_schema_is_still_422(client):
    for body in (b"[]", b'{"kana": 1}', b""):
        r = client.post("/v1/romaji", content=body, headers={"content-type": "application/json"})
        assert r.status_code == 422 and r.json()["error"]["code"] == "request.invalid", (body, r.text)


# -- /v1/photo/chip ----------------------------------------------------------------------------------


def test_the_chip_endpoint_takes_jp2_as_the_cli_does(client):
    """``codec=jp2`` (the CLI's ``--codec jp2``) was 422 on the endpoint: it is ``jpeg2000``."""
    from tests.photo_helpers import path

    photo_part = ("a.jpg", path("compliant_a").read_bytes(), "image/jpeg")
    answers = [client.post("/v1/photo/chip", files={"file": photo_part}, data={"budget_bytes": "4000", "codec": c})
               for c in ("jp2", "jpeg2000")]
    assert [r.status_code for r in answers] == [200, 200], answers[0].text[:300]
    jp2, jpeg2000 = (r.json() for r in answers)
    assert jp2["codec"] == "jpeg2000" and jp2["image"] == jpeg2000["image"]
    r = client.post("/v1/photo/chip", files={"file": photo_part}, data={"codec": "webp"})
    assert _problems(r) == [("body.codec", "request.invalid")]
