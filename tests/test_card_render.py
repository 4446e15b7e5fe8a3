"""The two backends: PNG (Pillow) and PDF (reportlab) draw the same scene correctly."""

from __future__ import annotations

import io
import subprocess
import zlib

import numpy as np
import pytest

import cardface
from cardface.backends.pdffonts import to_unicode_cmap
from cardface.errors import CardfaceError
from tests.card_support import holder, needs_mj, needs_poppler, pdf_text, png_image, squash

MM = 72 / 25.4


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    out, pos = [], 8
    while pos < len(data):
        n = int.from_bytes(data[pos:pos + 4], "big")
        out.append((data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]))
        pos += 12 + n
    return out


def test_png_size_resolution_corners_and_metadata():
    data = cardface.render(holder(1), "front", "next", "png", dpi=200)
    im = png_image(data)
    assert im.mode == "RGBA"
    assert im.size == (round(85.60 / 25.4 * 200), round(53.98 / 25.4 * 200))
    assert im.info["dpi"] == pytest.approx((200, 200), abs=0.01)
    a = np.asarray(im)[..., 3]
    assert a[0, 0] == 0 and a[-1, -1] == 0 and a[0, -1] == 0 and a[-1, 0] == 0  # rounded corners transparent
    assert a[im.height // 2, im.width // 2] == 255 and a[0, im.width // 2] == 255
    kinds = [k for k, _ in png_chunks(data)]
    assert b"eXIf" not in kinds and b"tIME" not in kinds
    text_chunks = [v for k, v in png_chunks(data) if k in (b"tEXt", b"iTXt", b"zTXt")]
    assert len(text_chunks) == 1 and text_chunks[0].startswith(b"Title\x00")
    assert set(kinds) <= {b"IHDR", b"pHYs", b"iTXt", b"IDAT", b"IEND"}
    assert not im.getexif()


def test_png_shows_the_sample_mark_only_in_previews():
    h = holder(1, photo=None)
    prev = np.asarray(png_image(cardface.render(h, "back", "next", "png", dpi=100)).convert("RGB")).astype(int)
    prod = np.asarray(png_image(cardface.render(h, "back", "next", "png", dpi=100, preview=False)).convert("RGB"))
    # the mark is red: many pixels much redder than green in the preview, none in production
    red = lambda im: ((im[..., 0] - im[..., 1]) > 60).mean()  # noqa: E731
    assert red(prev) > 0.02 and red(prod.astype(int)) < 0.001


def test_pdf_page_is_exactly_the_card_and_grows_with_bleed_and_marks():
    import pypdf

    data = cardface.render(holder(1), "front", "next", "pdf")
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    assert float(page.mediabox.width) == pytest.approx(85.60 * MM, abs=0.01)
    assert float(page.mediabox.height) == pytest.approx(53.98 * MM, abs=0.01)
    bled = cardface.render(holder(1), "front", "next", "pdf", bleed_mm=2.0, crop_marks=True)
    page = pypdf.PdfReader(io.BytesIO(bled)).pages[0]
    assert float(page.mediabox.width) == pytest.approx((85.60 + 2 * (2.0 + 6.0)) * MM, abs=0.01)
    trim = page.trimbox
    assert float(trim.width) == pytest.approx(85.60 * MM, abs=0.01)
    assert float(page.bleedbox.width) == pytest.approx((85.60 + 4.0) * MM, abs=0.01)
    with pytest.raises(CardfaceError):
        cardface.render(holder(1), "front", "next", "pdf", bleed_mm=50)


def test_pdf_fonts_are_embedded_subsets_and_metadata_is_a_title_only():
    import pypdf

    data = cardface.render(holder(15), "front", "next", "pdf")
    r = pypdf.PdfReader(io.BytesIO(data))
    assert set(r.metadata.keys()) == {"/Title"}
    assert b"/Producer" not in data and b"/CreationDate" not in data
    fonts = r.pages[0]["/Resources"]["/Font"]
    assert fonts
    for ref in fonts.values():
        f = ref.get_object()
        desc = f["/FontDescriptor"].get_object()
        assert "/FontFile2" in desc, f["/BaseFont"]  # embedded TrueType
        assert "+" in f["/BaseFont"]  # subset tag
        assert "/ToUnicode" in f


def test_pdf_text_layer_contains_every_printed_field():
    h = holder(1)
    text = squash(pdf_text(cardface.render(h, "front", "next", "pdf")))
    for value in (h.name, h.name_kana, "OHNO TARO", "1985年6月14日生", "14 JUN 1985", h.address, h.issuer,
                  "日本国JAPAN", "見本SAMPLE"):
        assert squash(value) in text, value
    back = squash(pdf_text(cardface.render(h, "back", "next", "pdf", show_number=True)))
    assert h.my_number in back and squash(h.remarks[0]) in back
    assert h.my_number not in squash(pdf_text(cardface.render(h, "back", "next", "pdf")))
    h2 = holder(2)  # no remarks (holder 1's remark says 見本 SAMPLE)
    assert "見本SAMPLE" in squash(pdf_text(cardface.render(h2, "back", "next", "pdf")))
    prod = squash(pdf_text(cardface.render(h2, "back", "next", "pdf", preview=False)))
    assert "見本SAMPLE" not in prod and h2.my_number in prod


@needs_mj
def test_pdf_reads_back_non_bmp_and_variation_sequences():
    text = pdf_text(cardface.render(holder(15), "front", "next", "pdf"))
    assert "\U00020BB7田" in text and "\u20bb" not in text  # not the truncated U+20BB
    text = pdf_text(cardface.render(holder(16), "back", "current", "pdf"))
    assert "葛\U000E0100" in text


@needs_mj
@needs_poppler
def test_pdftotext_reads_back_the_registered_name():
    for n, side, lay, expected in ((15, "front", "next", "\U00020BB7田"), (16, "back", "current", "葛\U000E0100")):
        pdf = cardface.render(holder(n), side, lay, "pdf")
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
        assert expected in out.stdout.decode("utf-8")


def test_tounicode_cmap_uses_utf16_surrogates_and_sequences():
    cmap = to_unicode_cmap("AAAAAA+X", [0, 0x20BB7, 0xF0000], {0xF0000: "葛\U000E0100"})
    assert "<01> <D842DFB7>" in cmap
    assert "<02> <845BDB40DD00>" in cmap
    assert "<00> <0000>" in cmap


@needs_poppler
def test_png_and_pdf_draw_the_same_scene(tmp_path):
    """Rasterised, the PDF matches the PNG best with no shift, and closely (text edges differ)."""
    h = holder(1, photo=None)
    dpi = 150
    for side in ("front", "back"):
        png = np.asarray(png_image(cardface.render(h, side, "next", "png", dpi=dpi)).convert("L")).astype(float)
        (tmp_path / "card.pdf").write_bytes(cardface.render(h, side, "next", "pdf"))
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", "-singlefile", str(tmp_path / "card.pdf"),
                        str(tmp_path / "card")], check=True)
        ras = np.asarray(png_image((tmp_path / "card.png").read_bytes()).convert("L")).astype(float)
        hgt, wid = min(png.shape[0], ras.shape[0]), min(png.shape[1], ras.shape[1])
        m = 10
        ref = png[m:hgt - m, m:wid - m]
        diffs = {(dy, dx): np.abs(ref - ras[m + dy:hgt - m + dy, m + dx:wid - m + dx]).mean()
                 for dy in (-2, -1, 0, 1, 2) for dx in (-2, -1, 0, 1, 2)}
        assert min(diffs, key=diffs.get) == (0, 0), side
        assert diffs[(0, 0)] < 12.0, side  # antialiased edges of small text differ


