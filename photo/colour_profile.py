"""Colours to sRGB before anything is measured: embedded ICC profiles, HEIF colour boxes.

Every recent iPhone takes photos in Display P3. Read as if they were sRGB, their colours
come out duller (P3 red, at sRGB's (255, 0, 0) code, is a deeper red than sRGB's), so the
skin, lighting and background checks would judge colours the applicant never saw, and a
"fixed" JPEG without the profile would show them dull everywhere. :func:`to_srgb` converts
the pixels with LittleCMS (Pillow's ImageCms), relative colorimetric intent, from:

* an embedded ICC profile (JPEG APP2, PNG iCCP, WebP, TIFF, HEIF ``colr prof``, AVIF), for
  RGB images and for CMYK images whose profile is CMYK;
* a HEIF ``nclx`` colour box naming primaries other than BT.709/sRGB (an HEIC without an
  ICC profile): a matrix/TRC profile made from the box's primaries and white point, with
  the sRGB tone curve (an approximation for BT.709-coded images; PQ and HLG HDR images are
  left as they are).

A profile that LittleCMS cannot read, or one that says sRGB already, leaves the pixels as
they are. Profiles are built and transforms cached once per distinct profile.

:func:`matrix_profile` writes an ICC v2 display profile from chromaticities (used for nclx
boxes, and by the tests to make Display P3 photos); :func:`display_p3_profile` is the one
iPhones embed, by its published primaries (SMPTE EG 432-1, D65, sRGB tone curve).
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import struct
from typing import Any

import numpy as np
from PIL import Image, ImageCms

log = logging.getLogger(__name__)

#: Chromaticities (x, y) of red, green, blue and the white point.
SRGB_PRIMARIES = ((0.64, 0.33), (0.30, 0.60), (0.15, 0.06))
DISPLAY_P3_PRIMARIES = ((0.680, 0.320), (0.265, 0.690), (0.150, 0.060))
D65 = (0.3127, 0.3290)
_D50_XYZ = (0.9642, 1.0, 0.8249)
_BRADFORD = np.array([[0.8951, 0.2664, -0.1614], [-0.7502, 1.7135, 0.0367], [0.0389, -0.0685, 1.0296]])
#: nclx ``color_primaries`` that mean sRGB (1: BT.709) or say nothing (2: unspecified).
_NCLX_SRGB = (0, 1, 2)
#: nclx ``transfer_characteristics`` read with the sRGB curve (BT.709, BT.601, BT.2020 SDR, sRGB).
_NCLX_SDR = (1, 2, 6, 13, 14, 15)


def _xyz(xy: tuple[float, float]) -> np.ndarray:
    x, y = xy
    return np.array([x / y, 1.0, (1.0 - x - y) / y])


def rgb_to_xyz_d50(primaries: tuple, white: tuple[float, float]) -> np.ndarray:
    """3x3 matrix from linear RGB to PCS XYZ (D50, Bradford-adapted): the ICC colorants, by column."""
    p = np.stack([_xyz(c) for c in primaries], axis=1)
    w = _xyz(white)
    m = p * np.linalg.solve(p, w)  # scale each primary so that R=G=B=1 is the white point
    adapt = np.linalg.inv(_BRADFORD) @ np.diag((_BRADFORD @ np.array(_D50_XYZ)) / (_BRADFORD @ w)) @ _BRADFORD
    return adapt @ m


def _s15(v: float) -> bytes:
    return struct.pack(">i", round(v * 65536))


def _srgb_curve(n: int = 1024) -> list[int]:
    x = np.linspace(0.0, 1.0, n)
    y = np.where(x <= 0.04045, x / 12.92, ((x + 0.055) / 1.055) ** 2.4)
    return [int(v) for v in np.round(y * 65535)]


def matrix_profile(primaries: tuple, white: tuple[float, float], description: str) -> bytes:
    """An ICC v2 RGB display profile (matrix/TRC) with the sRGB tone curve."""
    desc_ascii = description.encode("ascii", "replace") + b"\0"
    desc = (b"desc" + b"\0" * 4 + struct.pack(">I", len(desc_ascii)) + desc_ascii
            + struct.pack(">II", 0, 0) + struct.pack(">HB", 0, 0) + b"\0" * 67)
    cprt = b"text" + b"\0" * 4 + b"No copyright, use freely\0"
    curve = _srgb_curve()
    trc = b"curv" + b"\0" * 4 + struct.pack(">I", len(curve)) + struct.pack(f">{len(curve)}H", *curve)
    m = rgb_to_xyz_d50(primaries, white)

    def xyz_tag(v) -> bytes:
        return b"XYZ " + b"\0" * 4 + b"".join(_s15(float(c)) for c in v)

    tags = [(b"desc", desc), (b"cprt", cprt), (b"wtpt", xyz_tag(_D50_XYZ)),
            (b"rXYZ", xyz_tag(m[:, 0])), (b"gXYZ", xyz_tag(m[:, 1])), (b"bXYZ", xyz_tag(m[:, 2])),
            (b"rTRC", trc), (b"gTRC", trc), (b"bTRC", trc)]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    shared: dict[bytes, int] = {}
    for sig, body in tags:
        if body in shared:  # the three curves share one copy
            start = shared[body]
        else:
            start = offset + len(data)
            shared[body] = start
            data += body + b"\0" * (-len(body) % 4)
        table += sig + struct.pack(">II", start, len(body))
    size = offset + len(data)
    header = (struct.pack(">I", size) + b"\0" * 4 + struct.pack(">I", 0x02100000) + b"mntrRGB XYZ "
              + struct.pack(">6H", 2026, 1, 1, 0, 0, 0) + b"acsp" + b"\0" * 24 + struct.pack(">I", 0)
              + b"".join(_s15(c) for c in _D50_XYZ) + b"\0" * 48)
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + data


@functools.cache
def display_p3_profile() -> bytes:
    """Display P3 (the colour space of iPhone photos) as an ICC v2 profile."""
    return matrix_profile(DISPLAY_P3_PRIMARIES, D65, "Display P3")


@functools.cache
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@functools.lru_cache(maxsize=16)
def _transform(digest: str, icc: bytes, in_mode: str, out_mode: str) -> tuple[Any, str] | None:
    """The transform from ``icc`` to sRGB (None when the profile is sRGB already or unreadable)."""
    try:
        src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        name = (ImageCms.getProfileDescription(src) or "").strip()
    except (ImageCms.PyCMSError, OSError, ValueError) as err:
        log.debug("ICC profile %s ignored: %s", digest[:12], err)
        return None
    if "srgb" in name.lower().replace(" ", "").replace("-", ""):
        return None
    try:
        t = ImageCms.buildTransform(src, _srgb(), in_mode, out_mode,
                                    renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)
    except (ImageCms.PyCMSError, OSError, ValueError) as err:  # e.g. a grey or Lab profile on RGB pixels
        log.debug("ICC profile %s (%s) ignored: %s", digest[:12], name, err)
        return None
    return t, name or "embedded ICC profile"


def _nclx_profile(nclx: Any) -> tuple[bytes, str] | None:
    """A profile for a HEIF nclx box whose primaries are not sRGB's (None: sRGB, unknown or HDR)."""
    if not isinstance(nclx, dict):
        return None
    primaries = nclx.get("color_primaries")
    if primaries in _NCLX_SRGB or nclx.get("transfer_characteristics") not in _NCLX_SDR:
        return None
    try:
        rgb = tuple((float(nclx[f"color_primary_{c}_x"]), float(nclx[f"color_primary_{c}_y"]))
                    for c in ("red", "green", "blue"))
        white = (float(nclx["color_primary_white_x"]), float(nclx["color_primary_white_y"]))
    except (KeyError, TypeError, ValueError):
        return None
    name = "Display P3 (nclx)" if primaries == 12 else f"nclx primaries {primaries}"
    try:
        return matrix_profile(rgb, white, name), name
    except (ValueError, ZeroDivisionError, np.linalg.LinAlgError):
        return None


