"""The chip portrait: an accepted application photo as the colour face image of the card's IC chip.

    >>> import photo
    >>> p = photo.chip_portrait("me.jpg", budget_bytes=5000)       # token frontal, JPEG
    >>> p.image, p.record, p.dg2, p.width, p.height, p.quality["drift_p95_pct"]

Flow: the photo's analysis and check report (made here from a path or bytes, or passed in:
never analysed twice) -> refused with the report's reasons when a subject check fails
(pose, eyes, mouth, expression, head covering, lighting) -> the frame from the landmarks
(:mod:`photo.chip_geometry`) -> the uncompressed portrait -> region-of-interest pre-filter
and the best quality within the byte budget (:mod:`photo.chip_encode`) -> the ISO/IEC
19794-5 record (:mod:`photo.iso19794`) inside ICAO DG2 (:mod:`photo.dg2`) -> the decoded
portrait measured against the uncompressed one (:mod:`photo.chip_quality`).

Settings (geometry, refusal list, encoder, targets, chart budgets) are in
``photo/data/chip.toml``. Errors: :class:`ChipRefused` (``chip.refused``, carrying the
failed checks), ``chip.no_face``, ``chip.face_too_small``, ``chip.budget_too_small``,
``chip.invalid_option`` (an unknown codec or kind, a budget, width or 19794-5 subject code that
is not a whole number in range) and the loader's ``input.*`` codes, raised as the loader raises
them (:class:`photo.errors.InputError` subclasses).
"""

from __future__ import annotations

import time
import tomllib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, partial
from importlib import resources
from typing import Any

import numpy as np

from photo import iso19794
from photo.chip_errors import BudgetTooSmall, ChipError, ChipRefused
from photo.errors import input_error, is_whole

__all__ = ["BudgetTooSmall", "ChipError", "ChipPortrait", "ChipRefused", "chip_portrait", "encode_prepared",
           "prepare", "rate_quality", "read_back", "settings"]

KINDS = ("token", "full")
CODEC_ALIASES = {"jpeg": "jpeg", "jpg": "jpeg", "jpeg2000": "jpeg2000", "jp2": "jpeg2000", "j2k": "jpeg2000"}

# MPEG-4 feature points written to the record (ISO/IEC 14496-2 Annex C, as 19794-5 uses them).
# MPEG-4 left/right are the SUBJECT's: 12.1 is the subject's left eye, which appears on the
# image's right (mediapipe iris 473); 8.3 the subject's left mouth corner (image right, 291).
FEATURE_POINTS = {"12.1": 473, "12.2": 468, "9.3": 1, "8.3": 291, "8.4": 61, "2.1": 152}


@lru_cache(maxsize=1)
def settings() -> dict:
    """``photo/data/chip.toml``."""
    with resources.files("photo").joinpath("data/chip.toml").open("rb") as f:
        return tomllib.load(f)


@dataclass
class ChipPortrait:
    """One chip portrait: the encoded image, its 19794-5 record and DG2, and what the coding cost."""

    image: bytes
    codec: str  # "jpeg" | "jpeg2000"
    kind: str  # "token" | "full"
    width: int
    height: int
    record: bytes  # ISO/IEC 19794-5 version 010
    dg2: bytes  # ICAO Doc 9303-10 data group 2
    budget_bytes: int
    quality: dict  # drift_p95_pct, drift_median_pct, skin_delta_e00, ssim_face, meets_target ...
    geometry: dict
    encoder: dict
    feature_points: dict  # MPEG-4 name -> [x, y] portrait px
    profile: str
    file: str | None = None
    seconds: dict = field(default_factory=dict)
    report: Any = field(default=None, repr=False)  # the PhotoReport the refusal rules read
    uncompressed: np.ndarray | None = field(default=None, repr=False)  # the portrait before coding

    @property
    def suffix(self) -> str:
        return ".jpg" if self.codec == "jpeg" else ".jp2"

    def to_dict(self) -> dict:
        return {"file": self.file, "kind": self.kind, "codec": self.codec, "width": self.width,
                "height": self.height, "budget_bytes": self.budget_bytes, "image_bytes": len(self.image),
                "record_bytes": len(self.record), "dg2_bytes": len(self.dg2), "profile": self.profile,
                "quality": {k: v for k, v in self.quality.items() if k != "decoded_landmarks"},
                "geometry": self.geometry, "encoder": self.encoder,
                "feature_points": self.feature_points,
                "seconds": {k: round(v, 4) for k, v in self.seconds.items()}}


