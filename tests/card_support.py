"""Shared helpers for the card-face tests (tests/test_card_*.py)."""

from __future__ import annotations

import io
import json
import shutil
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "applicants.json"
DATA = Path(__file__).resolve().parent / "data"
FACE = DATA / "faces" / "compliant_a.jpg"

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
                                   reason="poppler-utils not installed (make test installs it)")


@cache
def sample_records() -> list[dict]:
    """The sample holders as raw records, photo paths made absolute so copies work anywhere."""
    records = json.loads(SAMPLES.read_text(encoding="utf-8"))
    for r in records:
        if r.get("photo"):
            r["photo"] = str((SAMPLES.parent / r["photo"]).resolve())
    return records


@cache
def holders():
    from cardface.holder import load_holders

    return load_holders(SAMPLES)


def holder(n: int, **changes):
    """Sample holder number ``n`` (1-based, as in samples/CASES.md), optionally changed."""
    from cardface.holder import Holder

    if not changes:
        return holders()[n - 1]
    return Holder.from_dict({**sample_records()[n - 1], **changes}, base_dir=SAMPLES.parent)


def has_mj() -> bool:
    from cardface.fonts import default_fonts

    return default_fonts().has("mj")


needs_mj = pytest.mark.skipif(not has_mj(), reason="IPAmj Mincho not installed (make test installs fonts-ipamj-mincho)")


def png_image(data: bytes):
    from PIL import Image

    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def pdf_text(data: bytes) -> str:
    import pypdf

    return "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)


def squash(s: str) -> str:
    """Text without any whitespace (PDF extraction puts breaks between runs and lines)."""
    return "".join(s.split())
