"""A glasses frame across the eye: the rim of a lens that crosses the eye opening (J-LIS refuses a
frame over the eyes, and very thick frames).

Clear glasses are allowed when their frames stay clear of the eyes; glasses worn low, or big
frames, put the rim's top bar across the eye. A rim is a line: darker than the rows a little
above and below it, and it runs on, straight, past both corners of the eye onto the skin, which
no eyelid, lash line or crease does on both sides. Per eye, on the luma (``a.grey8``, only the
stretches read converted):

- three stretches of each row through the eye's height (from the top of the lids' contour to
  its bottom, and :data:`NEIGHBOUR_IED` past each): the skin beyond the outer corner and beyond
  the inner corner (from 0.02 to :data:`SKIN_IED` eye distances past each), and the opening
  between the corners (less a tenth of its width at each end, and less the columns within
  :data:`IRIS_SKIP` iris radii of the iris centre: a rim is darker than the eye's white, while a
  dark iris filling most of the opening's width would make the rows' medians its own);
- for each stretch and row, how much darker its median is than the darker of the medians
  :data:`NEIGHBOUR_IED` eye distances above and below, relative to that (0 when it is not);
- the line's strength at a row is the weakest of the three stretches, and the eye's is the
  strongest row.

Measured by ``bench/photo_over_eyes.py`` (the 121 compliant people, in bench.glasses' three
styles as worn and with the lenses lowered so that their top rim crosses the eyes, 0.20-0.30
eye distances; every other real photo of the collection judged): compliant variants at most
0.07, glasses as worn 0.06, other real photos 0.20 (aviator sunglasses, refused for their dark
lenses first); a black acetate rim across the eyes 0.38 at the 5th percentile (median 0.69), a
tortoiseshell one median 0.27 (0.13 while the opening's stretch kept the iris), a thin metal
one median 0.01: thin rims are not found.
"""

from __future__ import annotations

import numpy as np

from photo.lab import to_lab
from photo.measures import settings
from photo.pupils import iris_disc
from photo.quantiles import row_medians

#: how this module measures: photo/data/measures.toml [frame_line], each value explained there
_M = settings("frame_line")
SKIN_IED: float = _M["skin_ied"]
NEIGHBOUR_IED: float = _M["neighbour_ied"]
IRIS_SKIP: float = _M["iris_skip"]


def _row_medians(g: np.ndarray, x0: float, x1: float, y0: int, y1: int,
                 skip: tuple[float, float] | None = None) -> np.ndarray | None:
    """The median luma of each row y0..y1-1 over columns x0..x1, less the columns ``skip``
    (x from, x to) spans (None when out of the picture or with fewer than 2 columns left)."""
    c0, c1 = round(float(x0)), round(float(x1))
    if c0 < 0 or c1 > g.shape[1] or c1 - c0 < 2 or y0 < 0 or y1 > g.shape[0]:
        return None
    if skip is None:
        return row_medians(g[y0:y1, c0:c1].astype(np.float32))
    s0, s1 = min(max(round(float(skip[0])), c0), c1), min(max(round(float(skip[1])) + 1, c0), c1)
    block = np.hstack((g[y0:y1, c0:s0], g[y0:y1, s1:c1]))
    return row_medians(block.astype(np.float32)) if block.shape[1] >= 2 else None


def _rows_and_skin(landmarks: np.ndarray, eye: dict, ied: float):
    """(d, y0, y1, outer skin (x0, x1), inner skin (x0, x1)): the rows both measures read (the
    eye's height and 2 d past it, d the neighbour distance in px) and the skin stretches beyond
    the outer and the inner corner (from 0.02 to :data:`SKIN_IED` eye distances past each)."""
    outer, inner = landmarks[eye["outer"], :2], landmarks[eye["inner"], :2]
    contour = landmarks[list(eye["contour"]), :2]
    d = max(2, round(float(NEIGHBOUR_IED * ied)))
    y0 = int(np.floor(contour[:, 1].min())) - 2 * d
    y1 = int(np.ceil(contour[:, 1].max())) + 2 * d + 1
    sign = 1.0 if inner[0] > outer[0] else -1.0  # the inner corner's side
    lo, hi = 0.02 * ied, SKIN_IED * ied
    return (d, y0, y1, tuple(sorted((outer[0] - sign * hi, outer[0] - sign * lo))),
            tuple(sorted((inner[0] + sign * lo, inner[0] + sign * hi))))