# ------------------------------------------------------------------------------------------ inputs
def _analysis_and_report(source: Any, report: Any, prof) -> tuple[Any, Any, str | None]:
    from photo.analysis import FaceAnalysis
    from photo.checker import analyse_and_check, run_checks, source_name
    from photo.report import PhotoReport

    if isinstance(source, tuple) and len(source) == 2 and isinstance(source[0], FaceAnalysis):
        source, report = source
    if report is not None and not isinstance(report, PhotoReport):
        raise ChipError(f"report must be a PhotoReport or None, not {type(report).__name__}",
                        code="chip.invalid_option")
    if isinstance(source, FaceAnalysis):
        if report is None:
            report = run_checks(source, prof)  # the checks read the analysis' cached results
        return source, report, report.file
    if report is not None:
        raise ChipError("a report is only reused together with its analysis (pass (analysis, report))",
                        code="chip.invalid_option")
    analysis, rep = analyse_and_check(source, prof)
    if analysis is None:  # the loader refused it: the report says why, with the input.* code
        raise input_error(rep.error["code"], rep.error["message"])  # the class photo.load raises for it
    return analysis, rep, source_name(source, None)


def refusal_reasons(report, cfg: dict | None = None) -> list[dict]:
    """The failed subject checks of a report (what ``photo check`` prints for them)."""
    listed = set((cfg or settings())["refuse"]["checks"])
    return [c.to_dict() for c in report.failed if c.id in listed]


def _whole(name: str, value: Any) -> int:
    """``value`` as an int when it is a whole number (not a bool, a float or text); ``chip.invalid_option`` else."""
    if not is_whole(value):
        raise ChipError(f"{name} must be a whole number, not {value!r:.40}", code="chip.invalid_option")
    return int(value)


def _options(codec: str, kind: str, budget_bytes: int | None, width_px: int | None, cfg: dict) -> tuple[str, int, int]:
    c = CODEC_ALIASES.get(str(codec).lower())
    if c is None:
        raise ChipError(f"unknown codec {codec!r} (jpeg or jpeg2000)", code="chip.invalid_option")
    if not isinstance(kind, str) or kind not in KINDS:
        raise ChipError(f"unknown kind {kind!r} (token or full)", code="chip.invalid_option")
    budget = _whole("budget_bytes", budget_bytes if budget_bytes is not None else cfg[kind]["default_budget_bytes"])
    if budget < 500:
        raise ChipError(f"a budget of {budget} bytes is below 500 (the record and DG2 alone take ~110)",
                        code="chip.invalid_option")
    w = _whole("width_px", width_px if width_px is not None else cfg[kind]["width_px"])
    if w < cfg[kind]["min_width_px"]:
        raise ChipError(f"a {kind} portrait is at least {cfg[kind]['min_width_px']} px wide", code="chip.invalid_option")
    if w > cfg[kind]["max_width_px"]:  # its frame is built before the face's size is compared with it
        raise ChipError(f"a {kind} portrait is at most {cfg[kind]['max_width_px']} px wide", code="chip.invalid_option")
    return c, budget, w


def _subject_codes(gender: Any, eye_colour: Any, hair_colour: Any) -> None:
    """``chip.invalid_option`` unless ``gender`` is one of the 19794-5 gender codes
    (:data:`photo.iso19794.GENDER`) and the eye and hair colours are codes of one byte (0-255)."""
    if not is_whole(gender) or gender not in iso19794.GENDER.values():
        codes = ", ".join(f"{v} {k}" for k, v in iso19794.GENDER.items())
        raise ChipError(f"gender must be a 19794-5 gender code ({codes}), not {gender!r:.40}",
                        code="chip.invalid_option")
    for name, v in (("eye_colour", eye_colour), ("hair_colour", hair_colour)):
        if not is_whole(v) or not 0 <= v <= 255:
            raise ChipError(f"{name} must be a 19794-5 code of one byte (0-255; 0 unspecified), not {v!r:.40}",
                            code="chip.invalid_option")


