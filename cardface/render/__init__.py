"""Rendering card faces: ``cardface.render(holder, side, layout, fmt, dpi, preview, show_number)``.

The work is split in two: :func:`cardface.scene.build_scene` decides everything (fitted text,
glyph checks, photo crop, masking, marks), then a backend draws the scene -
:mod:`cardface.render.png` (Pillow) or :mod:`cardface.render.pdf` (reportlab).
:mod:`cardface.render.sheet` imposes many faces on A4 pages for proofing.

This package is callable: ``cardface.render(...)`` is :func:`render`, whether ``cardface.render``
was reached as the function or as this package.
"""

from __future__ import annotations

import logging
import sys
import time
import types
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cardface.fonts import FontSet
    from cardface.holder import Holder
    from cardface.layout import Layout

FORMATS = ("png", "pdf")

log = logging.getLogger("cardface.render")


def render(holder: Holder | dict, side: str = "front", layout: str | Path | Layout = "next", fmt: str = "png",
           dpi: float = 300, preview: bool = True, show_number: bool = False, *,
           allow_failing_photo: bool = False, bleed_mm: float = 0.0, crop_marks: bool = False,
           fonts: FontSet | None = None) -> bytes:
    """One card face as PNG or PDF bytes.

    ``preview`` (default) draws the diagonal 見本 SAMPLE mark and masks the My Number (and the
    QR code) unless ``show_number``; ``preview=False`` is a production face: no mark, the
    number shown, a photo required. ``allow_failing_photo`` lets a preview use a photo that
    fails the photo checks. ``bleed_mm`` and ``crop_marks`` apply to PDF. Errors are the
    project's (``GlyphError``, ``FitError``, ``LayoutError``, ``PhotoRefused``, ``HolderError``...).
    """
    from cardface.errors import CardfaceError
    from cardface.scene import build_scene

    if fmt not in FORMATS:
        raise CardfaceError(f"unknown format {fmt!r}; use png or pdf", code="render.format")
    if allow_failing_photo and not preview:
        raise CardfaceError("--allow-failing-photo is for previews only", code="render.options")
    t = time.perf_counter()
    scene = build_scene(holder, side, layout if not isinstance(layout, Path) else str(layout), preview=preview,
                        show_number=show_number, allow_failing_photo=allow_failing_photo, fonts=fonts)
    if fmt == "png":
        from cardface.render.png import to_png

        data = to_png(scene, dpi)
    else:
        from cardface.render.pdf import to_pdf

        data = to_pdf(scene, bleed_mm=bleed_mm, crop_marks=crop_marks)
    # what was drawn and how, never what it shows (no name, no number)
    log.debug("rendered a %s %s face (%s, %s) in %.0f ms: %d bytes", getattr(layout, "name", layout), side, fmt,
              "preview" if preview else "production", (time.perf_counter() - t) * 1000, len(data))
    return data


class _CallableModule(types.ModuleType):
    def __call__(self, *args, **kwargs) -> bytes:
        return render(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