def to_srgb(img: Image.Image, info: dict | None = None) -> tuple[Image.Image, str | None]:
    """``img`` with its colours in sRGB, and the name of the profile converted from (None: none).

    ``info`` is the decoded file's ``Image.info`` (``icc_profile``, ``nclx_profile``); it
    defaults to ``img.info``. RGB and RGBA images keep their mode; a CMYK image with a CMYK
    profile becomes RGB. Other modes, and images without a usable profile, are returned as they are.
    """
    info = img.info if info is None else info
    icc = info.get("icc_profile")
    name_hint = None
    if not icc:
        made = _nclx_profile(info.get("nclx_profile"))
        if made is None:
            return img, None
        icc, name_hint = made
    if img.mode in ("RGB", "RGBA"):
        in_mode = out_mode = img.mode
    elif img.mode == "CMYK":
        in_mode, out_mode = "CMYK", "RGB"
    else:
        return img, None
    icc = bytes(icc)
    got = _transform(hashlib.sha256(icc).hexdigest(), icc, in_mode, out_mode)
    if got is None:
        return img, None
    transform, name = got
    try:
        out = ImageCms.applyTransform(img, transform)
    except (ImageCms.PyCMSError, OSError, ValueError, MemoryError) as err:
        log.debug("colour conversion from %s skipped: %s", name, err)
        return img, None
    assert out is not None
    return out, name_hint or name
