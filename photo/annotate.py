"""The review image: landmarks, head-pose axes, the ideal crop and every failed check's region.

``annotate(source, report=None, profile=...) -> PIL.Image`` draws on the upright working
image (at most 1000 px on the long side): the 478 landmarks, the head's x/y/z axes from the
nose tip, the ideal 35:45 crop (dashed, green when it fits), and, for each failed check, the
region behind it outlined in red with the check id as a label.
"""

from __future__ import annotations

from typing import Any

import numpy as np

RED, GREEN, YELLOW, CYAN, WHITE = (230, 40, 40), (40, 200, 60), (250, 210, 0), (0, 200, 230), (255, 255, 255)


def _label(draw, xy, text, colour=RED):
    x, y = int(xy[0]), int(xy[1])
    w = 6 * len(text) + 6
    draw.rectangle([x, y, x + w, y + 12], fill=(0, 0, 0))
    draw.text((x + 3, y), text, fill=colour)


def _dashed_rect(draw, box, colour, dash=8):
    x0, y0, x1, y1 = box
    for a, b, horiz, c in ((x0, x1, True, y0), (x0, x1, True, y1), (y0, y1, False, x0), (y0, y1, False, x1)):
        t = a
        while t < b:
            e = min(t + dash, b)
            draw.line([(t, c), (e, c)] if horiz else [(c, t), (c, e)], fill=colour, width=2)
            t += 2 * dash


def _outline(draw, mask, colour, f=1.0):
    import cv2

    cs, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    for c in cs:
        if len(c) >= 3:
            draw.line([tuple((p[0] / f).tolist()) for p in c] + [tuple((c[0][0] / f).tolist())], fill=colour, width=2)


def _background_marks(d, a, key: str, small_f: float) -> None:
    """Objects: the off-backdrop patches that made the check fail; texture: the background itself."""
    from photo.checks.background import off_backdrop

    off = off_backdrop(a) if key == "objects" else None
    if off is not None:
        _outline(d, off[0], RED, small_f / 4)  # off_backdrop works at a quarter of the background scale
    else:
        _outline(d, a.background, RED, small_f)


def _shadow_marks(d, a, small_f: float) -> None:
    """The shadow pixels the check measured (half the background scale), not the person's outline."""
    from photo.checks.background import shadow_pixels

    found = shadow_pixels(a)
    if found is not None:
        _outline(d, found[0], RED, small_f / 2)


def _covering_marks(d, a, key: str, prof) -> None:
    """The pixels the head-covering check found covered (smooth non-skin above the forehead,
    neither skin nor hair beside the face): hatched (every third diagonal) and outlined in red."""
    from PIL import Image

    from photo.checks.head import covering_pixels

    px = covering_pixels(a, prof.checks["head.covering"], key)
    if px is None:
        return
    ys, xs = np.ogrid[: px.shape[0], : px.shape[1]]
    hatch = px & ((xs + ys) % 3 == 0)
    d.bitmap((0, 0), Image.fromarray(hatch.astype(np.uint8) * 255, "L"), fill=RED)
    _outline(d, px, RED)


