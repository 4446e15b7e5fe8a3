"""Eyes: open, and visible (not hidden by dark lenses, glare, hair or frames).

ICAO 9303 / ISO/IEC 19794-5: eyes open and clearly visible, no tinted lenses, no glare on
glasses, no frames over the eyes, no hair across the eyes. J-LIS rejects sunglasses, frames
over the eyes, very thick frames and glare. Eye openness follows OFIQ: the eyelid gap
divided by the eye-midpoint-to-chin distance (closed ~0.02, open 0.06-0.09).
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

import numpy as np

from photo import pupils
from photo.analysis import BURNT_LUMA, EYE_L, EYE_R, polygon_mask
from photo.checks import check
from photo.frame_line import frame_chroma, frame_line
from photo.hair_strands import strand_ratio
from photo.measures import settings
from photo.quantiles import median, percentile, percentiles
from photo.report import result, unjudged


def eyelid_gap(a, eye: dict) -> float:
    """Mean distance between the upper and lower eyelid points / eye-midpoint-to-chin distance."""
    lm = a.landmarks
    gaps = [np.linalg.norm(lm[u, :2] - lm[lo, :2]) for u, lo in zip(eye["upper"], eye["lower"], strict=True)]
    return float(np.mean(gaps) / max(a.eye_chin, 1e-6))


#: (side in the picture, landmark indices, blendshape name): the eye at the image's left is the
#: subject's right eye, so its blink score is ``eyeBlinkRight``
EYES = (("left", EYE_R, "eyeBlinkRight"), ("right", EYE_L, "eyeBlinkLeft"))
#: the eye (landmark indices) by its side in the picture
EYE_AT = {side: eye for side, eye, _ in EYES}
#: how this module measures: photo/data/measures.toml [eyes], each value explained there
_M = settings("eyes")
EYE_CLIP_LUMA: int = _M["eye_clip_luma"]
_STATS: WeakKeyDictionary = WeakKeyDictionary()  # analysis -> both_eye_stats(analysis)


def openness(a) -> dict[str, dict[str, float]]:
    """Per eye, by its side in the picture ("left", "right"): ``gap`` (:func:`eyelid_gap`) and
    ``blink`` (the eye's blink blendshape, 0-1)."""
    b = a.blendshapes
    stats = both_eye_stats(a)  # the gaps measured once, with the eye regions' stats
    return {side: {"gap": x["gap"], "blink": float(b.get(name, 0.0))}
            for (side, _eye, name), x in zip(EYES, stats, strict=True)}


def closed_eyes(a, limits, measured: dict[str, dict[str, float]] | None = None) -> list[str]:
    """The sides (in the picture) of the eyes that fail ``eyes.open``: gap below min_ratio or
    blink score above max_blink (``measured``: :func:`openness` of ``a``, when already made).
    The check fails exactly when this list is not empty."""
    return [side for side, m in (measured if measured is not None else openness(a)).items()
            if m["gap"] < limits["min_ratio"] or m["blink"] > limits["max_blink"]]


@check("eyes.open", limits={"min_ratio": "float", "max_blink": "float"}, frontal=True)
def eyes_open(a, limits):
    """Both eyes open: the smaller eyelid gap / eye-to-chin distance >= min_ratio (OFIQ measure),
    and neither eye's blink score (Face Landmarker blendshapes eyeBlinkLeft/Right, 0-1) above
    max_blink: a blink or a squeezed eye lowers the lids without closing the gap the mesh sees."""
    m = openness(a)
    gap = min(x["gap"] for x in m.values())
    blink = max(x["blink"] for x in m.values())
    ok = gap >= limits["min_ratio"] and blink <= limits["max_blink"]
    res = result(ok, {"gap": round(gap, 4), "blink": round(blink, 3)},
                 {"min_ratio": limits["min_ratio"], "max_blink": limits["max_blink"]})
    res.details = {"image_left_eye": round(m["left"]["gap"], 4), "image_right_eye": round(m["right"]["gap"], 4),
                   "blink_subject_left": round(m["right"]["blink"], 3),
                   "blink_subject_right": round(m["left"]["blink"], 3)}
    return res


def eye_polygon(a, eye: dict) -> np.ndarray:
    """The eye opening from the landmarks, widened 1.6 x vertically so lenses and frames just
    around it count (working px, rounded to whole pixels): the region :func:`eye_stats` reads."""
    ctr = a.landmarks[list(eye["contour"]), :2]
    centre = ctr.mean(axis=0)
    return np.round(centre + (ctr - centre) * np.array([1.0, 1.6])).astype(np.int32)


def eye_region(a, eye: dict) -> np.ndarray:
    """The pixels :func:`eye_stats` reads (full-size bool mask, see :func:`eye_polygon`)."""
    import cv2

    m = np.zeros((a.h, a.w), np.uint8)
    cv2.fillPoly(m, [eye_polygon(a, eye)], 1)
    return m.astype(bool)


#: eye_stats value and the limit it is held to, per eyes.visible key: (stat, limit key, fails when above)
VISIBLE_KEYS = {"dark": ("dark", "min_dark_ratio", False), "glare": ("glare", "max_glare", True),
                "frame": ("frame_line", "max_frame_line", True), "hair": ("hair_strands", "max_hair_strands", True),
                "hidden": ("contrast", "min_contrast", False)}


def visible_stats(c) -> dict[str, dict]:
    """The :func:`eye_stats` an eyes.visible result ``c`` measured, by side in the picture."""
    return {"left": c.details["image_left_eye"], "right": c.details["image_right_eye"]}


def hidden_eyes(stats: dict[str, dict], limits, key: str, burnt: bool = False,
                lens: tuple[str, ...] | list[str] = ()) -> list[str]:
    """The sides (in the picture) of the eyes whose stats (:func:`visible_stats`) break the
    limit behind ``key`` (the failed eyes.visible result's key); ``burnt``: the result's
    ``whites_burnt`` (the whites' glare is then the exposure's, not these eyes'); ``lens``: its
    ``reflection_on_lens`` sides."""
    stat, lim, above = VISIBLE_KEYS[key]
    out = []
    for side, _eye, _ in EYES:
        if key == "frame":  # by its darkness or by its colour, whichever the profile judges
            if rim_across(stats[side], limits):
                out.append(side)
            continue
        v = stats[side][stat]
        if (v > limits[lim]) if above else (v < limits[lim]):
            if key == "dark" and not behind_dark_lens(stats[side], limits):
                continue
            if key == "hidden" and not lids_apart(stats[side], limits):
                continue
            out.append(side)
    if key == "glare":
        if burnt:
            out = []  # the whites' glare is the exposure's; only a reflection on one iris counts
        iris = iris_reflection_side(stats, limits)
        for side in ([iris] if iris is not None else []) + list(lens):
            if side not in out:
                out.append(side)
    return out


def iris_reflection_side(stats: dict[str, dict], limits) -> str | None:
    """The side (in the picture) of the iris behind :func:`reflection_on_one_iris`, or None."""
    if not reflection_on_one_iris(list(stats.values()), limits):
        return None
    return max(stats, key=lambda side: stats[side]["iris_glare"])


def eye_stats(a, eye: dict) -> dict:
    """Luminance statistics of one eye's region against the cheeks.

    ``dark``: median luma of the eye region / median luma of the cheeks (dark lenses << 1);
    ``contrast``: spread (90th - 10th percentile) of the eye region's luma / cheek luma (an
    open eye shows white sclera against iris and lashes; a lens, a frame or hair flattens it);
    ``glare``: share of the eye region at near-white (>= EYE_CLIP_LUMA, 250) (a catchlight is a few %, glare
    on glasses covers much more); ``iris_glare``: the same share over the iris disc (the Face
    Landmarker's iris centre and the mean radius of its four iris points): a reflection that hides
    the eye covers the iris, while an over-exposed photo burns out the whites and leaves the iris
    (darker than the sclera) readable. ``whites_glare``: the region's near-white pixels inside the
    eye opening (the lids' contour), as a share of the whole region: burnt-out whites lie there;
    ``lens_glare``: the near-white share of the rest of the region (the lids and skin around the
    opening that a lens covers): skin there clips only when the whole face is burnt out, or under
    a reflection on a lens. ``opening_p90``: the 90th percentile of luma inside the eye opening
    (the region's when the opening has under 10 pixels): the eye's white, a reference for the
    exposure that does not depend on the skin; ``opening_light``: that / cheek luma: an open eye
    shows its white there, a dark lens hides it. ``gap``: the eyelid gap
    (:func:`eyelid_gap`, as ``eyes.open`` reads it). ``frame_line``, ``frame_row``: a glasses
    rim across the eye (:func:`photo.frame_line.frame_line`: how much darker a row through the
    eye and the skin past both its corners is than the rows above and below, and that row).
    ``frame_chroma``, ``frame_chroma_row``: a rim by its colour (:func:`photo.frame_line.frame_chroma`:
    how far a row's colour on the skin past both corners is from the rows above and below, and
    that row). ``hair_strands``: hair hanging over the eye (:func:`photo.hair_strands.strand_ratio`:
    the upper lid's horizontal over vertical colour gradient; 0.0 when its band leaves the picture).
    """
    pts = eye_polygon(a, eye)
    # drawn in the polygon's box only (the same pixels, in the same order, as on the whole image)
    x0, y0 = max(0, int(pts[:, 0].min())), max(0, int(pts[:, 1].min()))
    x1, y1 = min(a.w, int(pts[:, 0].max()) + 1), min(a.h, int(pts[:, 1].max()) + 1)
    shape = (max(0, y1 - y0), max(0, x1 - x0))
    if shape[0] and shape[1]:
        region = polygon_mask(shape, pts, (x0, y0))
        opening = polygon_mask(shape, a.landmarks[list(eye["contour"])], (x0, y0))  # the lids' contour, not widened
    else:
        region = opening = np.zeros(shape, bool)
    inside = opening[region]
    g8 = a.grey8[y0:y1, x0:x1][region]
    g = g8.astype(np.float32)
    cheek = a.cheek_grey
    ref = float(median(cheek)) if cheek.size > 20 else float(median(a.skin_grey))
    ref = max(ref, 1.0)
    line, line_row = frame_line(a.grey8, a.landmarks, eye, a.ied)
    chroma, chroma_row = frame_chroma(a.rgb, a.landmarks, eye, a.ied)
    # read on the lids and the skin round the opening: the same whether the region has pixels or not
    around = {"gap": eyelid_gap(a, eye), "frame_line": line, "frame_row": line_row, "frame_chroma": chroma,
              "frame_chroma_row": chroma_row,
              "hair_strands": strand_ratio(a.rgb, a.landmarks, eye, a.ied, a.frontal_ied) or 0.0}
    if g.size < 10:
        return {"dark": 1.0, "contrast": 1.0, "glare": 0.0, "iris_glare": 0.0, "whites_glare": 0.0, "lens_glare": 0.0,
                "opening_light": 1.0, "opening_p90": 0.0, **around}
    p10, p50, p90 = percentiles(g, [10, 50, 90])
    opening_p90 = float(percentile(g[inside], 90, overwrite=True)) if np.count_nonzero(inside) >= 10 else float(p90)
    white = g8 >= EYE_CLIP_LUMA
    n_white, n_inside = np.count_nonzero(white), np.count_nonzero(inside)
    n_white_inside = np.count_nonzero(white & inside)
    return {"dark": float(p50 / ref), "contrast": float((p90 - p10) / ref), "glare": float(n_white / g.size),
            "iris_glare": iris_glare(a, eye),
            "whites_glare": float(n_white_inside / g.size),
            "lens_glare": float((n_white - n_white_inside) / max(1, g.size - n_inside)),
            "opening_light": opening_p90 / ref, "opening_p90": opening_p90, **around}


def iris_glare(a, eye: dict) -> float:
    """Share of the iris disc (:func:`photo.pupils.iris_disc`) at near-white (>= EYE_CLIP_LUMA)."""
    (cx, cy), r = pupils.iris_disc(a.landmarks, eye)
    x0, y0 = max(0, int(cx - r)), max(0, int(cy - r))
    x1, y1 = min(a.w, int(cx + r) + 2), min(a.h, int(cy + r) + 2)
    if x1 <= x0 or y1 <= y0 or r < 1:
        return 0.0
    dy = np.arange(y0, y1, dtype=np.float32)[:, None] - np.float32(cy)
    dx = np.arange(x0, x1, dtype=np.float32)[None, :] - np.float32(cx)
    disc = dx * dx + dy * dy <= np.float32(r * r)
    n = np.count_nonzero(disc)
    if n == 0:
        return 0.0
    return float(np.count_nonzero(disc & (a.grey8[y0:y1, x0:x1] >= EYE_CLIP_LUMA)) / n)


def whites_burnt(stats: list[dict], limits, skin_bright_share: float = 0.0) -> bool:
    """The near-white pixels of both eye regions are burnt-out whites, not a reflection: one
    region over ``max_glare`` and both at least ``min_burnt_whites`` (``max_glare`` without it),
    and either both irises readable (``iris_glare`` at most
    ``max_iris_glare``) or the skin itself burnt out (more than ``burnt_skin_share`` of it at luma
    >= BURNT_LUMA: the whole face over-exposed, light irises clipped with it). That is
    over-exposure, which ``lighting.exposure`` judges and names; a profile without
    ``max_iris_glare`` never says so (nor the skin test without ``burnt_skin_share``)."""
    if "max_iris_glare" not in limits or max(x["glare"] for x in stats) <= limits["max_glare"]:
        return False
    if min(x["glare"] for x in stats) <= limits.get("min_burnt_whites", limits["max_glare"]):
        return False
    if max(x["iris_glare"] for x in stats) <= limits["max_iris_glare"]:
        return True
    return "burnt_skin_share" in limits and skin_bright_share > limits["burnt_skin_share"]


def lids_apart(x: dict, limits) -> bool:
    """One eye's stats (:func:`eye_stats`) show its lids apart enough for the eye region's
    contrast to say whether it is hidden: an eyelid gap of at least ``min_open_gap`` (a profile
    without it judges every eye)."""
    return "min_open_gap" not in limits or x.get("gap", 1.0) >= limits["min_open_gap"]


def behind_dark_lens(x: dict, limits) -> bool:
    """One eye's stats (:func:`eye_stats`) say it is behind a dark lens: its region darker than
    ``min_dark_ratio`` x the cheeks and, with ``max_dark_lens_opening``, the brightest tenth of
    its opening too (an open eye behind no lens shows its white there: dark eye make-up, a
    squint or deep shade darken the region, not the white)."""
    if x["dark"] >= limits["min_dark_ratio"]:
        return False
    return "max_dark_lens_opening" not in limits or x.get("opening_light", 0.0) < limits["max_dark_lens_opening"]


def lens_reflection_sides(stats: list[dict], limits, skin_bright_share: float = 0.0) -> list[str]:
    """The sides (in the picture) of the eyes with a reflection on a lens: more than
    ``max_lens_glare`` of the lids and skin round the eye opening near-white (``lens_glare``)
    while the skin is not burnt out (at most ``burnt_skin_share`` of it at luma >=
    BURNT_LUMA). Compliant photos, their 1.15 x lighter variants included, reach 0.003 and
    every real photo 0.007; over-exposure clips the lids with the whites, but then the skin is
    burnt out too. Not judged by a profile without ``max_lens_glare``."""
    if "max_lens_glare" not in limits or skin_bright_share > limits.get("burnt_skin_share", 1.0):
        return []
    return [side for (side, _eye, _), x in zip(EYES, stats, strict=True) if x["lens_glare"] > limits["max_lens_glare"]]


def skin_bright_share(a) -> float:
    """Share of the face's skin (``a.skin_grey``, the skin grid) at luma >= BURNT_LUMA."""
    g = a.skin_grey
    return float(np.count_nonzero(g >= BURNT_LUMA) / g.size) if g.size else 0.0


def both_eye_stats(a) -> list[dict]:
    """[:func:`eye_stats` of the eye on the picture's left, of the one on its right], measured
    once per analysis (``eyes.visible`` and ``lighting.exposure``, which reads the burnt-out
    whites of both eyes, share them)."""
    got = _STATS.get(a)
    if got is None:
        got = _STATS[a] = [eye_stats(a, eye) for _side, eye, _ in EYES]
    return got


def rim_by_line(x: dict, limits) -> bool:
    """A glasses rim across the eye found by its darkness (``frame_line`` over ``max_frame_line``).
    Not judged by a profile without the limit."""
    return "max_frame_line" in limits and x["frame_line"] > limits["max_frame_line"]


def rim_by_colour(x: dict, limits) -> bool:
    """A glasses rim across the eye found by its colour (``frame_chroma`` over ``max_frame_chroma``):
    a thin metal rim that :func:`photo.frame_line.frame_line`'s darkness misses. Not judged by a
    profile without the limit."""
    return "max_frame_chroma" in limits and x["frame_chroma"] > limits["max_frame_chroma"]


def rim_across(x: dict, limits) -> bool:
    """A glasses rim across the eye (eye_stats ``x``), by its darkness or by its colour."""
    return rim_by_line(x, limits) or rim_by_colour(x, limits)


def hair_over_eyes(stats: list[dict], limits) -> bool:
    """Hair hangs over an eye: its upper lid (``hair_strands``, read at a frontal face's
    proportions, so a turned head's far lid is not squeezed) crossed by more vertical edges than
    ``max_hair_strands`` times its horizontal ones. Either eye: a fringe swept over one eye
    hides it as much as one over both. Not judged by a profile without the limit."""
    return "max_hair_strands" in limits and max(x["hair_strands"] for x in stats) > limits["max_hair_strands"]


def reflection_on_one_iris(stats: list[dict], limits) -> bool:
    """A reflection on one lens: one iris disc more than ``max_one_iris_glare`` near-white while
    the other is under ``other_iris_ratio`` of that. Over-exposure clips both irises alike and a
    catchlight stays under 0.01 of the disc; a light reflected in one lens over the pupil can fill
    less than ``max_glare`` of the eye region and still hide the iris. Not judged by a profile
    without these limits."""
    if "max_one_iris_glare" not in limits or "other_iris_ratio" not in limits:
        return False
    hi = max(x["iris_glare"] for x in stats)
    lo = min(x["iris_glare"] for x in stats)
    return hi > limits["max_one_iris_glare"] and lo < limits["other_iris_ratio"] * hi


@check("eyes.visible", limits={"min_dark_ratio": "float", "min_contrast": "float", "max_glare": "float",
                               "max_iris_glare": "float?", "min_burnt_whites": "float?", "burnt_skin_share": "float?", "max_one_iris_glare": "float?",
                               "other_iris_ratio": "float?", "max_lens_glare": "float?",
                               "max_dark_lens_opening": "float?", "min_open_gap": "float?",
                               "max_frame_line": "float?", "max_frame_chroma": "float?", "max_hair_strands": "float?"},
       frontal=True)
def eyes_visible(a, limits):
    """Eyes not hidden: eye-region luma / cheek luma >= min_dark_ratio (dark lenses; with
    max_dark_lens_opening, only when the eye opening's brightest tenth is that dark too), luma spread
    in the eye region / cheek luma >= min_contrast (lenses, frames, hair flatten it; judged on
    eyes whose lids are apart, eyelid gap at least min_open_gap: a closed eye is eyes.open's), near-white
    share <= max_glare (glare on glasses), and no reflection over one iris only (one iris disc
    more than max_one_iris_glare near-white, the other under other_iris_ratio of it). Near-white
    whites of both eyes with both irises readable (near-white share of each iris disc <=
    max_iris_glare, or the skin itself burnt out: more than burnt_skin_share of it at luma >=
    247) are over-exposure, not a reflection: the eyes are visible and ``lighting.exposure``
    names it. Near-white on the lids and skin round an eye opening (more than max_lens_glare of
    them, ``lens_glare``) is a reflection on a lens unless the skin itself is burnt out: a small
    reflection off the iris is glare too. A line across an eye, darker than the rows above and
    below it and running on past both corners onto the skin, stronger than max_frame_line, or a
    line of another colour than the skin through the eye's rows on the skin past both its corners,
    stronger than max_frame_chroma (a thin metal rim), is a glasses rim over the eye
    (``photo/frame_line.py``). An upper lid crossed by more vertical
    edges than max_hair_strands times its horizontal ones is hair hanging over the eye, a
    fringe reaching it (``photo/hair_strands.py``). ICAO 9303, J-LIS."""
    s = both_eye_stats(a)
    dark = min(x["dark"] for x in s)
    contrast = min(x["contrast"] for x in s)
    # an eye nearly closed shows no white: its low contrast is eyes.open's defect, not a hidden eye
    judged = [(side, x) for (side, _e, _), x in zip(EYES, s, strict=True) if lids_apart(x, limits)]
    glare = max(x["glare"] for x in s)
    skin_burnt = skin_bright_share(a)
    lens = lens_reflection_sides(s, limits, skin_burnt)
    burnt = whites_burnt(s, limits, skin_burnt) and not lens
    one_iris = reflection_on_one_iris(s, limits)
    if any(behind_dark_lens(x, limits) for x in s):
        key = "dark"
    elif (glare > limits["max_glare"] and not burnt) or one_iris or lens:
        key = "glare"
    elif any(rim_across(x, limits) for x in s):
        key = "frame"
    elif hair_over_eyes(s, limits):
        key = "hair"
    elif any(x["contrast"] < limits["min_contrast"] for _side, x in judged):
        key = "hidden"
    else:
        key = "ok"
    limit = {"min_dark_ratio": limits["min_dark_ratio"], "min_contrast": limits["min_contrast"],
             "max_glare": limits["max_glare"]}
    for k in ("max_iris_glare", "min_burnt_whites", "burnt_skin_share", "max_one_iris_glare", "other_iris_ratio",
              "max_lens_glare", "max_dark_lens_opening", "min_open_gap", "max_frame_line", "max_frame_chroma",
              "max_hair_strands"):
        if k in limits:
            limit[k] = limits[k]
    r = result(key == "ok", {"dark": round(dark, 3), "contrast": round(contrast, 3), "glare": round(glare, 3)},
               limit, key)
    r.details = {"image_left_eye": s[0], "image_right_eye": s[1], "whites_burnt": burnt,
                 "skin_burnt_share": round(skin_burnt, 4),
                 "reflection_on_one_iris": one_iris, "reflection_on_lens": lens,
                 "contrast_judged": [side for side, _x in judged]}
    return r


def red_eye_stats(a) -> dict[str, dict | None]:
    """:func:`photo.pupils.pupil_redness` of each eye, by its side in the picture (None: too
    little of the pupil shows to read it)."""
    return {side: pupils.pupil_redness(a.rgb, a.landmarks, eye) for side, eye, _ in EYES}


@check("eyes.red_eye", limits={"max_redness": "float"}, frontal=True)
def eyes_red_eye(a, limits):
    """No flash red-eye: in each eye, the redness of the pupil's reddest quarter minus the iris's
    round it, with the colours balanced by the eye's own white (``photo/pupils.py``), at most
    max_redness.
    An eye showing too little of its pupil is not read; with neither read (eyes shut, which
    ``eyes.open`` names) the check is not evaluated. ICAO 9303, ISO/IEC 19794-5: no red-eye."""
    stats = red_eye_stats(a)
    read = {side: x for side, x in stats.items() if x is not None}
    if not read:
        return unjudged(None, limits["max_redness"], "no_pupil")
    red = [side for side, x in read.items() if x["redness"] > limits["max_redness"]]
    r = result(not red, round(max(x["redness"] for x in read.values()), 3), limits["max_redness"],
               "red" if red else "ok")
    r.details = {f"image_{side}_eye": None if x is None else {k: round(v, 3) if isinstance(v, float) else
                                                              [round(g, 3) for g in v] for k, v in x.items()}
                 for side, x in stats.items()}
    r.details["red"] = red
    return r
