"""Hair dyed another colour, drawn on a compliant photo: for bench/photo_conditions.py.

The issue behind ``head.covering`` says it plainly: hair of any colour is not a covering. The
collection's people have natural hair only, so their hair is recoloured here:

- the hair is the person's share of each pixel (MODNet's matte, the soft one: thin strands
  against the wall keep their share) outside the face oval (the Face Landmarker's, on this
  crop, grown by a few pixels), above the mouth, or beside the face (within 0.7 face widths of
  its side, not the shoulders) down to just above the chin, and not of the skin's hue (cheeks' a*b* within 12, at most 40 L* darker: ears and neck);
- a dye (:data:`DYES`: purple, blue, pink, green) replaces the hair's hue and chroma in CIELAB,
  its lightness (so its strands, shine and shadows) kept; dark hair takes less colour
  (chroma x L*/40, at least a quarter), as dyed black hair does.

Not drawn: bleached hair. Three drawings of it (dark hair's light lifted three or four stops,
in different ways) refused 19 of 121, 0 of 121 and 1 of the 2 people tried: the result
followed how much strand texture the drawing pulled out of a few dark JPEG levels (where it
failed, flat paint, which ``head.covering`` rightly reads as a smooth surface), so it would
measure the drawing, not the check. The collection's fair-haired people are among the
compliant ones as photographed.

Each pixel blends the dyed colour with its own by the matte, as a dyed strand against the wall
would. The drawing is approximate at the edges: an ear in shadow may take a little of the
dye, and on very light hair the parts of the skin's hue keep their own colour.
"""

from __future__ import annotations

import numpy as np

#: dye -> (CIELAB hue in degrees, chroma)
DYES = {"purple": (300.0, 35.0), "blue": (250.0, 35.0), "pink": (350.0, 40.0), "green": (150.0, 30.0)}


def hair_alpha(lab: np.ndarray, matte: np.ndarray, an) -> np.ndarray | None:
    """The hair's share of each pixel of a crop (``lab``: its CIELAB, ``photo.lab.to_lab``;
    ``matte``: the person's share, the same size; ``an``: its analysis,
    :func:`bench.faces.analysis_of`), 0 elsewhere; None when no face is found."""
    import cv2

    from photo.analysis import FACE_OVAL, polygon_mask

    if not an.has_face:
        return None
    h, w = lab.shape[:2]
    lm = an.landmarks[:, :2] / an.decoded.scale  # the crop's pixels
    face = cv2.dilate(polygon_mask((h, w), lm[list(FACE_OVAL)]).astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    skin = np.median(an.skin_lab, axis=0)
    skin_like = (np.hypot(lab[..., 1] - skin[1], lab[..., 2] - skin[2]) < 12) & (lab[..., 0] > skin[0] - 40)
    ys, xs = np.arange(h)[:, None], np.arange(w)[None, :]
    oval_x = lm[list(FACE_OVAL), 0]
    centre, half = (oval_x.min() + oval_x.max()) / 2, (oval_x.max() - oval_x.min()) / 2
    chin_y, top_y, mouth_y = lm[152, 1], lm[10, 1], lm[[61, 291], 1].mean()
    off = np.abs(xs - centre)
    beside = (off > 1.1 * half) & (off < 2.4 * half) & (ys < chin_y - 0.1 * (chin_y - top_y))
    region = ~face & ((ys < mouth_y) | beside) & ~skin_like
    return np.where(region, np.clip(matte, 0.0, 1.0), 0.0).astype(np.float32)


def dyed(lab: np.ndarray, alpha: np.ndarray, dye: str) -> np.ndarray:
    """A crop (``lab``: its CIELAB, float32, left as it is) with its hair (``alpha``, from
    :func:`hair_alpha`) dyed ``dye`` (:data:`DYES`), as float RGB 0-255."""
    import cv2

    hue, chroma = DYES[dye]
    lab = lab.astype(np.float32)  # a copy: the caller's stays undyed
    c = chroma * np.clip(lab[..., 0] / 40.0, 0.25, 1.0)
    t = np.radians(hue)
    lab[..., 1] = lab[..., 1] * (1 - alpha) + c * np.cos(t) * alpha
    lab[..., 2] = lab[..., 2] * (1 - alpha) + c * np.sin(t) * alpha
    return cv2.cvtColor(lab, cv2.COLOR_Lab2RGB) * 255.0
