"""Where the face goes in the chip portrait: a similarity transform from the analysis' landmarks.

Token frontal (ISO/IEC 19794-5 8.4): the pupil centres (iris landmarks 468, 473) land
exactly on (W/2 -/+ W/8, 0.6 W): eye midpoint (W/2, 0.6 W), inter-eye distance W/4, eye
line level. Full frontal: the eye line level and centred, the head (crown with hair to chin)
``head_per_height`` of H, the eye line ``eye_from_bottom`` of H above the bottom edge. Only
rotation, uniform scale and translation: the face is never reshaped or retouched.

Settings come from ``photo/data/chip.toml`` (see :mod:`photo.chip_settings`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Placement:
    """The portrait frame: ``matrix`` (2x3) maps working-image px to portrait px."""

    kind: str
    width: int
    height: int
    matrix: np.ndarray
    scale: float  # portrait px per working px
    rotation_deg: float  # applied rotation (the eye line's tilt removed)
    landmarks: np.ndarray  # 478 x 2, the analysis landmarks in portrait px
    eye_r: np.ndarray  # image-left eye (the subject's right), portrait px
    eye_l: np.ndarray
    crown: np.ndarray | None
    chin: np.ndarray
    outside_share: float  # share of portrait pixels that fall outside the source photo

    @property
    def ied(self) -> float:
        return float(np.linalg.norm(self.eye_l - self.eye_r))

    def to_dict(self) -> dict:
        mid = (self.eye_r + self.eye_l) / 2
        d = {"kind": self.kind, "width": self.width, "height": self.height, "scale": round(self.scale, 4),
             "rotation_deg": round(self.rotation_deg, 2), "eye_mid_px": [round(float(v), 2) for v in mid],
             "inter_eye_px": round(self.ied, 2), "chin_px": [round(float(v), 1) for v in self.chin],
             "outside_share": round(self.outside_share, 4)}
        if self.crown is not None:
            d["crown_px"] = [round(float(v), 1) for v in self.crown]
        return d


def _similarity(src_a, src_b, dst_a, dst_b) -> np.ndarray:
    """2x3 matrix of the similarity mapping src_a -> dst_a and src_b -> dst_b."""
    s = np.asarray(src_b, float) - np.asarray(src_a, float)
    d = np.asarray(dst_b, float) - np.asarray(dst_a, float)
    k = np.linalg.norm(d) / np.linalg.norm(s)
    ang = np.arctan2(d[1], d[0]) - np.arctan2(s[1], s[0])
    c, sn = k * np.cos(ang), k * np.sin(ang)
    m = np.array([[c, -sn, 0.0], [sn, c, 0.0]])
    m[:, 2] = np.asarray(dst_a, float) - m[:, :2] @ np.asarray(src_a, float)
    return m


def apply(matrix: np.ndarray, pts: np.ndarray) -> np.ndarray:
    pts = np.asarray(pts, float)[..., :2]
    return pts @ matrix[:, :2].T + matrix[:, 2]


def place(analysis, kind: str, settings: dict, width_px: int | None = None) -> Placement:
    """The frame of a ``kind`` ("token" or "full") portrait of width ``width_px`` for this analysis."""
    cfg = settings[kind]
    w = int(width_px or cfg["width_px"])
    h = round(w * cfg["height_per_width"])
    eye_r, eye_l = np.asarray(analysis.eye_r, float), np.asarray(analysis.eye_l, float)
    crown = None
    if kind == "token":
        y = cfg["eye_y_per_width"] * w
        half = cfg["ied_per_width"] * w / 2
        m = _similarity(eye_r, eye_l, (w / 2 - half, y), (w / 2 + half, y))
    else:
        # level the eyes first (unit scale), then scale the head to its share of H
        level = _similarity(eye_r, eye_l, (0.0, 0.0), (float(np.linalg.norm(eye_l - eye_r)), 0.0))
        crown_l, chin_l = apply(level, [analysis.crown, analysis.chin])
        head = float(chin_l[1] - crown_l[1])
        if head <= 0:
            head = float(np.linalg.norm(np.asarray(analysis.chin) - np.asarray(analysis.crown)))
        k = cfg["head_per_height"] * h / head
        target = np.array([w / 2, h * (1 - cfg["eye_from_bottom"])])
        a = level[:, :2] * k
        m = np.hstack([a, (target - a @ ((eye_r + eye_l) / 2))[:, None]])
        crown = apply(m, [analysis.crown])[0]
    scale = float(np.hypot(m[0, 0], m[1, 0]))
    rot = float(np.degrees(np.arctan2(m[1, 0], m[0, 0])))
    lm = apply(m, analysis.landmarks)
    # how much of the frame lies outside the source (filled by edge replication)
    inv = np.linalg.inv(np.vstack([m, [0, 0, 1]]))[:2]
    ys, xs = np.mgrid[0:h:4, 0:w:4]
    src = apply(inv, np.stack([xs.ravel() + 0.5, ys.ravel() + 0.5], axis=1))
    ah, aw = analysis.rgb.shape[:2]
    outside = (src[:, 0] < 0) | (src[:, 1] < 0) | (src[:, 0] > aw) | (src[:, 1] > ah)
    return Placement(kind=kind, width=w, height=h, matrix=m, scale=scale, rotation_deg=rot, landmarks=lm,
                     eye_r=apply(m, [eye_r])[0], eye_l=apply(m, [eye_l])[0], crown=crown,
                     chin=apply(m, [analysis.chin])[0], outside_share=float(outside.mean()))


def render(rgb: np.ndarray, placement: Placement) -> np.ndarray:
    """The uncompressed portrait: area-averaged downscale, then the exact warp (bicubic)."""
    import cv2

    m = placement.matrix.copy()
    src = rgb
    if placement.scale < 0.9:  # shrink by area first so the warp does not alias
        f = placement.scale * 1.1
        src = cv2.resize(rgb, (max(1, round(rgb.shape[1] * f)), max(1, round(rgb.shape[0] * f))),
                         interpolation=cv2.INTER_AREA)
        fx, fy = src.shape[1] / rgb.shape[1], src.shape[0] / rgb.shape[0]
        m[:, 0] /= fx
        m[:, 1] /= fy
    return cv2.warpAffine(np.ascontiguousarray(src), m, (placement.width, placement.height), flags=cv2.INTER_CUBIC,
                          borderMode=cv2.BORDER_REPLICATE)


def tolerances(placement: Placement, eye_r: np.ndarray | None, eye_l: np.ndarray | None, settings: dict) -> dict:
    """The stated geometry checked on eye centres found again in the decoded portrait.

    Token: eye midpoint within ``eye_mid_tolerance_px`` of (W/2, 0.6 W) and inter-eye distance
    within ``ied_tolerance_px`` of W/4. Full: eye midpoint x in ``eye_x_range`` of W, the eye
    line ``eye_from_bottom_range`` of H above the bottom, head length ``head_per_height_range``
    of H (crown and chin as placed). ``ok`` is None when no eyes were found."""
    cfg = settings[placement.kind]
    w, h = placement.width, placement.height
    out: dict = {"kind": placement.kind}
    if eye_r is None or eye_l is None:
        out["ok"] = None
        return out
    mid = (np.asarray(eye_r) + np.asarray(eye_l)) / 2
    ied = float(np.linalg.norm(np.asarray(eye_l) - np.asarray(eye_r)))
    out["eye_mid_px"] = [round(float(v), 2) for v in mid]
    out["inter_eye_px"] = round(ied, 2)
    if placement.kind == "token":
        target = np.array([w / 2, cfg["eye_y_per_width"] * w])
        err = float(np.linalg.norm(mid - target))
        ied_err = abs(ied - cfg["ied_per_width"] * w)
        out.update(eye_mid_error_px=round(err, 2), ied_error_px=round(ied_err, 2),
                   eye_mid_tolerance_px=cfg["eye_mid_tolerance_px"], ied_tolerance_px=cfg["ied_tolerance_px"],
                   ok=err <= cfg["eye_mid_tolerance_px"] and ied_err <= cfg["ied_tolerance_px"])
    else:
        ex = float(mid[0] / w)
        eb = float(1 - mid[1] / h)
        head = float((placement.chin[1] - placement.crown[1]) / h) if placement.crown is not None else None
        lo, hi = cfg["eye_x_range"]
        blo, bhi = cfg["eye_from_bottom_range"]
        hlo, hhi = cfg["head_per_height_range"]
        out.update(eye_x_share=round(ex, 4), eye_from_bottom_share=round(eb, 4),
                   head_share=None if head is None else round(head, 4),
                   ok=lo <= ex <= hi and blo <= eb <= bhi and head is not None and hlo <= head <= hhi)
    return out
