"""A neutral expression (no smile).

ICAO 9303 / ISO/IEC 19794-5: neutral expression. Japanese passport (MOFA): no smile showing
teeth, no raised mouth corners. The smile model is :mod:`photo.expression`.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

import numpy as np

from photo.checks import check
from photo.report import result

#: the mouth corners whose lift and widening the smile model reads (image left, image right)
CORNERS = (61, 291)
_INPUTS: WeakKeyDictionary = WeakKeyDictionary()  # analysis -> smile_inputs(analysis)
_MIRROR_INPUTS: WeakKeyDictionary = WeakKeyDictionary()  # analysis -> (mirror_smile_inputs(analysis),)


def smile_inputs(a):
    """(named features, HOG of the aligned lower face, HOG of its mirror image): what the smile
    model reads (:func:`photo.expression.raw_features`), computed once per analysis
    (bench/photo_accuracy.py refits the model on the same inputs the check scored)."""
    got = _INPUTS.get(a)
    if got is None:
        from photo.analysis import template
        from photo.expression import raw_features

        got = _INPUTS[a] = raw_features(a.canonical, template()[0], a.rgb, a.landmarks, a.blendshapes)
    return got


def smile_measures(a) -> dict:
    """The smile model's score and the cues it reads (see :mod:`photo.expression`).

    ``score``: logit of "smiling" from the logistic model over mouth/cheek/eye geometry in
    the pose-free template frame, teeth and the lower face's appearance (HOG); ``teeth``:
    teeth-like area inside the inner lips (template units squared x 100); ``lift`` and
    ``widening``: mouth-corner lift and mouth stretch against the neutral template.
    """
    from photo.expression import smile_score

    f, h, hm = smile_inputs(a)
    return {"score": smile_score(f, h, hm), "teeth": f["teeth"], "lift": f["lift"], "widening": f["wide"]}


def mirror_smile_inputs(a):
    """:func:`smile_inputs` of the photo's mirror image, with the Face Landmarker's mesh of it
    (``a.mirror``; None without a face there): a second, independent reading of the mesh."""
    got = _MIRROR_INPUTS.get(a)
    if got is None:
        from photo.analysis import canonical_of, template
        from photo.expression import raw_features

        rgb, face = a.mirror
        got = _MIRROR_INPUTS[a] = (None,) if face is None else (
            raw_features(canonical_of(face.points), template()[0], rgb, face.points, face.blendshapes),)
    return got[0]


def mirror_confirmed(score: float, mirror: float) -> float:
    """The smaller of the photo's smile score and its mean with the mirror image's: over a limit
    only when both readings are, in the mean (bench/photo_accuracy.py applies it at every
    fold's limit)."""
    return min(score, (score + mirror) / 2)


def confirmed_score(score: float, mirror: float | None, limit: float) -> float:
    """The smile score a verdict reads: the photo's, or, when it is over ``limit``, the smaller of
    it and its mean with the mirror image's (:func:`mirror_confirmed`; ``mirror`` None: the
    photo's alone). The score moves with the mesh by a few hundredths from one encoding of a
    photo to another (frl 003 under noise, 008 against a blue wall, 009 turned, by 0.03-0.1): a
    smile over the limit in one reading and far under it in the other is not a smile, while a
    real smile reads high in both."""
    if score <= limit or mirror is None:
        return score
    return mirror_confirmed(score, mirror)


def mirror_teeth(a) -> float | None:
    """The teeth area measured on the photo's mirror image with the Face Landmarker's mesh of it
    (``a.mirror``; None without a face there). Teeth really showing show in both; a closed
    mouth that one encoding of a photo parts on the mesh rarely does."""
    from photo.analysis import template
    from photo.expression import aligned_lower_face, teeth_share

    rgb, face = a.mirror
    if face is None:
        return None
    crop, m = aligned_lower_face(rgb, face.points, template()[0])
    return teeth_share(crop, m, face.points)


def teeth_pixels(a) -> np.ndarray:
    """The teeth-like pixels that ``teeth`` counts (:func:`photo.expression.teeth_mask`), mapped
    back from the aligned crop to the working image (full-size bool mask)."""
    import cv2

    from photo.analysis import template
    from photo.expression import aligned_lower_face, teeth_mask

    crop, m = aligned_lower_face(a.rgb, a.landmarks, template()[0])
    t = teeth_mask(crop, m, a.landmarks).astype(np.uint8)
    back = cv2.warpAffine(t, cv2.invertAffineTransform(m), (a.w, a.h), flags=cv2.INTER_NEAREST)
    return back > 0


def neutral_corners(a) -> tuple[np.ndarray, np.ndarray]:
    """(the mouth corners, where the neutral template puts them on this face): 2 x 2 each,
    working px. ``lift`` and ``widening`` are the difference, measured in the pose-free frame
    (``a.canonical``); this maps the template's corners back through the same pose fit."""
    from photo.analysis import template

    _, rot, scale = a.pose_fit
    lm = a.landmarks[:468, :3]
    offset = (lm - (a.canonical * scale) @ rot.T).mean(axis=0)  # canonical = (lm - L) @ rot / scale + T
    t = template()[0][list(CORNERS)]
    return a.landmarks[list(CORNERS), :2].copy(), ((t * scale) @ rot.T + offset)[:, :2]


@check("expression.neutral", limits={"max_smile_score": "float", "max_teeth": "float"}, frontal=True, bare_face=True)
def expression_neutral(a, limits):
    """No smile: the smile model's score <= max_smile_score (raised or stretched mouth corners,
    raised cheeks, creases) and no teeth showing (teeth area <= max_teeth).
    Japanese passport rules (MOFA): no smile with teeth or raised mouth corners; ICAO 9303
    neutral expression."""
    s = smile_measures(a)
    details = {}
    if s["teeth"] > limits["max_teeth"]:  # confirmed on the mirror image, as mouth.closed's gap
        tm = mirror_teeth(a)
        details = {"teeth_photo": round(s["teeth"], 3), "teeth_mirror_image": None if tm is None else round(tm, 3)}
        if tm is not None:
            s["teeth"] = min(s["teeth"], tm)
    if s["teeth"] <= limits["max_teeth"] and s["score"] > limits["max_smile_score"]:  # confirmed on the mirror image
        from photo.expression import smile_score

        mi = mirror_smile_inputs(a)
        ms = None if mi is None else smile_score(*mi)
        details["score_photo"] = round(s["score"], 3)
        details["score_mirror_image"] = None if ms is None else round(ms, 3)
        s["score"] = confirmed_score(s["score"], ms, limits["max_smile_score"])
    if s["teeth"] > limits["max_teeth"]:
        key = "teeth"
    elif s["score"] > limits["max_smile_score"]:
        key = "corners" if s["lift"] >= s["widening"] / 2 else "wide"
    else:
        key = "ok"
    r = result(key == "ok", {k: round(v, 3) for k, v in s.items()},
               {"max_smile_score": limits["max_smile_score"], "max_teeth": limits["max_teeth"]}, key)
    if details:
        r.details = details
    return r
