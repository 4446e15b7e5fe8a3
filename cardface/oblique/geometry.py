"""Quadrilaterals, homographies and the plausibility of a card's shape under perspective.

Image points are (x, y) in pixels with pixel centres at integer coordinates (OpenCV's
convention); card points are (u, v) in mm from the top-left corner of the printed face.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cardface.oblique.config import card_size

CORNER_NAMES = ("top_left", "top_right", "bottom_right", "bottom_left")


def rect_mm(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    """A rectangle's corners TL, TR, BR, BL in mm."""
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float64)


def card_rect_mm() -> np.ndarray:
    c = card_size()
    return rect_mm(0.0, 0.0, c.width_mm, c.height_mm)


@dataclass(frozen=True)
class Quad:
    """A card found in a photo.

    ``points`` is a 4x2 float array of the printed face's corners in image pixels, in the
    order top-left, top-right, bottom-right, bottom-left of that face as it is read (the
    corners of the ID-1 rectangle: where the straight edges meet, outside the rounded
    corners). ``confidence`` is 0..1; ``warnings`` say why a result may be wrong.
    """

    points: np.ndarray
    confidence: float = 1.0
    side: str | None = None  # "front" or "back" when recognised
    layout: str | None = None  # "current" or "next" when recognised
    method: str = ""  # what found the outline: "marks", "edges", "features", "truth"
    warnings: tuple[str, ...] = ()
    scores: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        pts = np.asarray(self.points, dtype=np.float64).reshape(4, 2)
        object.__setattr__(self, "points", pts)

    @property
    def diagonal_px(self) -> float:
        """Mean length of the two diagonals, in pixels."""
        p = self.points
        return float((np.linalg.norm(p[2] - p[0]) + np.linalg.norm(p[3] - p[1])) / 2)

    def homography(self) -> np.ndarray:
        """3x3 matrix mapping card mm (u, v, 1) to image pixels."""
        return homography(card_rect_mm(), self.points)

    def to_image(self, pts_mm: np.ndarray) -> np.ndarray:
        """Card points in mm -> image pixels."""
        return apply_h(self.homography(), pts_mm)

    def scaled(self, factor: float) -> Quad:
        """The same quad in an image scaled by ``factor`` (pixel centres kept consistent)."""
        pts = (self.points + 0.5) * factor - 0.5
        return Quad(pts, self.confidence, self.side, self.layout, self.method, self.warnings, dict(self.scores))

    def max_corner_error(self, other: Quad | np.ndarray) -> float:
        """Largest distance between corresponding corners, in pixels."""
        o = other.points if isinstance(other, Quad) else np.asarray(other, dtype=np.float64).reshape(4, 2)
        return float(np.max(np.linalg.norm(self.points - o, axis=1)))

    def to_dict(self) -> dict:
        return {
            "corners": {n: [round(float(x), 2), round(float(y), 2)] for n, (x, y) in zip(CORNER_NAMES, self.points, strict=False)},
            "confidence": round(float(self.confidence), 3),
            "side": self.side,
            "layout": self.layout,
            "method": self.method,
            "warnings": list(self.warnings),
        }


