"""Evidence from one photo that it shows a real card: its edge, 0.76 mm thick, in the core colour.

1. the card is located (:func:`~cardface.oblique.locate`) and the camera's pose recovered
   from its four corners (focal length from the card's known aspect ratio, principal point at
   the photo's centre);
2. for each side of the face, the pose says how wide a 0.76 mm slab's wall would look
   (``expected_px``; zero where the wall faces away);
3. across each side, a colour profile (median of lines along the side) is fitted with
   face | band | background (edges blurred by a Gaussian); the band's width in px becomes a
   thickness in mm through the pose, its colour is white-balanced by the face beside it and
   compared with the layout's ``core_color``;
   where the widest wall the pose allows is under a band's bound but at least 0.4 px, the core's
   colour that wall adds to the edge's pixels is measured instead (:mod:`cardface.oblique.subpixel`);
   before a band proves a card, the sides where no wall can show are searched for the line of the
   core's colour that a print would put there, as wide as the face's scale across each side makes
   it (:mod:`cardface.oblique.printedline`);
4. the card's face is searched for a display's pixel grid (a peak in the colour-difference
   spectrum), clipped glare, and the photo for blur and a cut-off card;
5. a verdict: ``card``, ``flat``, ``screen`` or ``retake`` with reasons (codes and
   messages in ``evidence.toml``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from cardface.oblique import printedline, subpixel
from cardface.oblique.bezel import bezel_mm
from cardface.oblique.config import card_size
from cardface.oblique.edgemodel import YCC as _YCC
from cardface.oblique.edgemodel import distinct_steps
from cardface.oblique.edgemodel import normal_cdf as _logistic
from cardface.oblique.geometry import Pose, Quad, card_pose

_FILE = Path(__file__).with_name("evidence.toml")
SIDES = ("top", "right", "bottom", "left")
VERDICTS = ("card", "flat", "screen", "retake")


@cache
def limits() -> dict:
    """The thresholds of ``evidence.toml`` (cached)."""
    with _FILE.open("rb") as f:
        return tomllib.load(f)


@dataclass(frozen=True)
class Reason:
    code: str
    message: str
    message_ja: str

    @classmethod
    def of(cls, code: str, detail: str = "") -> Reason:
        en, ja = limits()["messages"][code]
        return cls(code, en + (f" ({detail})" if detail else ""), ja)

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "message_ja": self.message_ja}


@dataclass(frozen=True)
class EdgeSide:
    """One side of the face: what a 0.76 mm slab would show there and what the photo shows."""

    side: str  # top, right, bottom, left of the face as read
    expected_px: float  # width of a 0.76 mm wall at the measured pose (<= 0: the wall faces away)
    px_per_mm: float  # of thickness, across this side, at the measured pose
    present: bool  # a band is seen
    width_px: float  # the band's width (0 when none)
    thickness_mm: float | None  # width_px / px_per_mm, for a side where the wall can show
    rgb: tuple[int, int, int] | None  # the band's colour as photographed
    face_rgb: tuple[int, int, int]  # the face next to the edge
    background_rgb: tuple[int, int, int]
    fit_ratio: float  # residual of a plain step / residual of face|band|background
    sigma_px: float  # the fitted blur of the edges
    wall_rgb: tuple[int, int, int] | None = None  # a wall of the expected width's colour (see wall_colour)

    def to_dict(self) -> dict:
        return {"side": self.side, "expected_px": round(self.expected_px, 2), "px_per_mm": round(self.px_per_mm, 2),
                "present": self.present, "width_px": round(self.width_px, 2),
                "thickness_mm": None if self.thickness_mm is None else round(self.thickness_mm, 3),
                "rgb": None if self.rgb is None else list(self.rgb), "face_rgb": list(self.face_rgb),
                "background_rgb": list(self.background_rgb), "fit_ratio": round(self.fit_ratio, 2),
                "sigma_px": round(self.sigma_px, 2), "wall_rgb": None if self.wall_rgb is None else list(self.wall_rgb)}


@dataclass(frozen=True)
class Evidence:
    """What one photo proves. ``verdict`` is card, flat, screen or retake; ``reasons`` say why
    (codes from ``evidence.toml``); ``advice`` is what to change for a retake."""

    verdict: str
    reasons: tuple[Reason, ...]
    quad: Quad | None = None
    layout: str | None = None
    tilt_deg: float | None = None
    focal_px: float | None = None
    sides: tuple[EdgeSide, ...] = ()
    edge_side: str | None = None  # the side where the edge shows most
    thickness_mm: float | None = None
    edge_rgb: tuple[int, int, int] | None = None  # white-balanced by the face
    core_rgb: tuple[int, int, int] | None = None  # the layout's, None when it declares none
    core_angle_deg: float | None = None  # hue difference between the edge and the core
    core_match: bool | None = None
    screen_peak_ratio: float | None = None
    bezel_mm: float | None = None  # a phone's bezel along both sides of the card (card mm; 0: none)
    glare_share: float | None = None
    blur_sigma_px: float | None = None
    advice: tuple[str, ...] = ()

    @property
    def edge(self) -> EdgeSide | None:
        return next((s for s in self.sides if s.side == self.edge_side), None)

    def to_dict(self) -> dict:
        e = self.edge

        def r(v, n=3):
            return None if v is None else round(float(v), n)

        return {
            "verdict": self.verdict,
            "reasons": [x.to_dict() for x in self.reasons],
            "advice": list(self.advice),
            "card": None if self.quad is None else self.quad.to_dict(),
            "layout": self.layout,
            "tilt_deg": r(self.tilt_deg, 1),
            "focal_px": r(self.focal_px, 1),
            "edge": None if e is None else {"side": e.side, "width_px": round(e.width_px, 2),
                                            "thickness_mm": r(self.thickness_mm)},
            "thickness_mm": r(self.thickness_mm),
            "tolerance_mm": list(thickness_range_mm(self.core_rgb is not None or (
                self.layout is not None and layout_colours(self.layout)[0] is not None))),
            "edge_rgb": None if self.edge_rgb is None else list(self.edge_rgb),
            "core_rgb": None if self.core_rgb is None else list(self.core_rgb),
            "core_angle_deg": r(self.core_angle_deg, 1),
            "core_match": self.core_match,
            "screen_peak_ratio": r(self.screen_peak_ratio, 2),
            "bezel_mm": r(self.bezel_mm, 1),
            "glare_share": r(self.glare_share, 4),
            "blur_sigma_px": r(self.blur_sigma_px, 2),
            "sides": [s.to_dict() for s in self.sides],
        }


def thickness_range_mm(core_declared: bool) -> tuple[float, float]:
    """The band thicknesses (mm) accepted as a card's wall: narrower when the layout declares no
    core colour (thickness is then the only evidence against a paper edge and its shadow)."""
    s = limits()["slab"]
    lo = float(s["min_thickness_mm"] if core_declared else s["min_thickness_no_core_mm"])
    return lo, float(s["max_thickness_mm"])


def min_expected_px(core_declared: bool) -> float:
    """The narrowest wall (px, at the measured pose) whose band can prove a card: narrower, a
    retake asking for more tilt or a closer card. A declared core colour lets a narrower wall
    count (its colour, which no paper edge has, shows even where its width blurs)."""
    v = limits()["view"]
    return float(v["min_expected_px"] if core_declared else v["min_expected_no_core_px"])


def width_slack_px() -> float:
    """How much wider than the accepted thickness a band may measure (px): blur and JPEG widen
    a 1-3 px band by up to about a pixel whatever the wall's true width."""
    return float(limits()["slab"]["width_slack_px"])


