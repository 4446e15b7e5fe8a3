"""What the service makes of a request's parts: an empty photo attached to a card render is an
error, not a card without the photo."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from mynacard.serve.app import create_app
from mynacard.serve.settings import Settings
from tests.serve_support import sample_holder

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
