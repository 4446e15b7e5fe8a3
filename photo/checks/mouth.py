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
    """Mouth-corner lift and width, and the share of teeth-like pixels between the lips.

    ``lift``: how far the corners sit above the line through the lips' centre, along the
    face's up axis, / eye-to-chin distance (a smile raises the corners: > 0);
    ``width``: mouth width / inter-eye distance (a smile widens the mouth);
    ``teeth``: share of the inner-lip area that is bright and nearly colourless (teeth).
    """
    lm = a.landmarks
    up = a.up
    c1, c2 = lm[MOUTH_CORNERS[0], :2], lm[MOUTH_CORNERS[1], :2]
    centre = (lm[13, :2] + lm[14, :2]) / 2
    lift = float(((c1 + c2) / 2 - centre) @ up / max(a.eye_chin, 1e-6))
    width = float(np.linalg.norm(c2 - c1) / max(a.ied, 1e-6))
    teeth = 0.0
    inner = a.region(LIPS_INNER)
    if inner.sum() >= 12 and lip_gap(a) > 0.012:  # teeth need parted lips
        lab = a.lab[inner]
        skin = a.lab[a.skin_mask]
        skin_l = float(np.median(skin[:, 0])) if skin.size else 60.0
        chroma = np.hypot(lab[:, 1], lab[:, 2])
        teeth_px = (lab[:, 0] > max(55.0, 0.85 * skin_l)) & (chroma < 22)  # bright and colourless
        teeth = float(teeth_px.sum() / max(inner.sum(), 1)) * min(1.0, inner.sum() / (0.02 * a.ied**2))
    return {"lift": lift, "width": width, "teeth": teeth}


@check("expression.neutral", limits={"max_corner_lift": "float", "max_width_ratio": "float", "max_teeth": "float"})
def expression_neutral(a, limits):
    """No smile: mouth corners not raised (lift <= max_corner_lift), mouth not widened
    (width / inter-eye distance <= max_width_ratio), no teeth showing (<= max_teeth).
    Japanese passport rules (MOFA), ICAO 9303 neutral expression."""
    s = smile_measures(a)
    if s["teeth"] > limits["max_teeth"]:
        key = "teeth"
    elif s["lift"] > limits["max_corner_lift"]:
        key = "corners"
    elif s["width"] > limits["max_width_ratio"]:
        key = "wide"
    else:
        key = "ok"
    return result("expression.neutral", key == "ok", {k: round(v, 4) for k, v in s.items()},
                  {"max_corner_lift": limits["max_corner_lift"], "max_width_ratio": limits["max_width_ratio"],
                   "max_teeth": limits["max_teeth"]}, key)