def draw(a, report, prof) -> Any:
    """Draw the annotation for an analysed photo and its report."""
    from PIL import Image, ImageDraw

    from photo.analysis import EYE_L, EYE_R, LIPS_OUTER
    from photo.framing import plan_crop

    img = Image.fromarray(a.rgb).convert("RGB")
    d = ImageDraw.Draw(img)
    failed = {c.id: c for c in report.failed}
    small_f = a.small[1]
    if not a.has_face:
        for box in a.face_boxes:
            d.rectangle(box, outline=YELLOW, width=2)
        _label(d, (4, 4), "no face found" if "face.count" in failed else "face", RED)
        return img
    lm = a.landmarks
    r = max(1, round(a.ied / 90))
    for x, y, _ in lm[:468]:
        d.ellipse([x - r, y - r, x + r, y + r], fill=CYAN)
    for i in (468, 473):
        x, y = lm[i, :2]
        d.ellipse([x - 2 * r, y - 2 * r, x + 2 * r, y + 2 * r], outline=YELLOW, width=1)
    # head-pose axes from the nose tip
    _, rot, _ = a.pose_fit
    o = lm[1, :2]
    length = a.ied * 0.8
    pose_bad = any(k.startswith("pose.") for k in failed)
    for axis, colour in ((0, RED), (1, GREEN), (2, (60, 120, 255))):
        v = rot[:, axis] * length * (-1 if axis == 2 else 1)
        d.line([tuple(o), (o[0] + v[0], o[1] + v[1])], fill=colour, width=3)
    if pose_bad:
        _label(d, (o[0] + 8, o[1] + 8), " ".join(k for k in failed if k.startswith("pose.")))
    # ideal crop
    box = plan_crop(a, prof)
    if box is not None:
        _dashed_rect(d, box, GREEN)
        _label(d, (box[0] + 4, box[1] + 4), "ideal crop", GREEN)
    # crown and chin
    cx = a.eye_mid[0]
    for y, _name in ((a.crown[1], "crown"), (a.chin[1], "chin")):
        d.line([(cx - a.ied, y), (cx + a.ied, y)], fill=YELLOW, width=2)
    fw = a.face_box[2] - a.face_box[0]
    regions = {
        "face.count": lambda: [d.rectangle(box, outline=RED, width=3) for box in a.face_boxes],
        "eyes.open": lambda: [_outline(d, a.region(e["contour"]), RED) for e in (EYE_R, EYE_L)],
        "eyes.visible": lambda: [_outline(d, a.region(e["contour"]), RED) for e in (EYE_R, EYE_L)],
        "mouth.closed": lambda: _outline(d, a.region(LIPS_OUTER), RED),
        "expression.neutral": lambda: _outline(d, a.region(LIPS_OUTER), RED),
        "head.covering": lambda: _covering_marks(d, a, failed["head.covering"].key, prof),
        "geometry.head_size": lambda: d.line([(cx, a.crown[1]), (cx, a.chin[1])], fill=RED, width=3),
        "geometry.centered": lambda: d.line([(a.w / 2, 0), (a.w / 2, a.h)], fill=RED, width=2),
        "geometry.eye_height": lambda: d.line([(0, a.eye_mid[1]), (a.w, a.eye_mid[1])], fill=RED, width=2),
        "geometry.margins": lambda: d.rectangle([a.face_box[0], max(0, a.crown[1]), a.face_box[2], a.chin[1]], outline=RED, width=2),
        "lighting.exposure": lambda: _outline(d, a.skin_mask, RED),
        "lighting.uniformity": lambda: _outline(d, a.skin_mask, RED),
        "background.uniformity": lambda: _background_marks(d, a, failed["background.uniformity"].key, small_f),
        "background.shadow": lambda: _shadow_marks(d, a, small_f),
        "image.sharpness": lambda: d.rectangle(a.face_box, outline=RED, width=3),
        "image.compression": lambda: d.rectangle([2, 2, a.w - 3, a.h - 3], outline=RED, width=3),
        "color.natural": lambda: [_outline(d, m, RED) for m in a.cheek_masks],
    }
    anchors = {
        "eyes.open": lm[EYE_R["outer"], :2] + [-fw * 0.5, -20], "eyes.visible": lm[EYE_R["outer"], :2] + [-fw * 0.5, 0],
        "mouth.closed": lm[61, :2] + [-fw * 0.6, 0], "expression.neutral": lm[61, :2] + [-fw * 0.6, 14],
        "head.covering": (a.face_box[0], max(0, a.crown[1]) + 2), "geometry.head_size": (cx + 6, (a.crown[1] + a.chin[1]) / 2),
        "geometry.centered": (a.w / 2 + 4, 20), "geometry.eye_height": (4, a.eye_mid[1] - 14),
        "geometry.margins": (a.face_box[2] + 4, max(0, a.crown[1])), "lighting.exposure": (a.face_box[2] + 4, lm[1, 1]),
        "lighting.uniformity": (a.face_box[2] + 4, lm[1, 1] + 14), "background.uniformity": (4, 4),
        "background.shadow": (4, 18), "image.sharpness": (a.face_box[0], a.face_box[3] + 4),
        "image.compression": (4, a.h - 16), "color.natural": (a.face_box[0], a.face_box[3] + 18),
        "face.count": (4, 32),
    }
    y_file = 4
    for cid, c in failed.items():
        if cid in regions:
            regions[cid]()
        anchor = anchors.get(cid)
        if anchor is None:  # file-level checks: listed at the top right
            _label(d, (a.w - 230, y_file), f"{cid}: {c.key}")
            y_file += 14
        else:
            ax = float(np.clip(anchor[0], 0, a.w - 150))
            ay = float(np.clip(anchor[1], 0, a.h - 14))
            _label(d, (ax, ay), f"{cid}: {c.key}")
    verdict = "PASS" if report.passed else f"FAIL ({len(failed)})"
    _label(d, (4, a.h - 32), f"{report.profile}: {verdict}", GREEN if report.passed else RED)
    return img


def annotate(source: Any, profile: Any = "mynumber-online"):
    """Check ``source`` and return (PIL image, report)."""
    from photo import profile as profile_mod
    from photo.analysis import FaceAnalysis
    from photo.checker import run_checks
    from photo.intake import load

    prof = profile_mod.get(profile)
    a = FaceAnalysis(load(source))
    rep = run_checks(a, prof)
    return draw(a, rep, prof), rep
