"""Natural skin colour: no strong colour cast.

OFIQ natural colour: the cheeks' mean CIELAB a* and b* should lie in a* 5-25, b* 5-35.
ICAO 9303: natural skin tones, no colour cast. Unlike OFIQ a greyscale photo is not scored
"natural": greyscale is judged by ``image.color`` and this check does not apply to it.
"""

from __future__ import annotations

import numpy as np

from photo.checks import check
from photo.report import result


@check("color.natural", limits={"a_min": "float", "a_max": "float", "b_min": "float", "b_max": "float"})
def natural(a, limits):
    """Median cheek CIELAB a* in [a_min, a_max] and b* in [b_min, b_max] (OFIQ: a* 5-25, b* 5-35)."""
    cl, cr = a.cheek_masks
    m = cl | cr
    if m.sum() < 30:
        m = a.skin_mask
    lab = a.lab_of(m)
    av, bv = float(np.median(lab[:, 1])), float(np.median(lab[:, 2]))
    sm = a.small_lab[::2, ::2]
    if np.hypot(av, bv) < 2.5 and float(np.percentile(np.hypot(sm[..., 1], sm[..., 2]), 95)) < 4:
        return None  # a greyscale photo: colour is image.color's business
    ok = limits["a_min"] <= av <= limits["a_max"] and limits["b_min"] <= bv <= limits["b_max"]
    if ok:
        key = "ok"
    elif bv < limits["b_min"]:
        key = "blue"
    elif av < limits["a_min"]:
        key = "green"
    elif av > limits["a_max"]:
        key = "red"
    else:
        key = "yellow"
    return result("color.natural", ok, [round(av, 1), round(bv, 1)],
                  {"a": [limits["a_min"], limits["a_max"]], "b": [limits["b_min"], limits["b_max"]]}, key)
