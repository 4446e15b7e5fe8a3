"""The holder's photo on the card: the photo's framing plan applied to the box, refused only
for what a crop cannot fix.

The photo is checked once (``photo.checker.analyse_and_check``); the same analysis gives the
head's position and the pixels. The crop (:func:`photo.framing.place`) has exactly the photo
box's shape and puts the top of the head (crown) and the chin at the layout's ``crown_y`` and
``chin_y`` (fractions of the box height; today's card shows the head at about three quarters
of the box height, as the 35 x 45 mm application photo does), centred on the face's centre
line. Where the crop reaches past the photo's edges the box's background colour fills in.

The card makes its own crop, so failures that a crop, a resize or a re-encode fixes (the
photo's framing, aspect, pixel size, file format and size: :mod:`photo.framing`) do not
refuse it; pose, eyes, expression, lighting, background and quality do. ``photo`` never
imports ``cardface``.
"""

from __future__ import annotations

from pathlib import Path

from cardface.errors import FieldProblem, PhotoRefused
from cardface.geometry import MM_PER_INCH
from cardface.layout import PhotoSpec

#: checks the card does not refuse a photo for: the photo's age counts from the application
#: (``photo check --on``), not from the day the card is printed, weeks or months later
NOT_THE_CARDS = ("file.taken",)


def frame_of(spec: PhotoSpec):
    """The photo box as a :class:`photo.framing.Frame` (its shape and where the head goes)."""
    from photo.framing import Frame

    return Frame(aspect=spec.box.w / spec.box.h, crown_y=spec.crown_y, chin_y=spec.chin_y)


def output_size(spec: PhotoSpec, crop_w_px: float) -> tuple[int, int]:
    """Pixel size of the cropped photo: the box's shape, at most ``max_dpi``, never enlarged."""
    out_w = max(1, round(min(crop_w_px, spec.box.w / MM_PER_INCH * spec.max_dpi)))
    return out_w, max(1, round(out_w * spec.box.h / spec.box.w))


def refusal(report, failed=None) -> PhotoRefused:
    """The refusal for a report: every failure a crop cannot fix, with its message (ja / en)."""
    failed = [c for c in report.failed if not c.fixable] if failed is None else failed
    problems = [FieldProblem(field="photo", code=c.id, message=c.message_en or c.id, message_ja=c.message)
                for c in failed]
    ids = ", ".join(c.id for c in failed)
    return PhotoRefused(f"the holder's photo fails the photo checks ({report.profile}): {ids}",
                        code="card.photo_refused", problems=problems)


def crop(path: Path, spec: PhotoSpec, *, preview: bool, allow_failing: bool):
    """Check and crop the holder's photo (PIL image, RGB); :class:`PhotoRefused` with the reasons.

    A photo that fails a check a crop cannot fix is refused unless this is a preview and
    ``allow_failing``; a photo without a detectable face is always refused (there is nothing
    to crop to).
    """
    from photo.checker import analyse_and_check
    from photo.errors import InputError
    from photo.framing import cut, place
    from photo.intake import full_image

    analysis, report = analyse_and_check(Path(path), spec.profile, keep_bytes=True)
    if report.error or analysis is None:
        raise PhotoRefused(f"the holder's photo cannot be used: {(report.error or {}).get('message', '')}",
                           code="card.photo_unreadable")
    unfixable = [c for c in report.failed if not c.fixable and c.id not in NOT_THE_CARDS]
    if unfixable and not (preview and allow_failing):
        raise refusal(report, unfixable)
    if not analysis.has_face:
        raise PhotoRefused("no face was found in the holder's photo", code="card.photo_no_face")
    if not analysis.chin[1] > analysis.crown[1]:
        raise PhotoRefused("the face landmarks are inconsistent (chin above the crown)", code="card.photo_geometry")
    s = analysis.decoded.scale
    box = tuple(v / s for v in place(analysis, frame_of(spec)))  # original pixels
    try:
        image = full_image(analysis.decoded)
    except (InputError, OSError, SyntaxError, ValueError, MemoryError):
        raise PhotoRefused("the holder's photo cannot be decoded for the card", code="card.photo_unreadable") from None
    return cut(image, box, output_size(spec, box[2] - box[0]), spec.background)
