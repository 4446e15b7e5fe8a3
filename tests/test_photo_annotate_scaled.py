"""The review image drawn small (``photo.annotate.draw(..., max_px=...)``, the batch report's
thumbnail): the failed checks' red marks where the full-size image has them, every other pixel
of the full-size path unchanged, and the batch's two thumbnails per failed photo.

Photos are variants of tests/data faces built at test time (tests/photo_helpers.py)."""

from __future__ import annotations

import io
import itertools
from functools import cache

import numpy as np
import pytest
from PIL import Image, ImageDraw

from photo.annotate import CYAN, RED, _Pen, draw, label_font
from photo.batch.thumbs import THUMB_PX, thumbnail_jpeg
from photo.resample import shrink_picture
from tests.photo_helpers import VARIANTS

PROFILE = "mynumber-online"


@cache
def _analysed(key: str):
    from photo import profile
    from photo.checker import analyse_and_check

    prof = profile.get(PROFILE)
    src = VARIANTS[key]()
    a, rep = analyse_and_check(src if isinstance(src, bytes) else src.read_bytes(), prof)
    return a, rep, prof


def _red(img: Image.Image) -> np.ndarray:
    px = np.asarray(img.convert("RGB")).astype(int)
    return np.abs(px - np.array(RED)).sum(axis=2) <= 6


@pytest.mark.parametrize("key, cid", [("roll", "pose.roll"), ("closed_eyes", "eyes.open"),
                                      ("small_head", "geometry.head_size"), ("cast_shadow", "background.shadow")])
