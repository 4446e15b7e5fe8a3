"""Input -> :class:`Decoded`: pixels for the analysis plus the original file's facts.

``load(source)`` accepts a path, bytes, a PIL image or an RGB (or grey) numpy array and

* refuses what cannot be checked with an :class:`~photo.errors.InputError` subclass whose
  ``code`` is stable (empty, not an image, HEIC, animated, truncated, too many pixels ...);
* reads the header first and refuses decompression bombs (width x height over
  ``max_pixels``) *before* any pixel is decoded;
* decodes big JPEGs in draft mode (DCT scaling by 1/2, 1/4 or 1/8) so the working image is
  about ``work_px`` on its long side, and shrinks other big images to that size;
* decodes HEIC/HEIF and AVIF (:mod:`photo.heif`) and converts colours with an embedded ICC
  profile (Display P3 ...) to sRGB (:mod:`photo.colour_profile`) before anything is measured;
* applies the EXIF orientation, so every coordinate is in the upright image;
* keeps the original's facts (format, byte size, upright width/height, mode, ICC, EXIF
  tags worth knowing) for the ``file.*`` and ``image.*`` checks.

Nothing is ever written next to the input.
"""

from __future__ import annotations

import datetime
import io
import math
import os
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from photo import heif
from photo.colour_profile import to_srgb
from photo.errors import (
    AnimatedInput,
    ArgumentError,
    CorruptInput,
    EmptyInput,
    FileTooLarge,
    InputError,
    NotAnImage,
    TooManyPixels,
    TruncatedInput,
    UnsupportedFormat,
    is_whole,
)

#: Formats that are decoded (others are refused with ``input.unsupported_format``).
#: EPS/PDF/PSD and friends are never handed to a decoder.
DECODED_FORMATS = ("JPEG", "MPO", "PNG", "WEBP", "TIFF", "BMP", "GIF", *heif.FORMATS)
#: The loader's safety limits (not compliance limits: those live in the profiles).
MAX_PIXELS = 120_000_000
MAX_FILE_BYTES = 64 * 1024 * 1024
#: Long side of the working image the analysis runs on.
WORK_PX = 1000
#: How far (in grey levels) float pixels may stray past 0-1 or 0-255, by rounding in the caller's
#: arithmetic, and still be read (clipped); further out the array is refused, not clipped.
_FLOAT_SLACK = 0.5

# Pillow warns (on stderr, with its own file paths) about damaged EXIF blocks; the loader
# already treats a damaged block as absent, so the warning is only noise for the user.
warnings.filterwarnings("ignore", message=r"(Possibly )?[Cc]orrupt EXIF", category=UserWarning)

_EXIF_ORIENTATION = 0x0112
_EXIF_GPS_IFD = 0x8825
_EXIF_SERIALS = (0xA431, 0xC62F, 0xA435)  # BodySerialNumber, CameraSerialNumber, LensSerialNumber
_EXIF_IFD = 0x8769
_EXIF_TAKEN = (0x9003, 0x9004)  # DateTimeOriginal, DateTimeDigitized (not DateTime: editors rewrite it)
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


