"""One side of a located card: what a 0.76 mm wall would look like there at the camera's pose,
and the band the photo shows across it (:mod:`cardface.oblique.bandfit`), its width, blur and
colour. Read by :func:`cardface.oblique.evidence.evidence` on each of the four sides."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cardface.oblique.bandfit import BandFit, band_models, fit_band, fit_step, line_residuals, lines_of
from cardface.oblique.config import card_size
from cardface.oblique.edgemodel import YCC as _YCC
from cardface.oblique.evidence_limits import chroma_blur_px, limits, sigma_grid
from cardface.oblique.geometry import Pose

SIDES = ("top", "right", "bottom", "left")


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


def side_points(side: int, ts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(points at fractions ``ts`` along side ``side`` of the face (top, right, bottom, left;
    card mm), the inward unit step (mm) from that side)."""
    cs = card_size()
    rect = np.array([[0, 0], [cs.width_mm, 0], [cs.width_mm, cs.height_mm], [0, cs.height_mm]], np.float64)
    a, b = rect[side], rect[(side + 1) % 4]
    inward_mm = np.array([[0, 1], [-1, 0], [0, -1], [1, 0]], np.float64)[side]
    return a[None, :] + ts[:, None] * (b - a)[None, :], inward_mm


def side_normals(pose: Pose, side: int) -> tuple[np.ndarray, np.ndarray]:
    """(the points across which :func:`side_profile` samples side ``side`` of the face, on its
    edge (px), the outward normal at each, one mm of the face long (px))."""
    cfg = limits()["profile"]
    on_edge, inward_mm = side_points(side, np.linspace(*cfg["span"], int(cfg["lines"])))
    p0 = pose.project(on_edge)
    return p0, p0 - pose.project(on_edge + inward_mm)


def face_px_per_mm(pose: Pose, side: int) -> float:
    """The face's px per mm across side ``side`` (as :func:`side_profile` returns it), without
    sampling the profile."""
    return float(np.median(np.linalg.norm(side_normals(pose, side)[1], axis=1)))


def side_profile(img: np.ndarray, pose: Pose, side: int, expected_px: float) -> tuple[np.ndarray, np.ndarray, float]:
    """The colour profiles (lines, samples, 3) across side ``side`` of the face (outward from its
    edge), the offsets (px) and the face's px per mm across that side."""
    import cv2

    cfg = limits()["profile"]
    p0, normal = side_normals(pose, side)
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
    mids, inward_mm = side_points(side, np.linspace(0.3, 0.7, 5))
    p0, p1 = pose.project(mids, 0.0), pose.project(mids, cs.thickness_mm)
    n = p0 - pose.project(mids + inward_mm)
    n /= np.linalg.norm(n, axis=1, keepdims=True)
    return float(np.mean(((p1 - p0) * n).sum(axis=1)))


def as_rgb8(v) -> tuple[int, int, int]:
    return tuple(int(x) for x in np.clip(np.round(v), 0, 255))


def wall_colour(profile: np.ndarray, s: np.ndarray, fit: BandFit, width_px: float) -> np.ndarray:
    """The colour (RGB) of a band ``width_px`` wide (the wall a card would show at the measured
    pose) at the face's edge, fitted on the profiles as a photo's JPEG holds them: its brightness
    (Y) at full resolution, with the fitted blur, and its colour (Cb, Cr) at half resolution
    (JPEG's 4:2:0 sampling averages the colour over 2x2 pixels, and the decoder interpolates it
    back): blurred by ``profile.chroma_blur_px`` more. A 1-2 px wall keeps its brightness in
    the photo but spreads its colour over 2-4 px at half the strength; a model with one blur for
    all three channels read such a wall as a wide, pale band. The band's position is refitted on
    Y with its width fixed, about the free fit's; the face and the background as in
    :func:`fit_band`."""
    Y = lines_of(profile) @ _YCC.T
    w = max(float(width_px), 0.25)
    shifts = fit.s0 + np.arange(-1.5, 1.5 + 1e-9, 0.125)
    n = len(shifts)
    rss, coef = band_models(Y[:, :, :1], s, shifts, np.full(n, w), np.full(n, fit.sigma))
    i = int(np.argmin(rss))
    sc = float(np.hypot(fit.sigma, max(chroma_blur_px(), 1e-3)))
    _, cc = band_models(Y[:, :, 1:], s, shifts[i:i + 1], np.array([w]), np.array([sc]))
    ycc = np.r_[coef[i, 1, 0], cc[0, 1]]
    return np.linalg.solve(_YCC, ycc)


def measure_step(img: np.ndarray, pose: Pose, side: int) -> EdgeSide:
    """A side where no wall can show: the face meets the background; its blur is measured."""
    cfg = limits()["profile"]
    expected = expected_wall_px(pose, side)
    prof, s, _ = side_profile(img, pose, side, 1.0)
    shift = float(cfg["shift_px"])
    _, sigma, face, bg = fit_step(prof, s, np.arange(-shift, shift + 1e-9, 0.25), sigma_grid(), chroma_blur_px())
    return EdgeSide(SIDES[side], expected, abs(expected) / card_size().thickness_mm, False, 0.0, None, None,
                    as_rgb8(face), as_rgb8(bg), 1.0, sigma)


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
    prof, s, _ = side_profile(img, pose, side, reach)
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
        keep = np.argsort(line_residuals(prof, s, fit, chroma))[:max(4, round(len(prof) * (1 - trim)))]
        fit2 = fit_band(prof[keep], s, widths, shifts, sigmas, chroma_px=chroma, stride=stride)
        ratio2, present2 = judged(fit2)
        if present2:
            fit, ratio, present, lines = fit2, ratio2, True, prof[keep]
    rgb = as_rgb8
    width = fit.width if present else 0.0
    thick = width / per_mm if per_mm > 1e-6 and expected > 0 else None
    wall = rgb(wall_colour(lines, s, fit, expected)) if present and expected > 0 and width_px is None else None
    return EdgeSide(SIDES[side], expected, per_mm, bool(present), float(width), thick,
                    rgb(fit.band) if present else None, rgb(fit.face), rgb(fit.bg), float(ratio),
                    fit.sigma if present else fit.sigma_step, wall)
