"""Mouth closed and a neutral expression (no smile).

ICAO 9303 / ISO/IEC 19794-5: neutral expression, mouth closed. Japanese passport (MOFA):
no smile showing teeth, no raised mouth corners. OFIQ's mouth-closed measure: the inner-lip
gap divided by the eye-midpoint-to-chin distance.
"""

from __future__ import annotations

import numpy as np

from photo.analysis import LIP_GAPS, LIPS_INNER, MOUTH_CORNERS
from photo.checks import check
from photo.report import result


def lip_gap(a) -> float:
    lm = a.landmarks
    gaps = [np.linalg.norm(lm[u, :2] - lm[lo, :2]) for u, lo in LIP_GAPS]
    return float(np.mean(gaps) / max(a.eye_chin, 1e-6))


@check("mouth.closed", limits={"max_ratio": "float"})
def mouth_closed(a, limits):
    """Lips together: inner-lip gap / eye-to-chin distance <= max_ratio (OFIQ measure; ICAO 9303)."""
    v = lip_gap(a)
    return result("mouth.closed", v <= limits["max_ratio"], round(v, 4), limits["max_ratio"])


def smile_measures(a) -> dict:
    """Mouth-corner lift and widening against the neutral template, and teeth between the lips.

    The mesh is mapped into the frontal template's frame (pose and scale removed, template
    units = the face's RMS radius), where the template is the mean neutral studio face:
    ``lift``: how far the mouth corners sit above the template's corners (a smile raises them);
    ``widening``: mouth width minus the template's (a smile stretches the mouth);
    ``teeth``: share of the inner-lip area that is bright and nearly colourless (teeth).
    """
    from photo.analysis import template

    tmpl, _ = template()
    c = a.canonical
    c1, c2 = MOUTH_CORNERS
    lift = float(-((c[c1, 1] - tmpl[c1, 1]) + (c[c2, 1] - tmpl[c2, 1])) / 2)
    widening = float((c[c2, 0] - c[c1, 0]) - (tmpl[c2, 0] - tmpl[c1, 0]))
    teeth = 0.0
    inner = a.region(LIPS_INNER)
    if inner.sum() >= 12 and lip_gap(a) > 0.012:  # teeth need parted lips
        lab = a.lab_of(inner)
        skin = a.lab_of(a.skin_mask)
        skin_l = float(np.median(skin[:, 0])) if skin.size else 60.0
        chroma = np.hypot(lab[:, 1], lab[:, 2])
        teeth_px = (lab[:, 0] > max(55.0, 0.85 * skin_l)) & (chroma < 22)  # bright and colourless
        teeth = float(teeth_px.sum() / max(inner.sum(), 1)) * min(1.0, inner.sum() / (0.02 * a.ied**2))
    return {"lift": lift, "widening": widening, "teeth": teeth}


@check("expression.neutral", limits={"max_corner_lift": "float", "max_widening": "float", "max_teeth": "float"})
def expression_neutral(a, limits):
    """No smile: mouth corners not raised above the neutral template's (lift <= max_corner_lift),
    mouth not stretched (widening <= max_widening), no teeth showing (<= max_teeth).
    Japanese passport rules (MOFA), ICAO 9303 neutral expression."""
    s = smile_measures(a)
    if s["teeth"] > limits["max_teeth"]:
        key = "teeth"
    elif s["lift"] > limits["max_corner_lift"]:
        key = "corners"
    elif s["widening"] > limits["max_widening"]:
        key = "wide"
    else:
        key = "ok"
    return result("expression.neutral", key == "ok", {k: round(v, 4) for k, v in s.items()},
                  {"max_corner_lift": limits["max_corner_lift"], "max_widening": limits["max_widening"],
                   "max_teeth": limits["max_teeth"]}, key)