@dataclass
class Decoded:
    """The working pixels and the facts of the original file.

    ``rgb`` is upright (EXIF orientation applied), ``uint8`` H x W x 3. ``scale`` is working
    pixels per original pixel (1.0, 0.5, 0.25 ...). ``block_px`` is the JPEG 8x8 block grid
    period in working pixels (8 at full size, 4 at 1/2 draft ...) or ``None`` when the
    working image was resampled and the grid is lost.
    """

    rgb: np.ndarray
    scale: float
    width: int  # original, upright
    height: int
    format: str | None  # "JPEG", "PNG" ... None for arrays
    byte_size: int | None
    mode: str  # original mode: "RGB", "L", "CMYK", "P", "RGBA" ...
    has_icc: bool = False
    exif_orientation: int = 1
    has_gps: bool = False
    has_serials: bool = False
    jpeg_quality: float | None = None  # estimated from the luminance quantisation table
    block_px: int | None = None
    filename: str | None = None
    raw: bytes | None = field(default=None, repr=False)  # original bytes (for fix), when given
    colour_profile: str | None = None  # the profile the colours were converted from to sRGB (None: none)
    taken: datetime.date | None = None  # the day taken by the camera's clock (EXIF DateTimeOriginal), if written
    turn: int = 0  # quarter turns counter-clockwise after the EXIF orientation (a photo on its side: turned)

    @property
    def is_cmyk(self) -> bool:
        return self.mode == "CMYK"

    @property
    def is_grey_mode(self) -> bool:
        return self.mode in ("1", "L", "LA", "I", "I;16", "F")

    def facts(self) -> dict:
        return {
            "format": self.format, "byte_size": self.byte_size, "width": self.width, "height": self.height,
            "mode": self.mode, "icc": self.has_icc, "exif_orientation": self.exif_orientation,
            "gps": self.has_gps, "jpeg_quality": self.jpeg_quality,
            "taken": None if self.taken is None else self.taken.isoformat(),
        }


# IJG standard luminance quantisation table (quality 50), natural order.
_STD_LUMA = np.array([
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
    14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99], dtype=np.float64)
# Pillow gives tables in zig-zag order; map zig-zag index -> natural index.
_ZIGZAG = np.array([
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6,
    7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31,
    39, 46, 53, 60, 61, 54, 47, 55, 62, 63])


def jpeg_quality_from_tables(quantization: dict | None) -> float | None:
    """Estimate the IJG quality (1-100) a JPEG was saved with, from its luminance table."""
    if not quantization or 0 not in quantization:
        return None
    q = np.asarray(list(quantization[0]), dtype=np.float64)
    if q.size != 64:
        return None
    natural = np.empty(64)
    natural[_ZIGZAG] = q
    # IJG: table = (std * s + 50) / 100 with s = 5000/Q (Q<50) or 200-2Q; invert s by least squares
    s = float(np.clip(np.median((natural * 100 - 50) / _STD_LUMA), 0, 5000))
    quality = 5000.0 / s if s > 100 else (200.0 - s) / 2.0
    return float(np.clip(quality, 1, 100))


def _sniff(head: bytes) -> str | None:
    """Refuse known non-decodable formats by their magic bytes, with a helpful code.

    HEIC/HEIF and AVIF are decoded (:mod:`photo.heif`); their container name is returned."""
    container = heif.container_of(head)
    if container:
        heif.ensure_decoder(container)
        return container
    if len(head) >= 12 and head[4:8] == b"ftyp":
        raise NotAnImage("this is an ISO media file (video?), not a still photo")
    if head.startswith(b"%PDF"):
        raise NotAnImage("this is a PDF, not a photo: send the photo itself as a JPEG file")
    return None


def _read_source(source: Any, max_file_bytes: int) -> tuple[bytes | None, str | None, Image.Image | None]:
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        try:
            size = path.stat().st_size
            if not path.is_file():
                raise InputError(f"not a file: {path.name}", code="input.unreadable")
            if size > max_file_bytes:
                raise FileTooLarge(f"{size} bytes is more than the {max_file_bytes} bytes accepted")
            data = path.read_bytes()
        except FileNotFoundError:
            raise InputError(f"no such file: {path.name}", code="input.unreadable") from None
        except PermissionError:
            raise InputError(f"cannot read {path.name}: permission denied", code="input.unreadable") from None
        except IsADirectoryError:
            raise InputError(f"not a file: {path.name}", code="input.unreadable") from None
        except (OSError, ValueError) as err:  # a NUL in the path, a name too long, a loop of links, a file as a folder
            why = err.strerror if isinstance(err, OSError) and err.strerror else "not a usable file path"
            raise InputError(f"cannot read {path.name[:80]}: {why}", code="input.unreadable") from None
        return data, path.name, None
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        if len(data) > max_file_bytes:
            raise FileTooLarge(f"{len(data)} bytes is more than the {max_file_bytes} bytes accepted")
        return data, None, None
    if isinstance(source, Image.Image):
        return None, getattr(source, "filename", None) or None, source
    raise NotAnImage(f"cannot check a {type(source).__name__}: give a path, bytes, a PIL image or an array")


