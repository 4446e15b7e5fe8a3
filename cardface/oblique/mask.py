"""Black out the My Number and its QR code in a photo of a card's back.

The card is located, the back recognised (either layout), and the layout's number and QR
boxes (``[templates] mask_items``), grown by ``[mask] margin_mm``, are filled in black in the
photo's own perspective. When no card back is found the photo is returned unchanged with
``found`` False: the caller must not treat it as masked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cardface.oblique.config import settings
from cardface.oblique.geometry import Quad, rect_mm
from cardface.oblique.imageio import load_rgb


@dataclass
class MaskResult:
    """What :func:`mask_report` did: the image, whether a back was masked, and why not."""

    image: np.ndarray
    found: bool
    reason: str
    quad: Quad | None = None
    regions: dict[str, list[list[float]]] = field(default_factory=dict)  # item -> polygon (image px)

    def to_dict(self) -> dict:
        return {"masked": self.found, "reason": self.reason, "card": None if self.quad is None else self.quad.to_dict(),
                "regions": self.regions}


def _templates_for(layout) -> list:
    from cardface.oblique.templates import default_templates, templates_for

    if layout is None:
        return default_templates()
    from cardface.layout import load_layout

    name = layout if isinstance(layout, str) else getattr(layout, "name", None)
    if isinstance(layout, str):
        load_layout(layout)  # a clear LayoutError for a bad name or file
    return list(templates_for((name,)))


def mask_report(image, layout=None) -> MaskResult:
    """Locate the card, and if it is a back, black out its number and QR regions."""
    import cv2

    from cardface.oblique.locate import locate

    rgb = load_rgb(image)
    tmpls = _templates_for(layout)
    quad = locate(rgb, templates=tmpls)
    if quad is None:
        return MaskResult(rgb, False, "no card found in the photo")
    if quad.side != "back":
        return MaskResult(rgb, False, f"the card found shows its {quad.side}, not the back with the number", quad)
    tmpl = next(t for t in tmpls if t.layout == quad.layout and t.side == "back")
    if not tmpl.mask_mm:
        return MaskResult(rgb, False, f"the {quad.layout} layout names no number or QR region to mask", quad)
    margin = float(settings()["mask"]["margin_mm"])
    out = rgb.copy()
    regions = {}
    for name, r in tmpl.mask_mm.items():
        grown = rect_mm(r[0, 0] - margin, r[0, 1] - margin, r[2, 0] + margin, r[2, 1] + margin)
        poly = quad.to_image(grown)
        cv2.fillPoly(out, [np.round(poly * 16).astype(np.int32)], (0, 0, 0), cv2.LINE_8, shift=4)
        regions[name] = poly.round(1).tolist()
    return MaskResult(out, True, f"masked {', '.join(regions)} on the {quad.layout} card's back", quad, regions)


def mask_number(image, layout=None) -> tuple[np.ndarray, bool]:
    """(image, found): the photo with the My Number and QR code blacked out, and True; or the
    photo unchanged and False when no card back was found (never to be taken as masked).
    ``layout`` restricts recognition to one layout (name, path or Layout); default both."""
    r = mask_report(image, layout)
    return r.image, r.found
