"""Public API: import cost, face_geometry for the card renderer, fix, to_dict, warm_up."""

from __future__ import annotations

import json
import subprocess
import sys

import photo
from tests.photo_helpers import image, jpeg, path, report


def test_import_photo_is_light():
    code = ("import sys, photo; bad = [m for m in ('mediapipe', 'cv2', 'numpy', 'PIL') if m in sys.modules]; "
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_face_geometry_in_original_pixels():
    big = image("compliant_a").resize((2240, 2880))
    g_small = photo.face_geometry(path("compliant_a"))
    g_big = photo.face_geometry(jpeg(big))  # decoded with draft at 1/4, reported in original pixels
    assert (g_big.width, g_big.height) == (2240, 2880)
    for a, b in ((g_small.eye_left, g_big.eye_left), (g_small.chin, g_big.chin), (g_small.crown, g_big.crown)):
        assert abs(a[0] * 4 - b[0]) < 12 and abs(a[1] * 4 - b[1]) < 12
    assert g_small.eye_left[0] < g_small.eye_right[0]
    assert g_small.crown[1] < g_small.eye_left[1] < g_small.chin[1]
    assert abs(g_small.roll_deg) < 5 and g_small.faces == 1
    assert 0.6 < g_small.head_height_px / 720 < 0.85
    json.dumps(g_small.to_dict())


def test_face_geometry_none_without_face():
    import numpy as np

    assert photo.face_geometry(np.full((500, 400, 3), 128, np.uint8)) is None


def test_report_to_dict_is_json():
    d = report("lisa").to_dict()
    s = json.dumps(d, ensure_ascii=False)
    back = json.loads(s)
    assert back["passed"] is False and back["face"]["count"] == 1
    assert {"box", "eyes", "chin", "crown", "yaw", "pitch", "roll"} <= set(back["face"])


def test_fix_api_crops_and_reencodes():
    from PIL import Image

    src = image("compliant_a")
    canvas = Image.new("RGB", (900, 900), src.getpixel((3, 3)))
    canvas.paste(src, (170, 180))
    res = photo.fix(canvas)
    assert res.fixed and res.data and res.after.passed
    assert any("cropped" in a for a in res.actions)
    assert not res.before.passed and res.before.fixable


def test_a_planned_crop_keeps_each_measure_inside_its_range():
    """The corrected copy is measured again and its measures move by tenths of a mm, so a crop
    planned at a range's edge (frl 025's eye line, 0.006 mm inside) was refused after the cut."""
    from PIL import Image

    from photo import framing
    from photo import profile as profile_mod
    from photo.analysis import FaceAnalysis
    from photo.intake import load

    src = image("compliant_a")
    canvas = Image.new("RGB", (900, 900), src.getpixel((3, 3)))
    canvas.paste(src, (170, 180))
    a = FaceAnalysis(load(jpeg(canvas)))
    prof = profile_mod.get("mynumber-online")
    _x0, y0, _x1, y1 = framing.plan_crop(a, prof)
    mm = (y1 - y0) / prof.height_mm
    measured = {"geometry.eye_height": ((y1 - a.eye_mid[1]) / mm, "min_mm", "max_mm"),
                "geometry.head_size": (framing.head_px(a) / mm, "min_mm", "max_mm"),
                "geometry.margins": ((a.crown[1] - y0) / mm, "min_top_mm", "max_top_mm")}
    for cid, (v, lo, hi) in measured.items():
        limits = prof.checks[cid]
        assert limits[lo] + framing.INSIDE_MM - 1e-6 <= v <= limits[hi] - framing.INSIDE_MM + 1e-6, (cid, v)


def test_fix_nothing_to_do_and_bad_input():
    assert photo.fix(path("compliant_a")).reason.startswith("nothing to fix")
    r = photo.fix(b"")
    assert not r.fixed and r.reason.startswith("input.empty")


def test_warm_up_loads_models_once():
    t = photo.warm_up()
    assert t >= 0
    from photo import models

    before = models.loaded()
    assert set(before) == set(models.MODEL_NAMES)
    photo.check(path("compliant_b"))
    assert models.loaded() == before


def test_fix_applies_orientation_and_drops_metadata():
    from PIL import Image

    src = image("compliant_a")
    canvas = Image.new("RGB", (900, 900), src.getpixel((3, 3)))
    canvas.paste(src, (170, 180))
    stored = canvas.transpose(Image.Transpose.ROTATE_90)  # a phone held sideways stores it rotated
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x8825] = {1: "N", 2: (35.0, 40.0, 0.0), 3: "E", 4: (139.0, 45.0, 0.0)}
    data = jpeg(stored, exif=exif.tobytes())
    res = photo.fix(data)
    assert res.fixed, res.reason
    assert any("EXIF orientation 6" in a for a in res.actions)
    assert any("location" in a for a in res.actions)
    out = Image.open(__import__("io").BytesIO(res.data))
    assert out.height > out.width and not out.getexif() and "exif" not in out.info
    g = photo.face_geometry(res.data)
    assert g.eye_left[1] < g.chin[1] and abs(g.roll_deg) < 5