# ------------------------------------------------------------------------------------------ record
def face_image(data: bytes, codec: str, kind: str, width: int, height: int, points: dict, pose: tuple,
               expression: int, *, gender: int = 0, eye_colour: int = 0, hair_colour: int = 0) -> iso19794.FaceImage:
    return iso19794.FaceImage(
        image=data, width=width, height=height, image_type=iso19794.IMAGE_TYPE[kind],
        data_type=iso19794.DATA_TYPE[codec], colour_space=iso19794.COLOUR_SPACE["rgb24"],
        source_type=iso19794.SOURCE_TYPE["static_photo_unknown"], gender=gender, eye_colour=eye_colour,
        hair_colour=hair_colour, expression=expression, pose=tuple(iso19794.pose_code(a) for a in pose),
        points=tuple(iso19794.FeaturePoint(n, int(x), int(y)) for n, (x, y) in points.items()))


def _expression(report) -> int:
    """Neutral when the profile's expression checks ran and passed; else unspecified."""
    ran = [c for c in report.checks if c.id in ("expression.neutral", "mouth.closed")]
    if ran and all(c.passed and c.evaluated for c in ran):
        return iso19794.EXPRESSION["neutral"]
    return iso19794.EXPRESSION["unspecified"]


# ------------------------------------------------------------------------------------------ the API
@dataclass
class Prepared:
    """Everything before coding, computed once per photo: reused for every budget of a sweep."""

    analysis: Any
    report: Any
    file: str | None
    kind: str
    placement: Any
    uncompressed: np.ndarray  # the portrait before any pre-filter
    prefiltered: np.ndarray
    keep_mask: np.ndarray  # 1.0 where the pre-filtered portrait is the uncompressed one, bit for bit
    roi: bool
    reference_landmarks: np.ndarray | None
    profile: str
    seconds: dict
    reference_landmarks_stable: np.ndarray | None = None  # prepare(stable_drift=True): for the stable drift
    reference_landmarks_shifted: np.ndarray | None = None  # prepare(stable_drift=True): translated runs only
    alternatives: list = field(default_factory=list)  # chip_encode.Candidate: other pre-filters the search may choose
    # makes the (luma, chroma) per-block lambdas of [encode.trellis] for this portrait (:attr:`trellis_lambdas`)
    trellis_lambdas_make: Any = field(default=None, repr=False)

    @cached_property
    def trellis_lambdas(self) -> tuple | None:
        """(luma, chroma) per-block lambdas of ``[encode.trellis]`` for this portrait, made on first
        use (only ``trellis=True`` codes the plain candidate with them)."""
        return None if self.trellis_lambdas_make is None else self.trellis_lambdas_make()


def _head_mask(analysis, pl) -> np.ndarray:
    """The head with its hair in portrait px: the person mask (probability > 0.5) above the chin."""
    import cv2

    from photo.chip_geometry import apply

    person = np.asarray(analysis.person, np.float32)
    h, w = analysis.rgb.shape[:2]
    m = pl.matrix.copy()
    m[:, 0] *= w / person.shape[1]  # person mask px -> working px -> portrait px
    m[:, 1] *= h / person.shape[0]
    warped = cv2.warpAffine(person, m, (pl.width, pl.height), flags=cv2.INTER_LINEAR)
    chin_y = float(apply(pl.matrix, [analysis.chin])[0][1])
    rows = np.arange(pl.height)[:, None] <= chin_y
    return (warped > 0.5) & rows


