"""A neutral expression (no smile).

ICAO 9303 / ISO/IEC 19794-5: neutral expression. Japanese passport (MOFA): no smile showing
teeth, no raised mouth corners. The smile model is :mod:`photo.expression`.
"""

from __future__ import annotations

from photo.checks import check
from photo.report import result


def smile_measures(a) -> dict:
    """The smile model's score and the cues it reads (see :mod:`photo.expression`).

    ``score``: logit of "smiling" from the logistic model over mouth/cheek/eye geometry in
    the pose-free template frame, teeth and the lower face's appearance (HOG); ``teeth``:
    teeth-like area inside the inner lips (template units squared x 100); ``lift`` and
    ``widening``: mouth-corner lift and mouth stretch against the neutral template.
    """
    from photo.analysis import template
    from photo.expression import raw_features, smile_score

    f, h, hm = raw_features(a.canonical, template()[0], a.rgb, a.landmarks)
    return {"score": smile_score(f, h, hm), "teeth": f["teeth"], "lift": f["lift"], "widening": f["wide"]}


@check("expression.neutral", limits={"max_smile_score": "float", "max_teeth": "float"})
def expression_neutral(a, limits):
    """No smile: the smile model's score <= max_smile_score (raised or stretched mouth corners,
    raised cheeks, creases) and no teeth showing (teeth area <= max_teeth).
    Japanese passport rules (MOFA): no smile with teeth or raised mouth corners; ICAO 9303
    neutral expression."""
    s = smile_measures(a)
    if s["teeth"] > limits["max_teeth"]:
        key = "teeth"
    elif s["score"] > limits["max_smile_score"]:
        key = "corners" if s["lift"] >= s["widening"] / 2 else "wide"
    else:
        key = "ok"
    return result(key == "ok", {k: round(v, 3) for k, v in s.items()},
                  {"max_smile_score": limits["max_smile_score"], "max_teeth": limits["max_teeth"]}, key)
