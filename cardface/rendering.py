"""Rendering card faces: ``cardface.render(holder, side, layout, fmt, dpi, preview, show_number)``.

The work is split in two: :func:`cardface.scene.build_scene` decides everything (fitted text,
glyph checks, the photo crop, masking, marks) once per face, then a backend draws the scene
through the one :class:`~cardface.scene.Renderer` interface - :mod:`cardface.backends.png`
(Pillow) or :mod:`cardface.backends.pdf` (reportlab). :mod:`cardface.backends.sheet` imposes
many scenes on A4 pages for proofing. :func:`draw` turns one scene into any format, so the PNG
and the PDF of a face (and its place on a proof sheet) come from the same scene.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cardface.fonts import FontSet
    from cardface.holder import Holder
    from cardface.layout import Layout
    from cardface.scene import Scene

FORMATS = ("png", "pdf")

log = logging.getLogger("cardface.render")


def check_options(fmt: str, *, preview: bool, allow_failing_photo: bool) -> None:
    """:class:`CardfaceError` for an unknown format or options that do not go together."""
    from cardface.errors import CardfaceError

    if fmt not in FORMATS:
        raise CardfaceError(f"unknown format {fmt!r}; use png or pdf", code="render.format")
    if allow_failing_photo and not preview:
        raise CardfaceError("--allow-failing-photo is for previews only", code="render.options")


def draw(scene: Scene, fmt: str, *, dpi: float = 300, bleed_mm: float = 0.0, crop_marks: bool = False) -> bytes:
    """One resolved face as PNG (at ``dpi``) or PDF (``bleed_mm``, ``crop_marks``) bytes."""
    check_options(fmt, preview=True, allow_failing_photo=False)
    t = time.perf_counter()
    if fmt == "png":
        from cardface.backends.png import to_png

        data = to_png(scene, dpi)
    else:
        from cardface.backends.pdf import to_pdf

        data = to_pdf(scene, bleed_mm=bleed_mm, crop_marks=crop_marks)
    # what was drawn and how, never what it shows (no name, no number)
    log.debug("rendered a %s %s face (%s, %s) in %.0f ms: %d bytes", scene.layout, scene.side, fmt,
              "preview" if scene.preview else "production", (time.perf_counter() - t) * 1000, len(data))
    return data


def render(holder: Holder | dict, side: str = "front", layout: str | Path | Layout = "next", fmt: str = "png",
           dpi: float = 300, preview: bool = True, show_number: bool = False, *,
           allow_failing_photo: bool = False, bleed_mm: float = 0.0, crop_marks: bool = False,
           fonts: FontSet | None = None) -> bytes:
    """One card face as PNG or PDF bytes.

    ``preview`` (default) draws the diagonal 見本 SAMPLE mark and masks the My Number (and the
    QR code) unless ``show_number``; ``preview=False`` is a production face: no mark, the
    number shown, a photo required. ``allow_failing_photo`` lets a preview use a photo that
    fails the photo checks. ``bleed_mm`` and ``crop_marks`` apply to PDF. Errors are the
    project's (``GlyphError``, ``FitError``, ``LayoutError``, ``PhotoRefused``, ``HolderError``...;
    a ``holder`` that is neither a :class:`~cardface.holder.Holder` nor a dict is an ``ArgumentError``).
    For several formats of one face, build the scene once and :func:`draw` it for each.
    """
    from cardface.scene import build_scene

    check_options(fmt, preview=preview, allow_failing_photo=allow_failing_photo)
    scene = build_scene(holder, side, layout if not isinstance(layout, Path) else str(layout), preview=preview,
                        show_number=show_number, allow_failing_photo=allow_failing_photo, fonts=fonts)
    return draw(scene, fmt, dpi=dpi, bleed_mm=bleed_mm, crop_marks=crop_marks)
