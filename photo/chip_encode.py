"""The portrait to a byte budget: region-of-interest pre-filter, baseline JPEG or JPEG 2000.

* :func:`roi_prefilter` keeps the face and a margin around it exactly as they are and
  low-passes the rest (backdrop, clothes), so the encoder spends its bytes on the face. The
  returned mask is 1.0 on every pixel that is passed through untouched.
* :func:`block_lowpass` is a second, gentler way to spend less outside the face: on JPEG's
  own 8x8 luma grid, every block lying wholly beyond a margin around the face outline keeps only
  its low frequencies (the block's mean and coarse shading stay, its texture goes), with no
  blurred edge between kept and filtered pixels.
* :func:`candidates` are the pre-filtered versions of one portrait the encoder may choose from
  (``photo/data/chip.toml [encode.search]``); :mod:`photo.chip` encodes each at the budget and
  keeps the one whose decoded landmarks stay closest (analysis by synthesis).
* :func:`luma_table` (:func:`chroma_table`) is the JPEG standard's luma (chroma) quantisation
  table (ISO/IEC 10918-1 Annex K) with some frequency bands scaled: a search candidate may code
  its pre-filtered portrait with it (the file stays one baseline JPEG; Pillow scales the table
  with the quality as it scales its own).
* :func:`encode_trellis` writes baseline JPEG itself (:mod:`photo.jpeg_writer`) with each block's
  coefficients chosen by trellis quantisation (:mod:`photo.jpeg_trellis`), one lambda for every
  block of the face region and a larger one beyond it (:func:`trellis_lambdas`,
  ``photo/data/chip.toml [encode.trellis]``): a search candidate, or the plain one with
  ``chip_portrait(trellis=True)``.
* :func:`encode` finds the best quality that fits ``budget_bytes``: a bisection on the JPEG
  quality (optimised Huffman tables, 4:2:0), or on the JPEG 2000 compression ratio
  (OpenJPEG through Pillow: irreversible colour transform and 9/7 wavelet, one quality layer,
  JP2 file with the sRGB colour specification). No EXIF, ICC, comment or any other metadata is written.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass

import numpy as np

from photo.chip_errors import BudgetTooSmall
from photo.jpeg_writer import ANNEX_K_CHROMA, ANNEX_K_LUMA, DCT

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


def outline_distance(shape: tuple[int, int], face_outline: np.ndarray) -> np.ndarray:
    """Each pixel's distance (px) to the face outline's filled polygon (0 inside)."""
    import cv2

    face = np.zeros(shape, np.uint8)
    cv2.fillPoly(face, [np.round(face_outline[:, :2]).astype(np.int32)], 1)
    return cv2.distanceTransform((1 - face).astype(np.uint8), cv2.DIST_L2, 5)


def roi_prefilter(rgb: np.ndarray, face_outline: np.ndarray, ied_px: float, roi: dict,
                  also_keep: np.ndarray | None = None, distance: np.ndarray | None = None,
                  blurred: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(pre-filtered image, keep mask): pixels with mask 1.0 are the input's, bit for bit.

    ``also_keep`` (bool, image-sized) adds to the kept region (the head with its hair in a
    full frontal portrait). ``distance``: :func:`outline_distance` of the outline when already
    made; ``blurred``: a cache (sigma -> the blurred image) shared by several pre-filters of ``rgb``."""
    import cv2

    h, w = rgb.shape[:2]
    if not roi.get("enabled", True):
        return rgb, np.ones((h, w), np.float32)
    if distance is None:
        distance = outline_distance((h, w), face_outline)
    keep = (distance <= roi["face_margin_ied"] * ied_px).astype(np.uint8)
    if also_keep is not None:
        keep |= also_keep.astype(np.uint8)
    sigma = max(0.5, roi["feather_ied"] * ied_px)
    soft = cv2.GaussianBlur(keep.astype(np.float32), (0, 0), sigma)
    mask = np.where(keep > 0, np.float32(1.0), np.minimum(soft * 2.0, 1.0)).astype(np.float32)  # feather outward only
    sigma_out = max(0.3, roi["outside_sigma_ied"] * ied_px)
    cache = blurred if blurred is not None else {}
    if sigma_out not in cache:
        cache[sigma_out] = cv2.GaussianBlur(rgb, (0, 0), sigma_out)
    out = cv2.blendLinear(rgb, cache[sigma_out], mask, 1.0 - mask)
    np.copyto(out, rgb, where=(keep > 0)[..., None])  # bit for bit, whatever blendLinear's rounding
    return out, mask


