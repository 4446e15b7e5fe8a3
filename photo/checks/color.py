"""Natural skin colour: no strong colour cast.

OFIQ natural colour: the cheeks' mean CIELAB a* and b* should lie in a* 5-25, b* 5-35.
ICAO 9303: natural skin tones, no colour cast. Unlike OFIQ a greyscale photo is not scored
"natural": greyscale is judged by ``image.color`` and this check does not apply to it.

Skin alone cannot tell a warm complexion from a red cast, but a cast tints the whole photo:
the plain backdrop (white, grey or light blue for an ID photo: neither red nor green) takes
the same tint. So a red or green shift is also called a cast when the backdrop's a* (the
smooth backdrop model at the frame's centre) and the skin's a* both lean the same way. The
blue-yellow axis is left to the skin range: light-blue backdrops are common and proper.
"""

from __future__ import annotations

import numpy as np

from photo.checks import check
from photo.quantiles import median
from photo.report import result


def colour_region(a) -> np.ndarray:
    """The skin ``color.natural`` measures (full-size bool mask): both cheeks on the skin grid
    (``a.skin_grid``), or the whole skin mask on it when the cheeks give fewer than 30 pixels."""
    g = a.skin_grid
    cl, cr = a.cheek_masks
    m = np.zeros_like(cl)
    m[g] = (cl | cr)[g]
    if np.count_nonzero(m) < 30:
        m[g] = a.skin_mask[g]
    return m


@check("color.natural", limits={"a_min": "float", "a_max": "float", "b_min": "float", "b_max": "float",
                                "max_backdrop_a": "float", "cast_skin_a_low": "float", "cast_skin_a_high": "float"}, frontal=True, bare_face=True, exposed=True)
def natural(a, limits):
    """Median cheek CIELAB a* in [a_min, a_max] and b* in [b_min, b_max] (OFIQ: a* 5-25, b* 5-35),
    and no red/green tint shared by skin and backdrop: backdrop a* beyond +/-max_backdrop_a
    with the skin's a* above cast_skin_a_high (red) or below cast_skin_a_low (green)."""
    lab = a.cheek_lab
    if len(lab) < 30:
        lab = a.skin_lab
    av, bv = float(median(lab[:, 1])), float(median(lab[:, 2]))
    if np.hypot(av, bv) < 2.5:  # colourless skin: is the whole photo greyscale? (the frame read only then)
        if float(np.percentile(a.half_chroma, 95)) < 4:
            return None  # a greyscale photo: colour is image.color's business
    ok = limits["a_min"] <= av <= limits["a_max"] and limits["b_min"] <= bv <= limits["b_max"]
    back_a = None
    if a.backdrop is not None:
        back_a = float(a.backdrop["coef"][0][1])  # the backdrop model's a* at the frame's centre
    tint = None
    if ok and back_a is not None:
        if back_a > limits["max_backdrop_a"] and av > limits["cast_skin_a_high"]:
            ok, tint = False, "red"
        elif back_a < -limits["max_backdrop_a"] and av < limits["cast_skin_a_low"]:
            ok, tint = False, "green"
    if ok:
        key = "ok"
    elif tint:
        key = tint
    elif bv < limits["b_min"]:
        key = "blue"
    elif av < limits["a_min"]:
        key = "green"
    elif av > limits["a_max"]:
        key = "red"
    else:
        key = "yellow"
    r = result(ok, [round(av, 1), round(bv, 1)],
               {"a": [limits["a_min"], limits["a_max"]], "b": [limits["b_min"], limits["b_max"]],
                "backdrop_a": limits["max_backdrop_a"]}, key)
    r.details = {"backdrop_a": None if back_a is None else round(back_a, 1)}
    return r