def homography(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """The 3x3 homography taking 4 ``src`` points to 4 ``dst`` points."""
    import cv2

    return cv2.getPerspectiveTransform(np.asarray(src, np.float32).reshape(4, 2),
                                       np.asarray(dst, np.float32).reshape(4, 2)).astype(np.float64)


def apply_h(h: np.ndarray, pts: np.ndarray) -> np.ndarray:
    pts = np.asarray(pts, dtype=np.float64).reshape(-1, 2)
    q = np.c_[pts, np.ones(len(pts))] @ h.T
    return q[:, :2] / q[:, 2:3]


def signed_area(pts: np.ndarray) -> float:
    """Shoelace area; positive when the points run clockwise in image coordinates (y down)."""
    x, y = pts[:, 0], pts[:, 1]
    return float(0.5 * (np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def is_convex(pts: np.ndarray) -> bool:
    p = np.asarray(pts, dtype=np.float64).reshape(-1, 2)
    n = len(p)
    signs = []
    for i in range(n):
        a, b, c = p[i], p[(i + 1) % n], p[(i + 2) % n]
        cross = (b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0])
        signs.append(cross)
    signs = np.array(signs)
    return bool(np.all(signs > 0) or np.all(signs < 0))


def clockwise(pts: np.ndarray) -> np.ndarray:
    """The same four points, ordered clockwise (in image coordinates) from the one nearest the top-left."""
    p = np.asarray(pts, dtype=np.float64).reshape(4, 2)
    c = p.mean(axis=0)
    ang = np.arctan2(p[:, 1] - c[1], p[:, 0] - c[0])
    p = p[np.argsort(ang)]  # increasing angle = clockwise when y points down
    start = int(np.argmin(p[:, 0] + p[:, 1]))
    return np.roll(p, -start, axis=0)


def metric_aspect(quad: np.ndarray, image_size: tuple[int, int], focal_range: tuple[float, float],
                  target: float) -> tuple[float, float]:
    """The width/height ratio of the rectangle seen as ``quad`` (TL, TR, BR, BL), as a pinhole
    camera with its principal point at the image centre and a focal length in ``focal_range``
    (multiples of the longest image side) would see it.

    The focal length in the range that best agrees with ``target`` is taken. Returns
    (aspect, focal_px).
    """
    w, h = image_size
    big = float(max(w, h))
    c = np.array([(w - 1) / 2.0, (h - 1) / 2.0])
    p = (np.asarray(quad, dtype=np.float64) - c) / big  # normalised coordinates
    hm = homography(np.array([[0, 0], [1, 0], [1, 1], [0, 1]], float), p)
    h1, h2 = hm[:, 0], hm[:, 1]
    fmin, fmax = focal_range
    # aspect(f) = |K^-1 h1| / |K^-1 h2| with K = diag(f, f, 1); searched over the range, with
    # the focal length implied by the vanishing points among the trials when it is in range
    # (alone it is ill-conditioned unless the perspective is strong)
    fs = np.geomspace(fmin, fmax, 24)
    num = -(h1[0] * h2[0] + h1[1] * h2[1])
    den = h1[2] * h2[2]
    if abs(den) > 1e-12 and num / den > 0 and fmin <= np.sqrt(num / den) <= fmax:
        fs = np.r_[fs, np.sqrt(num / den)]
    inv2 = 1.0 / fs**2
    a2 = ((h1[0] ** 2 + h1[1] ** 2) * inv2 + h1[2] ** 2) / np.maximum((h2[0] ** 2 + h2[1] ** 2) * inv2 + h2[2] ** 2, 1e-24)
    asp = np.sqrt(a2)
    i = int(np.argmin(np.abs(np.log(asp / target))))
    return float(asp[i]), float(fs[i] * big)


@dataclass(frozen=True)
class Pose:
    """A pinhole camera (focal ``f_px``, principal point ``c``) and the card's pose: card mm
    (u, v, z) -> camera ``R @ (u, v, z) + t``; z grows away from the camera, into the card."""

    f_px: float
    c: np.ndarray
    R: np.ndarray
    t: np.ndarray

    def project(self, pts_mm: np.ndarray, z_mm: float = 0.0) -> np.ndarray:
        p = np.c_[pts_mm, np.full(len(pts_mm), z_mm)] @ self.R.T + self.t
        return self.f_px * p[:, :2] / p[:, 2:3] + self.c

    @property
    def tilt_deg(self) -> float:
        """Angle between the card's plane and the image plane."""
        return float(np.degrees(np.arccos(np.clip(abs(self.R[2, 2]), 0, 1))))


def card_pose(quad: Quad, image_size: tuple[int, int], focal_range: tuple[float, float]) -> Pose:
    """The pose that maps the ID-1 face onto ``quad`` in a photo of ``image_size`` (w, h): the focal
    length from the card's known aspect ratio (within ``focal_range``, multiples of the photo's
    longest side; :func:`metric_aspect`), the principal point at the centre, the homography
    decomposed into the card's rotation and position."""
    cs = card_size()
    w, h = image_size
    _, f = metric_aspect(quad.points, (w, h), focal_range, cs.aspect)
    c = np.array([(w - 1) / 2.0, (h - 1) / 2.0])
    k_inv = np.array([[1 / f, 0, -c[0] / f], [0, 1 / f, -c[1] / f], [0, 0, 1]])
    m = k_inv @ quad.homography()
    lam = 2.0 / (np.linalg.norm(m[:, 0]) + np.linalg.norm(m[:, 1]))
    if m[2, 2] < 0:
        lam = -lam
    r1, r2, t = lam * m[:, 0], lam * m[:, 1], lam * m[:, 2]
    u, _, vt = np.linalg.svd(np.c_[r1, r2, np.cross(r1, r2)])
    rot = u @ vt
    if np.linalg.det(rot) < 0:
        rot = u @ np.diag([1, 1, -1]) @ vt
    return Pose(float(f), c, rot, t)
