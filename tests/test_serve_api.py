"""The HTTP API through the ASGI test client: every endpoint, every error status."""

from __future__ import annotations

import io
import json

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from mynacard.serve.app import create_app
from mynacard.serve.settings import Settings
from tests.serve_support import FACE, sample_holder


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
    assert set(spec["paths"]) == {"/healthz", "/v1/photo/check", "/v1/photo/chip", "/v1/card/render", "/v1/romaji", "/v1/ekyc/evidence"}
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
    assert client.get("/docs").status_code == 200  # Swagger UI from this server (tests/test_serve_ops.py)


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
    assert by_id["face.count"]["key"] == "none" and by_id["file.format"]["key"] == "ok"  # the reason, as a code


def test_photo_check_of_a_face_photo(client):
    r = client.post("/v1/photo/check", files={"file": ("face.jpg", FACE.read_bytes(), "image/jpeg")})
    assert r.status_code == 200
    report = r.json()
    by_id = {c["id"]: c for c in report["checks"]}
    assert by_id["face.count"]["passed"] is True and by_id["face.count"]["value"] == 1
    # a face was found: every check ran (but the date taken, which this file does not carry)
    assert all(c["evaluated"] for c in report["checks"] if c["id"] != "file.taken")
    assert by_id["file.taken"]["evaluated"] is False and "no date" in by_id["file.taken"]["message_en"]
    assert report["face"] is not None


def test_photo_check_with_a_named_profile(client):
    from photo.profile import available

    name = max(available(), key=lambda n: n != "mynumber-online")  # another one when there is one
    r = client.post("/v1/photo/check", data={"profile": name}, files={"file": ("p.jpg", jpeg(), "image/jpeg")})
    assert r.status_code == 200 and r.json()["profile"] == name


