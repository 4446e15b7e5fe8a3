"""Smile measures and the small expression model behind ``expression.neutral``.

A smile moves the mouth corners up, out and back, stretches and thins the lips, raises the
cheeks and narrows the eyes, deepens the folds beside the mouth and often shows teeth. Each
cue alone also varies between neutral faces, so they are combined by a logistic model:

- geometry (:func:`geometry_features`): the mesh mapped into the frontal template's frame
  (pose and scale removed; template units = the face's RMS radius), so every measure is
  against the mean neutral studio face: corner lift and widening, corners against the lip
  midline, lip curvature and thickness, corner depth, cheek raise, eye narrowing, lip gap,
  mouth width against the nose and the jaw;
- teeth (:func:`teeth_share`): bright, nearly colourless pixels inside the inner-lip outline;
- appearance: a histogram of oriented gradients (HOG) of the lower face, aligned to the
  template by a similarity transform on rigid points, projected on 20 principal components
  (creases at the corners, cheek folds, lip shape).

The model (``photo/data/expression_model.npz``) is written by
``scripts/train_expression.py`` (:mod:`photo.expression_fit`), fitted on every labelled
person's neutral and smiling photos; ``bench/photo_accuracy.py`` refits it on four folds of
people and reports on the fifth. Its score is a logit: > 0 means "more likely
smiling than neutral"; the profile's limit decides.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np

_UPPER = (61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291)
_LOWER = (61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291)
# rigid points for the similarity alignment: eye corners, nose bridge and tip, alae, face sides
ALIGN = (33, 133, 263, 362, 1, 4, 6, 168, 197, 234, 454, 98, 327)
PX_PER_UNIT = 40.0  # aligned crop scale: pixels per template unit
CROP = (-1.2, 1.2, -0.05, 1.65)  # template x0, x1, y0, y1: cheek to cheek, nose to below the chin
HOG_SIZE = (96, 64)


def _curvature(c: np.ndarray, idx) -> float:
    x, y = c[list(idx), 0], c[list(idx), 1]
    w = float(x.max() - x.min()) or 1.0
    return float(np.polyfit((x - x.mean()) / w, y / w, 2)[0])


def geometry_features(c: np.ndarray, t: np.ndarray) -> dict[str, float]:
    """Mouth, cheek and eye measures of the canonical mesh ``c`` against the template ``t``
    (both 468 x 3, template frame: x to the image's right, y down, z away from the camera)."""
    f: dict[str, float] = {}
    f["lift"] = float(-((c[61, 1] - t[61, 1]) + (c[291, 1] - t[291, 1])) / 2)
    w = float(c[291, 0] - c[61, 0])
    f["wide"] = w - float(t[291, 0] - t[61, 0])
    mid = (c[0, 1] + c[17, 1] + c[13, 1] + c[14, 1]) / 4
    f["corner_vs_mid"] = float(mid - (c[61, 1] + c[291, 1]) / 2)
    f["up_curv"] = _curvature(c, _UPPER)
    f["lo_curv"] = _curvature(c, _LOWER)
    f["eye_gap"] = float(((c[145, 1] - c[159, 1]) + (c[374, 1] - c[386, 1])) / 2
                         - ((t[145, 1] - t[159, 1]) + (t[374, 1] - t[386, 1])) / 2)
    f["cheek"] = float(-((c[205, 1] - t[205, 1]) + (c[425, 1] - t[425, 1])) / 2)
    f["cheek2"] = float(-((c[50, 1] - t[50, 1]) + (c[280, 1] - t[280, 1])) / 2)

    def dist_change(a: int, b: int) -> float:
        return float(np.linalg.norm(c[a, :2] - c[b, :2]) - np.linalg.norm(t[a, :2] - t[b, :2]))

    f["corner_eye"] = -(dist_change(61, 33) + dist_change(291, 263)) / 2
    f["gap"] = float(c[14, 1] - c[13, 1])
    f["corner_depth"] = float((c[61, 2] + c[291, 2]) / 2 - (t[61, 2] + t[291, 2]) / 2)
    f["lip_thick"] = float((c[17, 1] - c[0, 1]) / w)
    f["upper_h"] = float((c[13, 1] - c[0, 1]) / w)
    f["lower_h"] = float((c[17, 1] - c[14, 1]) / w)
    f["mouth_nose"] = float(w / (c[327, 0] - c[98, 0]))
    f["mouth_face"] = float(w / (c[397, 0] - c[172, 0]))
    f["corner_z_rel"] = float((c[61, 2] + c[291, 2]) / 2 - c[13, 2])
    return f


#: Blendshape cues (MediaPipe Face Landmarker, 0-1), left and right averaged so a mirror image scores alike.
BLENDSHAPE_CUES = {
    "bs_smile": ("mouthSmileLeft", "mouthSmileRight"),
    "bs_upper_up": ("mouthUpperUpLeft", "mouthUpperUpRight"),
    "bs_lower_down": ("mouthLowerDownLeft", "mouthLowerDownRight"),
    "bs_dimple": ("mouthDimpleLeft", "mouthDimpleRight"),
    "bs_stretch": ("mouthStretchLeft", "mouthStretchRight"),
    "bs_press": ("mouthPressLeft", "mouthPressRight"),
    "bs_squint": ("eyeSquintLeft", "eyeSquintRight"),
    "bs_jaw_open": ("jawOpen",),
    "bs_roll_lower": ("mouthRollLower",),
    "bs_funnel": ("mouthFunnel",),
}


def blendshape_features(blendshapes: dict[str, float]) -> dict[str, float]:
    """The expression cues of the Face Landmarker's blendshapes (0 where a score is absent)."""
    return {k: float(np.mean([blendshapes.get(n, 0.0) for n in names])) for k, names in BLENDSHAPE_CUES.items()}


def aligned_lower_face(rgb: np.ndarray, landmarks: np.ndarray, template: np.ndarray):
    """(RGB crop of the lower face aligned to the template, 2x3 affine image -> crop)."""
    import cv2

    x0, x1, y0, y1 = CROP
    src = landmarks[list(ALIGN), :2].astype(np.float32)
    dst = ((template[list(ALIGN), :2] - [x0, y0]) * PX_PER_UNIT).astype(np.float32)
    m, _ = cv2.estimateAffinePartial2D(src, dst, method=cv2.LMEDS)
    if m is None:
        m, _ = cv2.estimateAffinePartial2D(src, dst)
    size = (int((x1 - x0) * PX_PER_UNIT), int((y1 - y0) * PX_PER_UNIT))
    crop = cv2.warpAffine(rgb, m, size, flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE)
    return crop, m


def teeth_mask(crop: np.ndarray, m: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """Teeth-like pixels of the aligned crop (bool, crop px): CIELAB L above 80 % of the cheeks'
    and >= 50, chroma below 60 % of the cheeks' + 4, inside the inner-lip outline."""
    import cv2

    from photo.analysis import LIPS_INNER
    from photo.quantiles import median

    pts = np.c_[landmarks[list(LIPS_INNER), :2], np.ones(len(LIPS_INNER))] @ m.T
    inner = np.zeros(crop.shape[:2], np.uint8)
    cv2.fillPoly(inner, [np.round(pts).astype(np.int32)], 1)
    lab = cv2.cvtColor(crop, cv2.COLOR_RGB2Lab).astype(np.float32)
    lum = lab[..., 0] * 100 / 255
    chroma = np.hypot(lab[..., 1] - 128, lab[..., 2] - 128)
    s = PX_PER_UNIT
    cheek = np.zeros(inner.shape, bool)
    rows = slice(int(0.35 * s), int(0.7 * s))
    cheek[rows, int(0.2 * s):int(0.6 * s)] = True
    cheek[rows, -int(0.6 * s):-int(0.2 * s)] = True
    skin_l, skin_c = float(median(lum[cheek], overwrite=True)), float(median(chroma[cheek], overwrite=True))
    return (lum > max(50.0, 0.8 * skin_l)) & (chroma < 0.6 * skin_c + 4) & (inner > 0)


def teeth_share(crop: np.ndarray, m: np.ndarray, landmarks: np.ndarray) -> float:
    """Area of :func:`teeth_mask` in template units squared x 100."""
    return float(teeth_mask(crop, m, landmarks).sum() / (PX_PER_UNIT * PX_PER_UNIT) * 100)


_HOG = None


def hog(grey: np.ndarray) -> np.ndarray:
    """HOG (8 px cells, 16 px blocks, 9 bins) of a grey crop resized to 96 x 64."""
    import cv2

    global _HOG
    if _HOG is None:
        _HOG = cv2.HOGDescriptor(HOG_SIZE, (16, 16), (8, 8), (8, 8), 9)
    g = cv2.resize(grey, HOG_SIZE, interpolation=cv2.INTER_AREA)
    return _HOG.compute(g).ravel().astype(np.float64)


def raw_features(canonical: np.ndarray, template: np.ndarray, rgb: np.ndarray,
                 landmarks: np.ndarray, blendshapes: dict[str, float] | None = None
                 ) -> tuple[dict[str, float], np.ndarray, np.ndarray]:
    """(named geometry + blendshape + teeth features, HOG of the aligned crop, HOG of its mirror image)."""
    import cv2

    f = geometry_features(canonical, template)
    f.update(blendshape_features(blendshapes or {}))
    crop, m = aligned_lower_face(rgb, landmarks, template)
    f["teeth"] = teeth_share(crop, m, landmarks)
    grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    return f, hog(grey), hog(np.ascontiguousarray(grey[:, ::-1]))


@lru_cache(maxsize=1)
def model() -> dict:
    """The fitted model: feature names, HOG PCA (mean, components), standardisation and weights."""
    with resources.files("photo").joinpath("data/expression_model.npz").open("rb") as fh:
        d = np.load(fh, allow_pickle=False)
        return {k: d[k] for k in d.files}


def design(f: dict[str, float], h: np.ndarray, mdl: dict) -> np.ndarray:
    """One feature row: the model's named features, then the HOG principal components."""
    named = np.array([f[str(n)] for n in mdl["names"]])
    return np.concatenate([named, (h - mdl["hog_mean"]) @ mdl["hog_components"].T])


def smile_score(f: dict[str, float], h: np.ndarray, h_mirror: np.ndarray, mdl: dict | None = None) -> float:
    """Logit of "smiling", averaged over the crop and its mirror image (the model is symmetric)."""
    mdl = mdl or model()
    s = 0.0
    for hh in (h, h_mirror):
        z = (design(f, hh, mdl) - mdl["mu"]) / mdl["sd"]
        s += float(z @ mdl["w"] + mdl["b"])
    return s / 2
