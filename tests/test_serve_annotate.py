"""``POST /v1/photo/check`` with ``annotate=true`` returns the review image; without it, none."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from mynacard.serve.app import create_app
from mynacard.serve.settings import Settings
from photo.annotate import RED
from tests.photo_helpers import VARIANTS


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Settings()), raise_server_exceptions=False) as c:
        yield c


def test_the_review_image_only_when_asked(client):
    data = VARIANTS["closed_eyes"]()
    plain = client.post("/v1/photo/check", files={"file": ("eyes.jpg", data, "image/jpeg")})
    assert plain.status_code == 200 and plain.json()["annotated"] is None
    r = client.post("/v1/photo/check", data={"annotate": "true"}, files={"file": ("eyes.jpg", data, "image/jpeg")})
    assert r.status_code == 200
    body = r.json()
    assert {c["id"] for c in body["checks"] if not c["passed"]} == {"eyes.open"}
    png = Image.open(io.BytesIO(base64.b64decode(body["annotated"])))
    assert png.format == "PNG" and not png.info  # no metadata
    px = np.asarray(png.convert("RGB")).astype(int)
    red = np.abs(px - np.array(RED)).sum(axis=2) <= 6
    k = png.width / Image.open(io.BytesIO(data)).width
    for x, y in body["face"]["eyes"]:  # original px: each closed eye is marked where it is
        assert red[int((y - 12) * k):int((y + 12) * k), int((x - 30) * k):int((x + 30) * k)].sum() > 10