@pytest.mark.parametrize(("name", "data", "status", "code"), [
    ("notes.jpg", b"these are not pixels" * 10, 415, "input.not_image"),
    ("empty.jpg", b"", 415, "input.empty"),
    ("phone.heic", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\0" * 100, 422, "input.corrupt"),
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


# -- card -------------------------------------------------------------------------------------------

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def cli_render(**kw) -> bytes:
    """What the library (and so the CLI) renders for the sample holder."""
    import cardface
    from cardface.holder import Holder

    return cardface.render(Holder.from_dict(sample_holder()), **kw)


def test_card_render_json_is_the_cli_preview(client):
    r = client.post("/v1/card/render?side=front&layout=next&format=png", json=sample_holder())
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/png" and r.content.startswith(PNG_MAGIC)
    assert r.headers["content-disposition"] == 'inline; filename="card-next-front.png"'
    assert r.content == cli_render(side="front", layout="next", fmt="png", dpi=300, preview=True, show_number=False)


def test_card_render_multipart_without_photo_equals_json(client):
    as_json = client.post("/v1/card/render?side=back&layout=current", json=sample_holder())
    holder = json.dumps(sample_holder(), ensure_ascii=False)
    as_form = client.post("/v1/card/render?side=back&layout=current", files={"holder": (None, holder)})
    as_urlencoded = client.post("/v1/card/render?side=back&layout=current", data={"holder": holder})
    assert as_json.status_code == as_form.status_code == as_urlencoded.status_code == 200
    assert as_form.request.headers["content-type"].startswith("multipart/form-data")
    assert as_json.content == as_form.content == as_urlencoded.content


def test_card_render_of_a_list_is_holder_type_in_both_languages(client):
    r = client.post("/v1/card/render?side=front&layout=next&format=png", json=[sample_holder()])
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "holder.invalid"
    (p,) = error["problems"]
    assert p["code"] == "holder.type" and "not list" in p["message"]
    assert "オブジェクト" in p["message_ja"] and "文字列" not in p["message_ja"]


def test_card_pdf_is_marked_and_the_number_masked(client):
    from pypdf import PdfReader

    r = client.post("/v1/card/render?side=back&layout=current&format=pdf", json=sample_holder())
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(r.content)).pages)
    assert "SAMPLE" in text and "見本" in text
    digits = "".join(ch for ch in text if ch.isdigit())
    assert sample_holder()["my_number"] not in digits  # masked, whatever the spacing


@pytest.mark.parametrize("query", ["production=true", "show_number=true", "production=true&show_number=true"])
def test_unmarked_or_unmasked_output_needs_the_server_setting(client, query):
    r = client.post(f"/v1/card/render?{query}", json=sample_holder())
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "serve.production_disabled"


def test_production_server_lets_callers_show_the_number():
    with TestClient(create_app(Settings(production=True), load_models=False)) as c:
        r = c.post("/v1/card/render?side=back&layout=current&show_number=true", json=sample_holder())
        assert r.status_code == 200
        assert r.content == cli_render(side="back", layout="current", preview=True, show_number=True)
        assert r.content != cli_render(side="back", layout="current", preview=True, show_number=False)
        # production faces need a photo, as in the CLI
        r = c.post("/v1/card/render?production=true", json=sample_holder())
        assert r.status_code == 422 and r.json()["error"]["code"].startswith("card.photo")


def test_invalid_holder_lists_every_bad_field_by_name(client):
    bad = sample_holder(my_number="770914534161", birth_date="2001-02-30", issuer=None, sex="other",
                        photo="/etc/passwd")
    r = client.post("/v1/card/render", json=bad)
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "holder.invalid"
    assert {p["field"] for p in error["problems"]} == {"my_number", "birth_date", "issuer", "sex", "photo"}
    assert all(p["message"] and p["code"].startswith("holder.") for p in error["problems"])
    assert "770914534161" not in r.text  # values are never echoed


@pytest.mark.parametrize(("body", "code"), [
    (b"{not json", "holder.file_json"),
    (b"[1, 2]", "holder.invalid"),
    (b"\xff\xfe{}", "holder.file_encoding"),
    (b"[" * 100_000, "holder.file_json"),
])
def test_unreadable_holder_json_is_422(client, body, code):
    r = client.post("/v1/card/render", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == code


def test_form_without_holder_is_422(client):
    r = client.post("/v1/card/render", files={"photo": ("p.jpg", jpeg(), "image/jpeg")})
    assert r.status_code == 422
    assert r.json()["error"]["problems"][0]["field"] == "holder"


def test_card_with_the_photo_from_a_form(client):
    holder = json.dumps(sample_holder(), ensure_ascii=False)
    without = client.post("/v1/card/render?side=front&layout=next", json=sample_holder())
    r = client.post("/v1/card/render?side=front&layout=next&allow_failing_photo=true",
                    files={"holder": (None, holder), "photo": ("face.jpg", FACE.read_bytes(), "image/jpeg")})
    assert r.status_code == 200, r.text
    assert r.content.startswith(PNG_MAGIC) and r.content != without.content
    assert Image.open(io.BytesIO(r.content)).size == Image.open(io.BytesIO(without.content)).size
    # the holder may also come as a file part (curl -F holder=@holder.json)
    as_file = client.post("/v1/card/render?side=front&layout=next&allow_failing_photo=true",
                          files={"holder": ("holder.json", holder.encode(), "application/json"),
                                 "photo": ("face.jpg", FACE.read_bytes(), "image/jpeg")})
    assert as_file.status_code == 200 and as_file.content == r.content


def tilted_face() -> bytes:
    """The face photo rolled by 20 degrees: fails pose.roll under every profile."""
    buf = io.BytesIO()
    Image.open(FACE).rotate(20, fillcolor=(200, 200, 200)).save(buf, "JPEG", quality=90)
    return buf.getvalue()


def test_card_refuses_a_failing_photo_with_the_reasons(client):
    files = {"holder": (None, json.dumps(sample_holder())), "photo": ("tilted.jpg", tilted_face(), "image/jpeg")}
    r = client.post("/v1/card/render?side=front", files=files)
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "card.photo_refused"
    assert error["problems"] and all(p["field"] == "photo" and p["message"] and p["message_ja"]
                                     for p in error["problems"])
    assert "pose.roll" in {p["code"] for p in error["problems"]}
    # a preview may still place it when asked to
    r = client.post("/v1/card/render?side=front&allow_failing_photo=true", files=files)
    assert r.status_code == 200 and r.content.startswith(PNG_MAGIC)


def test_photo_that_is_not_an_image_is_415(client):
    r = client.post("/v1/card/render", data={"holder": json.dumps(sample_holder())},
                    files={"photo": ("p.jpg", b"not a picture at all" * 20, "image/jpeg")})
    assert r.status_code == 415
    # the photo's own code, or cardface's code for a holder's photo that cannot be read
    assert r.json()["error"]["code"] in ("input.not_image", "card.photo_unreadable")


def test_glyph_no_font_has_is_422_naming_the_field(client):
    r = client.post("/v1/card/render", json=sample_holder(surname="\ue000"))
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "glyph.missing" and "U+E000" in error["message"]


def test_text_that_cannot_fit_is_422(client):
    r = client.post("/v1/card/render", json=sample_holder(address="東京都千代田区" * 28))
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "text.overflow"