def test_the_small_drawing_has_the_red_marks_of_the_full_size_one(key, cid):
    a, rep, prof = _analysed(key)
    assert cid in {c.id for c in rep.failed}, f"the variant must fail {cid}"
    full, small = draw(a, rep, prof), draw(a, rep, prof, max_px=THUMB_PX)
    assert max(small.size) == THUMB_PX and small.mode == "RGB" and not small.info
    assert abs(small.width / small.height - a.w / a.h) < 0.02
    red_full, red_small = _red(full), _red(small)
    assert red_small.sum() >= 15  # lines at least 1 px wide, in pure red, not blended away
    # every red pixel of the small image lies on (or within 2 small px of) a red mark of the full one
    s = small.width / a.w
    import cv2

    near_full = cv2.dilate(red_full.astype(np.uint8), np.ones((2 * round(2 / s) + 1,) * 2, np.uint8)) > 0
    ys, xs = np.nonzero(red_small)
    fy = np.clip(((ys + 0.5) / s).astype(int), 0, a.h - 1)
    fx = np.clip(((xs + 0.5) / s).astype(int), 0, a.w - 1)
    assert near_full[fy, fx].mean() > 0.97
    # and no mark is lost: along every line, arrow and outline a failed check's mark measured,
    # the small image is red within 2 px (labels, red text at full size, are left out there)
    from photo.marks import marks

    near_small = cv2.dilate(red_small.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    pts = []
    for m in marks(a, rep, prof):
        for line in [*m.lines, *m.arrows]:
            for p0, p1 in itertools.pairwise(line):
                pts += [np.array(p0) + t * (np.array(p1) - np.array(p0)) for t in np.linspace(0, 1, 9)]
        for mask, f in m.outlines:
            cs, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
            pts += [c[0] / f for c in max(cs, key=len)[::5]] if cs else []
    assert len(pts) >= 9
    if pts:
        xy = np.clip((np.array(pts, float) * s).astype(int), 0, [small.width - 1, small.height - 1])
        # labels go on last, over every line (as at full size): a point under a label box is not looked for
        px = np.asarray(small).astype(int)
        label = (px.sum(axis=2) == 0) | (np.abs(px - np.array(RED) // 2).sum(axis=2) == 0)
        free = ~label[xy[:, 1], xy[:, 0]]
        if cid != "background.shadow":  # (that variant's margins line lies under two labels)
            assert free.sum() >= 5
        if free.any():
            assert near_small[xy[free, 1], xy[free, 0]].mean() > 0.95


def test_a_passing_photo_drawn_small_has_no_red():
    a, rep, prof = _analysed("compliant_a")
    assert rep.passed
    small = draw(a, rep, prof, max_px=THUMB_PX)
    assert _red(small).sum() == 0
    assert (np.abs(np.asarray(small).astype(int) - np.array(CYAN)).sum(axis=2) <= 6).sum() > 100  # landmarks


@pytest.mark.parametrize("key", ["roll", "compliant_a"])
def test_without_max_px_the_drawing_is_the_full_size_one(key):
    a, rep, prof = _analysed(key)
    full = draw(a, rep, prof)
    assert full.size == (a.w, a.h)
    for same in (draw(a, rep, prof, max_px=None), draw(a, rep, prof, max_px=max(a.w, a.h))):
        assert same.size == full.size and same.tobytes() == full.tobytes()


def test_the_pen_at_scale_one_draws_what_imagedraw_draws():
    """At scale 1 every primitive passes its arguments through: the full-size image is byte-for-byte
    the one drawn with ImageDraw directly (floats, numpy scalars, widths, fonts as given)."""
    font = label_font(14)
    f32 = np.float32

    def scene(d, text):
        d.line([(f32(10.3), f32(20.7)), (150.2, 90.9)], fill=RED, width=3)
        d.line([(5, 5), (5, 60)], fill=CYAN, width=0)
        d.rectangle([f32(30.5), 40, 90, f32(70.2)], outline=RED, width=2)
        d.rectangle((100.0, 100.0, 180.0, 130.0), fill=(0, 0, 0))
        d.ellipse([f32(60.4), f32(60.6), f32(64.4), f32(64.6)], fill=CYAN)
        d.ellipse([70, 70, 90, 90], outline=RED, width=1)
        mask = Image.fromarray(((np.indices((200, 200)).sum(axis=0) % 3) == 0).astype(np.uint8) * 255, "L")
        d.bitmap((0, 0), mask, fill=RED)
        text(d, (102.0, 103.0), "顔 / face 0.4 mm", font)

    def plain_text(d, xy, t, font):
        d.text(xy, t, fill=RED, font=font)

    def pen_text(d, xy, t, font):
        d.text(xy, t, RED, font)

    a = Image.new("RGB", (200, 200), (128, 128, 128))
    b = a.copy()
    scene(ImageDraw.Draw(a), plain_text)
    pen = _Pen(b, 1.0)
    scene(pen, pen_text)
    pts = np.array([[20.2, 30.7], [40.5, 50.1]], np.float32)
    pen.dots(pts, 2, CYAN)
    d = ImageDraw.Draw(a)
    for x, y in pts:
        d.ellipse([x - 2, y - 2, x + 2, y + 2], fill=CYAN)
    assert a.tobytes() == b.tobytes()
    assert pen.textlength("顔 / face", font) == ImageDraw.Draw(a).textlength("顔 / face", font=font)


def test_small_labels_are_left_out_and_large_ones_stay_text():
    """A label whose font shrinks under MIN_TEXT_PX is drawn neither as text nor as its black box
    (the box would hide the face, the text could not be read); a larger one stays text."""
    from photo.annotate import _Labels

    for scale, want_text in ((0.2, False), (0.5, True)):
        img = Image.new("RGB", (200, 100), (90, 90, 90))
        pen = _Pen(img, scale)
        labels = _Labels(pen, 1440, 720)  # a 20 px label font at full size
        box = labels.put((10, 10), "理想の切り抜き / ideal crop")
        px = np.asarray(img).astype(int)
        changed = (px != 90).any(axis=2)
        assert labels.taken == [box]  # laid out either way, so the others keep their places
        if want_text:  # a black box with anti-aliased red glyphs in it
            assert changed.sum() > 100 and len({tuple(c) for c in px[changed]}) > 3
        else:
            assert not changed.any()


def test_shrink_picture_keeps_the_aspect_and_the_colours():
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, (675, 500, 3), dtype=np.uint8)
    rgb[:, :250] //= 2
    small, scale = shrink_picture(rgb, 160)
    assert small.shape == (160, round(500 * 160 / 672), 3) and small.dtype == np.uint8
    assert abs(scale - 160 / 672) < 1e-9  # 675 rows less the 3 the 4x halvings cannot take
    assert abs(small[:, : small.shape[1] // 2 - 2].mean() - rgb[:, :250].mean()) < 1.5
    assert abs(small[:, small.shape[1] // 2 + 2:].mean() - rgb[:, 250:].mean()) < 1.5
    same, one = shrink_picture(rgb[:100, :120], 160)
    assert one == 1.0 and same.shape == (100, 120, 3) and np.array_equal(same, rgb[:100, :120])
    assert not np.shares_memory(same, rgb)


def test_the_batch_writes_both_thumbnails_of_a_failed_photo(tmp_path):
    from photo.batch.inputs import BatchInput
    from photo.batch.thumbs import thumb_path
    from photo.batch.worker import Options, check_input

    a, rep, _ = _analysed("roll")
    assert not rep.passed
    p = tmp_path / "roll.jpg"
    p.write_bytes(VARIANTS["roll"]())
    item = BatchInput(str(p), "A-1", "roll.jpg")
    out = check_input(item, Options())
    sha = out.record["sha256"]
    assert sorted(out.files) == sorted([thumb_path(sha, "photo"), thumb_path(sha, "annotated")])
    pics = {}
    for kind in ("photo", "annotated"):
        im = Image.open(io.BytesIO(out.files[thumb_path(sha, kind)]))
        assert im.format == "JPEG" and max(im.size) == THUMB_PX
        assert not im.getexif() and "icc_profile" not in im.info and "exif" not in im.info
        pics[kind] = np.asarray(im.convert("RGB")).astype(int)
    assert pics["photo"].shape == pics["annotated"].shape
    # the annotated thumbnail carries the red mark, still clearly red after JPEG (4:4:4 colour)
    def reddish(px):
        return ((px[..., 0] > 170) & (px[..., 1] < 90) & (px[..., 2] < 90)).sum()

    assert reddish(pics["annotated"]) > 10 > reddish(pics["photo"])
    # the result line is the same whether thumbnails or the full-size annotation are made
    plain = check_input(item, Options(thumbnails=False))
    assert plain.files == {} and plain.record == out.record
    annotated = check_input(item, Options(annotate=True))
    assert {k: v for k, v in annotated.record.items() if k != "annotated"} == out.record
    assert thumb_path(sha, "annotated") in annotated.files and thumb_path(sha, "photo") in annotated.files
    png = Image.open(io.BytesIO(annotated.files[annotated.record["annotated"]]))
    assert png.size == (a.w, a.h)  # --annotate: the full-size image, the thumbnail made from it
    assert max(Image.open(io.BytesIO(annotated.files[thumb_path(sha, "annotated")])).size) == THUMB_PX


def test_thumbnail_jpeg_takes_arrays_images_and_bytes():
    rgb = np.full((400, 300, 3), (200, 30, 30), np.uint8)
    for source in (rgb, Image.fromarray(rgb), Image.fromarray(rgb).convert("RGBA")):
        im = Image.open(io.BytesIO(thumbnail_jpeg(source)))
        assert im.size == (120, 160)
        assert np.abs(np.asarray(im).astype(int).mean(axis=(0, 1)) - (200, 30, 30)).max() < 6
    small = Image.fromarray(rgb[:100, :80])  # already small: kept as it is
    assert Image.open(io.BytesIO(thumbnail_jpeg(small))).size == (80, 100)
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "JPEG")
    assert Image.open(io.BytesIO(thumbnail_jpeg(buf.getvalue()))).size == (120, 160)
    assert thumbnail_jpeg(b"not a picture") is None