def prepare(source: Any, *, kind: str = "token", profile: Any = None, report: Any = None,
            width_px: int | None = None, measure: bool = True, roi: bool | None = None,
            stable_drift: bool = False) -> Prepared:
    """Analysis, refusal, frame, uncompressed portrait, pre-filter and its reference landmarks.

    ``roi=False`` skips the region-of-interest pre-filter (the naive encoding, for comparison).
    ``stable_drift=True`` also measures the stable drift (:mod:`photo.chip_quality`; three more
    landmark runs here and three per encoding)."""
    from photo import profile as profile_mod
    from photo.chip_encode import candidates, outline_distance, roi_prefilter, trellis_lambdas
    from photo.chip_geometry import place, render
    from photo.chip_quality import landmark_runs, landmarks

    cfg = settings()
    prof = profile_mod.get(profile or cfg["refuse"]["default_profile"])
    _, _, w = _options("jpeg", kind, 1000, width_px, cfg)
    analysis, rep, name = _analysis_and_report(source, report, prof)
    t0 = time.perf_counter()
    if not analysis.has_face:
        raise ChipError("no face found in the photo", code="chip.no_face")
    reasons = refusal_reasons(rep, cfg)
    if reasons:
        raise ChipRefused("refused for the chip: " + "; ".join(f"{r['id']}: {r['message_en']}" for r in reasons),
                          reasons=reasons, report=rep)
    pl = place(analysis, kind, cfg, w)
    if pl.scale > 1.0 + 1e-6:
        need = pl.ied / pl.scale
        raise ChipError(f"the face is too small for a {pl.width} px wide {kind} portrait: {need:.0f} px between "
                        f"the eyes in the photo's working image, {pl.ied:.0f} px needed", code="chip.face_too_small")
    from photo.analysis import FACE_OVAL

    uncompressed = render(analysis.rgb, pl)
    roi_cfg = dict(cfg["encode"]["roi"])
    if roi is not None:
        roi_cfg["enabled"] = bool(roi)
    head = _head_mask(analysis, pl) if kind == "full" and cfg["full"].get("keep_head", True) else None
    outline = pl.landmarks[list(FACE_OVAL)]
    # the outline distance and the blurred portrait, made once for the plain pre-filter and the candidates'
    dist = outline_distance(uncompressed.shape[:2], outline) if roi_cfg["enabled"] else None
    blurred: dict = {}
    pre, keep = roi_prefilter(uncompressed, outline, pl.ied, roi_cfg, also_keep=head, distance=dist, blurred=blurred)
    search = cfg["encode"]["search"]
    sub = cfg["encode"]["jpeg_subsampling"]
    alternatives = (candidates(uncompressed, outline, pl.ied, roi_cfg, search["alternatives"], also_keep=head,
                               base=(pre, keep), subsampling=sub, trellis=cfg["encode"]["trellis"],
                               distance=dist, blurred=blurred)
                    if roi_cfg["enabled"] and measure else [])
    lambdas = partial(trellis_lambdas, uncompressed.shape[:2], outline, pl.ied, cfg["encode"]["trellis"],
                                also_keep=head, subsampling=sub, distance=dist)
    t1 = time.perf_counter()
    ref = landmarks(uncompressed) if measure else None
    ref_stable = ref_shifted = None
    if measure and stable_drift and ref is not None:
        runs = landmark_runs(uncompressed, cfg["quality"]["stable_shifts_px"], ref)
        if runs is not None:
            ref_stable, ref_shifted = np.mean(runs, axis=0), np.mean(runs[1:], axis=0)
    t2 = time.perf_counter()
    return Prepared(analysis=analysis, report=rep, file=name, kind=kind, placement=pl, uncompressed=uncompressed,
                    prefiltered=pre, keep_mask=keep, roi=bool(roi_cfg["enabled"]), reference_landmarks=ref,
                    profile=prof.name, seconds={"frame": t1 - t0, "reference_landmarks": t2 - t1},
                    reference_landmarks_stable=ref_stable, reference_landmarks_shifted=ref_shifted,
                    alternatives=alternatives, trellis_lambdas_make=lambdas)


def candidate_cost_ms(cand, search_cfg: dict) -> float:
    """A candidate's nominal cost in the search (``photo/data/chip.toml [encode.search]``):
    ``trellis_cost_ms`` for a trellis candidate, ``cost_ms`` for a Pillow one; 0 when the settings
    state no costs."""
    return float(search_cfg.get("trellis_cost_ms" if cand.uses_trellis else "cost_ms", 0.0))


