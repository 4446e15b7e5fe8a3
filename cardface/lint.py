"""Design checks for a layout: ``mynacard card lint LAYOUT``.

Each finding has a stable code:

- ``layout.outside_card``      an element reaches past the card's edges
- ``layout.outside_safe_area`` text, the photo or the QR code outside the safe area (the card
  minus ``safe_margin_mm`` or ``edge_band_mm``, whichever is larger)
- ``layout.overlap``           two text boxes, or a text box and the photo / QR code, overlap
- ``layout.text_too_small``    a size range going below ``min_text_pt`` (5 pt by default)
- ``layout.over_chip``         anything printed over the chip module (ISO/IEC 7816-2 contacts)
- ``layout.chip_position``     the declared contacts miss the ISO/IEC 7816-2 contact positions
- ``layout.quiet_zone``        text, the photo, the QR code or another shape inside a mark's quiet zone
- ``layout.label_overflow``    a label's fixed text does not fit its box
- ``layout.field_overflow``    the widest value a fixed-format field can print (serial number,
  security code, My Number, sex, dates: :mod:`cardface.capacity`) does not fit its box at its
  minimum size, condensed no further than its ``min_scale_x``
- ``layout.glyph`` / ``layout.font``  a label character no font draws / a font role not configured
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from cardface.capacity import widest_texts
from cardface.errors import FitError, FontError, GlyphError
from cardface.fonts import FontSet, default_fonts
from cardface.geometry import Rect
from cardface.layout import SIDES, FrameShape, Layout, load_layout
from cardface.textfit import fit

# ISO/IEC 7816-2: C1-C4 at 10.25-12.25 mm, C5-C8 at 17.87-19.87 mm from the left edge;
# rows from 19.23 mm (C1 top) to 28.55 mm (C4 bottom) from the top edge.
ISO_7816_CONTACTS = Rect.from_edges(10.25, 19.23, 19.87, 28.55)


@dataclass(frozen=True)
class Finding:
    side: str
    item: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.side}/{self.item}: {self.message} [{self.code}]"

    def to_dict(self) -> dict:
        return asdict(self)


def _boxes(layout: Layout, side: str) -> list[tuple[str, str, Rect]]:
    """(id, kind, box) of everything that is not a shape: text, photo, QR code."""
    spec = layout.side(side)
    out = [(t.id, "text", t.box) for t in spec.text_items()]
    if spec.photo:
        out.append(("photo", "photo", spec.photo.box))
    if spec.qr:
        out.append(("qr", "qr", spec.qr.box))
    return out


def lint_layout(layout: str | Layout, fonts: FontSet | None = None) -> list[Finding]:
    """Every design problem of a layout (an empty list when it is clean)."""
    lay = load_layout(layout)
    fonts = fonts or default_fonts()
    out: list[Finding] = []
    card = lay.card_rect
    safe = lay.safe_area
    for side in SIDES:
        spec = lay.side(side)
        boxes = _boxes(lay, side)

        def add(item: str, code: str, message: str, side=side) -> None:
            out.append(Finding(side, item, code, message))

        for item, kind, box in boxes:
            if not card.contains(box):
                add(item, "layout.outside_card", f"box {box} reaches past the card's edges")
            elif not safe.contains(box):
                add(item, "layout.outside_safe_area", f"{kind} box {box} is outside the safe area {safe}")
        for shape in spec.shapes:
            if not card.contains(shape.ink_bbox()):
                add(shape.id, "layout.outside_card", f"shape reaches past the card's edges ({shape.ink_bbox()})")
        # overlaps between text boxes, photo and QR code
        for i, (a, _ka, ra) in enumerate(boxes):
            for b, _kb, rb in boxes[i + 1:]:
                if ra.intersects(rb):
                    add(a, "layout.overlap", f"overlaps {b} by {ra.overlap_area(rb):.2f} mm²")
        # text size
        for t in spec.text_items():
            if t.min_size < lay.card.min_text_pt:
                add(t.id, "layout.text_too_small", f"text may shrink to {t.min_size:g} pt, "
                                                   f"below {lay.card.min_text_pt:g} pt")
        if spec.photo and spec.photo.empty_size < lay.card.min_text_pt:
            add("photo", "layout.text_too_small", f"the empty-photo mark is {spec.photo.empty_size:g} pt")
        # chip
        if spec.chip:
            module = spec.chip.module
            if not spec.chip.contacts.contains(ISO_7816_CONTACTS):
                add("chip", "layout.chip_position", f"contacts {spec.chip.contacts} do not cover the "
                                                    f"ISO/IEC 7816-2 contact positions {ISO_7816_CONTACTS}")
            for item, kind, box in boxes:
                if box.intersects(module):
                    add(item, "layout.over_chip", f"{kind} is printed over the chip module {module}")
            for shape in spec.shapes:
                if shape.occupies(module):
                    add(shape.id, "layout.over_chip", f"shape is printed over the chip module {module}")
        # quiet zones of marks
        for mark in spec.shapes:
            qz = mark.quiet_zone_mm
            if qz <= 0:
                continue
            for item, kind, box in boxes:
                if mark.occupies(box, qz):
                    add(item, "layout.quiet_zone", f"{kind} is inside the {qz:g} mm quiet zone of {mark.id}")
            for other in spec.shapes:
                if other is mark:
                    continue
                zone = mark.ink_bbox().expand(qz)
                hit = other.occupies(zone) if isinstance(other, FrameShape) else mark.occupies(other.ink_bbox(), qz)
                if hit:
                    add(other.id, "layout.quiet_zone", f"shape is inside the {qz:g} mm quiet zone of {mark.id}")
        # labels: fixed text must fit at its sizes with the configured fonts
        for label in spec.labels:
            try:
                chain = fonts.chain(label.font, lay.fonts.fallback)
                fit(label.text, chain=chain, field=label.id, width_mm=label.box.w, height_mm=label.box.h,
                    size_range=label.size, wrap=label.wrap, line_spacing=label.line_spacing,
                    max_lines=label.max_lines)
            except FitError:
                add(label.id, "layout.label_overflow", f"the label does not fit its box {label.box}")
            except GlyphError as err:
                add(label.id, "layout.glyph", err.message)
            except FontError as err:
                add(label.id, "layout.font", err.message)
        for f in spec.fields:
            try:
                chain = fonts.chain(f.font, lay.fonts.fallback)
            except FontError as err:
                add(f.id, "layout.font", err.message)
                continue
            _field_capacity(f, lay, chain, add)
    return out


def _field_capacity(f, lay: Layout, chain, add) -> None:
    """``layout.field_overflow`` when the widest text a fixed-format field can print does not fit."""
    try:
        texts = widest_texts(f.text, lay, chain)
    except GlyphError as err:
        add(f.id, "layout.glyph", err.message)
        return
    for text in texts or []:
        try:
            fit(text, chain=chain, field=f.id, width_mm=f.box.w, height_mm=f.box.h, size_range=f.size, wrap=f.wrap,
                line_spacing=f.line_spacing, max_lines=f.max_lines, min_scale_x=f.min_scale_x)
        except FitError:
            how = f", condensed to {f.min_scale_x:.0%}" if f.min_scale_x < 1.0 else ""
            add(f.id, "layout.field_overflow", f"its widest value {text!r} does not fit its box {f.box} at "
                                               f"{f.min_size:g} pt{how}")
            return
