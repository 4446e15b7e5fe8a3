"""Photos in: a path, bytes, a PIL image or an RGB array -> an RGB ``uint8`` array.

Decoding is the photo package's one image intake (:func:`photo.intake.load_pixels`): the same
guards as application photos (file size, format allow-list, HEIC/PDF refused by their magic
bytes, pixel count read from the header before decoding, animations refused), here at full
resolution. Its :class:`~photo.errors.InputError` codes become capture codes.

Photos out carry no metadata (no EXIF, so no location): they are encoded from pixels only.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from cardface.oblique.errors import CaptureError

#: photo intake code -> (capture code, message; None keeps the intake's own message)
_CODES = {
    "input.empty": ("capture.unreadable", "not a readable image: the file is empty"),
    "input.not_image": ("capture.unreadable",
                        "not a readable image: not a picture mynacard can read (JPEG, PNG, WebP...)"),
    "input.truncated": ("capture.unreadable", "not a readable image: the picture is damaged or cut short"),
    "input.corrupt": ("capture.unreadable", "not a readable image: the picture is damaged or cut short"),
    "input.too_many_pixels": ("capture.too_large", None),
    "input.file_too_large": ("capture.too_large", None),
}


def _capture_error(image, err) -> CaptureError:
    if isinstance(image, (str, Path)) and err.code == "input.unreadable":
        p = Path(image)
        if p.is_dir():
            return CaptureError(f"{p.name} is a folder, not an image file", code="capture.no_file")
        if not p.exists():
            return CaptureError(f"no such image file: {p.name}", code="capture.no_file")
    if isinstance(image, np.ndarray):
        return CaptureError(f"an image array must be HxWx3 RGB: {err.message}", code="capture.bad_array")
    if err.code == "input.not_image" and not isinstance(image, (str, Path, bytes, bytearray, memoryview)):
        return CaptureError(f"unsupported image input: {type(image).__name__}", code="capture.bad_input")
    code, message = _CODES.get(err.code, ("capture.unreadable", None))
    return CaptureError(message or f"not a readable image: {err.message}", code=code)


def _pixels(image, *, alpha: bool) -> np.ndarray:
    from photo.errors import InputError
    from photo.intake import load_pixels

    if isinstance(image, np.ndarray) and (image.ndim not in (2, 3) or min(image.shape[:2]) < 8):
        raise CaptureError(f"an image array must be HxWx3 RGB, got shape {image.shape}", code="capture.bad_array")
    try:
        return load_pixels(image, alpha=alpha)
    except InputError as err:
        raise _capture_error(image, err) from None


def load_rgb(image) -> np.ndarray:
    """Any supported image input as an (H, W, 3) ``uint8`` RGB array (EXIF orientation applied)."""
    return _pixels(image, alpha=False)


def load_rgba(image) -> np.ndarray:
    """Like :func:`load_rgb` but keeps an alpha channel (opaque when the input has none)."""
    px = _pixels(image, alpha=True)
    if px.shape[2] == 4:
        return px
    return np.dstack([px, np.full(px.shape[:2], 255, np.uint8)])


def encode(image: np.ndarray, fmt: str = "png", quality: int = 92) -> bytes:
    """Pixels -> PNG or JPEG bytes with no metadata."""
    from PIL import Image

    buf = io.BytesIO()
    im = Image.fromarray(np.asarray(image, dtype=np.uint8))
    if fmt.lower() in ("jpg", "jpeg"):
        im.save(buf, format="JPEG", quality=int(quality))
    else:
        im.save(buf, format="PNG")
    return buf.getvalue()