def _positive_ints(**values: Any) -> None:
    """:class:`~photo.errors.ArgumentError` unless every value is a whole number above 0 (the
    loader's sizes and limits: ``work_px``, ``max_pixels``, ``max_file_bytes``)."""
    for name, v in values.items():
        if not is_whole(v) or v < 1:
            raise ArgumentError(f"{name} must be a whole number above 0, not {v!r:.40}")


def _from_array(arr: np.ndarray, work_px: int, max_pixels: int) -> Decoded:
    a, mode = _normalise_array(arr)
    _check_array_size(a, max_pixels)
    h, w = a.shape[:2]
    rgb, scale, block = _shrink(np.ascontiguousarray(a), work_px, 1.0, 8)
    return Decoded(rgb=rgb, scale=scale, width=w, height=h, format=None, byte_size=None, mode=mode,
                   block_px=block)


def _shrink(rgb: np.ndarray, work_px: int, scale: float, block: int | None):
    """Shrink to ``work_px`` on the long side when much bigger (the block grid is then lost)."""
    h, w = rgb.shape[:2]
    long_side = max(h, w)
    if long_side > 1.5 * work_px:
        import cv2

        f = work_px / long_side
        rgb = cv2.resize(rgb, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA)
        return rgb, scale * f, None
    return rgb, scale, block


def open_image(source: Any, *, max_pixels: int = MAX_PIXELS,
               max_file_bytes: int = MAX_FILE_BYTES) -> tuple[bytes | None, str | None, Image.Image]:
    """The intake's guards, before any pixel is decoded: (bytes or None, file name or None, the
    opened but not yet decoded PIL image).

    Refuses with an :class:`~photo.errors.InputError` subclass: files over ``max_file_bytes``,
    empty files, PDF and video by their magic bytes (HEIC/HEIF and AVIF get their decoder,
    :mod:`photo.heif`), formats outside ``DECODED_FORMATS``,
    pictures over ``max_pixels`` (from the header: decompression bombs), pictures without
    pixels and animations.
    """
    _positive_ints(max_pixels=max_pixels, max_file_bytes=max_file_bytes)
    data, filename, pil = _read_source(source, max_file_bytes)
    if data is not None:
        if len(data) == 0:
            raise EmptyInput("the file is empty (0 bytes)")
        container = _sniff(data[:32])
        try:
            # the pixel limit is ours (max_pixels, checked from the header below), not Pillow's
            # 89.5 MP warning: a 95 MP photo within MAX_PIXELS is read; past twice Pillow's own
            # limit (179 MP) it refuses to open the file at all
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                pil = Image.open(io.BytesIO(data), formats=None)
        except Image.DecompressionBombError as err:
            raise TooManyPixels(f"refused before decoding: {err}") from None
        except Image.UnidentifiedImageError:
            if container:
                raise CorruptInput(f"this {container} file is damaged or uses a feature the decoder lacks") from None
            raise NotAnImage("this file is not a picture mynacard can read: send a JPEG photo") from None
        except (OSError, SyntaxError, ValueError) as err:
            raise CorruptInput(f"the picture's header is damaged ({err})") from None
    assert pil is not None
    fmt = pil.format
    if data is not None and fmt not in DECODED_FORMATS:
        raise UnsupportedFormat(f"{fmt} images are not accepted: send a JPEG photo")
    w0, h0 = pil.size
    if w0 * h0 > max_pixels:
        raise TooManyPixels(f"{w0}x{h0} pixels is more than the {max_pixels} accepted (refused before decoding)")
    if w0 == 0 or h0 == 0:
        raise EmptyInput("the picture has no pixels")
    if getattr(pil, "is_animated", False) and fmt != "MPO" and getattr(pil, "n_frames", 1) > 1:
        raise AnimatedInput("animated images cannot be checked: send one still photo as a JPEG")
    return data, filename, pil


