"""Small JPEG thumbnails for the report: never the full photo, never its metadata."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageOps

from photo.resample import shrink_picture

#: Long side of a report thumbnail in pixels, and its JPEG quality.
THUMB_PX = 160
THUMB_QUALITY = 70


def thumbnail_jpeg(source: bytes | Image.Image | np.ndarray, px: int = THUMB_PX,
                   quality: int = THUMB_QUALITY, *, full_chroma: bool = False) -> bytes | None:
    """A JPEG at most ``px`` on its long side, upright, without EXIF/ICC; None if undecodable.

    ``full_chroma``: colour at every pixel (4:4:4) instead of per 2 x 2 block (4:2:0), for an
    annotation's 1 px red marks, which 4:2:0 turns pale (on a roll variant none of 71 red mark
    pixels stays clearly red; 4:4:4 keeps all of them, for ~5.5 KB instead of ~3.3 KB).

    JPEG input is decoded in draft mode (DCT scaling), so a 12 MP photo costs a few ms. Decoded
    pixels (a uint8 array such as the working image, or an RGB or L image such as a full-size
    annotation) are shrunk by block means and bilinear (:func:`photo.resample.shrink_picture`:
    0.25 ms for a 675 px working image, against 2 ms for Pillow's Lanczos thumbnail of a copy).
    """
    try:
        if isinstance(source, Image.Image) and source.mode in ("RGB", "L"):
            source = np.asarray(source)  # decoded pixels, as the working image
        if isinstance(source, np.ndarray):  # uint8, h x w (x 3); one already this small is copied as it is
            im = Image.fromarray(shrink_picture(source, px)[0])
        else:
            if isinstance(source, Image.Image):
                im = source.copy()
            else:
                im = Image.open(io.BytesIO(source))
                if im.format == "JPEG":
                    im.draft("RGB", (px * 2, px * 2))
                im = ImageOps.exif_transpose(im)
            if im.mode not in ("RGB", "L"):
                im = im.convert("RGBA") if "A" in im.getbands() or im.mode == "P" else im.convert("RGB")
                if im.mode == "RGBA":
                    flat = Image.new("RGB", im.size, (255, 255, 255))
                    flat.paste(im, mask=im.getchannel("A"))
                    im = flat
            im.thumbnail((px, px), Image.Resampling.LANCZOS)
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=quality, optimize=True, **({"subsampling": 0} if full_chroma else {}))
        return buf.getvalue()
    except Exception:  # any decoder failure: the report shows no thumbnail
        return None


def thumb_path(sha256: str, kind: str = "photo") -> str:
    """Where the thumbnail of a photo (or of its annotated image) lives, relative to OUT."""
    suffix = "" if kind == "photo" else f".{kind}"
    return f"thumbs/{sha256[:2]}/{sha256}{suffix}.jpg"
