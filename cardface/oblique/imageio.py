"""Photos in: a path, bytes, a PIL image or an RGB array -> an RGB ``uint8`` array.

Photos out carry no metadata (no EXIF, so no location): they are encoded from pixels only.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from cardface.oblique.errors import CaptureError

MAX_PIXELS = 64_000_000  # refuse larger photos before decoding them


def load_rgb(image) -> np.ndarray:
    """Any supported image input as an (H, W, 3) ``uint8`` RGB array (EXIF orientation applied)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if isinstance(image, np.ndarray):
        a = image
        if a.ndim == 2:
            a = np.repeat(a[:, :, None], 3, axis=2)
        if a.ndim != 3 or a.shape[2] not in (3, 4) or min(a.shape[:2]) < 8:
            raise CaptureError(f"an image array must be HxWx3 RGB, got shape {a.shape}", code="capture.bad_array")
        if a.dtype != np.uint8:
            if np.issubdtype(a.dtype, np.floating) and a.size and float(np.nanmax(a)) <= 1.0:
                a = a * 255.0
            a = np.clip(np.nan_to_num(a), 0, 255).astype(np.uint8)
        return np.ascontiguousarray(a[:, :, :3])
    if isinstance(image, Image.Image):
        img = image
    else:
        if isinstance(image, (str, Path)):
            p = Path(image)
            if p.is_dir():
                raise CaptureError(f"{p.name} is a folder, not an image file", code="capture.no_file")
            if not p.is_file():
                raise CaptureError(f"no such image file: {p.name}", code="capture.no_file")
            try:
                data = p.read_bytes()
            except OSError as err:
                raise CaptureError(f"{p.name}: cannot read the file ({err.strerror or 'read error'})",
                                   code="capture.unreadable") from None
        elif isinstance(image, (bytes, bytearray, memoryview)):
            data = bytes(image)
        else:
            raise CaptureError(f"unsupported image input: {type(image).__name__}", code="capture.bad_input")
        if not data:
            raise CaptureError("not a readable image: the file is empty", code="capture.unreadable")
        try:
            img = Image.open(io.BytesIO(data))
            if img.width * img.height > MAX_PIXELS:
                raise CaptureError(f"image too large: {img.width}x{img.height} pixels", code="capture.too_large")
            img.load()
        except CaptureError:
            raise
        except UnidentifiedImageError:
            raise CaptureError("not a readable image: not a picture mynacard can read (JPEG, PNG, WebP...)",
                               code="capture.unreadable") from None
        except Exception:  # Pillow raises many types for a damaged file it recognised
            raise CaptureError("not a readable image: the picture is damaged or cut short",
                               code="capture.unreadable") from None
    if img.width * img.height > MAX_PIXELS:
        raise CaptureError(f"image too large: {img.width}x{img.height} pixels", code="capture.too_large")
    try:
        img = ImageOps.exif_transpose(img)
    except Exception:  # broken EXIF: keep the stored orientation
        pass
    if img.mode in ("RGBA", "LA", "P"):
        img = img.convert("RGBA")
        bg = Image.new("RGBA", img.size, (255, 255, 255, 255))
        img = Image.alpha_composite(bg, img)
    return np.asarray(img.convert("RGB"), dtype=np.uint8).copy()


def load_rgba(image) -> np.ndarray:
    """Like :func:`load_rgb` but keeps an alpha channel (opaque when the input has none)."""
    from PIL import Image

    if isinstance(image, np.ndarray) and image.ndim == 3 and image.shape[2] == 4:
        return np.ascontiguousarray(image.astype(np.uint8))
    if isinstance(image, (str, Path, bytes, bytearray)):
        raw = Path(image).read_bytes() if isinstance(image, (str, Path)) and Path(image).is_file() else image
        if isinstance(raw, (bytes, bytearray)):
            try:
                im = Image.open(io.BytesIO(bytes(raw)))
                if im.mode in ("RGBA", "LA", "P"):
                    return np.asarray(im.convert("RGBA"), dtype=np.uint8).copy()
            except Exception:
                pass
    elif isinstance(image, Image.Image) and image.mode in ("RGBA", "LA", "P"):
        return np.asarray(image.convert("RGBA"), dtype=np.uint8).copy()
    rgb = load_rgb(image)
    return np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])


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