def _decode(pil: Image.Image) -> None:
    """Decode the pixels; damaged and cut-short data become :class:`InputError` subclasses."""
    try:
        pil.load()
    except OSError as err:
        text = str(err)
        if "truncated" in text or "premature end" in text.lower() or "broken data stream" in text:
            raise TruncatedInput("the file ends before the picture does (incomplete download or copy?)") from None
        raise CorruptInput(f"the picture's data is damaged ({text})") from None
    except MemoryError:
        w, h = pil.size
        raise TooManyPixels(f"{w}x{h} pixels: not enough memory to decode this picture") from None
    except (SyntaxError, ValueError) as err:
        raise CorruptInput(f"the picture's data is damaged ({err})") from None


def _exif(pil: Image.Image) -> Image.Exif:
    # EXIF only once the pixels are decoded: reading a PNG's EXIF may decode the image, and a
    # decoding error swallowed there would leave a half-decoded picture that load() accepts
    try:
        return pil.getexif()
    except Exception:  # a broken EXIF block is not worth refusing the photo for
        return Image.Exif()


def exif_date(sub) -> datetime.date | None:
    """The day the photo was taken by the camera's clock: EXIF DateTimeOriginal (else
    DateTimeDigitized) of the EXIF sub-IFD ``sub``, ``YYYY:MM:DD HH:MM:SS``; None when absent,
    blank or not a date."""
    for tag in _EXIF_TAKEN:
        v = sub.get(tag) if hasattr(sub, "get") else None
        if isinstance(v, bytes):
            v = v.decode("ascii", "replace")
        if not isinstance(v, str):
            continue
        v = v.strip().strip("\x00")
        try:
            return datetime.datetime.strptime(v[:10].replace("-", ":"), "%Y:%m:%d").date()
        except ValueError:
            continue
    return None


def _orientation(exif: Image.Exif) -> int:
    orientation = int(exif.get(_EXIF_ORIENTATION, 1) or 1)
    return orientation if orientation in range(1, 9) else 1


def load_pixels(source: Any, *, alpha: bool = False, max_pixels: int = MAX_PIXELS,
                max_file_bytes: int = MAX_FILE_BYTES) -> np.ndarray:
    """The whole picture at full resolution, upright (EXIF orientation applied), as ``uint8``
    H x W x 3 RGB (alpha over white) - or H x W x 4 RGBA when ``alpha`` and the picture has
    transparency. Same guards as :func:`load` (for callers that need every pixel, such as the
    oblique card captures); arrays are normalised as :func:`load` does."""
    _positive_ints(max_pixels=max_pixels, max_file_bytes=max_file_bytes)
    if isinstance(source, np.ndarray):
        a = _as_uint8(np.asarray(source))
        if not (alpha and a.ndim == 3 and a.shape[2] == 4):
            a = _normalise_array(a)[0]
        _check_array_size(a, max_pixels)
        return np.ascontiguousarray(a)
    _, _, pil = open_image(source, max_pixels=max_pixels, max_file_bytes=max_file_bytes)
    _decode(pil)
    orientation = _orientation(_exif(pil))
    try:
        pil, _profile = to_srgb(pil)  # Display P3 phone photos ... in sRGB, as load() gives them
        if alpha and (pil.mode in ("RGBA", "LA", "PA") or (pil.mode == "P" and "transparency" in pil.info)):
            img = pil.convert("RGBA")
            if orientation != 1:
                img = img.transpose(_TRANSPOSE[orientation])
            return np.asarray(img, dtype=np.uint8).copy()
        return _to_rgb(pil, orientation).copy()
    except MemoryError:
        raise TooManyPixels(f"{pil.size[0]}x{pil.size[1]} pixels: not enough memory to decode this picture") from None


