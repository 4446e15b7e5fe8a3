"""What the encoding cost: the decoded portrait against the uncompressed one.

* ``drift_p95_pct``: the landmark model run on both whole images (same framing, so only the
  coding differs); the 95th percentile over the 478 points of the distance between the two
  positions, in % of the portrait's inter-eye distance (``drift_median_pct`` likewise).
* ``skin_delta_e00``: CIEDE2000 between the mean CIELAB colours of each skin patch (both
  cheeks, the forehead) of the two images; the worst patch.
* ``ssim_face``: SSIM (Gaussian window, sigma 1.5 px, on luma) averaged over the face outline.
* ``drift_p95_stable_pct`` (when the reference's stable landmarks are given): the same drift
  with each image's landmarks averaged over a few whole-pixel translations of it (each run's
  points shifted back). The landmark model is not translation-equivariant: moving the
  uncompressed portrait by one pixel already moves its p95 point by ~0.5 % of the eye
  distance, and noise of one grey level by ~0.2 %. Averaging both sides over the same
  translations removes part of that jitter from what is charged to the coding.
* ``drift_p95_shifted_pct`` (with the reference's shifted landmarks too): the same with the
  translated runs only, leaving out the untranslated run that the encoder's candidate search
  (:mod:`photo.chip`) minimised: whether a chosen encoding keeps the landmarks closer in
  general, or only on the one run it was chosen by.

Landmarks come from :func:`photo.models.faces` (the Face Landmarker) on the whole portrait,
the largest face's 478 points, so both images go through exactly the same step.
"""

from __future__ import annotations

import numpy as np

from photo.analysis import CHEEK_L, CHEEK_R, FACE_OVAL

FOREHEAD = (67, 109, 10, 338, 297, 299, 9, 69)
SKIN_PATCHES = {"cheek_image_left": CHEEK_R, "cheek_image_right": CHEEK_L, "forehead": FOREHEAD}


def landmarks(rgb: np.ndarray) -> np.ndarray | None:
    """478 x 3 landmarks (px) of the face in a whole portrait, or None."""
    from photo import models

    found = models.faces(np.ascontiguousarray(rgb))
    return found[0].points if found else None


def landmarks_stable(rgb: np.ndarray, shifts_px, first: np.ndarray | None = None) -> np.ndarray | None:
    """478 x 2 landmarks (px) averaged over whole-pixel translations of ``rgb`` (each run's points
    shifted back); ``first``: the points already found on the untranslated image (shift (0, 0),
    which must then be the first shift), so it is not run twice. None when any run finds no face."""
    runs = landmark_runs(rgb, shifts_px, first)
    return None if runs is None else np.mean(runs, axis=0)


def landmark_runs(rgb: np.ndarray, shifts_px, first: np.ndarray | None = None) -> list[np.ndarray] | None:
    """The 478 x 2 landmarks (px) of each whole-pixel translation of ``rgb``, shifted back (see
    :func:`landmarks_stable`); None when any run finds no face."""
    import cv2

    h, w = rgb.shape[:2]
    runs = []
    for i, (dx, dy) in enumerate(shifts_px):
        if i == 0 and first is not None and (dx, dy) == (0, 0):
            pts = first
        else:
            m = np.float32([[1, 0, dx], [0, 1, dy]])
            moved = cv2.warpAffine(rgb, m, (w, h), flags=cv2.INTER_NEAREST, borderMode=cv2.BORDER_REPLICATE)
            pts = landmarks(moved)
            if pts is None:
                return None
            pts = pts[:, :2] - (dx, dy)
        runs.append(np.asarray(pts, np.float64)[:, :2])
    return runs