def block_lowpass(rgb: np.ndarray, face_outline: np.ndarray, margin_px: float, max_frequency_sum: int,
                  keep: np.ndarray | None = None, distance: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(image, changed): the luma of every 8x8 block (JPEG's grid from the top-left) lying wholly
    more than ``margin_px`` outside the face outline keeps only its DCT coefficients with
    u + v < ``max_frequency_sum``; chroma is left as it is. ``changed`` (bool) marks the pixels of
    the filtered blocks; every other pixel is the input's, bit for bit. ``keep`` (bool,
    image-sized): pixels never filtered whatever their distance (blocks touching them are skipped).
    ``distance``: :func:`outline_distance` of the outline when already made."""
    import cv2

    h, w = rgb.shape[:2]
    far = (distance if distance is not None else outline_distance((h, w), face_outline)) > margin_px
    if keep is not None:
        far &= ~keep
    hb, wb = h // 8, w // 8
    blocks = far[:hb * 8, :wb * 8].reshape(hb, 8, wb, 8).all(axis=(1, 3))
    changed = np.zeros((h, w), bool)
    if not blocks.any():
        return rgb, changed
    changed[:hb * 8, :wb * 8] = np.repeat(np.repeat(blocks, 8, axis=0), 8, axis=1)
    ycc = cv2.cvtColor(rgb, cv2.COLOR_RGB2YCrCb)  # JFIF's full-range BT.601
    grid = ycc[:hb * 8, :wb * 8, 0].reshape(hb, 8, wb, 8).transpose(0, 2, 1, 3)  # a view: rows, cols, 8, 8
    y = grid[blocks].astype(np.float32)  # n x 8 x 8
    m = DCT.astype(np.float32)
    u, v = np.meshgrid(np.arange(8), np.arange(8))
    coef = m @ (y - 128.0) @ m.T
    coef[:, (u + v) >= max_frequency_sum] = 0.0
    grid[blocks] = np.clip(np.round(m.T @ coef @ m + 128.0), 0, 255).astype(np.uint8)  # written into ycc
    back = cv2.cvtColor(ycc, cv2.COLOR_YCrCb2RGB)
    out = rgb.copy()
    np.copyto(out, back, where=changed[..., None])
    return out, changed


def luma_table(bands: list) -> list[int]:
    """Annex K's luma table with each ``[lowest, highest, factor]`` band of frequencies
    (``lowest <= u + v <= highest``) multiplied by ``factor`` (rounded, 1-255)."""
    return scaled_table(ANNEX_K_LUMA, bands)


def chroma_table(bands: list) -> list[int]:
    """Annex K's chroma table with frequency bands scaled (as :func:`luma_table`)."""
    return scaled_table(ANNEX_K_CHROMA, bands)


def scaled_table(table, bands: list) -> list[int]:
    """A 64-value table (row by row) with frequency bands scaled (see :func:`luma_table`)."""
    t = np.array(table, np.float64).reshape(8, 8)
    u, v = np.meshgrid(np.arange(8), np.arange(8))
    for lo, hi, factor in bands:
        t[((u + v) >= lo) & ((u + v) <= hi)] *= float(factor)
    return [int(x) for x in np.clip(np.round(t), 1, 255).ravel()]


class Candidate:
    """One version of the portrait the encoder may choose (:func:`candidates`): a pre-filter,
    and for JPEG possibly its own quantisation tables or the trellis coder.

    ``image`` (the pre-filtered portrait) and ``keep_mask`` (1.0 where ``image`` is the
    uncompressed portrait, bit for bit) are given, or made on first use by ``make`` (returning
    both): the search tries most candidates only for some portraits, so their pre-filters are
    made only when tried. ``trellis`` likewise may be a callable making the lambdas."""

    def __init__(self, name: str, image: np.ndarray | None = None, keep_mask: np.ndarray | None = None, *,
                 qtables: tuple | None = None, rescue: bool = False, trellis=None, make=None,
                 quality_offset: int = 0):
        if image is None and make is None:
            raise ValueError("a candidate needs its image or a way to make it")
        self.name = name
        self.quality_offset = quality_offset  # its usual JPEG quality less the plain candidate's: where the search starts
        self.qtables = qtables  # (luma, chroma) base tables for JPEG, scaled by the quality; None: libjpeg's
        self.rescue = rescue  # tried only for a near miss (photo.chip's search: none before meets the target)
        self.uses_trellis = trellis is not None  # JPEG only: coded by :func:`encode_trellis`; else Pillow
        self._trellis = trellis
        self._made = (image, keep_mask) if image is not None else None
        self._make = make

    def _get(self) -> tuple[np.ndarray, np.ndarray]:
        if self._made is None:
            self._made = self._make()
        return self._made

    @property
    def image(self) -> np.ndarray:
        return self._get()[0]

    @property
    def keep_mask(self) -> np.ndarray:
        return self._get()[1]

    @property
    def trellis(self) -> tuple | None:
        """(luma, chroma) per-block lambdas for :func:`encode_trellis`, or None (Pillow)."""
        if callable(self._trellis):
            self._trellis = self._trellis()
        return self._trellis

    def __repr__(self) -> str:
        return f"Candidate({self.name!r}, rescue={self.rescue}, trellis={self.uses_trellis})"


def candidates(rgb: np.ndarray, face_outline: np.ndarray, ied_px: float, roi: dict, search: list[dict],
               also_keep: np.ndarray | None = None,
               base: tuple[np.ndarray, np.ndarray] | None = None, subsampling: str = "4:2:0",
               trellis: dict | None = None, distance: np.ndarray | None = None,
               blurred: dict | None = None) -> list[Candidate]:
    """The pre-filtered versions of one portrait named in ``photo/data/chip.toml [encode.search]``
    (``base``: :func:`roi_prefilter`'s result with ``roi`` itself, reused where an entry keeps it).

    Each entry has a ``name`` and may override the ``[encode.roi]`` settings (e.g. a wider
    untouched band); with ``lowpass_margin_ied`` and ``lowpass_frequency_sum`` it adds
    :func:`block_lowpass` beyond that margin; with ``luma_bands`` or ``chroma_bands`` a JPEG
    encoding uses :func:`luma_table` / :func:`chroma_table` of them instead of the standard
    tables; with ``trellis = true`` a JPEG encoding is :func:`encode_trellis` with the lambdas of
    ``trellis`` (``[encode.trellis]``; ``trellis_face_lambda`` etc. in the entry override them);
    ``rescue = true`` marks a candidate tried only for a near miss;
    ``quality_offset`` its usual JPEG quality less the plain candidate's at the same budget, where
    the quality search starts (the quality found is the same, in fewer encodes). None of them
    changes a pixel inside the face outline (the margins are distances outside it).

    Each candidate's pre-filter (and trellis lambdas) is made on first use, once: the same
    pre-filter for two entries (e.g. with two quantisation tables) is shared."""
    out = []
    made: dict = {}  # pre-filter key -> (image, mask), filled as candidates are used
    if base is not None:
        made[(tuple(sorted(roi.items())), None)] = base  # the plain pre-filter, already made

    # the outline distance and the blurred portrait, made once (``distance`` and ``blurred``: those
    # the caller made for ``base``)
    shared: dict = {"blurred": {} if blurred is None else blurred}
    if distance is not None:
        shared["distance"] = distance

    def outline_dist() -> np.ndarray:
        if "distance" not in shared:
            shared["distance"] = outline_distance(rgb.shape[:2], face_outline)
        return shared["distance"]

    def prefilter(cfg: dict, lowpass: tuple | None) -> tuple[np.ndarray, np.ndarray]:
        key = (tuple(sorted(cfg.items())), lowpass)
        if key not in made:
            if lowpass is None:
                made[key] = roi_prefilter(rgb, face_outline, ied_px, cfg, also_keep=also_keep, distance=outline_dist(),
                                          blurred=shared["blurred"])
            else:
                img, mask = prefilter(cfg, None)
                img, changed = block_lowpass(img, face_outline, lowpass[0] * ied_px, lowpass[1],
                                             keep=also_keep.astype(bool) if also_keep is not None else None,
                                             distance=outline_dist())
                made[key] = img, np.where(changed, np.float32(0.0), mask).astype(np.float32)
        return made[key]

    for entry in search:
        cfg = {**roi, **{k: v for k, v in entry.items() if k in roi}}
        lowpass = (float(entry["lowpass_margin_ied"]), int(entry["lowpass_frequency_sum"])) \
            if "lowpass_margin_ied" in entry else None
        tables = ((tuple(luma_table(entry.get("luma_bands", []))), tuple(chroma_table(entry.get("chroma_bands", []))))
                  if entry.get("luma_bands") or entry.get("chroma_bands") else None)
        lambdas = None
        if entry.get("trellis"):
            opts = {**(trellis or {}), **{k[len("trellis_"):]: v for k, v in entry.items() if k.startswith("trellis_")}}
            lambdas = functools.partial(_lambdas_with_distance, rgb.shape[:2], face_outline, ied_px, opts,
                                        also_keep, subsampling, outline_dist)
        out.append(Candidate(str(entry["name"]), qtables=tables, rescue=bool(entry.get("rescue", False)),
                             trellis=lambdas, make=lambda cfg=cfg, lowpass=lowpass: prefilter(cfg, lowpass),
                             quality_offset=int(entry.get("quality_offset", 0))))
    return out


def _lambdas_with_distance(shape, face_outline, ied_px, entry, also_keep, subsampling, distance) -> tuple:
    """:func:`trellis_lambdas` with the outline distance made by ``distance()`` (shared, made once)."""
    return trellis_lambdas(shape, face_outline, ied_px, entry, also_keep=also_keep, subsampling=subsampling,
                           distance=distance())


def trellis_face_blocks(shape: tuple[int, int], face_outline: np.ndarray, ied_px: float, margin_ied: float,
                        block_px: int, also_keep: np.ndarray | None = None, mcu_px: int = 16,
                        distance: np.ndarray | None = None) -> np.ndarray:
    """``[rows, cols]`` bool: the ``block_px`` square blocks (JPEG's grid from the top-left, the
    image padded to whole ``mcu_px`` MCUs by repeating its edge) with any pixel within ``margin_ied`` of the face outline (or in
    ``also_keep``): the face region whose blocks all get the face's lambda. ``distance``:
    :func:`outline_distance` of ``shape`` and ``face_outline`` when already made."""
    h, w = shape
    if distance is None:
        distance = outline_distance((h, w), face_outline)
    face = distance <= margin_ied * ied_px
    if also_keep is not None:
        face |= also_keep.astype(bool)
    ph, pw = -(-h // mcu_px) * mcu_px, -(-w // mcu_px) * mcu_px
    face = np.pad(face, ((0, ph - h), (0, pw - w)), mode="edge")
    return face.reshape(ph // block_px, block_px, pw // block_px, block_px).any(axis=(1, 3))


def trellis_lambdas(shape: tuple[int, int], face_outline: np.ndarray, ied_px: float, entry: dict,
                    also_keep: np.ndarray | None = None, subsampling: str = "4:2:0",
                    distance: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(luma, chroma) per-block lambdas of a trellis encoding (``photo/data/chip.toml [encode.trellis]``
    ``face_lambda``, ``outside_lambda``, ``face_margin_ied``, given as ``entry``): every block
    touching the face region (the outline and the margin around it, and ``also_keep``) has the
    face's lambda, one value for all of them; only the blocks wholly outside it have the other.
    ``distance``: :func:`outline_distance` of ``shape`` and ``face_outline`` when already made."""
    if distance is None:
        distance = outline_distance(shape, face_outline)
    margin = float(entry["face_margin_ied"])
    inside, outside = float(entry["face_lambda"]), float(entry["outside_lambda"])
    out = []
    mcu = 16 if subsampling == "4:2:0" else 8
    for px in (8, mcu):
        face = trellis_face_blocks(shape, face_outline, ied_px, margin, px, also_keep, mcu_px=mcu, distance=distance)
        out.append(np.where(face, inside, outside))
    return out[0], out[1]


def _jpeg(img, quality: int, subsampling: str, qtables: tuple | None = None) -> bytes:
    buf = io.BytesIO()
    extra = {"qtables": [list(t) for t in qtables]} if qtables is not None else {}
    img.save(buf, "JPEG", quality=int(quality), optimize=True, subsampling=subsampling, **extra)
    return buf.getvalue()


def _jp2(img, ratio: float, resolutions: int, mct: int) -> bytes:
    # mct: Pillow's default is 0, which codes R, G and B as three unrelated images; 1 is the
    # irreversible colour transform (YCbCr) that the rate allocation needs to spend little on chroma
    buf = io.BytesIO()
    img.save(buf, "JPEG2000", quality_mode="rates", quality_layers=[float(ratio)], irreversible=True,
             num_resolutions=int(resolutions), mct=int(mct))
    return buf.getvalue()


def encode_trellis(rgb: np.ndarray, budget_bytes: int, settings: dict, lambdas: tuple,
                   hint: float | None = None, qtables: tuple | None = None,
                   size_ratio: float | None = None) -> Encoded:
    """The best baseline JPEG of ``rgb`` within ``budget_bytes`` made by the project's own writer
    (:mod:`photo.jpeg_writer`) with trellis quantisation (:mod:`photo.jpeg_trellis`): the tables
    of a quality (Annex K or ``qtables``, scaled as libjpeg scales them), each block's AC
    coefficients chosen with its lambda from ``lambdas`` (luma, chroma ``[rows, cols]``), the
    Huffman code lengths of the rounded coefficients as the rate.

    The quality: the highest that fits, as predicted and checked. A trellis file costs a few
    times what a rounded one does, so the rounded file's size (counted, not written) stands in
    for the steps not tried: the trellis file of a quality is the rounded one's size times the
    ratio measured on the last trellis file made. The search makes the trellis file at ``hint``
    (else at the highest quality whose rounded size fits the budget), jumps to the highest
    quality predicted to fit, and stops when a trellis file fits and the next quality is
    predicted not to (or was tried and did not): usually one or two trellis files. It may stop one
    quality short of the highest that fits when the prediction is off by a few bytes; it never
    returns a file over the budget. ``size_ratio`` (with ``hint``): the trellis/rounded size ratio
    expected before any trellis file is made (``[encode.trellis] size_ratio``): the first file is
    made at the quality it predicts to fit, stepping from ``hint`` on rounded sizes (counted, far
    cheaper than a trellis file), so that one trellis file is usually enough."""
    from photo import jpeg_trellis, jpeg_writer

    cfg = settings["encode"]
    sub = cfg["jpeg_subsampling"]
    lo, hi = (int(v) for v in cfg["jpeg_quality_range"])
    h, w = rgb.shape[:2]
    coef = jpeg_writer.forward(rgb, sub)
    base = qtables or (ANNEX_K_LUMA, ANNEX_K_CHROMA)
    lam = (lambdas[0], lambdas[1], lambdas[1])
    rounded: dict = {}
    files: dict = {}

    def rounding(q: int):
        if q not in rounded:
            tabs = jpeg_writer.quality_tables(q, *base)
            quant = [np.round(c / t).astype(np.int64) for c, t in zip(coef, (tabs[0], tabs[1], tabs[1]), strict=True)]
            lengths, bits = jpeg_writer.scan_statistics(quant, sub)
            rounded[q] = tabs, (lengths[1], lengths[3]), bits / 8 + jpeg_writer.header_bytes(lengths)
        return rounded[q]

    def trellis_file(q: int) -> bytes:
        if q not in files:
            (lt, ct), ac, _ = rounding(q)
            quant = [jpeg_trellis.quantise(c, t, lm, ac[min(i, 1)])
                     for i, (c, t, lm) in enumerate(zip(coef, (lt, ct, ct), lam, strict=True))]
            files[q] = jpeg_writer.write(quant, (lt, ct), w, h, sub)
        return files[q]

    if hint is not None:
        q = min(hi, max(lo, int(hint)))
        if size_ratio is not None:  # to the highest quality the expected ratio predicts to fit
            while q > lo and size_ratio * rounding(q)[2] > budget_bytes:
                q -= 1
            while q < hi and size_ratio * rounding(q + 1)[2] <= budget_bytes:
                q += 1
    else:  # the highest quality whose rounded file fits (the trellis file is smaller): a bisection
        a, b, q = lo, hi, lo
        while a <= b:
            mid = (a + b) // 2
            if rounding(mid)[2] <= budget_bytes:
                q, a = mid, mid + 1
            else:
                b = mid - 1
    fit, fail = None, hi + 1  # the best quality known to fit, the lowest known not to
    while True:
        size = len(trellis_file(q))
        ratio = size / rounding(q)[2]
        if size <= budget_bytes:
            fit = q
        else:
            fail = min(fail, q)
        if fit is not None:
            nxt = fit
            while nxt + 1 < fail and ratio * rounding(nxt + 1)[2] <= budget_bytes:
                nxt += 1
            if nxt == fit:
                break  # the next quality is predicted (or known) not to fit
        else:
            nxt = fail - 1
            while nxt > lo and ratio * rounding(nxt)[2] > budget_bytes:
                nxt -= 1
            if nxt < lo:
                break
        q = nxt
    if fit is None:
        raise BudgetTooSmall(f"{budget_bytes} bytes is too small for a {w}x{h} JPEG "
                             f"(quality {lo} needs more)")
    return Encoded(files[fit], "jpeg", fit, len(files))


def _quality_search(at, budget_bytes: int, cfg: dict, hint: float | None) -> tuple[bytes | None, int, int]:
    """(the file of the highest quality whose file ``at(quality)`` fits, that quality, encodes made).

    A secant search on the file's log size: from ``hint`` (a neighbouring candidate's quality) or
    the middle of the range, each next quality is the one the last two sizes predict to meet the
    budget, kept strictly between the highest quality known to fit and the lowest known not to,
    until the two are neighbours. The size grows with the quality (the search assumes it), so this
    is the quality a bisection finds, in about three encodes instead of seven (or of one per step
    from a hint)."""
    import math

    lo, hi = (int(v) for v in cfg["jpeg_quality_range"])
    files: dict[int, bytes] = {}
    fit, fail = lo - 1, hi + 1  # the highest quality known to fit, the lowest known not to
    q = int(hint) if hint is not None and lo <= int(hint) <= hi else (lo + hi) // 2
    slope = 0.03  # d ln(size) / d quality before two sizes are known (JPEG at 40-90)
    prev = None
    while True:
        files[q] = at(q)
        size = len(files[q])
        if size <= budget_bytes:
            fit = max(fit, q)
        else:
            fail = min(fail, q)
        if fail - fit <= 1:
            break
        if prev is not None and prev[0] != q and prev[1] != size:
            slope = max(1e-3, (math.log(size) - math.log(prev[1])) / (q - prev[0]))
        prev = (q, size)
        step = math.log(budget_bytes / size) / slope
        nxt = q + (math.floor(step) if step >= 0 else -math.ceil(-step))
        q = min(fail - 1, max(fit + 1, nxt))
    if fit < lo:
        return None, 0, len(files)
    return files[fit], fit, len(files)


def encode(rgb: np.ndarray, codec: str, budget_bytes: int, settings: dict, hint: float | None = None,
           qtables: tuple | None = None) -> Encoded:
    """The best-quality encoding of ``rgb`` that fits ``budget_bytes`` (BudgetTooSmall if none does).

    ``hint``: a JPEG quality to start from (that of a similar image at the same budget): the
    search steps from it to the highest quality that fits, in fewer encodes than the bisection
    when the hint is close. ``qtables``: JPEG only, the (luma, chroma) base tables (64 values
    each, row by row) that the quality scales, instead of libjpeg's (Annex K)."""
    from PIL import Image

    if codec not in CODECS:
        raise ValueError(f"codec must be one of {', '.join(CODECS)}")
    cfg = settings["encode"]
    img = Image.fromarray(np.ascontiguousarray(rgb), "RGB")
    if codec == "jpeg":
        best, best_q, tries = _quality_search(lambda q: _jpeg(img, q, cfg["jpeg_subsampling"], qtables),
                                              budget_bytes, cfg, hint)
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