def _wide_to_uint8(a: np.ndarray) -> np.ndarray:
    """``uint8`` of integer pixels stored wider than 8 bits (a 16-bit PNG, a ``uint16`` array): as
    they are when every value is at most 255, else scaled from 16 bits (0-65535 -> 0-255)."""
    a16 = np.asarray(a, dtype=np.float64)
    peak = 65535.0 if a16.size and a16.max() > 255 else 255.0
    return np.clip(a16 / peak * 255.0, 0, 255).astype(np.uint8)


def _as_uint8(a: np.ndarray) -> np.ndarray:
    """``uint8`` pixels of an array, read the one way every array input is read (:func:`load`,
    :func:`load_pixels`, :func:`full_image`): ``uint8`` as it is; ``uint16`` as a 16-bit
    picture is decoded (:func:`_wide_to_uint8`); other integers as 0-255; floats in 0-1 scaled to 0-255, other floats
    read as 0-255 (rounded). Values a picture cannot hold (negative, over 16 bits, floats past
    their range by more than ``_FLOAT_SLACK`` grey levels, NaN), and arrays of booleans, complex
    numbers or objects, are refused with ``input.not_image``: never clipped into a wrong picture."""
    if a.dtype == np.uint8:
        return a
    if a.dtype.kind not in "uif":
        raise NotAnImage(f"an array of {a.dtype} is not a picture: give uint8 (0-255), uint16 (0-65535) "
                         "or float (0-1) pixels")
    if a.size == 0:
        return a.astype(np.uint8)  # refused by its size, as an empty array of bytes is
    lo, hi = float(a.min()), float(a.max())
    if a.dtype.kind != "f":
        # 16 bits only for uint16 (a 16-bit picture's own type); other integers hold 0-255 values
        # (numpy's default int64 of a computation): one value past 255 must not make the whole
        # picture read as 16 bits, i.e. black
        top = 65535 if a.dtype == np.uint16 else 255
        if lo < 0 or hi > top:
            raise NotAnImage(f"integer pixels range over {lo:.0f}..{hi:.0f}: a picture's are 0-255 "
                             "(or 0-65535 in a uint16 array)")
        return _wide_to_uint8(a)
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise NotAnImage("the array's pixels include NaN or infinite values")
    peak = 1.0 if hi <= 1.0 + _FLOAT_SLACK / 255.0 else 255.0
    slack = _FLOAT_SLACK * peak / 255.0
    if lo < -slack or hi > peak + slack:
        raise NotAnImage(f"float pixels range over {lo:.4g}..{hi:.4g}: a picture's are 0-1 (or 0-255)")
    return np.clip(np.rint(a * (255.0 / peak)), 0, 255).astype(np.uint8)


def _normalise_array(arr: np.ndarray) -> tuple[np.ndarray, str]:
    """(H x W x 3 uint8 RGB, original mode) of an RGB, RGBA or grey array, its values read by
    :func:`_as_uint8` (floats in 0-1 and 16-bit integers are scaled)."""
    a = _as_uint8(np.asarray(arr))
    if a.ndim == 2:
        return np.repeat(a[:, :, None], 3, axis=2), "L"
    if a.ndim == 3 and a.shape[2] in (3, 4):
        return a[:, :, :3], "RGB" if a.shape[2] == 3 else "RGBA"
    raise NotAnImage(f"an array of shape {a.shape} is not an RGB or grey image")


def _check_array_size(a: np.ndarray, max_pixels: int = MAX_PIXELS) -> None:
    h, w = a.shape[:2]
    if h == 0 or w == 0:
        raise EmptyInput("the array has no pixels")
    if h * w > max_pixels:
        raise TooManyPixels(f"{w}x{h} pixels is more than the {max_pixels} accepted")