# --- the camera -------------------------------------------------------------------------

def camera_pose(quad: Quad, image_size: tuple[int, int]) -> Pose:
    """The pose that maps the ID-1 face onto ``quad`` in a photo of ``image_size`` (w, h), the
    focal length within ``view.focal_range`` (see :func:`cardface.oblique.geometry.card_pose`)."""
    return card_pose(quad, image_size, tuple(float(v) for v in limits()["view"]["focal_range"]))


# --- the edge band ----------------------------------------------------------------------

@dataclass(frozen=True)
class _Fit:
    s0: float
    width: float
    sigma: float
    rss_step: float
    rss_band: float
    sigma_step: float
    face: np.ndarray
    band: np.ndarray | None
    bg: np.ndarray




def _lines(profile: np.ndarray) -> np.ndarray:
    """Profiles as (lines, samples, 3) floats (one profile (samples, 3) is one line)."""
    P = np.asarray(profile, np.float64)
    return P[None] if P.ndim == 2 else P


def _fit_models(Y: np.ndarray, A: tuple[np.ndarray, ...], b: np.ndarray, b_of: np.ndarray | None = None):
    """Least squares for many models at once: every line of ``Y`` (L, n, 3) is the sum of the parts
    ``A`` (k weights (M, n), shared by all lines: the face, the band) times colours ``theta``, plus a
    background weight (n,) times a colour of its own (the background, which differs from line to
    line on stripes, checks or a photo). The background weights are the rows of ``b`` (U, n),
    model m using row ``b_of[m]`` (default: row m): many models share one (every band whose far
    edge lies at the same offset), and the costliest term, sum over lines and channels of
    (b . y)^2, is computed once per distinct row. Returns (residual (M,), shared colours theta
    (M, k, 3), mean background (M, 3))."""
    L, n, _ = Y.shape
    k = len(A)
    Ym = Y.mean(axis=0)
    # sum over lines and channels of (b . y)^2 = |b Yf|^2, Yf the profiles as (n, lines x channels)
    # (einsum, not @: a multi-threaded BLAS on a busy machine costs more than it saves at these sizes)
    Yf = Y.transpose(1, 0, 2).reshape(n, -1)
    bY = np.einsum("un,nj->uj", b, Yf)
    q = (b * b).sum(axis=1) + 1e-9
    bby = np.einsum("uj,uj->u", bY, bY) / q
    bYm = np.einsum("un,nc->uc", b, Ym)
    if b_of is not None:
        b, q, bby, bYm = b[b_of], q[b_of], bby[b_of], bYm[b_of]
    total = (Y**2).sum() - bby
    # the normal equations with the background projected out, one (k, k) system per model
    Ab = np.stack([np.einsum("mn,mn->m", a, b) for a in A], axis=1)
    AtA = np.empty((len(b), k, k))
    for i in range(k):
        for j in range(i, k):
            AtA[:, i, j] = AtA[:, j, i] = np.einsum("mn,mn->m", A[i], A[j])
    AtA -= Ab[:, :, None] * Ab[:, None, :] / q[:, None, None]
    AtA += 1e-6 * np.eye(k)
    AtY = np.stack([np.einsum("mn,nc->mc", a, Ym) for a in A], axis=1) - Ab[:, :, None] * bYm[:, None, :] / q[:, None, None]
    theta = np.linalg.solve(AtA, AtY)
    rss = total - L * np.einsum("mkc,mkc->m", theta, AtY)
    bg = (bYm - np.einsum("mk,mkc->mc", Ab, theta)) / q[:, None]
    return rss, theta, bg


def _band_basis(s: np.ndarray, S0: np.ndarray, W: np.ndarray, SG: np.ndarray):
    """(face, band, background) weights (M, n) at offsets ``s`` of the face | band | background
    model, one row per (shift, width, sigma): blurred steps at the face's edge and the band's."""
    x = s[None, :]
    phi_f = _logistic((S0[:, None] - x) / SG[:, None])
    phi_b = _logistic((x - S0[:, None] - W[:, None]) / SG[:, None])
    return phi_f, np.clip(1.0 - phi_f - phi_b, 0.0, 1.0), phi_b


def _band_models(Y: np.ndarray, s: np.ndarray, S0: np.ndarray, W: np.ndarray, SG: np.ndarray):
    """Residuals and colours (face, band, background) of face | band | background models, one per
    (shift, width, sigma) triple, over lines ``Y`` (L, n, 3) sharing the face and band colours.
    (The weights of :func:`_band_basis`, each distinct step computed once:
    :func:`cardface.oblique.edgemodel.distinct_steps`.)"""
    fu, fi = distinct_steps(s, S0, SG, rising=False)
    bu, bi = distinct_steps(s, S0 + W, SG, rising=True)
    phi_f = fu[fi]
    phi_m = np.clip(1.0 - phi_f - bu[bi], 0.0, 1.0)
    rss, theta, bg = _fit_models(Y, (phi_f, phi_m), bu, bi)
    return rss, np.concatenate([theta, bg[:, None, :]], axis=1)


def _ycc_models(Y: np.ndarray, s: np.ndarray, S0: np.ndarray, W: np.ndarray, SG: np.ndarray, chroma_px: float):
    """:func:`_band_models` on lines in YCbCr (``Y`` (L, n, 3)) as a JPEG holds them: the brightness
    blurred by ``SG``, the colour (half resolution) by ``chroma_px`` more; RGB lines when 0."""
    if chroma_px <= 0:
        return _band_models(Y, s, S0, W, SG)
    r1, c1 = _band_models(Y[:, :, :1], s, S0, W, SG)
    r2, c2 = _band_models(Y[:, :, 1:], s, S0, W, np.hypot(SG, chroma_px))
    return r1 + r2, np.concatenate([c1, c2], axis=2)


