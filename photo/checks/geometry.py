"""Where the head sits in the frame, in millimetres of the printed photo.

J-LIS (secondary sources): 45 x 35 mm photo, crown to chin 34 +/- 2 mm, 4 +/- 2 mm above
the head. Japanese passport (MOFA): crown to chin 32-36 mm, 2-6 mm above the head, chin to
bottom 5-9 mm, >= 2 mm beside the head. ICAO 9303: crown to chin 70-80 % of the height,
face centred, eyes 50-70 % of the height above the bottom edge. Millimetres are image
pixels x (print height in mm / image height in pixels). The crown is the top of the head
with the hair, from the person mask above the face (see ``FaceAnalysis.crown``).
"""

from __future__ import annotations

import math

from photo.checks import check
from photo.framing import centre_x
from photo.report import result


def mm_per_px(a, limits) -> float:
    return limits["print_height_mm"] / a.h


_PRINT = {"print_height_mm": "float"}


def shown(v: float, bias: float, lo: float | None = None, hi: float | None = None) -> float | int:
    """A millimetre figure as the messages show it: moved by the measure's known ``bias`` (a
    whole number of millimetres, such as a rule's limit, without decimals). A measure outside
    [``lo``, ``hi``] (the unmoved limits) is rounded away from them, so a failing figure never
    reads as inside the range shown beside it (35.51 of at most 35.5 reads 36.1, not 36)."""
    x = v + bias
    if hi is not None and v > hi:  # up to the next tenth, and at least a tenth past the limit shown
        return max(math.ceil(x * 10 - 1e-9) / 10, round(hi + bias + 0.1, 1))
    if lo is not None and v < lo:
        return min(math.floor(x * 10 + 1e-9) / 10, round(lo + bias - 0.1, 1))
    x = round(x, 1)
    return int(x) if x == int(x) else x


@check("geometry.head_size", limits={**_PRINT, "min_mm": "float", "max_mm": "float", "shown_bias_mm": "float?"},
       upright=True)
def head_size(a, limits):
    """Crown-to-chin height on the print within [min_mm, max_mm] (J-LIS 32-36 mm; ICAO 70-80 %).

    The limits are the rule's moved by the measure's bias (it reads the head 0.5 mm short); the
    value and limit in the result are the measure's, while the messages show both moved back by
    ``shown_bias_mm``: the head as it most likely is, against the rule's own 32-36 mm."""
    k = mm_per_px(a, limits)
    v = float(((a.chin - a.crown) ** 2).sum() ** 0.5) * k
    lo, hi = limits["min_mm"], limits["max_mm"]
    key = "ok" if lo <= v <= hi else ("small" if v < lo else "large")
    b = limits.get("shown_bias_mm", 0.0)
    r = result(key == "ok", round(v, 1), [lo, hi], key, mm=shown(v, b, lo, hi), lo=shown(lo, b), hi=shown(hi, b))
    return r


@check("geometry.centered", limits={**_PRINT, "max_offset_mm": "float"}, upright=True)
def centered(a, limits):
    """The face's vertical axis within max_offset_mm of the photo's centre line (ICAO 9303: centred)."""
    k = mm_per_px(a, limits)
    v = (centre_x(a) - a.w / 2) * k
    ok = abs(v) <= limits["max_offset_mm"]
    r = result(ok, round(v, 1), limits["max_offset_mm"],
               "ok" if ok else ("right" if v > 0 else "left"), mm=round(abs(v), 1))
    return r


@check("geometry.eye_height", limits={**_PRINT, "min_mm": "float", "max_mm": "float", "crowded_top_mm": "float?"}, upright=True)
def eye_height(a, limits):
    """Eye line height above the bottom edge within [min_mm, max_mm] (ICAO 9303: 50-70 % of the height).

    Eyes too low with less than ``crowded_top_mm`` above the head means the head fills the
    frame (not that there is too much room above it): the message says so, so that it does
    not contradict ``geometry.margins``."""
    k = mm_per_px(a, limits)
    v = (a.h - a.eye_mid[1]) * k
    lo, hi = limits["min_mm"], limits["max_mm"]
    key = "ok" if lo <= v <= hi else ("low" if v < lo else "high")
    if key == "low" and "crowded_top_mm" in limits and a.crown[1] * k < limits["crowded_top_mm"]:
        key = "low_crowded"
    r = result(key == "ok", round(v, 1), [lo, hi], key, mm=round(v, 1))
    return r


@check("geometry.margins", limits={**_PRINT, "min_top_mm": "float", "max_top_mm": "float", "min_side_mm": "float",
                                   "min_bottom_mm": "float", "shown_top_bias_mm": "float?"}, upright=True)
def margins(a, limits):
    """The whole head inside the frame: space above the crown within [min_top_mm, max_top_mm]
    (J-LIS 4 +/- 2 mm), >= min_side_mm beside the face (MOFA: 2 mm), >= min_bottom_mm below the chin.
    The messages show the space above the head and its limits less ``shown_top_bias_mm`` (the
    crown's bias the limits allow for), so against the rule's own 2-6 mm."""
    k = mm_per_px(a, limits)
    x0, _, x1, _ = a.face_box
    top = a.crown[1] * k
    bottom = (a.h - a.chin[1]) * k
    side = min(x0, a.w - x1) * k
    key = "ok"
    if top < limits["min_top_mm"]:
        key = "top_cut" if a.crown[1] <= 0.5 else "top_small"
    elif bottom < limits["min_bottom_mm"]:
        key = "bottom"
    elif side < limits["min_side_mm"]:
        key = "side"
    elif top > limits["max_top_mm"]:
        key = "top_large"
    v = {"top": round(top, 1), "bottom": round(bottom, 1), "side": round(side, 1)}
    lim = {k2: limits[k2] for k2 in ("min_top_mm", "max_top_mm", "min_side_mm", "min_bottom_mm")}
    tb = -limits.get("shown_top_bias_mm", 0.0)
    r = result(key == "ok", v, lim, key, top=shown(top, tb, limits["min_top_mm"], limits["max_top_mm"]),
               side=v["side"], bottom=v["bottom"],
               top_lo=shown(limits["min_top_mm"], tb), top_hi=shown(limits["max_top_mm"], tb))
    return r
