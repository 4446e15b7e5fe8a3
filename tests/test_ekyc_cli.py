"""``mynacard card evidence`` and ``POST /v1/ekyc/evidence``: verdicts, JSON, exit codes and statuses."""

from __future__ import annotations

import io
import json
from functools import cache

import pytest
from PIL import Image

from tests.conftest import invoke_cli
from tests.oblique_support import face


@cache
def photo(attack=None, tilt=50.0) -> bytes:
    from cardface.oblique import simulate
    from cardface.oblique.templates import edge_rgb

    img, _ = simulate(face("next", "front"), tilt, 0, 12, size=(1000, 750), fill=0.6, background="wood", seed=3,
                      noise=1.5, edge_rgb=edge_rgb("next"), attack=attack)
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, "JPEG", quality=92)
    return buf.getvalue()


def test_cli_says_card_for_a_card_and_flat_for_a_print(tmp_path):
    card, prnt = tmp_path / "card.jpg", tmp_path / "print.jpg"
    card.write_bytes(photo())
    prnt.write_bytes(photo("print"))
    r = invoke_cli("card", "evidence", str(card))
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("card.jpg: card: the edge shows a card's thickness")
    r = invoke_cli("card", "evidence", str(card), str(prnt), "--json")
    assert r.exit_code == 1
    out = json.loads(r.stdout)
    assert [o["photo"] for o in out] == ["card.jpg", "print.jpg"]
    assert [o["verdict"] for o in out] == ["card", "flat"]
    assert 0.46 <= out[0]["thickness_mm"] <= 1.16 and out[0]["core_match"] is True
    assert out[1]["reasons"][0]["code"].startswith("evidence.")


def test_cli_retake_says_what_to_change(tmp_path):
    flat = tmp_path / "flat.jpg"
    flat.write_bytes(photo(tilt=4))
    r = invoke_cli("card", "evidence", str(flat))
    assert r.exit_code == 1
    assert "flat.jpg: retake:" in r.stdout and "tilt the card away from you" in r.stdout


def test_cli_unreadable_photo_is_one_line_and_the_others_are_still_judged(tmp_path):
    bad, card = tmp_path / "bad.jpg", tmp_path / "card.jpg"
    bad.write_bytes(b"\xff\xd8 broken")
    card.write_bytes(photo())
    r = invoke_cli("card", "evidence", str(bad), str(card), str(tmp_path / "missing.jpg"), "--json")
    assert r.exit_code == 2
    out = json.loads(r.stdout)
    assert [o["photo"] for o in out] == ["bad.jpg", "card.jpg", "missing.jpg"]
    assert out[0]["error"]["code"] == "capture.unreadable" and out[1]["verdict"] == "card"
    assert out[2]["error"]["code"] == "capture.no_file"
    r = invoke_cli("card", "evidence", str(bad))
    assert r.exit_code == 2 and r.stderr.strip().count("\n") == 0 and "capture.unreadable" in r.stderr
    r = invoke_cli("card", "evidence", str(card), "--layout", "nope")
    assert r.exit_code == 2 and "layout" in r.stderr


@pytest.fixture(scope="module")
def client():
    from fastapi.testclient import TestClient

    from mynacard.serve.app import create_app
    from mynacard.serve.settings import Settings

    with TestClient(create_app(Settings(), load_models=False), raise_server_exceptions=False) as c:
        yield c


def test_endpoint_judges_an_upload(client):
    r = client.post("/v1/ekyc/evidence", files={"file": ("card.jpg", photo(), "image/jpeg")})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["verdict"] == "card" and body["advice"] == []
    assert set(body["card"]["corners"]) == {"top_left", "top_right", "bottom_right", "bottom_left"}
    r = client.post("/v1/ekyc/evidence", files={"file": ("flat.jpg", photo(tilt=4), "image/jpeg")},
                    data={"layout": "next"})
    assert r.status_code == 200 and r.json()["verdict"] == "retake" and r.json()["advice"] == ["tilt_more"]


def test_endpoint_errors_have_codes(client):
    r = client.post("/v1/ekyc/evidence", files={"file": ("x.jpg", b"\xff\xd8 broken", "image/jpeg")})
    assert r.status_code == 415 and r.json()["error"]["code"] == "capture.unreadable"
    r = client.post("/v1/ekyc/evidence", content=photo(), headers={"content-type": "image/jpeg"})
    assert r.status_code == 415 and r.json()["error"]["code"] == "request.unsupported_media_type"
    r = client.post("/v1/ekyc/evidence", files={"file": ("c.jpg", photo(), "image/jpeg")}, data={"layout": "old"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "request.invalid"


def test_capture_page_is_served_without_a_cdn(client):
    r = client.get("/capture")
    assert r.status_code == 200 and "getUserMedia" not in r.text  # the script is a separate file
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "connect-src 'self'" in csp
    js = client.get("/static/capture.js")
    assert js.status_code == 200 and "getUserMedia" in js.text and "/v1/ekyc/evidence" in js.text
    for text in (r.text, js.text, client.get("/static/capture.css").text):  # nothing from elsewhere
        assert "http://" not in text and "https://" not in text
    assert "localStorage" not in js.text and "indexedDB" not in js.text  # nothing stored