def _search(prep: Prepared, codec: str, budget: int, cfg: dict, search: bool, trellis: bool = False):
    """(encoding, its measures or None, its candidate's name, the search's log): the plain ROI pre-filter's encoding,
    or, searching, whichever candidate's decoded landmarks stay closest (skin colour within its
    limit first). Each candidate is encoded at the budget, decoded and run through the landmark
    model once: analysis by synthesis, with the measure the target is stated in. The search
    stops at the first candidate whose drift is already within ``good_enough_drift_pct``, and
    the rescue candidates (listed last) are tried only for a near miss: while no candidate meets
    the target and the closest is within ``rescue_below_drift_pct`` (skin colour within its limit).
    The search's cost is bounded: each candidate tried counts its nominal cost
    (:func:`candidate_cost_ms`), and one that would take the total past ``max_cost_ms`` is not
    tried (deterministic: stated costs, not a clock).
    ``trellis``: the plain candidate is coded by :func:`photo.chip_encode.encode_trellis`."""
    from photo.chip_encode import Candidate, decode, encode, encode_trellis
    from photo.chip_quality import drift_pct, landmarks, meets, skin_patches_delta_e00, skin_reference

    name = ("roi" if prep.roi else "none") + ("_trellis" if trellis else "")
    pool = [Candidate(name, prep.prefiltered, prep.keep_mask, trellis=prep.trellis_lambdas if trellis else None)]
    if search and prep.reference_landmarks is not None:
        pool += list(prep.alternatives)
    if len(pool) == 1:
        if trellis:
            return encode_trellis(pool[0].image, budget, cfg, pool[0].trellis), None, name, []
        return encode(pool[0].image, codec, budget, cfg), None, name, []
    targets, pl = cfg["quality"], prep.placement
    best, met = None, False
    log, trellis_hint, plain_q = [], None, None
    trellis_offset = int(cfg["encode"]["trellis"]["quality_offset"])
    size_ratio = cfg["encode"]["trellis"].get("size_ratio")
    skin_ref = skin_reference(prep.uncompressed, pl.landmarks)
    search_cfg = cfg["encode"]["search"]
    rescue_below = float(search_cfg["rescue_below_drift_pct"])
    max_cost = search_cfg.get("max_cost_ms")
    spent = 0.0
    for cand in pool:
        if (cand.qtables is not None or cand.uses_trellis) and codec != "jpeg":
            continue  # a quantisation-table or trellis candidate is JPEG's own
        near_miss = (best is not None and not met and best[0][:2] == (False, False)  # skin within, drift measured
                     and best[0][2] <= rescue_below)
        if cand.rescue and not near_miss:
            continue  # a rescue candidate only for a near miss: none so far meets the target, the closest is close
        cost = candidate_cost_ms(cand, search_cfg)
        if max_cost is not None and spent + cost > float(max_cost):
            continue  # past the search's cost bound: not tried (a cheaper one further on may be)
        spent += cost
        cpu0 = time.process_time()
        try:
            if cand.uses_trellis:
                enc = encode_trellis(cand.image, budget, cfg, cand.trellis, hint=trellis_hint, qtables=cand.qtables,
                                     size_ratio=size_ratio)
            else:  # from the plain candidate's quality and this one's usual offset to it (JPEG reads it)
                start: float | None = None if plain_q is None else plain_q + cand.quality_offset
                enc = encode(cand.image, codec, budget, cfg, hint=start, qtables=cand.qtables)
        except BudgetTooSmall:
            log.append({"name": cand.name, "error": "chip.budget_too_small"})
            continue
        if cand.uses_trellis:
            trellis_hint = enc.setting
        else:
            if plain_q is None:  # the first Pillow candidate's: the plain one's
                plain_q = enc.setting
            if trellis_hint is None:
                trellis_hint = plain_q + trellis_offset
        decoded = decode(enc.data)
        lm = landmarks(decoded)
        drift = None if lm is None else drift_pct(lm, prep.reference_landmarks, pl.ied)[0]
        patches = skin_patches_delta_e00(prep.uncompressed, decoded, pl.landmarks, ref=skin_ref)
        skin = max(patches.values()) if patches else None
        skin_ok = skin is not None and skin <= targets["max_skin_delta_e00"]
        key = (not skin_ok, drift is None, drift if drift is not None else 0.0)
        log.append({"name": cand.name, "bytes": len(enc.data), "setting": round(float(enc.setting), 2),
                    "drift_p95_pct": drift, "skin_delta_e00": skin,
                    # what trying it cost (its pre-filter, encoding, decoding, landmark run and skin colours):
                    # CPU of every thread, so the load inflates it; bench/chip.py reports it per candidate
                    "cpu_ms": round((time.process_time() - cpu0) * 1000, 1)})
        met = met or meets(drift, skin, targets)
        if best is None or key < best[0]:
            best = (key, enc, {"decoded": decoded, "decoded_landmarks": lm, "skin_patches": patches}, cand.name)
        if skin_ok and drift is not None and drift <= float(search_cfg["good_enough_drift_pct"]):
            break  # well within the target already: the other candidates are not tried
    if best is None:
        raise BudgetTooSmall(f"{budget} bytes is too small for a {pl.width}x{pl.height} {codec} portrait")
    return best[1], best[2], best[3], log


