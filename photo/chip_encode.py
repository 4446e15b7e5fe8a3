"""The portrait to a byte budget: region-of-interest pre-filter, baseline JPEG or JPEG 2000.

* :func:`roi_prefilter` keeps the face and a margin around it exactly as they are and
  low-passes the rest (backdrop, clothes), so the encoder spends its bytes on the face. The
  returned mask is 1.0 on every pixel that is passed through untouched.
* :func:`encode` finds the best quality that fits ``budget_bytes``: a bisection on the JPEG
  quality (optimised Huffman tables, 4:2:0), or on the JPEG 2000 compression ratio
  (OpenJPEG through Pillow: irreversible colour transform and 9/7 wavelet, one quality layer,
  JP2 file with the sRGB colour specification). No EXIF, ICC, comment or any other metadata is written.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np

from photo.chip_errors import BudgetTooSmall

CODECS = ("jpeg", "jpeg2000")
SUFFIX = {"jpeg": ".jpg", "jpeg2000": ".jp2"}


@dataclass(frozen=True)
class Encoded:
    data: bytes
    codec: str
    setting: float  # JPEG quality (1-100) or JPEG 2000 compression ratio
    tries: int

    def to_dict(self) -> dict:
        key = "jpeg_quality" if self.codec == "jpeg" else "jpeg2000_ratio"
        return {"codec": self.codec, "bytes": len(self.data), key: round(self.setting, 2), "tries": self.tries}


def roi_prefilter(rgb: np.ndarray, face_outline: np.ndarray, ied_px: float, roi: dict,
                  also_keep: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(pre-filtered image, keep mask): pixels with mask 1.0 are the input's, bit for bit.

    ``also_keep`` (bool, image-sized) adds to the kept region (the head with its hair in a
    full frontal portrait)."""
    import cv2

    h, w = rgb.shape[:2]
    if not roi.get("enabled", True):
        return rgb, np.ones((h, w), np.float32)
    face = np.zeros((h, w), np.uint8)
    cv2.fillPoly(face, [np.round(face_outline[:, :2]).astype(np.int32)], 1)
    dist = cv2.distanceTransform((1 - face).astype(np.uint8), cv2.DIST_L2, 5)  # px to the face outline
    keep = (dist <= roi["face_margin_ied"] * ied_px).astype(np.uint8)
    if also_keep is not None:
        keep |= also_keep.astype(np.uint8)
    sigma = max(0.5, roi["feather_ied"] * ied_px)
    soft = cv2.GaussianBlur(keep.astype(np.float32), (0, 0), sigma)
    mask = np.where(keep > 0, np.float32(1.0), np.minimum(soft * 2.0, 1.0)).astype(np.float32)  # feather outward only
    blurred = cv2.GaussianBlur(rgb, (0, 0), max(0.3, roi["outside_sigma_ied"] * ied_px))
    out = cv2.blendLinear(rgb, blurred, mask, 1.0 - mask)
    kept = keep > 0
    out[kept] = rgb[kept]  # bit for bit, whatever blendLinear's rounding
    return out, mask


def _jpeg(img, quality: int, subsampling: str) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=int(quality), optimize=True, subsampling=subsampling)
    return buf.getvalue()


def _jp2(img, ratio: float, resolutions: int, mct: int) -> bytes:
    # mct: Pillow's default is 0, which codes R, G and B as three unrelated images; 1 is the
    # irreversible colour transform (YCbCr) that the rate allocation needs to spend little on chroma
    buf = io.BytesIO()
    img.save(buf, "JPEG2000", quality_mode="rates", quality_layers=[float(ratio)], irreversible=True,
             num_resolutions=int(resolutions), mct=int(mct))
    return buf.getvalue()


def encode(rgb: np.ndarray, codec: str, budget_bytes: int, settings: dict) -> Encoded:
    """The best-quality encoding of ``rgb`` that fits ``budget_bytes`` (BudgetTooSmall if none does)."""
    from PIL import Image

    if codec not in CODECS:
        raise ValueError(f"codec must be one of {', '.join(CODECS)}")
    cfg = settings["encode"]
    img = Image.fromarray(np.ascontiguousarray(rgb), "RGB")
    if codec == "jpeg":
        lo, hi = (int(v) for v in cfg["jpeg_quality_range"])
        best, best_q, tries = None, 0, 0
        while lo <= hi:
            q = (lo + hi) // 2
            data = _jpeg(img, q, cfg["jpeg_subsampling"])
            tries += 1
            if len(data) <= budget_bytes:
                best, best_q, lo = data, q, q + 1
            else:
                hi = q - 1
        if best is None:
            raise BudgetTooSmall(f"{budget_bytes} bytes is too small for a {img.width}x{img.height} JPEG "
                                 f"(quality {cfg['jpeg_quality_range'][0]} needs more)")
        return Encoded(best, codec, best_q, tries)
    # JPEG 2000: OpenJPEG aims at the ratio but may overshoot a little; tighten until it fits,
    # then relax towards the budget while it still fits
    raw = img.width * img.height * 3
    ratio = raw / max(1.0, budget_bytes * 0.98)
    best, best_r, tries = None, 0.0, 0
    for _ in range(int(cfg["jpeg2000_max_tries"])):
        data = _jp2(img, ratio, cfg["jpeg2000_resolutions"], cfg["jpeg2000_mct"])
        tries += 1
        if len(data) <= budget_bytes:
            if best is None or len(data) > len(best):
                best, best_r = data, ratio
            if len(data) >= budget_bytes * 0.985:
                break
            ratio *= max(0.9, len(data) / budget_bytes)
        else:
            ratio *= len(data) / budget_bytes * 1.005
    if best is None:
        raise BudgetTooSmall(f"{budget_bytes} bytes is too small for a {img.width}x{img.height} JPEG 2000 image")
    return Encoded(best, codec, best_r, tries)


def decode(data: bytes) -> np.ndarray:
    """RGB uint8 pixels of an encoded portrait."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        return np.asarray(im.convert("RGB"))