def delta_e00(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """CIEDE2000 colour difference (Sharma, Wu and Dalal 2005) between CIELAB arrays (..., 3)."""
    L1, a1, b1 = (np.asarray(lab1, np.float64)[..., i] for i in range(3))
    L2, a2, b2 = (np.asarray(lab2, np.float64)[..., i] for i in range(3))
    cbar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(cbar**7 / (cbar**7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    zero = (c1p * c2p) == 0
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(zero, 0.0, dh)
    d_l, d_c = L2 - L1, c2p - c1p
    d_h = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    lbar, cbarp = (L1 + L2) / 2, (c1p + c2p) / 2
    hsum = h1p + h2p
    hbar = np.where(zero, hsum, np.where(np.abs(h1p - h2p) <= 180, hsum / 2,
                                         np.where(hsum < 360, (hsum + 360) / 2, (hsum - 360) / 2)))
    t = (1 - 0.17 * np.cos(np.radians(hbar - 30)) + 0.24 * np.cos(np.radians(2 * hbar))
         + 0.32 * np.cos(np.radians(3 * hbar + 6)) - 0.20 * np.cos(np.radians(4 * hbar - 63)))
    d_theta = 30 * np.exp(-(((hbar - 275) / 25) ** 2))
    r_c = 2 * np.sqrt(cbarp**7 / (cbarp**7 + 25.0**7))
    s_l = 1 + 0.015 * (lbar - 50) ** 2 / np.sqrt(20 + (lbar - 50) ** 2)
    s_c = 1 + 0.045 * cbarp
    s_h = 1 + 0.015 * cbarp * t
    r_t = -np.sin(np.radians(2 * d_theta)) * r_c
    return np.sqrt((d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2 + r_t * (d_c / s_c) * (d_h / s_h))


def lab(rgb: np.ndarray) -> np.ndarray:
    """CIELAB (D65, L 0-100) of sRGB uint8, in float (no 8-bit rounding)."""
    import cv2

    return cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)


def _polygon(shape, pts, hull: bool) -> np.ndarray:
    import cv2

    p = np.asarray(pts, np.float32)[:, :2]
    if hull:
        p = cv2.convexHull(p).reshape(-1, 2)
    m = np.zeros(shape, np.uint8)
    cv2.fillPoly(m, [np.round(p).astype(np.int32)], 1)
    return m > 0


SSIM_RADIUS = 5  # ssim_map's window: 11 x 11 px


def ssim_map(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """SSIM map (Wang et al. 2004: Gaussian window sigma 1.5, K1 0.01, K2 0.03, range 255)."""
    import cv2

    x, y = x.astype(np.float32), y.astype(np.float32)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2

    def blur(a):
        return cv2.GaussianBlur(a, (2 * SSIM_RADIUS + 1,) * 2, 1.5)

    mx, my = blur(x), blur(y)
    sxx, syy, sxy = blur(x * x) - mx * mx, blur(y * y) - my * my, blur(x * y) - mx * my
    return ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2))


def ssim_face(reference: np.ndarray, decoded: np.ndarray, face: np.ndarray) -> float | None:
    """SSIM (:func:`ssim_map` on luma) averaged over the ``face`` mask (4 decimals), None for an empty
    mask. Computed on the mask's bounding box with the window's radius around it: every face
    pixel's window lies inside, so the values are those of the whole-image map."""
    ys, xs = np.nonzero(face)
    if ys.size == 0:
        return None
    h, w = face.shape
    y0, y1 = max(0, ys.min() - SSIM_RADIUS), min(h, ys.max() + SSIM_RADIUS + 1)
    x0, x1 = max(0, xs.min() - SSIM_RADIUS), min(w, xs.max() + SSIM_RADIUS + 1)
    s = ssim_map(_luma(reference[y0:y1, x0:x1]), _luma(decoded[y0:y1, x0:x1]))
    return round(float(s[face[y0:y1, x0:x1]].mean()), 4)


def _luma(rgb: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)  # BT.601 luma


def drift_pct(a: np.ndarray, b: np.ndarray, ied_px: float) -> tuple[float, float]:
    """(p95, median) distance between two landmark sets, % of the inter-eye distance (3 decimals)."""
    d = np.linalg.norm(a[:, :2] - b[:, :2], axis=1) / ied_px * 100
    return round(float(np.percentile(d, 95)), 3), round(float(np.median(d)), 3)


def skin_reference(reference: np.ndarray, placed_landmarks: np.ndarray) -> dict:
    """Each skin patch's (mask, mean CIELAB colour) in the reference portrait: computed once when
    several encodings of it are measured (:func:`skin_patches_delta_e00`'s ``ref``)."""
    shape = reference.shape[:2]
    out = {}
    for name, idx in SKIN_PATCHES.items():
        m = _polygon(shape, placed_landmarks[list(idx)], hull=True)
        if m.any():
            out[name] = m, lab(reference[m][None])[0].mean(axis=0)
    return out


def skin_patches_delta_e00(reference: np.ndarray, decoded: np.ndarray, placed_landmarks: np.ndarray,
                           ref: dict | None = None) -> dict:
    """CIEDE2000 between the mean colours of each skin patch (cheeks, forehead) of the two images
    (``ref``: :func:`skin_reference` of ``reference``, when already made)."""
    ref = ref if ref is not None else skin_reference(reference, placed_landmarks)
    return {name: round(float(delta_e00(mean, lab(decoded[m][None])[0].mean(axis=0))), 3)
            for name, (m, mean) in ref.items()}


def meets(drift_p95_pct: float | None, skin_delta_e00: float | None, targets: dict) -> bool:
    """The target: p95 landmark drift and the worst skin patch's CIEDE2000 both measured and
    within ``targets`` (``max_drift_p95_pct``, ``max_skin_delta_e00``)."""
    return bool(drift_p95_pct is not None and skin_delta_e00 is not None
                and drift_p95_pct <= targets["max_drift_p95_pct"]
                and skin_delta_e00 <= targets["max_skin_delta_e00"])


def measure(reference: np.ndarray, decoded: np.ndarray, ref_landmarks: np.ndarray | None,
            placed_landmarks: np.ndarray, ied_px: float, targets: dict,
            ref_stable: np.ndarray | None = None, ref_shifted: np.ndarray | None = None,
            decoded_landmarks: np.ndarray | None = None, skin_patches: dict | None = None) -> dict:
    """The measures of a decoded portrait; ``ref_landmarks`` from :func:`landmarks` on ``reference``
    (computed once per portrait), ``placed_landmarks`` the analysis' landmarks in portrait px
    (for the regions: skin patches and face outline). ``ref_stable``: :func:`landmarks_stable`
    of ``reference`` with ``targets["stable_shifts_px"]``; given, the stable drift is measured too
    (three more landmark runs on the decoded portrait). ``ref_shifted``: the reference's landmarks
    averaged over the translated runs only (all shifts but the first); given with ``ref_stable``,
    ``drift_p95_shifted_pct`` is the drift between such averages: a measure that never sees the
    untranslated run :mod:`photo.chip`'s candidate search chose by. ``decoded_landmarks``: the
    decoded portrait's landmarks when already found (not run again); ``skin_patches``: its
    :func:`skin_patches_delta_e00` when already measured (not measured again)."""
    shape = reference.shape[:2]
    out: dict = {}
    dec_lm = decoded_landmarks if decoded_landmarks is not None else landmarks(decoded)
    if dec_lm is None or ref_landmarks is None:
        out.update(drift_p95_pct=None, drift_median_pct=None, face_found=dec_lm is not None)
    else:
        p95, med = drift_pct(dec_lm, ref_landmarks, ied_px)
        out.update(drift_p95_pct=p95, drift_median_pct=med, face_found=True)
    patches = (skin_patches if skin_patches is not None
               else skin_patches_delta_e00(reference, decoded, placed_landmarks))
    out["skin_delta_e00"] = max(patches.values()) if patches else None
    out["skin_delta_e00_patches"] = patches
    face = _polygon(shape, placed_landmarks[list(FACE_OVAL)], hull=False)
    out["ssim_face"] = ssim_face(reference, decoded, face)
    out["meets_target"] = meets(out["drift_p95_pct"], out["skin_delta_e00"], targets)
    if ref_stable is not None:
        runs = landmark_runs(decoded, targets["stable_shifts_px"], dec_lm) if dec_lm is not None else None
        p95 = med = None
        if runs is not None:
            p95, med = drift_pct(np.mean(runs, axis=0), ref_stable, ied_px)
        out.update(drift_p95_stable_pct=p95, drift_median_stable_pct=med)
        if ref_shifted is not None:
            out["drift_p95_shifted_pct"] = (drift_pct(np.mean(runs[1:], axis=0), ref_shifted, ied_px)[0]
                                            if runs is not None and len(runs) > 1 else None)
        out["meets_target_stable"] = meets(p95, out["skin_delta_e00"], targets)
    out["decoded_landmarks"] = dec_lm
    return out
