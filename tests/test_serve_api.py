"""The HTTP API through the ASGI test client: every endpoint, every error status."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from mynacard.serve.app import create_app
from mynacard.serve.settings import Settings


@pytest.fixture(scope="module")
def client():
    """The real app, face models loaded in the lifespan as in production."""
    with TestClient(create_app(Settings()), raise_server_exceptions=False) as c:
        yield c


def jpeg(width: int = 600, height: int = 800) -> bytes:
    """A plain grey JPEG: a picture, but no face in it."""
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (180, 182, 185)).save(buf, "JPEG", quality=90)
    return buf.getvalue()


def animated_gif() -> bytes:
    frames = [Image.new("RGB", (64, 64), c) for c in ("red", "blue")]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:])
    return buf.getvalue()


# -- health and schema ---------------------------------------------------------------------------


def test_healthz_after_warm_up(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["models_loaded"] is True and body["production"] is False
    assert body["max_upload_bytes"] == 10 * 1024 * 1024


def test_openapi_describes_every_endpoint_with_schemas(client):
    spec = client.get("/openapi.json").json()
    assert set(spec["paths"]) == {"/healthz", "/v1/photo/check", "/v1/card/render", "/v1/romaji"}
    schemas = spec["components"]["schemas"]
    for name in ("PhotoReportOut", "CheckOut", "RomajiOut", "RomajiRequest", "HolderIn", "HolderForm",
                 "ErrorBody", "Health"):
        assert name in schemas, name
    render = spec["paths"]["/v1/card/render"]["post"]
    assert set(render["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert set(render["responses"]["200"]["content"]) == {"image/png", "application/pdf"}
    assert {"403", "413", "415", "422"} <= set(render["responses"])
    photo = spec["paths"]["/v1/photo/check"]["post"]
    assert photo["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("PhotoReportOut")
    assert "photo" not in schemas["HolderIn"]["properties"]  # no server paths from callers


def test_page_and_static_files(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'src="/static/app.js"' in page.text and "http://" not in page.text and "https://" not in page.text
    assert client.get("/static/app.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/static/app.css").headers["content-type"].startswith("text/css")
    assert client.get("/static/index.html").status_code == 404  # only the listed files
    assert client.get("/docs").status_code == 404  # Swagger UI would load scripts from a CDN


# -- romaji ----------------------------------------------------------------------------------------


def test_romaji_with_passport_gives_each_part_status(client):
    r = client.post("/v1/romaji", json={"kana": "オオノ タロウ", "passport": "OHNO TARO"})
    assert r.status_code == 200
    body = r.json()
    assert body["text"] == "OHNO TARO" and body["ok"] is True and body["source"] == "passport"
    assert [(p["part"], p["spelling"], p["status"], p["expected"]) for p in body["parts"]] == [
        ("surname", "OHNO", "variant", "ONO"), ("given_name", "TARO", "hepburn", "TARO")]
    assert all(p["reason"] and p["reason_en"] for p in body["parts"])


def test_romaji_from_the_reading_full_width_space(client):
    r = client.post("/v1/romaji", json={"kana": "オオノ\u3000タロウ"})
    assert r.status_code == 200 and r.json()["text"] == "ONO TARO"


def test_romaji_kanji_keeps_vowels_across_the_boundary(client):
    r = client.post("/v1/romaji", json={"kana": "マツウラ アヤ", "kanji": "松浦 彩"})
    assert r.json()["text"] == "MATSUURA AYA"


def test_romaji_non_hepburn_passport_is_reported_not_refused(client):
    r = client.post("/v1/romaji", json={"kana": "ジョージ タロウ", "passport": "GEORGE TARO"})
    assert r.status_code == 200
    body = r.json()
    assert body["ok"] is False and body["parts"][0]["status"] == "non-hepburn"
    assert "JOJI" in body["parts"][0]["reason_en"]


@pytest.mark.parametrize(("body", "code"), [
    ({"kana": "オオノ"}, "romaji.invalid"),
    ({"kana": "ohno taro"}, "romaji.not_kana"),
    ({"kana": "オオノ タロウ", "passport": "OHNO"}, "romaji.passport_parts"),
])
def test_romaji_bad_input_is_422_with_the_cli_code(client, body, code):
    r = client.post("/v1/romaji", json=body)
    assert r.status_code == 422
    assert r.json()["error"]["code"] == code


def test_romaji_request_shape_is_checked(client):
    r = client.post("/v1/romaji", json={"kana": "オオノ タロウ", "reading": "x"})
    assert r.status_code == 422
    assert r.json()["error"]["problems"][0]["field"] == "body.reading"


# -- photo -----------------------------------------------------------------------------------------


def test_photo_check_returns_the_cli_report(client):
    r = client.post("/v1/photo/check", files={"file": ("plain.jpg", jpeg(), "image/jpeg")})
    assert r.status_code == 200
    report = r.json()
    assert set(report) >= {"file", "passed", "profile", "checks", "error"}
    assert report["file"] == "plain.jpg" and report["profile"] == "mynumber-online" and report["error"] is None
    assert report["passed"] is False
    by_id = {c["id"]: c for c in report["checks"]}
    assert by_id["face.count"]["passed"] is False  # a grey card has no face
    assert by_id["file.format"]["passed"] is True
    assert all(c["message"] and c["message_en"] for c in report["checks"])


def test_photo_check_with_a_named_profile(client):
    from photo.profile import available

    name = max(available(), key=lambda n: n != "mynumber-online")  # another one when there is one
    r = client.post("/v1/photo/check", data={"profile": name}, files={"file": ("p.jpg", jpeg(), "image/jpeg")})
    assert r.status_code == 200 and r.json()["profile"] == name


@pytest.mark.parametrize(("name", "data", "status", "code"), [
    ("notes.jpg", b"these are not pixels" * 10, 415, "input.not_image"),
    ("empty.jpg", b"", 415, "input.empty"),
    ("phone.heic", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\0" * 100, 415, "input.heic"),
    ("anim.gif", animated_gif(), 415, "input.animated"),
    ("cut.jpg", jpeg()[:600], 422, None),
])
def test_photo_check_bad_input(client, name, data, status, code):
    r = client.post("/v1/photo/check", files={"file": (name, data, "application/octet-stream")})
    assert r.status_code == status
    err = r.json()["error"]
    assert err["code"].startswith("input.")
    if code:
        assert err["code"] == code


def test_photo_check_unknown_profile_is_422(client):
    r = client.post("/v1/photo/check", data={"profile": "nonesuch"}, files={"file": ("p.jpg", jpeg(), "image/jpeg")})
    assert r.status_code == 422 and r.json()["error"]["code"] == "profile.invalid"


def test_photo_check_over_10_mib_is_413(client):
    big = b"\xff\xd8" + b"\0" * (10 * 1024 * 1024)
    r = client.post("/v1/photo/check", files={"file": ("big.jpg", big, "image/jpeg")})
    assert r.status_code == 413 and r.json()["error"]["code"] == "input.file_too_large"