def load(source: Any, *, work_px: int = WORK_PX, max_pixels: int = MAX_PIXELS,
         max_file_bytes: int = MAX_FILE_BYTES, keep_bytes: bool = False) -> Decoded:
    """Decode ``source`` for checking; raise an :class:`~photo.errors.InputError` subclass if it cannot be.

    ``work_px`` is the long side of the working image (big JPEGs are decoded at 1/2, 1/4 or
    1/8 scale to about that size); ``max_pixels`` refuses bigger images before decoding. These and
    ``max_file_bytes`` are whole numbers above 0 (:class:`~photo.errors.ArgumentError`, code
    ``argument.invalid``, otherwise). Arrays are read by :func:`_as_uint8`: ``uint8``, ``uint16``
    (scaled as a 16-bit PNG is), other integers in 0-255, floats in 0-1; other values are
    refused, not clipped.
    """
    _positive_ints(work_px=work_px, max_pixels=max_pixels, max_file_bytes=max_file_bytes)
    if isinstance(source, np.ndarray):
        return _from_array(source, work_px, max_pixels)
    data, filename, pil = open_image(source, max_pixels=max_pixels, max_file_bytes=max_file_bytes)
    fmt = pil.format
    w0, h0 = pil.size
    mode = pil.mode
    quality = jpeg_quality_from_tables(getattr(pil, "quantization", None)) if fmt in ("JPEG", "MPO") else None
    scale = 1.0
    block: int | None = 8 if fmt in ("JPEG", "MPO") else None
    # draft decoding for the file's bytes only: on a caller's own PIL image it would shrink the
    # caller's object (its next check would see a small picture)
    if data is not None and fmt in ("JPEG", "MPO") and max(w0, h0) > 1.2 * work_px:
        f = 0.6 * work_px / max(w0, h0)  # DCT scaling picks the smallest scale >= this size
        got = pil.draft(None, (max(1, int(w0 * f)), max(1, int(h0 * f))))
        if got is not None:
            scale = pil.size[0] / w0 if pil.size[0] else 1.0
            # draft may report the requested size before decoding; the decoded size is known after load()
    _decode(pil)
    if fmt in ("JPEG", "MPO"):
        scale = pil.size[0] / w0
        block = max(1, round(8 * scale)) if scale < 1 else 8
    # EXIF only once the pixels are decoded: reading a PNG's EXIF may decode the image, and a
    # decoding error swallowed there would leave a half-decoded picture that load() accepts
    exif = _exif(pil)
    orientation = _orientation(exif)
    has_gps = bool(exif.get(_EXIF_GPS_IFD))
    try:
        sub = exif.get_ifd(_EXIF_IFD)
        has_serials = any(k in sub for k in _EXIF_SERIALS)
    except Exception:
        sub, has_serials = {}, False
    taken = exif_date(sub)
    try:
        img, scale = _reduce(pil, work_px, scale)
        img, colour_profile = to_srgb(img, pil.info)  # measures see sRGB (Display P3 phone photos ...)
        rgb = _to_rgb(img, orientation)
    except MemoryError:
        raise TooManyPixels(f"{w0}x{h0} pixels: not enough memory to decode this picture") from None
    width, height = (h0, w0) if orientation in (5, 6, 7, 8) else (w0, h0)
    rgb, scale, block = _shrink(np.ascontiguousarray(rgb), work_px, scale, block)
    return Decoded(
        rgb=rgb, scale=scale, width=width, height=height, format="JPEG" if fmt == "MPO" else fmt,
        byte_size=len(data) if data is not None else None, mode=mode,
        has_icc=bool(pil.info.get("icc_profile")), exif_orientation=orientation, has_gps=has_gps,
        has_serials=has_serials, jpeg_quality=quality, block_px=block, filename=filename,
        raw=data if keep_bytes else None, colour_profile=colour_profile, taken=taken,
    )