def encode_prepared(prep: Prepared, *, budget_bytes: int, codec: str = "jpeg", measure: bool = True,
                    gender: int = 0, eye_colour: int = 0, hair_colour: int = 0,
                    search: bool | None = None, trellis: bool = False) -> ChipPortrait:
    """The portrait of a :class:`Prepared` photo at one budget (see :func:`chip_portrait`)."""
    from photo import dg2
    from photo.chip_encode import decode
    from photo.chip_geometry import tolerances
    from photo.chip_quality import measure as measure_fn

    cfg = settings()
    codec, budget, _ = _options(codec, prep.kind, budget_bytes, prep.placement.width, cfg)
    _subject_codes(gender, eye_colour, hair_colour)
    pl = prep.placement
    if trellis and codec != "jpeg":
        raise ChipError("the trellis encoder writes baseline JPEG only", code="chip.invalid_option")
    if search is None:
        search = bool(cfg["encode"]["search"]["enabled"])
    search = search and measure
    t0 = time.perf_counter()
    # the budget bounds the encoded image (as the figures do); the record adds
    # 14 + 20 + 8 per point + 12 bytes and DG2 about 30 more, reported beside it
    enc, chosen, name, log = _search(prep, codec, budget, cfg, search, trellis)
    points = {n: [round(float(v)) for v in pl.landmarks[i]] for n, i in FEATURE_POINTS.items()}
    pose = prep.analysis.pose
    roll = pose.roll_deg + pl.rotation_deg  # the frame levelled the eyes: the portrait's roll
    img = face_image(enc.data, codec, prep.kind, pl.width, pl.height, points,
                     (pose.yaw_deg, pose.pitch_deg, roll), _expression(prep.report),
                     gender=gender, eye_colour=eye_colour, hair_colour=hair_colour)
    record = iso19794.build(img)
    group = dg2.build(record)
    t1 = time.perf_counter()
    quality: dict = {}
    geometry = pl.to_dict()
    if measure:
        decoded = chosen["decoded"] if chosen is not None else decode(enc.data)
        quality = measure_fn(prep.uncompressed, decoded, prep.reference_landmarks, pl.landmarks, pl.ied,
                             cfg["quality"], ref_stable=prep.reference_landmarks_stable,
                             ref_shifted=prep.reference_landmarks_shifted,
                             decoded_landmarks=chosen["decoded_landmarks"] if chosen is not None else None,
                             skin_patches=chosen["skin_patches"] if chosen is not None else None)
        lm = quality.get("decoded_landmarks")
        eyes = (lm[468, :2], lm[473, :2]) if lm is not None else (None, None)
        geometry["tolerance"] = tolerances(pl, eyes[0], eyes[1], cfg)
    t2 = time.perf_counter()
    return ChipPortrait(image=enc.data, codec=codec, kind=prep.kind, width=pl.width, height=pl.height,
                        record=record, dg2=group, budget_bytes=budget, quality=quality, geometry=geometry,
                        encoder={**enc.to_dict(), "roi": prep.roi,
                                 "candidate": name, "search": log},
                        feature_points=points, profile=prep.profile, file=prep.file,
                        seconds={**prep.seconds, "encode": t1 - t0, "measure": t2 - t1},
                        report=prep.report, uncompressed=prep.uncompressed)


