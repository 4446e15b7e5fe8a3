"""Decoded -> :class:`FaceAnalysis`: everything expensive, computed once per photo.

Faces, 478 landmarks and 52 blendshapes (MediaPipe Face Landmarker, one pass over the
working image, up to three faces), head pose (from the landmarker's facial transformation
matrix), the person mask (selfie segmentation) and the regions the checks read (face, cheeks, eyes,
mouth, background, the band around the head). Properties are computed on first use and
cached, so a check never re-runs a model or re-decodes the image.

Coordinates are working-image pixels (``decoded.rgb``); divide by ``decoded.scale`` for the
original image (after EXIF orientation).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cached_property
from importlib import resources

import numpy as np

from photo import models
from photo.backdrop import backdrop_design, fit_backdrop, row_norm
from photo.intake import Decoded
from photo.lab import to_lab, to_lab_planes
from photo.measures import settings

# MediaPipe face-mesh indices (image left = the subject's right); "brow_lower": the lower edge of
# the brow above the eye
EYE_R = {"outer": 33, "inner": 133, "upper": (160, 159, 158), "lower": (144, 145, 153), "iris": 468,
         "contour": (33, 246, 161, 160, 159, 158, 157, 173, 133, 155, 154, 153, 145, 144, 163, 7),
         "brow_lower": (46, 53, 52, 65, 55)}
EYE_L = {"outer": 263, "inner": 362, "upper": (387, 386, 385), "lower": (373, 374, 380), "iris": 473,
         "contour": (263, 466, 388, 387, 386, 385, 384, 398, 362, 382, 381, 380, 374, 373, 390, 249),
         "brow_lower": (276, 283, 282, 295, 285)}
#: how this module measures: photo/data/measures.toml [analysis], each value explained there
_M = settings("analysis")
BURNT_LUMA: int = _M["burnt_luma"]
LIPS_INNER = (78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308, 324, 318, 402, 317, 14, 87, 178, 88, 95)
LIPS_OUTER = (61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291, 375, 321, 405, 314, 17, 84, 181, 91, 146)
LIP_GAPS = ((82, 87), (13, 14), (312, 317))
MOUTH_CORNERS = (61, 291)
FACE_OVAL = (10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152,
             148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109)
CHEEK_R = (117, 118, 101, 36, 205, 187, 123, 116)
CHEEK_L = (346, 347, 330, 266, 425, 411, 352, 345)
BROW_R = (70, 63, 105, 66, 107)
BROW_L = (300, 293, 334, 296, 336)
CHIN, FOREHEAD, NOSE_TIP = 152, 10, 1
# Points that move little with expression (no lips, no eyelids, no jaw tip): used for the pose fit.
_MOVING = set(LIPS_INNER) | set(LIPS_OUTER) | set(EYE_R["contour"]) | set(EYE_L["contour"])

MATTE_RING: float = _M["matte_ring"]
MATTE_UNSURE: float = _M["matte_unsure"]
#: person probabilities at or below this are 0 (see FaceAnalysis.person: subnormal floats are slow)
PERSON_FLOOR = 1e-30
SEG_PX: int = _M["seg_px"]
SKIN_GRID_IED: float = _M["skin_grid_ied"]


def _template():
    with resources.files("photo").joinpath("data/face_template.npz").open("rb") as f:
        d = np.load(f)
        return d["template"].astype(np.float64), d["pairs"].astype(np.int64)


_TEMPLATE: tuple[np.ndarray, np.ndarray] | None = None
_STABLE = np.array([i for i in range(468) if i not in _MOVING])


def template() -> tuple[np.ndarray, np.ndarray]:
    global _TEMPLATE
    if _TEMPLATE is None:
        _TEMPLATE = _template()
    return _TEMPLATE


def template_ied() -> float:
    """Distance between the eye centres (mean of each eye's corners) of the frontal template."""
    t, _ = template()
    r = (t[EYE_R["outer"]] + t[EYE_R["inner"]]) / 2
    left = (t[EYE_L["outer"]] + t[EYE_L["inner"]]) / 2
    return float(np.linalg.norm((r - left)[:2]))


@dataclass(frozen=True)
class Pose:
    """Head pose in degrees, from the 3D mesh fitted to the frontal template.

    yaw > 0: the nose points to the image's left; pitch: see ``fit_pose``; roll > 0: the eye
    line runs down towards the image's right."""

    yaw_deg: float
    pitch_deg: float
    roll_deg: float


def fit_pose(landmarks: np.ndarray) -> tuple[Pose, np.ndarray, float]:
    """Fit the frontal template to 3D landmarks (Kabsch with scale); returns pose, rotation, scale."""
    tmpl, _ = template()
    src = tmpl[_STABLE]
    dst = landmarks[_STABLE, :3]
    src_c = src - src.mean(axis=0)
    dst_c = dst - dst.mean(axis=0)
    u, s, vt = np.linalg.svd(src_c.T @ dst_c)
    d = np.sign(np.linalg.det(vt.T @ u.T))
    corr = np.diag([1.0, 1.0, d])
    rot = vt.T @ corr @ u.T  # dst ~ scale * rot @ src
    scale = float((s * np.diag(corr)).sum() / (src_c**2).sum())
    yaw = float(np.degrees(-np.arcsin(np.clip(rot[2, 0], -1, 1))))
    pitch = float(np.degrees(np.arctan2(rot[2, 1], rot[2, 2])))
    roll = float(np.degrees(np.arctan2(rot[1, 0], rot[0, 0])))
    return Pose(yaw_deg=yaw, pitch_deg=pitch, roll_deg=roll), rot, scale


def pose_from_matrix(matrix: np.ndarray) -> Pose:
    """Yaw, pitch and roll (degrees) of a 4 x 4 facial transformation matrix (canonical face model ->
    camera; x to the image's right, y up, z towards the camera), in :class:`Pose`'s conventions."""
    r = np.asarray(matrix, dtype=np.float64)[:3, :3]
    r = r / np.cbrt(np.linalg.det(r))  # remove any scale
    yaw = float(np.degrees(np.arcsin(np.clip(r[2, 0], -1, 1))))
    pitch = float(np.degrees(np.arctan2(r[2, 1], r[2, 2])))
    roll = float(np.degrees(-np.arctan2(r[1, 0], r[0, 0])))
    return Pose(yaw_deg=yaw, pitch_deg=pitch, roll_deg=roll)


def canonical_of(landmarks: np.ndarray, fit: tuple[Pose, np.ndarray, float] | None = None) -> np.ndarray:
    """A 478-point mesh's 468 face points in the frontal template's frame (:func:`fit_pose`'s
    rotation and scale removed; ``fit`` when it is already known)."""
    _, rot, scale = fit if fit is not None else fit_pose(landmarks)
    tmpl, _ = template()
    lm = landmarks[:468, :3]
    return (lm - lm[_STABLE].mean(axis=0)) @ rot / scale + tmpl[_STABLE].mean(axis=0)


def eye_chin_of(landmarks: np.ndarray) -> float:
    """Distance from the iris centres' midpoint to the chin of a 478-point mesh (working px)."""
    eye_mid = (landmarks[EYE_R["iris"], :2] + landmarks[EYE_L["iris"], :2]) / 2
    return float(np.linalg.norm(landmarks[CHIN, :2] - eye_mid))


def polygon_mask(shape: tuple[int, int], pts: np.ndarray, origin: tuple[int, int] = (0, 0)) -> np.ndarray:
    """The polygon ``pts`` (x, y; rounded to whole pixels) filled in a bool mask of ``shape``
    whose top-left pixel is ``origin`` (x, y) of the points' frame: a window of the whole-image
    mask, drawn in the window alone (the same pixels)."""
    import cv2

    m = np.zeros(shape, np.uint8)
    cv2.fillPoly(m, [np.round(pts[:, :2]).astype(np.int32)], 1, offset=(-origin[0], -origin[1]))
    return m.view(bool)  # 0/1 bytes are numpy's bools: no copy


class FaceAnalysis:
    """One photo, analysed once. Checks read these properties; none of them mutates anything."""

    def __init__(self, decoded: Decoded, checked_on: datetime.date | None = None):
        self.decoded = decoded
        #: the day the photo is judged on (the application's date): ``file.taken`` counts the
        #: photo's age to it; today unless given
        self.checked_on = checked_on or datetime.date.today()
        self.rgb = decoded.rgb
        self.h, self.w = self.rgb.shape[:2]

    # ---------------------------------------------------------------- pixels
    @cached_property
    def grey8(self) -> np.ndarray:
        """Luma (BT.601, rounded to whole levels by OpenCV) as uint8."""
        import cv2

        return cv2.cvtColor(self.rgb, cv2.COLOR_RGB2GRAY)

    @cached_property
    def grey(self) -> np.ndarray:
        """Luma (BT.601, rounded to whole levels by OpenCV) as float32 0-255 (the checks read
        :attr:`grey8` and convert only the pixels they use)."""
        return self.grey8.astype(np.float32)

    #: sRGB to CIELAB (photo/lab.py): the checks call it on the analysis
    to_lab = staticmethod(to_lab)
    to_lab_planes = staticmethod(to_lab_planes)

    def grey_in_face(self, mask: np.ndarray) -> np.ndarray:
        """``grey[mask]`` for a mask that lies inside :attr:`face_window` (same values, same order)."""
        rows, cols = self.face_window
        return self.grey8[rows, cols][mask[rows, cols]].astype(np.float32)

    @cached_property
    def skin_grid(self) -> tuple[slice, slice]:
        """The rows and columns of :attr:`face_window` the skin statistics read: every k-th, with
        k = max(1, floor(eye distance / SKIN_GRID_IED)), so a big face gives as many samples as
        one of about 64-128 px between the eyes (several thousand skin pixels) and costs no more.
        Medians and percentiles of the skin need no more; small faces are read whole (k = 1)."""
        rows, cols = self.face_window
        k = max(1, int(self.ied // SKIN_GRID_IED))
        return slice(rows.start, rows.stop, k), slice(cols.start, cols.stop, k)

    @cached_property
    def skin_grey(self) -> np.ndarray:
        """Luma of the :attr:`skin_mask` pixels on :attr:`skin_grid` (float32, row-major)."""
        g = self.skin_grid
        return self.grey8[g][self.skin_mask[g]].astype(np.float32)

    @cached_property
    def cheek_greys(self) -> tuple[np.ndarray, np.ndarray]:
        """Luma of each of :attr:`cheek_masks`' pixels on :attr:`skin_grid` (image-left cheek,
        image-right cheek; float32, row-major)."""
        g = self.skin_grid
        grey = self.grey8[g]
        cl, cr = self.cheek_masks
        return grey[cl[g]].astype(np.float32), grey[cr[g]].astype(np.float32)

    @cached_property
    def cheek_grey(self) -> np.ndarray:
        """Luma of both cheeks' pixels on :attr:`skin_grid` (:attr:`cheek_greys`, the image-left
        cheek's first: the two patches lie either side of the nose and never overlap)."""
        return np.concatenate(self.cheek_greys)

    @cached_property
    def skin_lab(self) -> np.ndarray:
        """CIELAB (N x 3) of the :attr:`skin_mask` pixels on :attr:`skin_grid`, row-major (the colour checks)."""
        g = self.skin_grid
        idx = np.flatnonzero(self.skin_mask[g])
        if len(idx) == 0:
            return np.zeros((0, 3), np.float32)
        px = np.take(np.ascontiguousarray(self.rgb[g]).reshape(-1, 3), idx, axis=0)  # = rgb[g][mask], faster
        return self.to_lab(px[None, :, :])[0]

    @cached_property
    def cheek_lab(self) -> np.ndarray:
        """CIELAB (N x 3) of both :attr:`cheek_masks`' pixels on :attr:`skin_grid` (a subset of
        :attr:`skin_lab`, row-major)."""
        g = self.skin_grid
        cl, cr = self.cheek_masks
        return self.skin_lab[(cl[g] | cr[g])[self.skin_mask[g]]]

    @cached_property
    def half_lab(self) -> np.ndarray:
        """CIELAB of every 2nd pixel of :attr:`small` in both directions (``small[::2, ::2]``, about
        256 px on the long side): what the colour measures read, at a quarter of the
        conversions of the whole small image (the conversion is per pixel: the same values as
        converting it whole and subsampling). H x W x 3, from :attr:`half_lab_planes`."""
        return np.stack(self.half_lab_planes, axis=-1)

    @cached_property
    def half_lab_planes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:attr:`half_lab` as three contiguous planes (L, a, b; :meth:`to_lab_planes`): what the
        shadow measure reads channel by channel."""
        return self.to_lab_planes(every_2nd(self.small[0]))

    @cached_property
    def half_chroma(self) -> np.ndarray:
        """CIELAB chroma (hypot of a*, b*) of :attr:`half_lab_planes`: how colourful the whole frame
        is, which ``color.natural`` (is the photo greyscale?) and ``image.color`` read."""
        _, sa, sb = self.half_lab_planes
        return np.hypot(sa, sb)

    # ---------------------------------------------------------------- faces
    @cached_property
    def faces(self) -> list[models.Face]:
        """Every face the Face Landmarker finds in the working image (up to ``models.MAX_FACES``),
        largest first: landmarks, blendshapes and transformation matrix each."""
        return models.faces(self.rgb)

    @cached_property
    def mirror(self) -> tuple[np.ndarray, models.Face | None]:
        """(the working image mirrored left-right, the largest face the Face Landmarker finds in
        it or None): a second look for the mouth measures, which one encoding of a photo can flip
        (``mouth.closed``, the teeth of ``expression.neutral``). Computed only when a check asks."""
        rgb = np.ascontiguousarray(self.rgb[:, ::-1])
        found = models.faces(rgb)
        return rgb, (found[0] if found else None)

    @property
    def face_boxes(self) -> list[tuple[float, float, float, float]]:
        """Landmark boxes (x0, y0, x1, y1, working px) of every face found, largest first."""
        return [f.box for f in self.faces]

    @property
    def landmarks(self) -> np.ndarray | None:
        """478 x 3 landmarks (working px; z in px) of the main (largest) face, or None when no face is found."""
        return self.faces[0].points if self.faces else None

    @property
    def blendshapes(self) -> dict[str, float]:
        """The main face's 52 blendshape scores (0-1) by MediaPipe name; empty without a face.
        Left/Right in the names are the subject's own (``eyeBlinkLeft`` is the eye at the image's right)."""
        return self.faces[0].blendshapes if self.faces else {}

    @property
    def face_matrix(self) -> np.ndarray | None:
        """The main face's 4 x 4 facial transformation matrix (canonical face model -> camera), or None."""
        return self.faces[0].matrix if self.faces else None

    @property
    def has_face(self) -> bool:
        return self.landmarks is not None

    @property
    def face_count(self) -> int:
        return len(self.faces)

    @cached_property
    def pose_fit(self) -> tuple[Pose, np.ndarray, float]:
        assert self.landmarks is not None
        return fit_pose(self.landmarks)

    @cached_property
    def pose(self) -> Pose:
        """Head pose from the Face Landmarker's facial transformation matrix (its fit of the
        canonical 3D face model), in this module's conventions (see :class:`Pose`).

        Chosen over the template fit (:attr:`pose_fit`) by measurement: on the 142 frontal
        studio photos of FRL neutral_front and canada its spread between people is smaller
        (yaw sd 1.98 vs 2.14 degrees, pitch sd 4.08 vs 4.69) and its mean pitch is -0.2 degrees
        (the fit's +1.0). Falls back to the template fit when the landmarker gives no matrix."""
        m = self.pose_matrix
        return self.pose_fit[0] if m is None else pose_from_matrix(m)

    @cached_property
    def pose_matrix(self) -> np.ndarray | None:
        """The landmarker's facial transformation matrix when :attr:`pose` is read from it
        (finite, not degenerate); None when the pose falls back to the template fit."""
        m = self.face_matrix
        if m is None or not np.isfinite(m).all() or abs(np.linalg.det(m[:3, :3])) < 1e-6:
            return None
        return m

    @cached_property
    def canonical(self) -> np.ndarray:
        """The 468 mesh points mapped into the frontal template's frame (pose and scale removed,
        template units: RMS radius 1), so expressions compare directly with the neutral template."""
        assert self.landmarks is not None
        return canonical_of(self.landmarks, self.pose_fit)

    def pt(self, i: int) -> np.ndarray:
        assert self.landmarks is not None
        return self.landmarks[i, :2]

    def mean_pt(self, idx) -> np.ndarray:
        assert self.landmarks is not None
        return self.landmarks[list(idx), :2].mean(axis=0)

    @cached_property
    def eye_r(self) -> np.ndarray:
        """Centre of the eye at the image's left (the subject's right): the iris centre."""
        return self.pt(EYE_R["iris"])

    @cached_property
    def eye_l(self) -> np.ndarray:
        return self.pt(EYE_L["iris"])

    @cached_property
    def eye_mid(self) -> np.ndarray:
        return (self.eye_r + self.eye_l) / 2

    @cached_property
    def ied(self) -> float:
        """Inter-eye distance in working px."""
        return float(np.linalg.norm(self.eye_l - self.eye_r))

    @cached_property
    def frontal_ied(self) -> float:
        """The inter-eye distance (working px) the face would show facing the camera: the eyes'
        distance in the photo, or the frontal template's scaled by its fit to the face mesh where
        that is larger. The eyes' distance shrinks as the head turns (a profile's to a third): a
        turned face enlarged by as much more read as blurred (``image.sharpness``), and its lids
        as taller than they are (``eyes.visible``'s hair strands). On frontal faces the fit reads
        0.9-1.03 of the eyes' distance."""
        return max(self.ied, self.pose_fit[2] * template_ied())

    @cached_property
    def chin(self) -> np.ndarray:
        return self.pt(CHIN)

    @cached_property
    def eye_chin(self) -> float:
        """Distance from the eyes' midpoint to the chin (OFIQ's normaliser for eye and mouth gaps)."""
        return eye_chin_of(self.landmarks)

    @cached_property
    def up(self) -> np.ndarray:
        """Unit vector from chin towards the eyes (the face's 'up' in the image)."""
        v = self.eye_mid - self.chin
        return v / (np.linalg.norm(v) or 1.0)

    @cached_property
    def face_box(self) -> tuple[float, float, float, float]:
        pts = self.landmarks[list(FACE_OVAL), :2]
        return (float(pts[:, 0].min()), float(pts[:, 1].min()), float(pts[:, 0].max()), float(pts[:, 1].max()))

    @cached_property
    def face_mask(self) -> np.ndarray:
        """Inside the face oval (the landmarks' outline), eyes, brows and mouth included."""
        return polygon_mask((self.h, self.w), self.landmarks[list(FACE_OVAL)])

    @cached_property
    def face_window(self) -> tuple[slice, slice]:
        """(rows, columns) of the working image that hold every pixel of :attr:`face_mask`."""
        pts = np.round(self.landmarks[list(FACE_OVAL), :2])
        x0, y0 = (max(0, int(v)) for v in pts.min(axis=0))
        x1, y1 = int(pts[:, 0].max()) + 1, int(pts[:, 1].max()) + 1
        return slice(y0, max(y0, min(self.h, y1))), slice(x0, max(x0, min(self.w, x1)))

    @cached_property
    def skin_mask(self) -> np.ndarray:
        """Face oval minus eyes, brows and mouth: the skin the lighting checks read.

        Eyes, brows and mouth are cut out as their landmarks' convex hulls dilated by 8 % of
        the eye distance (at least 2 px). Only :attr:`face_window` is worked on: nothing
        outside the face oval can be skin."""
        import cv2

        rows, cols = self.face_window
        m = np.zeros((self.h, self.w), bool)
        if rows.start == rows.stop or cols.start == cols.stop:
            return m
        win = self.face_mask[rows, cols].copy()
        pad = max(2, int(self.ied * 0.08))
        kernel = np.ones((2 * pad + 1, 2 * pad + 1), np.uint8)
        for idx in (EYE_R["contour"], EYE_L["contour"], LIPS_OUTER, (*BROW_R, 55, 65, 52, 53, 46),
                    (*BROW_L, 285, 295, 282, 283, 276)):
            pts = self.landmarks[list(idx), :2]
            hull = np.round(cv2.convexHull(pts.astype(np.float32)).reshape(-1, 2)).astype(np.int32)
            # each hole is drawn and dilated in its own box (the hull's box grown by the
            # dilation's reach, within the image): the same pixels as on the whole image
            oy, ox = max(0, int(hull[:, 1].min()) - pad), max(0, int(hull[:, 0].min()) - pad)
            ey, ex = min(self.h, int(hull[:, 1].max()) + pad + 1), min(self.w, int(hull[:, 0].max()) + pad + 1)
            y0, y1 = max(oy, rows.start), min(ey, rows.stop)
            x0, x1 = max(ox, cols.start), min(ex, cols.stop)
            if y0 >= y1 or x0 >= x1:
                continue
            hole = np.zeros((ey - oy, ex - ox), np.uint8)
            cv2.fillPoly(hole, [hull - (ox, oy)], 1)
            hole = cv2.dilate(hole, kernel, borderType=cv2.BORDER_CONSTANT, borderValue=0)
            win[y0 - rows.start:y1 - rows.start, x0 - cols.start:x1 - cols.start] &= hole[y0 - oy:y1 - oy, x0 - ox:x1 - ox] == 0
        m[rows, cols] = win
        return m

    def region(self, idx, window: tuple[slice, slice] | None = None) -> np.ndarray:
        """The convex hull of landmarks ``idx`` as a full-size bool mask, or only its ``window``
        (rows, columns: the same pixels, drawn there alone)."""
        import cv2

        pts = self.landmarks[list(idx), :2].astype(np.float32)
        hull = cv2.convexHull(pts).reshape(-1, 2)
        if window is None:
            return polygon_mask((self.h, self.w), hull)
        rows, cols = window
        return polygon_mask((rows.stop - rows.start, cols.stop - cols.start), hull, (cols.start, rows.start))

    @cached_property
    def cheek_masks(self) -> tuple[np.ndarray, np.ndarray]:
        """(image-left cheek, image-right cheek) skin patches."""
        rows, cols = self.face_window  # the skin mask is empty outside it: drawn and combined there only
        skin = self.skin_mask[rows, cols]
        out = []
        for idx in (CHEEK_R, CHEEK_L):
            m = np.zeros((self.h, self.w), bool)
            m[rows, cols] = self.region(idx, (rows, cols)) & skin
            out.append(m)
        return out[0], out[1]

    # ---------------------------------------------------------------- person / head
    @cached_property
    def small(self) -> tuple[np.ndarray, float]:
        """(RGB at SEG_PX on the long side, factor small px per working px)."""
        import cv2

        f = min(1.0, SEG_PX / max(self.h, self.w))
        if f >= 1.0:
            return self.rgb, 1.0
        # max(1, ...): a 6000 x 8 strip must not shrink to zero rows
        return cv2.resize(self.rgb, (max(1, round(self.w * f)), max(1, round(self.h * f))),
                          interpolation=cv2.INTER_AREA), f

    @cached_property
    def person(self) -> np.ndarray:
        """Person probability at the small scale (float32 0-1). Probabilities below PERSON_FLOOR
        are 0: the segmentation model leaves thousands of subnormal values (about 1e-39) in the
        background, and every float operation that touches one runs tens of times slower (the
        guided filter of :attr:`person_refined` took twice as long); its outputs move by less than 1e-15."""
        import cv2

        p = models.person_mask(np.ascontiguousarray(self.small[0]))
        return cv2.threshold(p, PERSON_FLOOR, 0.0, cv2.THRESH_TOZERO, dst=p)[1]

    @cached_property
    def person_refined(self) -> np.ndarray:
        """:attr:`person` refined along the photo's edges by a guided filter
        (:func:`photo.matte.refine_person`): strands and curls at the silhouette's edge join the person."""
        from photo.matte import refine_person

        return refine_person(self.small[0], self.person, grey8=self.small_grey8)

    @cached_property
    def matte_unsure(self) -> float:
        """How unsure the cheap matte (:attr:`person_refined`) is: the share of the ring just outside
        its silhouette (2 px to MATTE_RING face widths, small scale) whose colour is more than Delta E 8
        off the backdrop model fitted around that matte. Hair the mask left out (a ponytail, loose
        curls below the chin), a shadow or an object touching the person raise it; a tidy head on a
        plain wall reads about 0.004 (FRL/canada compliant photos: p50 0.004, p90 0.026). 0 without
        a face or a backdrop."""
        import cv2

        model = self.backdrop_refined
        if model is None or not self.has_face:
            return 0.0
        # the ring is found on every 2nd pixel in both directions (distances in small px / 2): a
        # sample is enough for a share, and the distance transform costs a quarter
        m = self.person_refined[::2, ::2]
        fw = max(2.0, (self.face_box[2] - self.face_box[0]) * self.small[1])
        dist = cv2.distanceTransform(np.ascontiguousarray(m < 0.5).view(np.uint8), cv2.DIST_L2, 3)
        ring = (dist > 1) & (dist < MATTE_RING * fw / 2) & (m < 0.2)
        if not ring.any():
            return 0.0
        idx = np.flatnonzero(ring)
        hy, hx = np.divmod(idx, ring.shape[1])
        ys, xs = 2 * hy, 2 * hx
        lab = self.to_lab(np.take(self.small_sharp.reshape(-1, 3), idx, axis=0)[None])[0]  # = small_sharp[hy, hx]
        dev = row_norm(lab - backdrop_design(xs, ys, model["shape"]) @ model["coef"])
        return float((dev > 8.0).mean())

    @cached_property
    def matte_by_modnet(self) -> bool:
        """Whether the hair-level matte is MODNet's: the cheap matte is unsure of the person's
        outline (:attr:`matte_unsure` over MATTE_UNSURE). :attr:`person_matte` and :attr:`crown`
        both read it."""
        return self.matte_unsure > MATTE_UNSURE

    @cached_property
    def person_matte(self) -> np.ndarray:
        """The person at hair level (float32 0-1, small scale), what the background checks read.

        :attr:`person_refined` (guided filter: about 1 ms) when the cheap matte is sure of the
        person's outline; where it is unsure (:attr:`matte_unsure` > MATTE_UNSURE: hair, a hood, a
        shadow or an object at the silhouette), MODNet portrait matting
        (:func:`photo.models.portrait_matte`, about 0.29 s), which keeps loose hair, ponytails and
        buns with the person and leaves a shadow or an object on the wall behind; of its matte only
        the parts joined to the cheap mask's person are kept (:func:`attached`: a picture on the
        wall that the matting takes for part of the portrait is not the person). Chosen by
        measurement (bench/photo_accuracy.py): on FRL/canada compliant photos the gate opens for
        about 3 % of them."""
        if self.matte_by_modnet:
            return attached(models.portrait_matte(np.ascontiguousarray(self.small[0])), self.person_refined > 0.5)
        return self.person_refined

    @cached_property
    def crown(self) -> np.ndarray:
        """Top of the head, hair included (頭頂, 髪を含む), working px.

        The highest row where the head — the part of the person mask (probability > 0.3; the
        hair-level matte, :attr:`person_matte`, where the cheap mask is unsure)
        connected to the eyes — fills at least 15 % of a band 1.8 eye distances wide over
        the face: a round skull or hairstyle reaches that share within about 1 mm of its top,
        while single strands or a lone tuft do not. Searched from the eyes up to 1.74
        eye-chin distances above them (tall buns and voluminous hair count: the rules
        measure the head with its hair). When the head reaches the top edge the crown is at
        (or above) row 0. Without a mask the anthropometric estimate (0.94 eye-chin distances
        above the eyes, the FRL .tem median) is used. The point returned lies on the face's
        up axis through the eyes, at the crown's row.
        """

        mid, up, d = self.eye_mid, self.up, self.eye_chin
        skull = mid + up * d * 0.94
        f = self.small[1]
        # where the cheap mask is unsure at hair level (frizz, curls, loose strands against the
        # wall), the hair-level matte finds the head's top
        prob = self.person_matte if self.matte_by_modnet else self.person
        mask = (prob > 0.3).astype(np.uint8)
        ex, ey = min(int(mid[0] * f), mask.shape[1] - 1), min(int(mid[1] * f), mask.shape[0] - 1)
        c0, c1 = max(0, int((mid[0] - 0.9 * self.ied) * f)), max(1, int((mid[0] + 0.9 * self.ied) * f) + 1)
        # the head (the region holding the eyes), in the band only; the whole band's mask when
        # the eyes' pixel is not the person's
        head = region_at(mask, max(ex, 0), max(ey, 0))
        band = head[:, c0:c1] if head is not None else mask[:, c0:c1] > 0
        lo = max(0, int((mid[1] - 1.74 * d) * f))
        hi = min(mask.shape[0], max(lo + 1, int(mid[1] * f)))
        if band.size == 0:
            return skull
        rows = np.nonzero(band[lo:hi].mean(axis=1) >= 0.15)[0]
        if rows.size == 0:
            return skull
        y = (lo + int(rows[0])) / f
        if lo + int(rows[0]) == 0:
            y = min(y, 0.0)  # the head runs off the top of the frame
        t = (mid[1] - y) / (-up[1]) if abs(up[1]) > 1e-6 else d
        return mid + up * t

    @cached_property
    def head_box(self) -> tuple[float, float, float, float]:
        """Box around the whole head: face oval sides, crown on top, chin at the bottom."""
        x0, _, x1, _ = self.face_box
        return (x0, float(min(self.crown[1], self.face_box[1])), x1, float(self.chin[1]))

    @cached_property
    def background(self) -> np.ndarray:
        """Background pixels at the small scale: :attr:`person_matte` < 0.2, eroded away from the person."""
        if self.person_matte is self.person_refined:
            return self.background_refined
        return background_of(self.person_matte)

    @cached_property
    def background_refined(self) -> np.ndarray:
        """:func:`background_of` the cheap matte (:attr:`person_refined`): where the backdrop
        model that gates MODNet is fitted, and :attr:`background` itself when MODNet is not needed."""
        return background_of(self.person_refined)

    @cached_property
    def small_blurred(self) -> np.ndarray:
        """The small image blurred at about 1/128 of its width (what the backdrop model is fitted to),
        at half the small scale: the blur is several px wide, so a quarter of the pixels lose
        nothing a quadratic backdrop could follow (mean change under 0.3 of 255 levels; 0.5 ms
        instead of 3 at 12 MP). :func:`fit_backdrop` reads it bilinearly at small-scale positions."""
        import cv2

        small = self.small[0]
        sigma = max(1.0, small.shape[1] / 128)
        if min(small.shape[:2]) < 32:  # too small to halve
            return cv2.GaussianBlur(small, (0, 0), sigmaX=sigma)
        return cv2.GaussianBlur(self.small_half, (0, 0), sigmaX=sigma / 2)

    @cached_property
    def small_half(self) -> np.ndarray:
        """:attr:`small` at half its size by pixel-area averaging (means of 2 x 2 pixels when its
        sides are even), for the smooth measures of the backdrop."""
        import cv2

        h, w = self.small[0].shape[:2]
        return cv2.resize(self.small[0], (max(1, w // 2), max(1, h // 2)), interpolation=cv2.INTER_AREA)

    @cached_property
    def small_sharp(self) -> np.ndarray:
        """The small image lightly blurred (JPEG noise off, strands kept), at every 2nd pixel in
        both directions (row 2i, column 2j of :attr:`small`): OpenCV's pyramid step, whose 5-tap
        binomial kernel [1 4 6 4 1] / 16 is a Gaussian of sigma 1 px, computed only where it is read."""
        import cv2

        return cv2.pyrDown(self.small[0])

    @cached_property
    def backdrop_refined(self) -> dict | None:
        """:func:`fit_backdrop` around the cheap matte (:attr:`person_refined`)."""
        return fit_backdrop(self.small_blurred, self.background_refined)

    @cached_property
    def backdrop(self) -> dict | None:
        """The smooth model of the backdrop's own lighting behind :attr:`background` (see :func:`fit_backdrop`)."""
        if self.person_matte is self.person_refined:
            return self.backdrop_refined
        return fit_backdrop(self.small_blurred, self.background)


    def backdrop_planes(self, step: int = 1) -> list[np.ndarray] | None:
        """The backdrop model's CIELAB over the small grid (every ``step``-th pixel) as three
        planes (L, a, b; float32), for measures that read the channels apart."""
        b = self.backdrop
        if b is None:
            return None
        h, w = b["shape"]
        u = np.arange(0, w, step, dtype=np.float32) / w - 0.5
        v = np.arange(0, h, step, dtype=np.float32) / h - 0.5
        c = b["coef"].astype(np.float32)  # rows: 1, u, v, u^2, v^2, uv (see backdrop_design)
        # per channel: the terms in u alone are summed once per column, those in v once per
        # row, the uv term per pixel
        uv = np.multiply.outer(v, u)
        planes = []
        for k in range(3):
            cols = c[0, k] + c[1, k] * u + c[3, k] * u * u
            rows = c[2, k] * v + c[4, k] * v * v
            plane = uv * c[5, k]
            plane += rows[:, None]
            plane += cols[None, :]
            planes.append(plane)
        return planes

    @cached_property
    def small_grey8(self) -> np.ndarray:
        """Luma of :attr:`small` (BT.601, rounded to whole levels by OpenCV) as uint8: the guide of
        :attr:`person_refined`'s guided filter."""
        import cv2

        return cv2.cvtColor(np.ascontiguousarray(self.small[0]), cv2.COLOR_RGB2GRAY)

    @cached_property
    def small_grey(self) -> np.ndarray:
        """:attr:`small_grey8` (luma rounded to whole levels) as float32, what the background's
        gradient reads. (Unrounded luma, 0.299 R + 0.587 G + 0.114 B per pixel, took 0.4 ms more
        at 12 MP and moved the gradient by at most 0.022, median 0.001, against a limit of 3.0.)"""
        return self.small_grey8.astype(np.float32)

    def face_summary(self) -> dict | None:
        """JSON-able face description in ORIGINAL pixel coordinates."""
        if self.landmarks is None:
            return None
        k = 1.0 / self.decoded.scale
        p = self.pose
        x0, y0, x1, y1 = self.face_box
        return {
            "box": [round(v * k, 1) for v in (x0, y0, x1, y1)],
            "eyes": [[round(float(v) * k, 1) for v in self.eye_r], [round(float(v) * k, 1) for v in self.eye_l]],
            "chin": [round(float(v) * k, 1) for v in self.chin],
            "crown": [round(float(v) * k, 1) for v in self.crown],
            "inter_eye_px": round(self.ied * k, 1),
            "yaw": round(p.yaw_deg, 1), "pitch": round(p.pitch_deg, 1), "roll": round(p.roll_deg, 1),
            "count": self.face_count,
        }


def every_2nd(rgb: np.ndarray) -> np.ndarray:
    """``rgb[::2, ::2]`` (h x w x channels) as a contiguous array, copied channel by channel
    (numpy copies a strided view of 3-byte pixels several times slower: 0.18 -> 0.05 ms at 512 px)."""
    rows = rgb[::2]
    out = np.empty((rows.shape[0], (rgb.shape[1] + 1) // 2, *rgb.shape[2:]), rgb.dtype)
    if rgb.ndim == 2:
        out[...] = rows[:, ::2]
        return out
    for k in range(rgb.shape[2]):
        out[..., k] = rows[:, ::2, k]
    return out


def region_at(mask: np.ndarray, x: int, y: int) -> np.ndarray | None:
    """The 8-connected region of ``mask``'s non-zero pixels (uint8) holding pixel (x, y), as a
    bool mask (a view), or None when that pixel is 0: flood-filled from it, the same pixels as
    the region ``cv2.connectedComponents`` labels there, without labelling every region."""
    import cv2

    if not mask[y, x]:
        return None
    out = np.zeros((mask.shape[0] + 2, mask.shape[1] + 2), np.uint8)
    cv2.floodFill(mask, out, (x, y), 0, 0, 0, 8 | cv2.FLOODFILL_MASK_ONLY | (1 << 8))
    return out[1:-1, 1:-1].view(bool)


def attached(matte: np.ndarray, core: np.ndarray) -> np.ndarray:
    """``matte`` without its parts (connected regions of matte > 0.2) that do not touch ``core``."""
    import cv2

    n, cc = cv2.connectedComponents((matte > 0.2).astype(np.uint8))
    if n <= 2:
        return matte
    keep = np.zeros(n, bool)
    keep[np.unique(cc[core])] = True
    keep[0] = True  # the background (matte <= 0.2) keeps its values
    return np.where(keep[cc], matte, np.float32(0.0)).astype(np.float32)


def background_of(person: np.ndarray) -> np.ndarray:
    """Background pixels of a person matte (small scale): matte < 0.2, eroded away from the person."""
    import cv2

    bg = (person < 0.2).astype(np.uint8)
    k = max(3, int(min(bg.shape) * 0.02) | 1)
    return cv2.erode(bg, np.ones((k, k), np.uint8)) > 0


def analyse(decoded: Decoded) -> FaceAnalysis:
    return FaceAnalysis(decoded)