def fit_band(profile: np.ndarray, s: np.ndarray, widths: np.ndarray, shifts: np.ndarray,
             sigmas: np.ndarray, refine_px: float = 0.0625, chroma_px: float = 0.0, stride: int = 1) -> _Fit:
    """Least-squares fit of face | band (width w) | background to colour profiles sampled at
    offsets ``s`` (px, outward): ``profile`` is (n, 3), or (lines, n, 3) across the side, the
    face and the band shared by every line and the background free per line. Every (shift,
    width, sigma) of the grids is tried, then the best shift and width are refined to
    ``refine_px`` around it (sub-pixel: a band of 1.5-3 px is measured to a tenth of a pixel,
    not to the grid's step). ``chroma_px`` > 0 fits the profiles as a JPEG holds them (its colour
    at half resolution, blurred that much more than its brightness: see :func:`_ycc_models`);
    ``sigma`` is then the brightness's blur. ``stride`` > 1 tries every ``stride``-th shift and
    width first, then the grid's own step within ``stride`` steps of the best (a wide search at a
    bounded cost: the models grow with the square of the widths searched). Returns the best band
    model and the best plain step (w = 0), colours in RGB."""
    Y = _lines(profile)
    if chroma_px > 0:
        Y = Y @ _YCC.T
    S0, W, SG = (a.ravel() for a in np.meshgrid(shifts[::stride], widths[::stride], sigmas, indexing="ij"))
    rss, coef = _ycc_models(Y, s, S0, W, SG, chroma_px)
    i = int(np.argmin(rss))
    if stride > 1 and len(widths) > 1:
        near = np.arange(-stride, stride + 1) * float(widths[1] - widths[0])
        S1, W1 = (a.ravel() for a in np.meshgrid(np.clip(S0[i] + near, shifts[0], shifts[-1]),
                                                  np.clip(W[i] + near, widths[0], widths[-1]), indexing="ij"))
        SG1 = np.full(len(S1), SG[i])
        rss1, coef1 = _ycc_models(Y, s, S1, W1, SG1, chroma_px)
        j = int(np.argmin(rss1))
        if rss1[j] < rss[i]:
            S0, W, SG, rss, coef, i = S1, W1, SG1, rss1, coef1, j
    if refine_px > 0 and len(widths) > 1:
        dw = float(widths[1] - widths[0])
        fine = np.arange(-dw, dw + 1e-9, refine_px)
        S1, W1 = (a.ravel() for a in np.meshgrid(S0[i] + fine, np.maximum(W[i] + fine, refine_px), indexing="ij"))
        SG1 = np.full(len(S1), SG[i])
        rss1, coef1 = _ycc_models(Y, s, S1, W1, SG1, chroma_px)
        j = int(np.argmin(rss1))
        if rss1[j] < rss[i]:
            S0, W, SG, rss, coef, i = S1, W1, SG1, rss1, coef1, j
    rss_step, sigma_step, _, _ = fit_step(Y, s, shifts, sigmas, chroma_px, ycc=True)
    if chroma_px > 0:
        coef = coef @ np.linalg.inv(_YCC).T
    return _Fit(float(S0[i]), float(W[i]), float(SG[i]), max(rss_step, 1e-9), float(max(rss[i], 1e-9)), sigma_step,
                coef[i, 0], coef[i, 1], coef[i, 2])


def fit_step(profile: np.ndarray, s: np.ndarray, shifts: np.ndarray, sigmas: np.ndarray, chroma_px: float = 0.0,
             ycc: bool = False) -> tuple[float, float, np.ndarray, np.ndarray]:
    """The best plain step face | background (the background free per line, as in
    :func:`fit_band`): (residual, blur sigma px, face colour, mean background colour).
    ``chroma_px`` as in :func:`fit_band` (``ycc``: the profile is already in YCbCr)."""
    Y = _lines(profile)
    if chroma_px > 0 and not ycc:
        Y = Y @ _YCC.T
    S0, SG = (a.ravel() for a in np.meshgrid(shifts, sigmas, indexing="ij"))

    def step(Yc: np.ndarray, sg: np.ndarray):
        pf = _logistic((S0[:, None] - s[None, :]) / sg[:, None])
        return _fit_models(Yc, (pf,), 1.0 - pf)

    if chroma_px <= 0:
        rss, theta, bg = step(Y, SG)
        j = int(np.argmin(rss))
        return float(rss[j]), float(SG[j]), theta[j, 0], bg[j]
    r1, t1, b1 = step(Y[:, :, :1], SG)
    r2, t2, b2 = step(Y[:, :, 1:], np.hypot(SG, chroma_px))
    rss = r1 + r2
    j = int(np.argmin(rss))
    inv = np.linalg.inv(_YCC).T
    return float(rss[j]), float(SG[j]), np.r_[t1[j, 0], t2[j, 0]] @ inv, np.r_[b1[j], b2[j]] @ inv


def _side_normals(pose: Pose, side: int) -> tuple[np.ndarray, np.ndarray]:
    """(the points across which :func:`_side_profile` samples side ``side`` of the face, on its
    edge (px), the outward normal at each, one mm of the face long (px))."""
    cfg = limits()["profile"]
    cs = card_size()
    rect = np.array([[0, 0], [cs.width_mm, 0], [cs.width_mm, cs.height_mm], [0, cs.height_mm]], np.float64)
    a, b = rect[side], rect[(side + 1) % 4]
    ts = np.linspace(*cfg["span"], int(cfg["lines"]))
    on_edge = a[None, :] + ts[:, None] * (b - a)[None, :]
    inward_mm = np.array([[0, 1], [-1, 0], [0, -1], [1, 0]], np.float64)[side]
    p0 = pose.project(on_edge)
    return p0, p0 - pose.project(on_edge + inward_mm)


def _face_px_per_mm(pose: Pose, side: int) -> float:
    """The face's px per mm across side ``side`` (as :func:`_side_profile` returns it), without
    sampling the profile."""
    return float(np.median(np.linalg.norm(_side_normals(pose, side)[1], axis=1)))