def chip_portrait(source: Any, *, budget_bytes: int | None = None, codec: str | None = None, kind: str = "token",
                  profile: Any = None, report: Any = None, width_px: int | None = None, measure: bool = True,
                  gender: int = 0, eye_colour: int = 0, hair_colour: int = 0,
                  stable_drift: bool = False, search: bool | None = None, trellis: bool = False) -> ChipPortrait:
    """The chip portrait of one photo.

    ``source``: a path, bytes, a PIL image or RGB array (analysed and checked here), a
    :class:`photo.analysis.FaceAnalysis` (checked on its cached results) or an ``(analysis,
    report)`` pair from :func:`photo.checker.analyse_and_check` (nothing re-run). ``profile``:
    the photo profile whose subject checks must pass (default ``mynumber-next``).
    ``budget_bytes``: the encoded image's maximum size (default per kind in chip.toml).
    ``codec``: "jpeg" or "jpeg2000" (also "jp2"). ``kind``: "token" or "full". ``gender``,
    ``eye_colour``, ``hair_colour``: 19794-5 codes when known from the application (0 =
    unspecified; gender one of :data:`photo.iso19794.GENDER`, the colours 0-255). ``measure=False`` skips the quality measures (no landmark model runs);
    ``stable_drift=True`` adds the stable drift (six more landmark runs, see :mod:`photo.chip_quality`).
    ``search`` (default ``photo/data/chip.toml [encode.search] enabled``): encode each candidate
    pre-filter at the budget and keep the one whose decoded landmarks stay closest (one landmark
    run per candidate; needs ``measure``). ``trellis=True`` (JPEG only): the plain region-of-interest
    candidate is coded by the project's own baseline JPEG writer with trellis quantisation
    (``photo/data/chip.toml [encode.trellis]``) instead of Pillow.
    """
    cfg = settings()
    codec = codec or cfg["encode"]["default_codec"]
    c, _, _ = _options(codec, kind, budget_bytes, width_px, cfg)  # bad options fail before any analysis
    _subject_codes(gender, eye_colour, hair_colour)
    if trellis and c != "jpeg":
        raise ChipError("the trellis encoder writes baseline JPEG only", code="chip.invalid_option")
    prep = prepare(source, kind=kind, profile=profile, report=report, width_px=width_px, measure=measure,
                   stable_drift=stable_drift)
    return encode_prepared(prep, budget_bytes=budget_bytes if budget_bytes is not None
                           else cfg[kind]["default_budget_bytes"], codec=codec, measure=measure,
                           gender=gender, eye_colour=eye_colour, hair_colour=hair_colour, search=search,
                           trellis=trellis)


def rate_quality(prep: Prepared, budgets_bytes: list[int] | None = None, codec: str | None = None) -> list[dict]:
    """Bytes against each measure for several budgets (one prepared photo): rows for the chart."""
    cfg = settings()
    rows = []
    for b in budgets_bytes or cfg["chart"]["budgets_bytes"]:
        try:
            p = encode_prepared(prep, budget_bytes=int(b), codec=codec or cfg["encode"]["default_codec"])
        except ChipError as err:
            rows.append({"budget_bytes": int(b), "error": err.code})
            continue
        q = p.quality
        rows.append({"budget_bytes": int(b), "bytes": len(p.image), "drift_p95_pct": q["drift_p95_pct"],
                     "skin_delta_e00": q["skin_delta_e00"], "ssim_face": q["ssim_face"],
                     "meets_target": q["meets_target"]})
    return rows


def read_back(record: bytes, dg2_bytes: bytes | None = None) -> dict:
    """Parse a record (and the DG2 around it) back: the reader every written file must satisfy."""
    from photo import dg2 as dg2_mod
    from photo.chip_encode import decode

    rec = iso19794.parse(record)
    out = {"record": rec.to_dict()}
    img = rec.images[0]
    px = decode(img.image)
    if px.shape[:2] != (img.height, img.width):
        raise iso19794.RecordError(f"image is {px.shape[1]}x{px.shape[0]}, the record says {img.width}x{img.height}")
    if dg2_bytes is not None:
        g = dg2_mod.parse(dg2_bytes)
        if g.records[0] != record:
            raise iso19794.RecordError("the DG2's data block is not this record")
        out["dg2"] = g.to_dict()
    return out
