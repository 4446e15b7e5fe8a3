"""Output images carry no location and no camera serial numbers.

The source photos carry an EXIF GPS position, the camera's and the lens's serial numbers, the
camera make and model and an XMP packet with a position and a serial. Whatever mynacard writes
from them — card faces (PNG, PDF, the proof sheet; CLI and service), ``photo check --fix``
and ``--annotate`` output, the batch's fixed, annotated and thumbnail images (files and the
images inside report.html) — must hold none of it.
"""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.robust_support import FACE, sample_records

SERIALS = (b"SN-0123456789", b"LENS-98765", b"XMP-SERIAL-42", b"MynaCam", b"Model X")
XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="35,40.5N" '
       b'exif:GPSLongitude="139,45.1E" exif:BodySerialNumber="XMP-SERIAL-42"/></rdf:RDF></x:xmpmeta>')


def _exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "MynaCam"
    exif[0x0110] = "Model X"
    exif.get_ifd(0x8769).update({0xA431: "SN-0123456789", 0xA435: "LENS-98765"})
    exif.get_ifd(0x8825).update({1: "N", 2: (35.0, 40.0, 30.0), 3: "E", 4: (139.0, 45.0, 10.0)})
    return exif


def _has_gps_or_serial(im: Image.Image) -> list[str]:
    found = []
    exif = im.getexif()
    if exif.get_ifd(0x8825) or 0x8825 in exif:
        found.append("EXIF GPS")
    sub = exif.get_ifd(0x8769)
    found += [f"EXIF serial {tag:#x}" for tag in (0xA431, 0xA435, 0xC62F) if tag in sub]
    found += [f"EXIF {tag:#x}" for tag in (0x010F, 0x0110) if tag in exif]
    for key in ("xmp", "XML:com.adobe.xmp", "exif"):
        value = im.info.get(key)
        if value and (b"GPS" in (value if isinstance(value, bytes) else str(value).encode())):
            found.append(f"{key} with GPS")
    return found


def assert_clean_image(data: bytes, what: str) -> None:
    for s in SERIALS:
        assert s not in data, (what, s)
    with Image.open(io.BytesIO(data)) as im:
        assert _has_gps_or_serial(im) == [], (what, _has_gps_or_serial(im))
        assert "xmp" not in im.info and "XML:com.adobe.xmp" not in im.info, what
        if im.format == "PNG":  # a title and the resolution, nothing else
            assert set(im.info) <= {"Title", "dpi", "gamma", "transparency", "icc_profile"}, (what, set(im.info))


def assert_clean_pdf(data: bytes, what: str) -> None:
    from pypdf import PdfReader

    for s in (*SERIALS, b"GPSLatitude"):
        assert s not in data, (what, s)
    reader = PdfReader(io.BytesIO(data))
    assert set(reader.metadata or {}) <= {"/Title"}, (what, reader.metadata)
    assert reader.xmp_metadata is None, what


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> dict[str, Path]:
    """Photos with GPS, serials and XMP: one that passes, two that need a fix (crop; PNG -> JPEG)."""
    folder = tmp_path_factory.mktemp("located")
    face = Image.open(FACE).convert("RGB")
    wide = Image.fromarray(np.pad(np.asarray(face), ((0, 0), (120, 120), (0, 0)), mode="edge"))
    out = {"passing": folder / "passing.jpg", "wide": folder / "wide.jpg", "png": folder / "png.png"}
    face.save(out["passing"], "JPEG", quality=92, exif=_exif(), xmp=XMP)
    wide.save(out["wide"], "JPEG", quality=92, exif=_exif(), xmp=XMP)
    face.save(out["png"], "PNG", exif=_exif())
    for p in out.values():  # the sources really carry what must not leak
        assert "EXIF GPS" in _has_gps_or_serial(Image.open(p))
        assert b"SN-0123456789" in p.read_bytes()
    return out


def test_photo_check_fix_and_annotate_outputs(run_cli, sources, tmp_path):
    res = run_cli("photo", "check", "--json", "--fix", str(tmp_path / "fix"), "--annotate", str(tmp_path / "ann"),
                  *map(str, sources.values()))
    assert res.exit_code == 1, res.output
    fixed = sorted((tmp_path / "fix").iterdir())
    assert [p.name for p in fixed] == ["png.jpg", "wide.jpg"]
    for p in fixed:
        assert_clean_image(p.read_bytes(), p.name)
    annotated = sorted((tmp_path / "ann").iterdir())
    assert len(annotated) == 3
    for p in annotated:
        assert_clean_image(p.read_bytes(), p.name)


def test_card_faces_cli(run_cli, sources, tmp_path):
    holder = {**sample_records()[0], "photo": str(sources["passing"])}
    holders = tmp_path / "h.json"
    holders.write_text(json.dumps([holder, {**holder, "photo": str(sources["wide"])}], ensure_ascii=False),
                       encoding="utf-8")
    out = tmp_path / "cards"
    res = run_cli("card", "render", str(holders), "-o", str(out), "--sheet", "--allow-failing-photo")
    assert res.exit_code == 0, res.output
    files = sorted(out.iterdir())
    assert len(files) == 9
    for p in files:
        data = p.read_bytes()
        if p.suffix == ".png":
            assert_clean_image(data, p.name)
        else:
            assert_clean_pdf(data, p.name)
    res = run_cli("card", "render", str(holders), "-o", str(tmp_path / "prod"), "--production", "--format", "png,pdf")
    # the wide photo fails only its own framing, which the card's crop makes anew: both get a card
    assert res.exit_code == 0, res.output
    assert len(list((tmp_path / "prod").iterdir())) == 8
    for p in (tmp_path / "prod").iterdir():
        (assert_clean_image if p.suffix == ".png" else assert_clean_pdf)(p.read_bytes(), p.name)


def test_card_faces_from_the_service(sources):
    from fastapi.testclient import TestClient

    from mynacard.serve.app import create_app
    from mynacard.serve.settings import Settings

    holder = {k: v for k, v in sample_records()[0].items() if k != "photo"}
    with TestClient(create_app(Settings()), raise_server_exceptions=False) as c:
        for fmt in ("png", "pdf"):
            r = c.post(f"/v1/card/render?format={fmt}",
                       files={"holder": (None, json.dumps(holder, ensure_ascii=False)),
                              "photo": ("p.jpg", sources["passing"].read_bytes(), "image/jpeg")})
            assert r.status_code == 200, r.text[:300]
            (assert_clean_image if fmt == "png" else assert_clean_pdf)(r.content, f"service {fmt}")


def test_batch_outputs_and_report_thumbnails(run_cli, sources, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for p in sources.values():
        (folder / p.name).write_bytes(p.read_bytes())
    out = tmp_path / "out"
    res = run_cli("photo", "batch", str(folder), "-o", str(out), "--workers", "1", "--fix", "--annotate",
                  "--no-progress")
    assert res.exit_code == 1, res.output
    images = [p for p in out.rglob("*") if p.is_file() and p.suffix.lower() in (".jpg", ".jpeg", ".png", ".webp")]
    assert any("fixed" in p.parts for p in images) and any("annotated" in p.parts for p in images)
    for p in images:
        assert_clean_image(p.read_bytes(), str(p.relative_to(out)))
    page = (out / "report.html").read_text(encoding="utf-8")
    uris = re.findall(r"data:image/[a-z]+;base64,([A-Za-z0-9+/=]+)", page)
    for i, b64 in enumerate(uris):
        assert_clean_image(base64.b64decode(b64), f"report.html image {i}")
    assert uris or any("thumb" in str(p) for p in images), "the report shows no thumbnails"