def frame_line(grey: np.ndarray, landmarks: np.ndarray, eye: dict, ied: float) -> tuple[float, float | None]:
    """(strength, the row it is strongest at) of a line crossing one eye and the skin beside it
    (see the module); (0.0, None) when the stretches leave the picture."""
    outer, inner = landmarks[eye["outer"], :2], landmarks[eye["inner"], :2]
    d, y0, y1, skin_outer, skin_inner = _rows_and_skin(landmarks, eye, ied)
    width = abs(inner[0] - outer[0])
    (cx, _cy), r = iris_disc(landmarks, eye)
    stretches = [
        (*skin_outer, None),  # skin beyond the outer corner
        (*skin_inner, None),  # skin beyond the inner corner
        # the opening, less the iris's columns: a rim is darker than the white, not than a dark iris
        (min(outer[0], inner[0]) + 0.1 * width, max(outer[0], inner[0]) - 0.1 * width,
         (cx - IRIS_SKIP * r, cx + IRIS_SKIP * r)),
    ]
    darker = []
    for x0, x1, skip in stretches:
        m = _row_medians(grey, x0, x1, y0, y1, skip)
        if m is None or len(m) <= 2 * d:
            return 0.0, None
        centre, up, down = m[d:-d], m[:-2 * d], m[2 * d:]
        ref = np.minimum(up, down)
        darker.append((ref - centre) / np.maximum(ref, 1.0))
    strength = np.min(np.stack(darker), axis=0)
    k = int(np.argmax(strength))
    return float(strength[k]), float(y0 + d + k)


def frame_chroma(rgb: np.ndarray, landmarks: np.ndarray, eye: dict, ied: float) -> tuple[float, float | None]:
    """(strength, the row it is strongest at) of a line of another colour than the skin running
    through the rows of one eye on the skin past both its corners: a thin metal rim, grey or
    gold, hardly darker than the skin but of another hue and chroma (:func:`frame_line` reads
    darkness and misses it). Per skin stretch and row: the CIELAB a*b* distance of the row's
    median colour from the mean of the rows :data:`NEIGHBOUR_IED` above and below, less the a*b*
    distance between those two (a line differs from both sides alike; the edge of a shadow or a
    crease's fold is a step, not a line). A row's strength is the weaker stretch's, the eye's the
    strongest row (a*b* units, Delta E). Lid creases, crow's feet and shadows keep the skin's hue.
    (0.0, None) when the stretches leave the picture."""
    d, y0, y1, *skin = _rows_and_skin(landmarks, eye, ied)
    x_lo, x_hi = max(0, int(min(skin[0][0], skin[1][0])) - 2), min(rgb.shape[1], int(max(skin[0][1], skin[1][1])) + 2)
    if y0 < 0 or y1 > rgb.shape[0] or y1 - y0 <= 2 * d or x_hi - x_lo < 4:
        return 0.0, None
    lab = to_lab(np.ascontiguousarray(rgb[y0:y1, x_lo:x_hi]))
    lines = []
    for x0, x1 in skin:
        c0, c1 = round(float(x0)) - x_lo, round(float(x1)) - x_lo
        if c0 < 0 or c1 > lab.shape[1] or c1 - c0 < 2:
            return 0.0, None
        m = np.stack([row_medians(lab[:, c0:c1, ch]) for ch in (1, 2)], axis=1)  # each row's median a*, b*
        centre, up, down = m[d:-d], m[:-2 * d], m[2 * d:]
        ref = (up + down) / 2
        apart = np.hypot(centre[:, 0] - ref[:, 0], centre[:, 1] - ref[:, 1])
        step = np.hypot(up[:, 0] - down[:, 0], up[:, 1] - down[:, 1])
        lines.append(np.maximum(0.0, apart - step))
    strength = np.minimum(lines[0], lines[1])
    k = int(np.argmax(strength))
    return float(strength[k]), float(y0 + d + k)
