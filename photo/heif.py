"""HEIC/HEIF (the iPhone default) and AVIF: recognised by their ISO-BMFF ``ftyp`` brand,
decoded by Pillow with the decoder each needs.

* HEIC/HEIF: ``pillow-heif`` (libheif with libde265), registered with Pillow on the first
  HEIF file, so a process that never sees one never loads it.
* AVIF: Pillow's own plugin (Pillow 11.3+ wheels ship libavif).

:func:`container_of` names the container from a file's first bytes; :func:`ensure_decoder`
makes Pillow able to open it, or raises :class:`~photo.errors.HeicInput` /
:class:`~photo.errors.UnsupportedFormat` with what to send instead when this installation
cannot. Other ISO-BMFF files (MP4, MOV, 3GP video) are not photos and are left to the loader.
"""

from __future__ import annotations

import logging
import threading

from photo.errors import HeicInput, UnsupportedFormat

log = logging.getLogger(__name__)

#: ``ftyp`` major brands of still HEIF images (HEVC-coded or generic image containers).
HEIF_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"})
AVIF_BRANDS = frozenset({b"avif", b"avis"})
#: Pillow format names of the decoded images (``Image.format``).
FORMATS = ("HEIF", "AVIF")

_lock = threading.Lock()
_registered = False


def container_of(head: bytes) -> str | None:
    """``"HEIF"``, ``"AVIF"`` or None (not an ISO-BMFF still image) from a file's first 12+ bytes."""
    if len(head) < 12 or head[4:8] != b"ftyp":
        return None
    brand = head[8:12]
    if brand in AVIF_BRANDS:
        return "AVIF"
    if brand in HEIF_BRANDS:
        return "HEIF"
    return None


def ensure_decoder(container: str) -> None:
    """Make Pillow able to open ``container`` ("HEIF" or "AVIF"), or raise a coded input error."""
    global _registered
    if container == "HEIF":
        with _lock:
            if _registered:
                return
            try:
                import pillow_heif
            except ImportError:
                raise HeicInput(
                    "HEIC/HEIF photos (iPhone default) cannot be read by this installation (pillow-heif "
                    "is missing): send a JPEG instead (iPhone: Settings > Camera > Formats > Most "
                    "Compatible, or share/export as JPEG)") from None
            # thumbnails and depth images are never used: the primary image only
            pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)
            _registered = True
            log.debug("HEIF decoder registered (pillow-heif %s)", pillow_heif.__version__)
        return
    if container == "AVIF":
        from PIL import features

        if not features.check("avif"):
            raise UnsupportedFormat("AVIF images cannot be read by this installation (Pillow without "
                                    "libavif): send a JPEG instead")
        return
    raise ValueError(f"unknown container {container!r}")
