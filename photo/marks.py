"""What the review image marks for each failed check: the pixels, landmarks and lines the check measured.

``marks(analysis, report, profile) -> list[Mark]`` builds plain data (masks, polylines, boxes
and a ja/en label per failed check); :mod:`photo.annotate` only draws it. Every mark comes
from the function its check measures with (``eyes.closed_eyes``, ``lighting.half_samples``,
``expression.teeth_pixels`` ...), so a mark cannot disagree with the verdict. Passing checks
get no mark. Coordinates are working-image pixels (``analysis.rgb``).

Built only when an annotation is asked for (CLI ``--annotate``, batch ``--annotate``):
nothing here runs on the check's path.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from photo.check_titles import check_title
from photo.report import fill

Point = tuple[float, float]


@dataclass
class Mark:
    """One failed check's mark: ``fills`` are the measured pixels (tinted), ``outlines`` the
    regions measured (outlined), ``lines`` what was measured (red polylines, an arrow when
    ``arrow``), ``guides`` where the limits put it (dashed), ``boxes`` rectangles. Masks are
    (bool array, mask px per working px); the label anchors at ``anchor``."""

    id: str
    key: str
    ja: str
    en: str
    anchor: Point
    fills: list[tuple[np.ndarray, float]] = field(default_factory=list)
    outlines: list[tuple[np.ndarray, float]] = field(default_factory=list)
    lines: list[list[Point]] = field(default_factory=list)
    arrows: list[tuple[Point, Point]] = field(default_factory=list)
    guides: list[list[Point]] = field(default_factory=list)
    boxes: list[tuple[float, float, float, float]] = field(default_factory=list)

    @property
    def label(self) -> tuple[str, str]:
        """(ja, en) lines: "<check title>: <what the mark shows>"."""
        return f"{check_title(self.id, 'ja')}: {self.ja}", f"{check_title(self.id, 'en')}: {self.en}"


@cache
def labels() -> dict:
    """The label catalogue (``photo/data/marks.toml``): id -> key -> {ja, en}; ``sides``."""
    with resources.files("photo").joinpath("data/marks.toml").open("rb") as f:
        return tomllib.load(f)


def _mark(c, anchor: Point, side: str | None = None, label: str | None = None, **params: Any) -> Mark:
    """A mark for the failed result ``c`` labelled from the catalogue (its key's entry, or
    ``label``'s); ``side`` ("left" or "right" in the picture) fills {side} in each language."""
    entry = labels()[c.id][label or c.key]
    text = {lang: fill(entry[lang], {**params, "side": labels()["sides"][side][lang] if side else ""})
            for lang in ("ja", "en")}
    return Mark(id=c.id, key=c.key, ja=text["ja"], en=text["en"], anchor=(float(anchor[0]), float(anchor[1])))


# ----------------------------------------------------------------------- faces and pose
def _face_count(a, c, lim) -> list[Mark]:
    m = _mark(c, (4, 32), n=len(a.face_boxes), max=lim["max_faces"])
    m.boxes = [tuple(map(float, box)) for box in a.face_boxes]
    return [m]


def _pose(a, c, lim) -> list[Mark]:
    from photo.checks.pose import face_axes

    ax = face_axes(a)
    nose = a.landmarks[1, :2]
    deg, mx = abs(c.value), lim["max_abs_deg"]
    if c.id == "pose.roll":  # the face's x axis through the eyes against the horizontal
        # a photo on its side: the turn and the tilt left once turned, as the message gives them
        shown = ({"deg": c.params["deg"], "tilt": c.params["tilt"]} if c.key.startswith("turned")
                 else {"deg": round(deg, 1)})
        m = _mark(c, (a.eye_mid[0] + a.ied, a.eye_mid[1] - 0.6 * a.ied), **shown, max=mx)
        d = ax[0] / (np.linalg.norm(ax[0]) or 1.0) * a.ied * 1.1
        m.lines = [[tuple(a.eye_mid - d), tuple(a.eye_mid + d)]]
        m.guides = [[(a.eye_mid[0] - 1.1 * a.ied, a.eye_mid[1]), (a.eye_mid[0] + 1.1 * a.ied, a.eye_mid[1])]]
        return [m]
    # yaw and pitch: where the face points (its forward axis from the nose tip, 2 eye distances long)
    fwd = ax[2] * 2.0 * a.ied
    comp = np.array([fwd[0], 0.0]) if c.id == "pose.yaw" else np.array([0.0, fwd[1]])
    m = _mark(c, (nose[0] + 0.5 * a.ied, nose[1] + (0.3 if c.id == "pose.yaw" else 0.6) * a.ied),
              deg=round(deg, 1), max=mx)
    m.arrows = [(tuple(nose), tuple(nose + comp))]
    # the largest turn allowed, drawn the same way
    t = 2.0 * a.ied * np.sin(np.radians(mx))
    m.guides = ([[(nose[0] - t, nose[1] - 0.15 * a.ied), (nose[0] - t, nose[1] + 0.15 * a.ied)],
                 [(nose[0] + t, nose[1] - 0.15 * a.ied), (nose[0] + t, nose[1] + 0.15 * a.ied)]]
                if c.id == "pose.yaw" else
                [[(nose[0] - 0.15 * a.ied, nose[1] - t), (nose[0] + 0.15 * a.ied, nose[1] - t)],
                 [(nose[0] - 0.15 * a.ied, nose[1] + t), (nose[0] + 0.15 * a.ied, nose[1] + t)]])
    return [m]


# ----------------------------------------------------------------------- eyes and mouth
def _eye_anchor(a, side: str, row: int) -> Point:
    from photo.checks.eyes import EYE_AT

    eye = EYE_AT[side]
    pts = a.landmarks[list(eye["contour"]), :2]
    x = pts[:, 0].min() - (2.2 * a.ied if side == "left" else -0.1 * a.ied)
    return float(x), float(pts[:, 1].min() - 0.9 * a.ied + row * 0.3 * a.ied)


def _eyes_open(a, c, lim) -> list[Mark]:
    from photo.checks.eyes import EYE_AT as eyes
    from photo.checks.eyes import closed_eyes, openness

    m_all = openness(a)
    out = []
    for side in closed_eyes(a, lim, m_all):
        x = m_all[side]
        m = _mark(c, _eye_anchor(a, side, 0), side=side, gap=round(x["gap"], 3), min=lim["min_ratio"],
                   blink=round(x["blink"], 2), max=lim["max_blink"])
        m.outlines = [(a.region(eyes[side]["contour"]), 1.0)]
        m.lines = [[tuple(a.landmarks[u, :2]), tuple(a.landmarks[lo, :2])]  # the lid gaps measured
                   for u, lo in zip(eyes[side]["upper"], eyes[side]["lower"], strict=True)]
        out.append(m)
    return out


def _eyes_visible(a, c, lim) -> list[Mark]:
    from photo.checks.eyes import EYE_AT as eyes
    from photo.checks.eyes import (
        EYE_CLIP_LUMA,
        VISIBLE_KEYS,
        eye_region,
        hidden_eyes,
        iris_reflection_side,
        rim_by_line,
        visible_stats,
    )
    from photo.frame_line import SKIN_IED
    from photo.hair_strands import band_box

    stat, lim_key, _ = VISIBLE_KEYS[c.key]
    stats = visible_stats(c)  # what the check measured, not measured again
    iris = iris_reflection_side(stats, lim) if c.key == "glare" else None
    out = []
    details = c.details or {}
    lens = details.get("reflection_on_lens") or []
    for side in hidden_eyes(stats, lim, c.key, burnt=bool(details.get("whites_burnt", False)), lens=lens):
        region = eye_region(a, eyes[side])
        by_line = c.key == "frame" and rim_by_line(stats[side], lim)  # else a rim found by its colour
        if side == iris and not stats[side][stat] > lim[lim_key]:  # hidden by a reflection on its iris
            m = _mark(c, _eye_anchor(a, side, 1), side=side, label="glare_iris",
                      value=round(stats[side]["iris_glare"], 3), limit=lim["max_one_iris_glare"])
        elif side in lens and not stats[side][stat] > lim[lim_key]:  # a reflection on the lens round it
            m = _mark(c, _eye_anchor(a, side, 1), side=side, label="glare_lens",
                      value=round(stats[side]["lens_glare"], 3), limit=lim["max_lens_glare"])
        elif c.key == "frame" and not by_line:
            m = _mark(c, _eye_anchor(a, side, 1), side=side, label="frame_colour",
                      value=round(stats[side]["frame_chroma"], 2), limit=lim["max_frame_chroma"])
        else:
            m = _mark(c, _eye_anchor(a, side, 1), side=side, value=round(stats[side][stat], 3),
                      limit=lim[lim_key])
        m.outlines = [(region, 1.0)]
        row = stats[side].get("frame_row" if by_line else "frame_chroma_row")
        if c.key == "frame" and row is not None:  # the line measured, across the eye and the skin past its corners
            e = eyes[side]
            xs = sorted((float(a.landmarks[e["outer"], 0]), float(a.landmarks[e["inner"], 0])))
            reach = SKIN_IED * a.ied
            m.lines = [[(xs[0] - reach, row), (xs[1] + reach, row)]]
        if c.key == "hair":  # the upper-lid band whose strands were read
            x0, y0, x1, y1 = band_box(a.landmarks, eyes[side], a.ied)
            m.lines = [[(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]]
        if c.key == "glare":  # the near-white pixels that counted
            m.fills = [(region & (a.grey >= EYE_CLIP_LUMA), 1.0)]
        out.append(m)
    return out


def _red_eye(a, c, lim) -> list[Mark]:
    from photo.checks.eyes import EYE_AT as eyes
    from photo.pupils import pupil_region

    details = c.details or {}
    out = []
    for side in details.get("red", []):  # the eyes the check found red, with what it measured
        m = _mark(c, _eye_anchor(a, side, 2), side=side, value=details[f"image_{side}_eye"]["redness"],
                  limit=lim["max_redness"])
        pupil, ring = pupil_region((a.h, a.w), a.landmarks, eyes[side])
        m.fills = [(pupil, 1.0)]
        m.outlines = [(pupil | ring, 1.0)]
        out.append(m)
    return out


def _mouth(a, c, lim) -> list[Mark]:
    from photo.analysis import LIP_GAPS, LIPS_INNER, LIPS_OUTER

    lm = a.landmarks
    left = lm[LIPS_OUTER[0], :2]
    m = _mark(c, (left[0] - 2.2 * a.ied, left[1] - 0.1 * a.ied), value=c.value, limit=lim["max_ratio"])
    m.outlines = [(a.region(LIPS_INNER), 1.0)]
    m.lines = [[tuple(lm[u, :2]), tuple(lm[lo, :2])] for u, lo in LIP_GAPS]
    return [m]


def _mouth_covered(a, c, lim) -> list[Mark]:
    from photo.analysis import LIPS_OUTER

    left = a.landmarks[LIPS_OUTER[0], :2]
    m = _mark(c, (left[0] - 2.2 * a.ied, left[1] - 0.1 * a.ied), value=c.value, limit=lim["min_visibility"])
    m.outlines = [(a.region(LIPS_OUTER), 1.0)]
    return [m]


def _expression(a, c, lim) -> list[Mark]:
    from photo.analysis import LIPS_OUTER
    from photo.checks.expression import neutral_corners, teeth_pixels

    v = c.value
    left = a.landmarks[LIPS_OUTER[0], :2]
    anchor = (left[0] - 2.2 * a.ied, left[1] + 0.25 * a.ied)
    if c.key == "teeth":
        m = _mark(c, anchor, teeth=v["teeth"], max=lim["max_teeth"])
        import cv2

        teeth = teeth_pixels(a)
        m.fills = [(teeth, 1.0)]
        # outlined round the teeth (closed over gaps, two pixels out) so the tint inside stays visible
        m.outlines = [(cv2.dilate(teeth.astype(np.uint8), np.ones((5, 5), np.uint8), iterations=2) > 0, 1.0)]
        return [m]
    m = _mark(c, anchor, score=v["score"], max=lim["max_smile_score"])
    actual, neutral = neutral_corners(a)
    m.arrows = [(tuple(n), tuple(p)) for n, p in zip(neutral, actual, strict=True)]
    m.outlines = [(a.region(LIPS_OUTER), 1.0)]
    return [m]


# ----------------------------------------------------------------------- geometry
def _h_guides(x0: float, x1: float, ys) -> list[list[Point]]:
    return [[(x0, y), (x1, y)] for y in ys]


def _geometry(a, c, lim) -> list[Mark]:
    from photo.checks.geometry import mm_per_px
    from photo.framing import centre_x

    px = 1.0 / mm_per_px(a, lim)  # working px per mm of the print
    cx, span = float(a.eye_mid[0]), 1.3 * a.ied
    if c.id == "geometry.head_size":
        p = c.params  # the label shows the figures of the message (the measure's bias allowed for)
        m = _mark(c, (cx + 0.4 * a.ied, (a.crown[1] + a.chin[1]) / 2), mm=p["mm"], lo=p["lo"], hi=p["hi"])
        m.lines = [[tuple(a.crown), tuple(a.chin)], _h_guides(cx - span, cx + span, [a.crown[1]])[0],
                   _h_guides(cx - span, cx + span, [a.chin[1]])[0]]
        # where the chin would have to be for the allowed head heights, from this crown
        m.guides = _h_guides(cx - 0.6 * span, cx + 0.6 * span,
                             [a.crown[1] + lim["min_mm"] * px, a.crown[1] + lim["max_mm"] * px])
        return [m]
    if c.id == "geometry.centered":
        x = centre_x(a)
        m = _mark(c, (x + 6, a.chin[1] + 0.3 * a.ied), mm=abs(c.value), max=lim["max_offset_mm"])
        m.lines = [[(x, 0.0), (x, float(a.h))]]
        off = lim["max_offset_mm"] * px
        m.guides = [[(a.w / 2 - off, 0.0), (a.w / 2 - off, float(a.h))], [(a.w / 2 + off, 0.0), (a.w / 2 + off, float(a.h))]]
        return [m]
    if c.id == "geometry.eye_height":
        y = float(a.eye_mid[1])
        m = _mark(c, (4, y + 4), mm=c.value, lo=lim["min_mm"], hi=lim["max_mm"])
        m.lines = [[(0.0, y), (float(a.w), y)]]
        m.guides = _h_guides(0.0, float(a.w), [a.h - lim["max_mm"] * px, a.h - lim["min_mm"] * px])
        return [m]
    # geometry.margins: the line that is short of (or past) its band
    v, key = c.value, c.key
    x0, _, x1, _ = a.face_box
    if key.startswith("top"):
        y = max(0.0, float(a.crown[1]))
        p = c.params  # as the message shows them
        m = _mark(c, (cx + span + 4, y + 2), mm=p["top"], lo=p["top_lo"], hi=p["top_hi"])
        m.lines = [[(cx - span, y), (cx + span, y)]]
        m.guides = _h_guides(cx - span, cx + span, [lim["min_top_mm"] * px, lim["max_top_mm"] * px])
    elif key == "bottom":
        y = float(a.chin[1])
        m = _mark(c, (cx + span + 4, y - 14), mm=v["bottom"], lo=lim["min_bottom_mm"])
        m.lines = [[(cx - span, y), (cx + span, y)]]
        m.guides = _h_guides(cx - span, cx + span, [a.h - lim["min_bottom_mm"] * px])
    else:  # side: the face's side nearest an edge
        left = x0 <= a.w - x1
        x = float(x0 if left else x1)
        g = lim["min_side_mm"] * px
        m = _mark(c, (x + 6 if left else x - 200, a.eye_mid[1]), mm=v["side"], lo=lim["min_side_mm"])
        m.lines = [[(x, float(a.face_box[1])), (x, float(a.face_box[3]))]]
        m.guides = [[(g if left else a.w - g, 0.0), (g if left else a.w - g, float(a.h))]]
    return [m]


# ----------------------------------------------------------------------- light, colour, image
def _exposure(a, c, lim) -> list[Mark]:
    from photo.checks.lighting import BRIGHT_LUMA, DARK_LUMA, dark_region, exposure_region

    v = c.value
    anchor = (a.face_box[2] + 6, a.landmarks[1, 1])
    if c.key == "dark":
        whites = "min_eye_white" in lim and v["highlight"] < lim["min_highlight"]
        extra = {"eye_white": v["eye_white"], "min_eye_white": lim["min_eye_white"]} if whites else {}
        m = _mark(c, anchor, label="dark_whites" if whites else None, highlight=v["highlight"],
                  min_highlight=lim["min_highlight"], dark=round(100 * v["dark"], 1), **extra)
        cheeks = dark_region(a)
        m.fills = [(cheeks & (a.grey <= DARK_LUMA), 1.0)]  # crushed
        m.outlines = [(cheeks, 1.0)]  # the cheeks measured (the share of crushed skin is read there)
        if whites:  # the eye openings whose whites were read as the exposure's reference
            from photo.checks.eyes import EYES

            m.outlines += [(a.region(eye["contour"]), 1.0) for _side, eye, _ in EYES]
        return [m]
    if c.key == "eye_whites":
        from photo.checks.eyes import EYE_CLIP_LUMA, EYES, eye_region

        m = _mark(c, anchor, clip=round(100 * v["eye_white_clip"], 1), max_clip=round(100 * lim["max_eye_white_clip"], 1))
        eyes = np.zeros((a.h, a.w), bool)
        for _side, eye, _ in EYES:
            eyes |= eye_region(a, eye)
        m.fills = [(eyes & (a.grey >= EYE_CLIP_LUMA), 1.0)]  # burnt out
        m.outlines = [(eyes, 1.0)]  # the eye regions measured
        return [m]
    region = exposure_region(a)
    m = _mark(c, anchor, bright=round(100 * v["bright"], 1), max_bright=round(100 * lim["max_bright_share"], 1),
              mean=v["mean"])
    m.fills = [(region & (a.grey >= BRIGHT_LUMA), 1.0)]  # clipped
    m.outlines = [(region, 1.0)]  # the skin measured
    return [m]


def _uniformity(a, c, lim) -> list[Mark]:
    from photo.checks.lighting import half_samples

    s = half_samples(a)
    if s is None:
        return []
    ys, xs, side = s
    dark = -1 if c.key == "left_dark" else 1
    mask = np.zeros(((a.h + 1) // 2, (a.w + 1) // 2), bool)
    mask[ys[side == dark] // 2, xs[side == dark] // 2] = True
    word = "left" if dark < 0 else "right"
    m = _mark(c, (a.face_box[2] + 6 if dark > 0 else a.face_box[0] - 2.6 * a.ied, a.landmarks[1, 1] + 20),
              side=word, value=c.value, limit=lim["min_ratio"])
    m.fills = [(mask, 0.5)]
    m.outlines = [(mask, 0.5)]
    # the face's axis the halves are split on
    m.guides = [[tuple(a.chin), tuple(a.eye_mid + a.up * 0.6 * a.eye_chin)]]
    return [m]


def _sharpness(a, c, lim) -> list[Mark]:
    from photo.checks.image import edge_pixels, face_crop_box

    x0, y0, x1, y1 = face_crop_box(a)
    box = (float(x0), float(y0), float(x1), float(y1))
    m = _mark(c, (box[0], box[3] + 4), value=c.value, limit=lim["max_blur"], direction=c.params.get("direction"))
    m.boxes = [box]
    m.fills = [(edge_pixels(a), 1.0)]  # the edges whose blur was read
    if c.key == "motion":  # the direction of the worst blur, through the face's centre
        ang = np.radians(float(c.params.get("direction", 0)))
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        r = 0.45 * (box[2] - box[0])
        d = np.array([np.cos(ang), np.sin(ang)]) * r  # 0 deg: along rows, 90: along columns
        m.arrows = [((cx - d[0], cy - d[1]), (cx + d[0], cy + d[1]))]
    return [m]


def _compression(a, c, lim) -> list[Mark]:
    v = c.value
    m = _mark(c, (4, a.h - 48), value=v, limit=lim["max_blockiness"] if c.key == "blocks" else lim.get("min_jpeg_quality"),
              quality=c.params.get("quality"))
    m.boxes = [(2.0, 2.0, a.w - 3.0, a.h - 3.0)]  # measured over the whole image
    return [m]


def _colour(a, c, lim) -> list[Mark]:
    from photo.checks.color import colour_region

    av, bv = c.value
    back = c.details.get("backdrop_a")
    m = _mark(c, (a.face_box[0], a.face_box[3] + 22), a=av, b=bv, a_min=lim["a_min"], a_max=lim["a_max"],
              b_min=lim["b_min"], b_max=lim["b_max"], back="?" if back is None else back)
    m.outlines = [(colour_region(a), 1.0)]
    if c.key in ("red", "green") and back is not None and abs(back) > lim["max_backdrop_a"]:
        m.outlines.append((a.background, a.small[1]))  # the backdrop shares the tint
    return [m]


#: check id -> builder (analysis, failed result, limits) -> marks. head.covering and the
#: background checks are drawn by photo/annotate.py from their own modules' measures.
BUILDERS: dict[str, Callable[..., list[Mark]]] = {
    "face.count": _face_count,
    "pose.yaw": _pose, "pose.pitch": _pose, "pose.roll": _pose,
    "eyes.open": _eyes_open, "eyes.visible": _eyes_visible, "eyes.red_eye": _red_eye,
    "mouth.closed": _mouth, "mouth.visible": _mouth_covered, "expression.neutral": _expression,
    "geometry.head_size": _geometry, "geometry.centered": _geometry, "geometry.eye_height": _geometry,
    "geometry.margins": _geometry,
    "lighting.exposure": _exposure, "lighting.uniformity": _uniformity,
    "image.sharpness": _sharpness, "image.compression": _compression,
    "color.natural": _colour,
}


def marks(a, report, prof) -> list[Mark]:
    """The marks of every failed, evaluated check that has a builder (none for passing checks)."""
    out: list[Mark] = []
    for c in report.failed:
        build = BUILDERS.get(c.id)
        if build is None or not c.evaluated or (c.id != "face.count" and not a.has_face) \
                or c.id not in prof.checks or c.key not in labels().get(c.id, {}):
            continue
        out.extend(build(a, c, prof.checks[c.id]))
    return out