@needs_poppler
def test_condensed_text_is_drawn_narrowed_alike_in_png_and_pdf(tmp_path):
    """A serial of wide letters, condensed to fit its box: both backends draw it narrowed to the
    width the scene fitted (its ink ends inside the box), at the same place."""
    from cardface.layout import load_layout

    h = holder(1, photo=None).model_copy(update={"card_serial": "WWWWMMMMWWWWMMMM", "security_code": "8888"})
    box = next(f for f in load_layout("current").front.fields if f.id == "card_serial").box
    dpi = 600
    k = dpi / 25.4
    png = np.asarray(png_image(cardface.render(h, "front", "current", "png", dpi=dpi, show_number=True)).convert("L"))
    (tmp_path / "card.pdf").write_bytes(cardface.render(h, "front", "current", "pdf", show_number=True))
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", "-singlefile", str(tmp_path / "card.pdf"),
                    str(tmp_path / "card")], check=True)
    ras = np.asarray(png_image((tmp_path / "card.png").read_bytes()).convert("L"))
    rows = slice(round(box.y * k), round(box.y1 * k))
    spans = []
    for img in (png, ras):
        band = img[rows, : round((box.x1 + 1.5) * k)]  # the donation box starts at 30.6 mm.astype(float)
        ink = np.flatnonzero((band < band.max() - 100).any(axis=0))
        spans.append((ink.min() / k, ink.max() / k))
    for x0, x1 in spans:
        assert box.x - 0.2 <= x0 and x1 <= box.x1, spans  # mm: inside the box
        assert x1 - x0 > 0.9 * box.w  # narrowed to the box, not shrunk further
    assert abs(spans[0][0] - spans[1][0]) < 0.15 and abs(spans[0][1] - spans[1][1]) < 0.15, spans


def test_render_rejects_bad_options():
    with pytest.raises(CardfaceError) as e:
        cardface.render(holder(1), "front", "next", "svg")
    assert e.value.code == "render.format"
    with pytest.raises(CardfaceError):
        cardface.render(holder(1), "front", "next", "png", dpi=5)
    with pytest.raises(CardfaceError):
        cardface.render(holder(1), "middle", "next", "png")
    with pytest.raises(CardfaceError):
        cardface.render(holder(1), "front", "next", "png", preview=False, allow_failing_photo=True)


def test_proof_sheet_is_a4_with_ten_cards_per_page():
    import pypdf

    from tests.card_support import holders

    data = cardface.render_sheet(holders()[:12], "next", ("front", "back"))
    r = pypdf.PdfReader(io.BytesIO(data))
    assert len(r.pages) == 4  # 12 holders: 2 pages of fronts + their backs
    assert float(r.pages[0].mediabox.width) == pytest.approx(210 * MM, abs=0.05)
    assert float(r.pages[0].mediabox.height) == pytest.approx(297 * MM, abs=0.05)
    assert set(r.metadata.keys()) == {"/Title"}
    first = squash(r.pages[0].extract_text())
    assert squash(holders()[0].name) in first and "page1/4" in first
    assert zlib.crc32(data) != 0
    with pytest.raises(CardfaceError):
        cardface.render_sheet([], "next")