def _side_profile(img: np.ndarray, pose: Pose, side: int, expected_px: float) -> tuple[np.ndarray, np.ndarray, float]:
    """The colour profiles (lines, samples, 3) across side ``side`` of the face (outward from its
    edge), the offsets (px) and the face's px per mm across that side."""
    import cv2

    cfg = limits()["profile"]
    p0, normal = _side_normals(pose, side)
    px_per_mm_face = float(np.median(np.linalg.norm(normal, axis=1)))
    n = normal / np.linalg.norm(normal, axis=1, keepdims=True)
    s_in = max(3.0, float(cfg["inside_mm"]) * px_per_mm_face)
    s_out = max(expected_px, 1.0) * float(cfg["max_width_factor"]) + float(cfg["outside_px"])
    s = np.arange(-s_in, s_out + 1e-9, float(cfg["step_px"]))
    pts = p0[:, None, :] + s[None, :, None] * n[:, None, :]
    mx, my = pts[..., 0].astype(np.float32), pts[..., 1].astype(np.float32)
    samples = cv2.remap(img, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return samples.astype(np.float32), s, px_per_mm_face


def hue_chroma(rgb) -> tuple[float, float]:
    """Hue angle (degrees) and chroma (share of the brightness) of a colour in the opponent plane
    (R-G, R+G-2B): both are blind to how bright the colour is, so the shading of the edge and
    the strength of the light drop out."""
    r, g, b = (float(v) for v in rgb)
    o1, o2 = (r - g) / np.sqrt(2), (r + g - 2 * b) / np.sqrt(6)
    return float(np.degrees(np.arctan2(o2, o1))), float(np.hypot(o1, o2) / max(r + g + b, 1.0))


def colour_match(edge_rgb, core_rgb, dilution: float = 1.0) -> tuple[bool, float]:
    """(whether the edge shows the core's colour, their hue difference in degrees).

    ``dilution`` (>= 1): how many times wider the fitted band is than the wall the pose
    expects. A wall narrower than the blur is fitted as a wider band of paler colour (the
    same amount of colour spread out: its width times its chroma is what the pixels hold), so
    the band's chroma is compared after multiplying it back (at most ``colour.max_dilution``)."""
    c = limits()["colour"]
    he, ce = hue_chroma(edge_rgb)
    ce *= float(np.clip(dilution, 1.0, float(c["max_dilution"])))
    hc, cc = hue_chroma(core_rgb)
    diff = abs((he - hc + 180) % 360 - 180)
    if cc < float(c["neutral_chroma"]):  # a white, grey or black core: the edge must be neutral too
        return ce < float(c["neutral_chroma"]), diff
    return diff <= float(c["max_hue_deg"]) and ce >= float(c["min_chroma_share"]) * cc, diff


def expected_wall_px(pose: Pose, side: int) -> float:
    """How wide a 0.76 mm wall would look outside side ``side`` of the face at ``pose`` (px;
    negative where the wall faces away from the camera)."""
    cs = card_size()
    rect = np.array([[0, 0], [cs.width_mm, 0], [cs.width_mm, cs.height_mm], [0, cs.height_mm]], np.float64)
    a, b = rect[side], rect[(side + 1) % 4]
    mids = a[None, :] + np.linspace(0.3, 0.7, 5)[:, None] * (b - a)[None, :]
    inward_mm = np.array([[0, 1], [-1, 0], [0, -1], [1, 0]], np.float64)[side]
    p0, p1 = pose.project(mids, 0.0), pose.project(mids, cs.thickness_mm)
    n = p0 - pose.project(mids + inward_mm)
    n /= np.linalg.norm(n, axis=1, keepdims=True)
    return float(np.mean(((p1 - p0) * n).sum(axis=1)))


def _rgb(v) -> tuple[int, int, int]:
    return tuple(int(x) for x in np.clip(np.round(v), 0, 255))


def chroma_blur_px() -> float:
    """How much more a JPEG blurs colour than brightness across an edge (px; 0: one blur for all
    channels, the profiles fitted in RGB): ``profile.chroma_blur_px``."""
    return float(limits()["profile"].get("chroma_blur_px", 0.0))


def sigma_grid() -> np.ndarray:
    """The blurs (Gaussian sigma, px) tried for an edge: a geometric grid (``profile.sigma_px``)."""
    lo, hi, ratio = (float(v) for v in limits()["profile"]["sigma_px"])
    return lo * ratio ** np.arange(0, int(np.floor(np.log(hi / lo) / np.log(ratio) + 1e-9)) + 1)


def wall_colour(profile: np.ndarray, s: np.ndarray, fit: _Fit, width_px: float) -> np.ndarray:
    """The colour (RGB) of a band ``width_px`` wide (the wall a card would show at the measured
    pose) at the face's edge, fitted on the profiles as a photo's JPEG holds them: its brightness
    (Y) at full resolution, with the fitted blur, and its colour (Cb, Cr) at half resolution
    (JPEG's 4:2:0 sampling averages the colour over 2x2 pixels, and the decoder interpolates it
    back): blurred by ``profile.chroma_blur_px`` more. A 1-2 px wall keeps its brightness in
    the photo but spreads its colour over 2-4 px at half the strength; a model with one blur for
    all three channels read such a wall as a wide, pale band. The band's position is refitted on
    Y with its width fixed, about the free fit's; the face and the background as in
    :func:`fit_band`."""
    Y = _lines(profile) @ _YCC.T
    w = max(float(width_px), 0.25)
    shifts = fit.s0 + np.arange(-1.5, 1.5 + 1e-9, 0.125)
    n = len(shifts)
    rss, coef = _band_models(Y[:, :, :1], s, shifts, np.full(n, w), np.full(n, fit.sigma))
    i = int(np.argmin(rss))
    sc = float(np.hypot(fit.sigma, max(chroma_blur_px(), 1e-3)))
    _, cc = _band_models(Y[:, :, 1:], s, shifts[i:i + 1], np.array([w]), np.array([sc]))
    ycc = np.r_[coef[i, 1, 0], cc[0, 1]]
    return np.linalg.solve(_YCC, ycc)


def measure_step(img: np.ndarray, pose: Pose, side: int) -> EdgeSide:
    """A side where no wall can show: the face meets the background; its blur is measured."""
    cfg = limits()["profile"]
    expected = expected_wall_px(pose, side)
    prof, s, _ = _side_profile(img, pose, side, 1.0)
    shift = float(cfg["shift_px"])
    _, sigma, face, bg = fit_step(prof, s, np.arange(-shift, shift + 1e-9, 0.25), sigma_grid(), chroma_blur_px())
    return EdgeSide(SIDES[side], expected, abs(expected) / card_size().thickness_mm, False, 0.0, None, None,
                    _rgb(face), _rgb(bg), 1.0, sigma)


def _line_residuals(profile: np.ndarray, s: np.ndarray, fit: _Fit, chroma_px: float = 0.0) -> np.ndarray:
    """Each line's residual (lines, ) under the fitted band model, its background its own. With
    ``chroma_px`` > 0 in YCbCr as :func:`fit_band` fits it (the colour blurred that much more
    than the brightness), so that the lines are ranked by the model that was fitted."""
    Y = _lines(profile)
    band = fit.band if fit.band is not None else np.zeros(3)
    parts = [(slice(0, 3), fit.sigma, fit.face, band)]
    if chroma_px > 0:
        Y = Y @ _YCC.T
        face, band = _YCC @ fit.face, _YCC @ band
        parts = [(slice(0, 1), fit.sigma, face, band), (slice(1, 3), float(np.hypot(fit.sigma, chroma_px)), face, band)]
    out = np.zeros(len(Y))
    for ch, sigma, face, band in parts:
        phi_f, phi_m, phi_b = (w[0] for w in _band_basis(s, np.array([fit.s0]), np.array([fit.width]),
                                                          np.array([sigma])))
        r = Y[:, :, ch] - (phi_f[:, None] * face[ch] + phi_m[:, None] * band[ch])[None]
        bg = np.einsum("n,lnc->lc", phi_b, r) / max(float(phi_b @ phi_b), 1e-9)
        out += ((r - phi_b[None, :, None] * bg[:, None, :]) ** 2).sum(axis=(1, 2))
    return out


def measure_side(img: np.ndarray, pose: Pose, side: int, sigma_px: float | None = None,
                 width_px: float | None = None, shift_px: float | None = None) -> EdgeSide:
    """The edge band on one side of the face (see the module's docstring). ``sigma_px`` fixes
    the edges' blur (a narrow band's width and its blur trade off against each other, so the
    blur is measured where the face meets the background directly); None fits it too.
    ``width_px`` is the widest band searched (default: from the expected wall); ``shift_px``
    how far the face's edge may lie from the located outline (default ``profile.shift_px``)."""
    cfg = limits()["profile"]
    cs = card_size()
    expected = expected_wall_px(pose, side)
    per_mm = abs(expected) / cs.thickness_mm
    reach = expected if width_px is None else width_px / float(cfg["max_width_factor"])
    prof, s, _ = _side_profile(img, pose, side, reach)
    wmax = max(reach, 1.0) * float(cfg["max_width_factor"])
    widths = np.arange(0.5, wmax + 1e-9, 0.5)
    shift = float(cfg["shift_px"])
    sigmas = sigma_grid()[::2] if sigma_px is None else np.array([sigma_px])
    shifts = np.arange(-max(shift, shift_px or 0.0), shift + 1e-9, 0.5)

    def judged(f) -> tuple[float, bool]:
        """(the band model's gain over a plain step, whether it shows a band)."""
        r = f.rss_step / f.rss_band
        contrast = min(np.linalg.norm(f.band - f.face), np.linalg.norm(f.band - f.bg))
        return r, r >= float(cfg["min_fit_ratio"]) and contrast >= float(cfg["min_contrast"])

    chroma = chroma_blur_px()
    # a wide search (a printed border's, up to 1.5 x the edge's band) starts on a coarser grid
    n_max = int(cfg["max_grid_steps"])
    stride = max(1, -(-max(len(widths), len(shifts)) // n_max)) if width_px is not None else 1
    fit = fit_band(prof, s, widths, shifts, sigmas, chroma_px=chroma, stride=stride)
    ratio, present = judged(fit)
    lines = prof
    trim = float(cfg["trim_share"])
    if not present and expected > 0 and trim > 0:
        # a second look without the lines the band model explains worst: where a pattern of the
        # background (a dash, a stripe) starts a few px past the edge, a line's background is not
        # one colour, and those lines alone can hide a wall the others show
        keep = np.argsort(_line_residuals(prof, s, fit, chroma))[:max(4, round(len(prof) * (1 - trim)))]
        fit2 = fit_band(prof[keep], s, widths, shifts, sigmas, chroma_px=chroma, stride=stride)
        ratio2, present2 = judged(fit2)
        if present2:
            fit, ratio, present, lines = fit2, ratio2, True, prof[keep]
    rgb = _rgb
    width = fit.width if present else 0.0
    thick = width / per_mm if per_mm > 1e-6 and expected > 0 else None
    wall = rgb(wall_colour(lines, s, fit, expected)) if present and expected > 0 and width_px is None else None
    return EdgeSide(SIDES[side], expected, per_mm, bool(present), float(width), thick,
                    rgb(fit.band) if present else None, rgb(fit.face), rgb(fit.bg), float(ratio),
                    fit.sigma if present else fit.sigma_step, wall)


# --- screens, glare, layout colours ---------------------------------------------------------

@cache
def _spectrum_rings(n: int):
    """For an ``n`` px patch's spectrum: (Hann window, the frequencies kept (a mask), their ring (the
    distance from the centre, rounded), the rings, and where each ring's values start and how
    many there are once sorted by ring): the 2-D FFT's frequencies over 2.5 cycles, JPEG's 8-px block frequencies left out, one
    half-plane (the spectrum of a real signal is symmetric)."""
    win = np.outer(np.hanning(n), np.hanning(n)).astype(np.float32)
    k = np.fft.fftfreq(n) * n
    ky, kx = np.meshgrid(k, k, indexing="ij")
    keep = (np.hypot(kx, ky) > 2.5) & (kx % 8 != 0) & (ky % 8 != 0)
    keep &= ky >= 0
    ring = np.round(np.hypot(kx, ky)).astype(int)[keep]
    rings, count = np.unique(ring, return_counts=True)
    first = np.r_[0, np.cumsum(count)[:-1]]
    return win, keep, ring, rings, first, count


def _ring_medians(mag: np.ndarray, ring: np.ndarray, first: np.ndarray, count: np.ndarray) -> np.ndarray:
    """The median of ``mag`` over each ring (``ring`` the ring of each value; ``first`` and
    ``count`` where each ring's values start and how many there are once sorted by ring), by one
    sort: what ``np.median(mag[ring == r])`` gives for every ring r at once."""
    v = mag[np.lexsort((mag, ring))]
    lo, hi = first + (count - 1) // 2, first + count // 2
    return (v[lo] + v[hi]) / 2


def screen_peak_ratio(img: np.ndarray, quad: Quad) -> float:
    """Median over patches inside the card of: the highest peak of the colour-difference
    spectrum (R-G and B-G, high-passed, JPEG block frequencies left out) over the median at
    the same spatial frequency."""
    import cv2

    n = int(limits()["screen"]["patch_px"])
    h, w = img.shape[:2]
    centres = quad.to_image(np.array([[25, 20], [60, 20], [25, 38], [60, 38], [42.8, 27]], np.float64))
    win, keep, ring, rings, first, count = _spectrum_rings(n)
    ratios = []
    for cx, cy in centres:
        x0, y0 = round(cx - n / 2), round(cy - n / 2)
        if x0 < 0 or y0 < 0 or x0 + n > w or y0 + n > h:
            continue
        p = img[y0:y0 + n, x0:x0 + n].astype(np.float32)
        best = 0.0
        for d in (p[:, :, 0] - p[:, :, 1], p[:, :, 2] - p[:, :, 1]):
            d = d - cv2.GaussianBlur(d, (0, 0), 6)
            mag = np.abs(np.fft.fft2((d - d.mean()) * win))[keep]
            # each frequency against the typical one at its distance from the centre (natural
            # pictures fall off smoothly with frequency; a grid stands out at one)
            med = np.zeros(ring.max() + 1)
            med[rings] = _ring_medians(mag, ring, first, count)
            best = max(best, float((mag / np.maximum(med[ring], 1e-3 + 1e-3 * mag.mean())).max()))
        ratios.append(best)
    return float(np.median(ratios)) if ratios else 0.0


def glare_share(img: np.ndarray, quad: Quad, sides: tuple[int, ...] = (0, 1, 2, 3)) -> float:
    """Share of the face's strip along ``sides`` (``quality.strip_mm`` wide: where the edge is
    judged) clipped white (every channel at or above ``clip_level``)."""
    import cv2

    h, w = img.shape[:2]
    s = min(1.0, 800.0 / max(h, w))
    small = cv2.resize(img, (max(8, round(w * s)), max(8, round(h * s))), interpolation=cv2.INTER_AREA) if s < 1 else img
    mask = np.zeros(small.shape[:2], np.uint8)
    cs = card_size()
    d = float(limits()["quality"]["strip_mm"])
    W, Hc = cs.width_mm, cs.height_mm
    strips = [(0, 0, W, d), (W - d, 0, W, Hc), (0, Hc - d, W, Hc), (0, 0, d, Hc)]
    for i in sides:
        x0, y0, x1, y1 = strips[i]
        poly = quad.to_image(np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float64))
        cv2.fillConvexPoly(mask, np.round((poly + 0.5) * s - 0.5).astype(np.int32), 1)
    face = small[mask > 0]
    if len(face) == 0:
        return 0.0
    return float((face.min(axis=1) >= int(limits()["quality"]["clip_level"])).mean())


@cache
def layout_colours(layout: str) -> tuple[tuple[int, int, int] | None, np.ndarray]:
    """(core colour or None, the face's colour along its edges (0.2-0.8 mm in), RGB)."""
    from cardface.oblique.templates import edge_rgb, sample_face

    core = edge_rgb(layout)
    f = sample_face(layout, "front", dpi=150)[:, :, :3].astype(np.float32)
    k = f.shape[1] / card_size().width_mm
    a, b = max(1, int(0.2 * k)), max(2, int(0.8 * k))
    h, w = f.shape[:2]
    strips = [f[a:b, w // 5:4 * w // 5], f[h - b:h - a, w // 5:4 * w // 5],
              f[h // 5:4 * h // 5, a:b].transpose(1, 0, 2), f[h // 5:4 * h // 5, w - b:w - a].transpose(1, 0, 2)]
    face = np.median(np.concatenate([x.reshape(-1, 3) for x in strips]), axis=0)
    return core, face


# --- the verdict ------------------------------------------------------------------------

ADVICE = {"evidence.not_found": "show_card", "evidence.cut_off": "move_back", "evidence.blur": "hold_still",
          "evidence.glare": "less_glare", "evidence.too_flat": "tilt_more", "evidence.too_steep": "tilt_less",
          "evidence.edge_hidden": "other_background", "evidence.edge_too_thin": ("tilt_more", "move_closer")}


def _retake(reason: Reason, **kw) -> Evidence:
    advice = ADVICE[reason.code]
    return Evidence("retake", (reason,), advice=advice if isinstance(advice, tuple) else (advice,), **kw)


def evidence(image, *, layout: str | None = None, quad: Quad | None = None) -> Evidence:
    """Judge whether ``image`` (path, bytes, PIL image or RGB array) shows a real card.

    ``layout`` names the layout to judge against (default: the one the locator recognised);
    its ``core_color`` is the colour the edge must show (none declared: not checked).
    ``quad`` skips locating when the card's corners are already known.
    """
    from cardface.oblique.imageio import load_rgb
    from cardface.oblique.locate import locate

    lim = limits()
    rgb = load_rgb(image)
    h, w = rgb.shape[:2]
    if quad is None:
        quad = locate(rgb)
    if quad is None:
        return _retake(Reason.of("evidence.not_found"))
    layout = layout or quad.layout or "next"
    base = {"quad": quad, "layout": layout}
    m = float(lim["view"]["border_share"]) * max(w, h)
    p = quad.points
    if p[:, 0].min() < m or p[:, 1].min() < m or p[:, 0].max() > w - 1 - m or p[:, 1].max() > h - 1 - m:
        return _retake(Reason.of("evidence.cut_off"), **base)
    pose = camera_pose(quad, (w, h))
    tilt = pose.tilt_deg
    base.update(tilt_deg=tilt, focal_px=pose.f_px)
    core, face_ref = layout_colours(layout)
    min_exp = min_expected_px(core is not None)
    expected = [expected_wall_px(pose, i) for i in range(4)]
    # the photo's blur, from the sides where the face meets the background (no wall shows)
    # (the sharpest of them: a patterned background (stripes, checks, a photo) next to a side
    # only widens the fitted step, while a blurred photo blurs every side)
    steps = {i: measure_step(rgb, pose, i) for i in range(4) if expected[i] < min_exp}
    blur = float(min(s.sigma_px for s in steps.values())) if steps else None
    thin = max(expected) < min_exp
    if tilt < float(lim["view"]["min_tilt_deg"]) or thin:
        sides = tuple(steps[i] if i in steps else measure_step(rgb, pose, i) for i in range(4))
        base.update(sides=sides, edge_side=max(sides, key=lambda s: s.expected_px).side, blur_sigma_px=blur)
        if tilt < float(lim["view"]["min_tilt_deg"]):
            return _retake(Reason.of("evidence.too_flat", f"tilt {tilt:.0f} degrees"), **base)
    else:
        sides = tuple(steps[i] if i in steps else measure_side(rgb, pose, i, blur) for i in range(4))
        if blur is None:
            blur = float(np.median([s.sigma_px for s in sides]))
        base["sides"] = sides
        base["core_rgb"] = core
        base["edge_side"] = max(sides, key=lambda s: s.expected_px).side
        base["blur_sigma_px"] = blur
    # a display shows itself whatever the wall would show (and a pixel grid survives only in a
    # sharp photo, so it is looked for before the blur)
    peak = screen_peak_ratio(rgb, quad)
    base["screen_peak_ratio"] = peak
    if peak >= float(lim["screen"]["max_peak_ratio"]):
        return Evidence("screen", (Reason.of("evidence.pixel_grid", f"spectral peak {peak:.1f} x the typical"),), **base)
    bezel = bezel_mm(rgb, quad, lim["screen"])
    base["bezel_mm"] = bezel
    if bezel > 0:
        return Evidence("screen", (Reason.of("evidence.bezel", f"dark stripes {bezel:.1f} mm wide or more on both "
                                             "sides, at the card's scale"),), **base)
    if thin:
        # tilted enough, but at this distance and angle a 0.76 mm wall is narrower than a band
        # can be measured: the core's colour it adds to the edge's pixels may still prove it
        # (subpixel.py); else more tilt or a closer card widens it
        sub = _subpixel_card(rgb, pose, expected, sides, blur, core, face_ref, base)
        if sub is not None:
            return sub
        return _retake(Reason.of("evidence.edge_too_thin", f"tilt {tilt:.0f} degrees, a card's edge would be "
                                 f"{max(expected):.1f} px, at least {min_exp:g} px needed"), **base)
    glare = glare_share(rgb, quad, tuple(i for i in range(4) if expected[i] >= min_exp))
    base["glare_share"] = glare
    visible = [s for s in sides if s.expected_px >= min_exp]
    main = max(sides, key=lambda s: s.expected_px)
    if blur > float(lim["quality"]["max_blur_sigma_px"]):
        return _retake(Reason.of("evidence.blur", f"edge blur sigma {blur:.1f} px"), **base)
    if tilt > float(lim["view"]["max_tilt_deg"]):
        return _retake(Reason.of("evidence.too_steep", f"tilt {tilt:.0f} degrees"), **base)

    # the thickness: sides where the wall should show, weighted by how wide it should be
    seen = [s for s in visible if s.present]
    wsum = sum(s.expected_px for s in seen)
    thick = sum(s.thickness_mm * s.expected_px for s in seen) / wsum if seen else 0.0
    base["thickness_mm"] = thick
    # the edge's colour, white-balanced by the face beside it
    edge_rgb = angle = None
    if main.present and main.rgb is not None:
        # the colour of a wall of the expected width, JPEG's half-resolution colour modelled
        # (wall_colour); else the free band's, diluted over its fitted width
        seen_rgb = main.rgb if main.wall_rgb is None else main.wall_rgb
        edge_rgb = _balanced(seen_rgb, _white_balance_gain(main.face_rgb, face_ref))
        base["edge_rgb"] = edge_rgb
    match = None
    if core is not None and edge_rgb is not None:
        dilution = 1.0 if main.wall_rgb is not None else main.width_px / max(main.expected_px, 1e-6)
        match, angle = colour_match(edge_rgb, core, dilution)
        match = bool(match)
        base.update(core_angle_deg=angle, core_match=match)

    lo_t, hi_t = thickness_range_mm(core is not None)
    verdict = _edge_verdict(rgb, pose, expected, main, thick, match, angle, core, face_ref, blur, lo_t, hi_t, base)
    if verdict.verdict == "flat" and max(expected) < min_expected_px(False):
        # a wall this narrow can prove a card (a band of the core's colour and of a card's width
        # where the pose puts it) but cannot prove a copy: a real card's 1 px wall may blur away
        # into its neighbours. Not `flat`, then: tilt further or come closer, and look again.
        return _retake(Reason.of("evidence.edge_too_thin", f"tilt {tilt:.0f} degrees, a card's edge would be "
                                 f"{max(expected):.1f} px; nothing at that width proves a card"), **base)
    if verdict.verdict != "card" and glare > float(lim["quality"]["max_glare_share"]):
        # clipped highlights along the edge can hide or fake it: a retake, not a judgement
        # (a card whose edge shows its thickness and core despite the glare is still a card)
        return _retake(Reason.of("evidence.glare", f"{100 * glare:.0f} % of the card along its edge clipped"),
                       **base)
    return verdict


def _white_balance_gain(face_rgb, face_ref: np.ndarray) -> np.ndarray:
    """Per-channel gain that turns the face's colour as photographed into the layout's render
    of it (``face_ref``): the light the edge beside it was seen under, divided out."""
    return face_ref / np.maximum(np.asarray(face_rgb, np.float64), 1.0)


def _balanced(rgb, gain: np.ndarray) -> tuple[int, ...]:
    """``rgb`` times ``gain`` (:func:`_white_balance_gain`), as whole 8-bit levels."""
    return tuple(int(v) for v in np.clip(np.asarray(rgb) * gain, 0, 255).round())


def _core_wall_fitter(img: np.ndarray, pose, face_rgb: list, blur_px: float, core_rgb, face_ref: np.ndarray,
                      max_width_px: float | None = None):
    """``fit(side, expected_px)`` -> (the core-coloured wall fitted across that side
    (:func:`cardface.oblique.subpixel.fit_core_wall`, on the grid of ``evidence.toml [subpixel]``),
    the profiles, their offsets, the face's px per mm across the side). ``face_rgb`` is the face's
    colour beside each side (from the plain step fits), ``face_ref`` the layout's render of it:
    the core under the face's light is the core times their ratio. ``max_width_px``: the widest
    wall tried (default ``[subpixel] max_width_px``; wider grids step by 1/8 px all the same)."""
    cfg = limits()["subpixel"]
    chroma = chroma_blur_px()
    shifts = np.arange(-float(cfg["shift_px"]), float(cfg["shift_px"]) + 1e-9, 0.25)
    top = float(cfg["max_width_px"]) if max_width_px is None else float(max_width_px)
    widths = np.arange(0.125, top + 1e-9, 0.125)

    def fit(i: int, expected_px: float) -> tuple[subpixel.CoreWall, np.ndarray, np.ndarray, float]:
        prof, s, px_per_mm = _side_profile(img, pose, i, expected_px)
        core = np.asarray(core_rgb, np.float64) * np.asarray(face_rgb[i], np.float64) / np.maximum(face_ref, 1.0)
        return subpixel.fit_core_wall(prof, s, core, blur_px, chroma, shifts, widths), prof, s, px_per_mm

    return fit


def _hidden_sides(expected_px: list[float], main: int) -> list[int]:
    """The sides other than ``main`` where no wall can show (``view.hidden_below_px``)."""
    below = float(limits()["view"]["hidden_below_px"])
    return [i for i in range(4) if i != main and expected_px[i] <= below]


def subpixel_wall(img: np.ndarray, pose, expected_px: list[float], face_rgb: list, blur_px: float, core_rgb,
                  face_ref: np.ndarray) -> subpixel.SubpixelWall:
    """Fit a core-coloured wall (:func:`_core_wall_fitter`) on the side where the pose puts the
    widest wall, and on the sides where no wall can show (``view.hidden_below_px``): a card's wall
    adds the core's colour only where it can show, a line printed round a copy adds it everywhere."""
    fit = _core_wall_fitter(img, pose, face_rgb, blur_px, core_rgb, face_ref)
    main = int(np.argmax(expected_px))
    wall, prof, s, _ = fit(main, expected_px[main])
    # the band's own colour at that width and place (free colour), for the hue
    _, coef = _ycc_models(prof @ _YCC.T, s, np.array([wall.shift_px]), np.array([max(wall.width_px, 0.0625)]),
                             np.array([blur_px]), chroma_blur_px())
    face, band = (np.linalg.solve(_YCC, coef[0, j]) for j in (0, 1))
    hidden_px = max((fit(i, expected_px[i])[0].core_px for i in _hidden_sides(expected_px, main)), default=0.0)
    per_mm = abs(expected_px[main]) / card_size().thickness_mm
    return subpixel.SubpixelWall(main, wall, wall.width_px / max(per_mm, 1e-6), _rgb(band), _rgb(face), hidden_px)


def printed_line_check(img: np.ndarray, pose, expected_px: list[float], face_rgb: list, blur_px: float, core_rgb,
                       face_ref: np.ndarray) -> printedline.LineCheck:
    """Whether the band where the wall shows is a line printed round a copy
    (:mod:`cardface.oblique.printedline`): the core-coloured line (:func:`_core_wall_fitter`)
    fitted on the side where the pose puts the widest wall and on each side where no wall can
    show (``view.hidden_below_px``), judged by ``[line]``."""
    fit = _core_wall_fitter(img, pose, face_rgb, blur_px, core_rgb, face_ref)
    main = int(np.argmax(expected_px))
    wall, _, _, per_mm = fit(main, max(expected_px[main], 0.0))
    hidden = []
    for i in _hidden_sides(expected_px, main):
        w, _, _, px_per_mm = fit(i, max(expected_px[i], 0.0))
        hidden.append((i, w, px_per_mm))
    return printedline.judge(wall, per_mm, hidden, limits()["line"])


def printed_band_check(img: np.ndarray, pose, expected_px: list[float], face_rgb: list, blur_px: float,
                       main: EdgeSide, face_ref: np.ndarray) -> printedline.LineCheck:
    """For a layout with no core colour: whether the band where the wall shows (``main``, seen)
    is a line printed round a copy (an outline printed with the card's picture, a copier's dark
    line round the card). The band's own colour, white-balanced by the face beside it, stands in
    for the core's: a printed line is the same ink under the same light on every side, as wide as
    the face's scale across each side makes it, while a wall shows only where the pose lets it.
    The line of that colour is fitted as :func:`printed_line_check` fits the core's, on widths up
    to ``[band_line] width_factor`` x the band's, and judged by ``[band_line]``; only the sides where the
    line would be at most ``max_predicted_px`` are fitted (the others cannot count), none when fewer
    than ``min_sides`` are."""
    cfg = limits()["band_line"]
    colour = np.asarray(main.rgb, np.float64) * face_ref / np.maximum(np.asarray(main.face_rgb, np.float64), 1.0)
    top = max(float(limits()["subpixel"]["max_width_px"]), float(cfg["width_factor"]) * main.width_px)
    fit = _core_wall_fitter(img, pose, face_rgb, blur_px, colour, face_ref, max_width_px=top)
    i_main = int(np.argmax(expected_px))
    wall, _, _, per_mm = fit(i_main, max(expected_px[i_main], 0.0))
    # only the sides where the line would be at most max_predicted_px can count: the others are not fitted
    a_main = printedline.capped_core_px(wall, float(cfg["max_gain"]))
    cap = float(cfg["max_predicted_px"])
    near = [i for i in _hidden_sides(expected_px, i_main)
            if a_main * _face_px_per_mm(pose, i) / max(per_mm, 1e-9) <= cap]
    hidden = []
    if len(near) >= int(cfg["min_sides"]):
        for i in near:
            w, _, _, px_per_mm = fit(i, max(expected_px[i], 0.0))
            hidden.append((i, w, px_per_mm))
    return printedline.judge(wall, per_mm, hidden, cfg)


def _subpixel_card(rgb, pose, expected, sides, blur, core, face_ref, base) -> Evidence | None:
    """A card proved by a wall under ``view.min_expected_px`` wide (see :mod:`subpixel`), or None:
    the width gives a thickness within the card's tolerance, the colour is the core's at a
    plausible shading and amount, the fit beats a plain step, and no side where no wall can show
    holds a line of that colour. Anything short of that proves nothing either way (a retake)."""
    lim = limits()
    cfg = lim["subpixel"]
    if core is None or max(expected) < float(cfg["min_expected_px"]) or blur is None or \
            blur > float(lim["quality"]["max_blur_sigma_px"]):
        return None
    m = subpixel_wall(rgb, pose, expected, [s.face_rgb for s in sides], blur, core, face_ref)
    w = m.wall
    lo_t, hi_t = thickness_range_mm(True)
    gain = _white_balance_gain(m.face_rgb, face_ref)
    edge_rgb = _balanced(m.band_rgb, gain)
    match, angle = colour_match(edge_rgb, core)
    g_lo, g_hi = (float(v) for v in cfg["gain"])
    border = m.hidden_core_px > max(float(cfg["border_min_px"]), float(cfg["border_share"]) * w.core_px)
    if not (w.fit_ratio >= float(cfg["min_fit_ratio"]) and lo_t <= m.thickness_mm <= hi_t and match
            and g_lo <= w.gain <= g_hi and w.core_px >= float(cfg["min_core_px"]) and not border):
        return None
    main = sides[m.side]
    wall_rgb = tuple(int(v) for v in np.clip(np.asarray(core) * w.gain / np.maximum(gain, 1e-6), 0, 255).round())
    side = EdgeSide(main.side, main.expected_px, main.px_per_mm, True, w.width_px, m.thickness_mm, m.band_rgb, m.face_rgb,
                    main.background_rgb, w.fit_ratio, blur, wall_rgb)
    sides = tuple(side if i == m.side else s for i, s in enumerate(sides))
    kw = dict(base, sides=sides, edge_side=side.side, thickness_mm=m.thickness_mm, edge_rgb=edge_rgb, core_rgb=core,
              core_angle_deg=angle, core_match=True)
    detail = (f"{m.thickness_mm:.2f} mm on the {side.side}, a wall of {w.width_px:.2f} px in the core's colour "
              f"(shading {w.gain:.2f}) where {main.expected_px:.2f} px is expected (card 0.76 mm, accepted "
              f"{lo_t}-{hi_t} mm)")
    return Evidence("card", (Reason.of("evidence.slab", detail),), **kw)


def _edge_verdict(rgb, pose, expected, main, thick, match, angle, core, face_ref, blur, lo_t, hi_t, base) -> Evidence:
    """The verdict from the edge band (its presence, thickness, colour, and bands on hidden sides)."""
    lim = limits()
    # the background beyond the edge, white-balanced by the face: of the core's colour, it hides
    # the wall's far side (the wall runs on into it)
    bg = np.asarray(main.background_rgb, np.float64) * face_ref / np.maximum(np.asarray(main.face_rgb), 1.0)
    bg_like_core = core is not None and bool(colour_match(bg, core)[0])
    if not main.present:
        # the edge may hide against a background of its own colour
        if bg_like_core:
            return _retake(Reason.of("evidence.edge_hidden"), **base)
        return Evidence("flat", (Reason.of("evidence.no_edge", f"expected {main.expected_px:.1f} px on the "
                                           f"{main.side}, none seen"),), **base)
    # the upper bound in px gets a fixed slack (a narrow band's measured width is widened by
    # blur and JPEG by up to about a pixel, whatever the wall's true width) where the core's
    # colour vouches for the band; without a core colour the width is the only evidence
    if core is not None:
        hi_t = round(hi_t + width_slack_px() * card_size().thickness_mm / max(main.expected_px, 1e-6), 2)
    detail = f"{thick:.2f} mm on the {main.side} (card 0.76 mm, accepted {lo_t}-{hi_t} mm)"
    if thick < lo_t:
        if match and bg_like_core:
            # a band of the core's colour ending early in a background of that colour: the wall's
            # far side is lost in the background, not a paper edge
            return _retake(Reason.of("evidence.edge_hidden", detail), **base)
        return Evidence("flat", (Reason.of("evidence.thin_edge", detail),), **base)
    if match is False:
        return Evidence("flat", (Reason.of("evidence.core_colour", f"hue {angle:.0f} degrees from the core's"),),
                        **base)
    # a real card's wall shows only where the pose lets it; the same band on a side where no
    # wall can show is printed: a border round a copy
    hidden = [i for i in range(4) if expected[i] <= float(lim["view"]["hidden_below_px"])]
    for i in hidden:
        # (the border may lie inside the located outline: a copy's outline is found at the line's
        # outer edge, or at its inner one; the band is searched up to its own width inwards)
        other = measure_side(rgb, pose, i, blur, width_px=main.width_px * 1.5, shift_px=main.width_px * 1.25)
        if other.present and other.width_px >= 0.5 * main.width_px and \
                other.fit_ratio >= float(lim["view"]["border_min_fit_ratio"]) and \
                np.linalg.norm(np.subtract(other.rgb, main.rgb)) <= float(lim["view"]["border_max_rgb_distance"]):
            return Evidence("flat", (Reason.of("evidence.border", f"{other.width_px:.1f} px on the {other.side}"),),
                            **base)
    if thick > hi_t:
        if match:
            # a band of the core's colour, too wide: the wall runs on into something of its
            # colour beyond it (a dark line, a pattern), so its far side cannot be found
            return _retake(Reason.of("evidence.edge_hidden", detail), **base)
        # too thick for a card: a dark, colourless band is a display's bezel; anything else a
        # copy's border or margin
        hue_c = hue_chroma(main.rgb)[1]
        bezel = sum(main.rgb) / 3 < float(lim["screen"]["bezel_max_level"]) and hue_c < float(lim["colour"]["neutral_chroma"])
        return Evidence("screen" if bezel else "flat", (Reason.of("evidence.thick_edge", detail),), **base)
    faces = [s.face_rgb for s in base["sides"]]
    if core is not None:
        # a line of the core's colour printed round a copy passes for a 1-3 px wall where the wall
        # shows, but shows on the other sides too, as wide as the face's scale there makes it
        line = printed_line_check(rgb, pose, expected, faces, blur, core, face_ref)
        code, colour = "evidence.printed_line", "the core's colour"
    else:
        # no core colour: a line printed round a copy (an outline, a copier's dark line) is told from
        # a wall the same way, by its own colour on the sides where no wall can show
        line = printed_band_check(rgb, pose, expected, faces, blur, main, face_ref)
        code, colour = "evidence.printed_band", "the edge's colour"
    s = line.strongest
    if line.printed and s is not None:
        return Evidence("flat", (Reason.of(code, (
            f"{s.core_px:.2f} px of {colour} on the {SIDES[s.side]}, where a line printed round the "
            f"card would put {s.predicted_px:.2f} px and no wall can show")),), **base)
    reasons = [Reason.of("evidence.slab", detail)]
    if core is None:
        reasons.append(Reason.of("evidence.core_not_declared"))
    return Evidence("card", tuple(reasons), **base)