def _reduce(pil: Image.Image, work_px: int, scale: float) -> tuple[Image.Image, float]:
    """Shrink a big picture by a whole factor (box filter) before any mode conversion.

    JPEGs are small already (draft decoding). A 6000 x 6000 RGBA or 16-bit PNG would
    otherwise be copied several times at full size while converting (150-300 MB a copy),
    more than a process limited to 2 GiB of address space can afford beside the models.
    """
    w0 = pil.size[0]
    k = int(max(pil.size) / work_px)
    if k < 2:
        return pil, scale
    img = pil
    if img.mode == "1":
        img = img.convert("L")
    elif img.mode in ("P", "PA"):  # palette indices cannot be averaged
        img = img.convert("RGBA" if img.mode == "PA" or "transparency" in img.info else "RGB")
    elif img.mode in ("I;16", "I;16B", "I;16L", "I;16N"):
        img = img.convert("I")
    img = img.reduce(k)
    return img, scale * img.size[0] / w0


def _to_rgb(img: Image.Image, orientation: int) -> np.ndarray:
    """Upright uint8 RGB pixels of any decoded mode (alpha over white, 16-bit scaled)."""
    if img.mode == "CMYK":
        img = img.convert("RGB")
    elif img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        bg = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(bg, rgba).convert("RGB")
    elif img.mode in ("I;16", "I;16B", "I;16L", "I"):
        img = Image.fromarray(_wide_to_uint8(np.asarray(img)), "L").convert("RGB")
    elif img.mode != "RGB":
        img = img.convert("RGB")
    if orientation != 1:
        img = img.transpose(_TRANSPOSE[orientation])
    rgb = np.asarray(img, dtype=np.uint8)
    if rgb.ndim != 3:
        rgb = np.repeat(rgb[:, :, None], 3, axis=2)
    return rgb


def turned(decoded: Decoded, turn: int) -> Decoded:
    """``decoded`` turned ``turn`` quarter turns counter-clockwise more (a photo on its side, found
    by the face's roll: photo.checker): its working pixels and upright size, and through
    :attr:`Decoded.turn` the pixels :func:`full_image` returns. The JPEG block grid is dropped
    (``block_px`` None): turned, its phase moves."""
    k = turn % 4
    if k == 0:
        return decoded
    w, h = (decoded.height, decoded.width) if k % 2 else (decoded.width, decoded.height)
    return replace(decoded, rgb=np.ascontiguousarray(np.rot90(decoded.rgb, k)), width=w, height=h, block_px=None,
                   turn=(decoded.turn + k) % 4)


def full_image(decoded: Decoded, source: Any = None) -> Image.Image:
    """The original pixels at full resolution, upright, RGB (alpha over white), as a PIL image.

    The working pixels are used when they are the full image (small photos); otherwise the
    original is decoded again from the bytes ``load(..., keep_bytes=True)`` kept, or from
    ``source`` (an array or PIL image given in memory, or a path or bytes read anew within
    the same guards).
    """
    if decoded.scale == 1.0 and decoded.rgb.shape[:2] == (decoded.height, decoded.width):
        return Image.fromarray(decoded.rgb, "RGB")
    if isinstance(source, np.ndarray):
        rgb = _normalise_array(source)[0]  # the values read as load() read them (0-1 floats, 16 bits ...)
        rgb = np.rot90(rgb, decoded.turn)  # as turned() turned the working pixels (0: the array itself)
        if rgb.shape[:2] != (decoded.height, decoded.width):
            raise InputError(f"the array is {rgb.shape[1]}x{rgb.shape[0]}, the analysed picture "
                             f"{decoded.width}x{decoded.height}: pass the array that was checked", code="input.unreadable")
        return Image.fromarray(np.ascontiguousarray(rgb), "RGB")
    if decoded.raw is not None:
        im = Image.open(io.BytesIO(decoded.raw))
    elif isinstance(source, Image.Image):
        im = source
    else:
        data = _read_source(source, MAX_FILE_BYTES)[0]
        if data is None:
            raise InputError("the original pixels are not at hand", code="input.unreadable")
        im = Image.open(io.BytesIO(data))
    _decode(im)
    im, _profile = to_srgb(im)  # the same sRGB colours load() measured
    return Image.fromarray(np.ascontiguousarray(np.rot90(_to_rgb(im, decoded.exif_orientation), decoded.turn)), "RGB")

