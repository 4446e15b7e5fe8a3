"""Head covering: no hat, cap, helmet, hood or scarf.

J-LIS: no hat (無帽); religious or medical coverings are accepted when the outline of the
face is visible. ICAO 9303: no head covering except for religious reasons.

A covering is found by what it is, not by its colour. The head is resampled so the face
(the Face Landmarker's oval) is ``WINDOW_FACE_PX`` wide, and two places are read where a
covering sits and bare hair or skin do not:

* ``crown``: between the top of the head (person mask) and the top of the face oval
  (landmark 10), over the middle of the face's width. Hair of any colour there has fine
  strand texture (a Laplacian well above that of the cheeks' skin, relative to the local
  brightness) and a bald scalp has the skin's chromaticity (a*, b*) at any lightness; a
  hat, cap or helmet is a *smooth* surface of another chromaticity. The measure is the
  share of the zone that is smooth (texture below ``smooth_texture`` x the cheeks') and not
  skin-coloured (chroma distance above ``skin_chroma``).
* ``sides``: a hood, a scarf or helmet straps *enclose the face*: they lie against the face
  outline on both sides, from the eyes down to the mouth. There a bare head shows skin
  (cheeks, ears: skin chromaticity at any lightness), hair (the colours of the crown zone's
  hair, or strand texture above ``hair_texture`` x the cheeks'), or the backdrop (outside the
  person mask). The measure is the share of the person's pixels in a band beside the face
  outline that are none of these, on the side where it is smaller: an arm, a hand or a
  collar on one side of the face does not make it large, a covering wrapped round it does.

A profile may allow religious and medical coverings (``allow_religious``): a covering found
then passes, with a note, when the face is visible from the hairline to the chin with both
cheeks: the rim just inside the face oval from the eyes down to the chin and the forehead
under the covering are skin (at least ``min_outline_skin`` and ``min_forehead_skin`` of
them); one hiding the face outline (a hood or scarf over the cheeks or a brim over the
forehead) still fails.

Cost: one resampled window of about 280 x 280 px per photo, its CIELAB converted only at the
pixels the measures read (the whole check about 3.4 ms at 12 MP on one core, 1 ms of it the
window's shrink; bench/photo_speed.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from photo.analysis import FACE_OVAL, FaceAnalysis, polygon_mask
from photo.checks import check
from photo.measures import settings
from photo.quantiles import column_medians, median
from photo.report import result
from photo.resample import block_factor, shrink_area

#: how this module measures: photo/data/measures.toml [covering], each value explained there
_M = settings("covering")
WINDOW_FACE_PX: float = _M["window_face_px"]
SAME_DE: float = _M["same_de"]
BLACK_L: float = _M["black_l"]
CLIPPED_L: float = _M["clipped_l"]
SKIN_MIN_L: float = _M["skin_min_l"]
FOREHEAD_DARKER: float = _M["forehead_darker"]
SIDE_BAND: tuple[float, float] = _M["side_band"]
RIM: float = _M["rim"]
HAIR_SUPPORT: float = _M["hair_support"]
HAIR_SAMPLES: int = _M["hair_samples"]
SIDE_MIN_PERSON: float = _M["side_min_person"]
MIX_DE: float = _M["mix_de"]
EDGE_PX: int = _M["edge_px"]


@dataclass
class HeadWindow:
    """The head resampled to WINDOW_FACE_PX face width: pixels, masks and the per-pixel measures.

    CIELAB is converted only at the pixels a measure reads (:meth:`lab_at`: the crown zone, the
    cheeks, the forehead, the side bands' person pixels, about a fifth of the window); the
    whole window's planes (:attr:`planes`) are converted when something asks for them (the
    outline measure of ``allow_religious``, tests). Either way a pixel's value is the same: the
    conversion is per pixel, through the same table."""

    box: tuple[int, int, int, int]  # the window in working px (x0, y0, x1, y1)
    rgb: np.ndarray | None  # the window's pixels (uint8 RGB, contiguous); None for a window given as CIELAB
    person: np.ndarray  # bool
    face: np.ndarray  # inside the face oval, bool
    landmarks: np.ndarray  # 478 x 2, window px
    texture: np.ndarray  # |Laplacian| / local brightness, smoothed
    texture_ref: float  # median texture of the cheeks' skin
    skin_lab: np.ndarray  # median L*, a*, b* of the cheeks
    crown_y: float  # top of the head, window px
    dist: np.ndarray | None = None  # px from the face oval (0 inside); None: computed where read (dist_rows)
    lab: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # CIELAB planes given (rgb None)
    # the backdrop model (FaceAnalysis.backdrop: coef, small-scale shape) and the window -> small
    # px map (2 x 3); None without a backdrop
    backdrop: tuple[np.ndarray, tuple[int, int], np.ndarray] | None = None

    @cached_property
    def planes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """CIELAB L, a, b (float32) of the whole window, one contiguous plane each."""
        if self.lab is not None:
            return self.lab
        return FaceAnalysis.to_lab_planes(self.rgb)

    def skinlike(self, chroma: float, darker: float | None = None) -> np.ndarray:
        """Pixels of the cheeks' chromaticity (a*, b* within ``chroma``), at any lightness above
        SKIN_MIN_L or, with ``darker``, at most that many L units darker than the cheeks."""
        floor = SKIN_MIN_L if darker is None else self.skin_lab[0] - darker
        return (self.skin_chroma_dist2 < np.float32(chroma * chroma)) & (self.lightness > floor)

    def skinlike_lab(self, lab: np.ndarray, chroma: float) -> np.ndarray:
        """:meth:`skinlike` (without ``darker``) of the pixels whose CIELAB is ``lab`` (N x 3)."""
        return (chroma_dist2(lab[:, 1], lab[:, 2], self.skin_lab) < np.float32(chroma * chroma)) & (lab[:, 0] > SKIN_MIN_L)

    @cached_property
    def skin_chroma_dist2(self) -> np.ndarray:
        """Each pixel's squared a*b* distance from the cheeks' median (computed once for every
        skinlike call; compared with the squared limit, no square root)."""
        _, ap, bp = self.planes
        return chroma_dist2(ap, bp, self.skin_lab)

    @cached_property
    def lightness(self) -> np.ndarray:
        """CIELAB L of each pixel, contiguous."""
        return self.planes[0]

    def lab_at(self, idx: np.ndarray) -> np.ndarray:
        """CIELAB (N x 3, float32) of the pixels at flat indices ``idx`` (``np.flatnonzero(mask)``
        gives them row-major, as ``lab[mask]`` would): converted there alone unless the whole
        window's planes are at hand."""
        if self.rgb is None or "planes" in self.__dict__:
            return np.stack([np.take(p, idx) for p in self.planes], axis=1)
        return lab_of(self.rgb, idx)

    def wall_lab_at(self, idx: np.ndarray) -> np.ndarray | None:
        """The backdrop model's CIELAB (N x 3) at the window's flat indices ``idx``: the wall
        behind those pixels as the background around the person shows it. None without a backdrop."""
        from photo.backdrop import backdrop_design

        if self.backdrop is None:
            return None
        coef, shape, m = self.backdrop
        ys, xs = np.divmod(idx, self.person.shape[1])
        return (backdrop_design(m[0, 0] * xs + m[0, 2], m[1, 1] * ys + m[1, 2], shape) @ coef).astype(np.float32)

    @cached_property
    def crown_px(self) -> tuple[np.ndarray, np.ndarray]:
        """(flat indices of :attr:`crown_zone`, their CIELAB): what the crown measure and the hair
        colours of the side measure read."""
        idx = np.flatnonzero(self.crown_zone)
        return idx, self.lab_at(idx)

    def dist_rows(self, r0: int, r1: int) -> np.ndarray:
        """:attr:`dist` of rows r0:r1, exact up to SIDE_BAND[1] face widths from the oval (beyond
        it at least that): the chamfer distance (OpenCV's 3 x 3 L2 mask, integer steps) is
        found on the rows within reach of the oval only, a path to a pixel within that reach
        never leaving the rows (see the unit test)."""
        import cv2

        if self.dist is not None:
            return self.dist[r0:r1]
        h = self.face.shape[0]
        reach = int(np.ceil(SIDE_BAND[1] * WINDOW_FACE_PX / 0.95)) + 2  # a chamfer step of 1 px is 0.955
        a0, a1 = max(0, r0 - reach), min(h, r1 + reach)
        d = cv2.distanceTransform(np.ascontiguousarray(~self.face[a0:a1]).view(np.uint8), cv2.DIST_L2, 3)
        return d[r0 - a0:r1 - a0]

    @cached_property
    def person_edge(self) -> np.ndarray:
        """The person's pixels within EDGE_PX of the silhouette's outline (bool): where its colour
        blends with the wall's."""
        import cv2

        k = 2 * EDGE_PX + 1
        return self.person & ~(cv2.erode(self.person.view(np.uint8), np.ones((k, k), np.uint8)) > 0)

    @cached_property
    def eye_y(self) -> float:
        """Height of the iris centres (window px)."""
        return float(self.landmarks[[468, 473], 1].mean())

    @cached_property
    def oval_x(self) -> tuple[float, float]:
        """Left and right extent of the face oval (window px)."""
        oval = self.landmarks[list(FACE_OVAL)]
        return oval[:, 0].min(), oval[:, 0].max()

    @cached_property
    def forehead(self) -> np.ndarray:
        """The forehead: inside the face oval, from its top (landmark 10) down to 0.04 face
        widths above the brows (landmarks 105, 334)."""
        brow_y = self.landmarks[[105, 334], 1].mean()
        return self.face & self.rows_between(self.landmarks[10, 1], brow_y - 0.04 * WINDOW_FACE_PX)

    @cached_property
    def crown_zone(self) -> np.ndarray:
        """Person pixels between the top of the head and just above the face oval's top (landmark
        10), over the oval's width less 0.1 face widths on each side."""
        x0, x1 = self.oval_x
        r0, r1 = _span(self.crown_y, self.landmarks[10, 1] - 0.04 * WINDOW_FACE_PX, self.person.shape[0], True)
        c0, c1 = _span(x0 + 0.1 * WINDOW_FACE_PX, x1 - 0.1 * WINDOW_FACE_PX, self.person.shape[1])
        zone = np.zeros(self.person.shape, bool)
        zone[r0:r1, c0:c1] = self.person[r0:r1, c0:c1]
        return zone

    def rows_between(self, lo: float, hi: float) -> np.ndarray:
        """Bool h x 1: the rows y with lo < y < hi."""
        h = self.person.shape[0]
        r0, r1 = _span(lo, hi, h)
        out = np.zeros((h, 1), bool)
        out[r0:r1] = True
        return out

    def rows_cols(self) -> tuple[np.ndarray, np.ndarray]:
        h, w = self.person.shape
        return np.arange(h)[:, None], np.arange(w)[None, :]


def _span(lo: float, hi: float, n: int, lo_inclusive: bool = False) -> tuple[int, int]:
    """(first, end) of the integers y in 0..n-1 with lo < y < hi (lo <= y with ``lo_inclusive``),
    as a slice's bounds: the same integers as comparing np.arange(n) with lo and hi."""
    first = int(np.ceil(lo)) if lo_inclusive else int(np.floor(lo)) + 1
    end = int(np.ceil(hi))
    first = min(max(first, 0), n)
    return first, max(first, min(end, n))


def lab_of(rgb: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """CIELAB (N x 3, float32; :meth:`FaceAnalysis.to_lab`) of the pixels of ``rgb`` (h x w x 3) at flat indices ``idx``."""
    if len(idx) == 0:
        return np.zeros((0, 3), np.float32)
    return FaceAnalysis.to_lab(np.take(rgb.reshape(-1, 3), idx, axis=0)[None])[0]


def chroma_dist2(a_star: np.ndarray, b_star: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Squared a*b* distance (float32) of each pixel, given its a* and b* (arrays of one shape:
    a window's planes or the columns of N x 3 CIELAB rows), from ``ref`` (L, a, b); compared
    with a squared limit, no square root."""
    da = a_star - ref[1]
    db = b_star - ref[2]
    da *= da
    db *= db
    da += db
    return da


def head_window(a) -> HeadWindow:
    """Crop the head (0.5 face widths beside the oval, crown to chin) from the working image,
    resample it to WINDOW_FACE_PX face width and compute the texture and colour maps."""
    import cv2

    x0, y0, x1, _ = a.face_box
    fw = max(1.0, x1 - x0)
    s = WINDOW_FACE_PX / fw
    wx0, wx1 = int(max(0, x0 - 0.5 * fw)), int(min(a.w, x1 + 0.5 * fw + 1))
    wy0 = int(max(0, min(a.crown[1], y0) - 0.05 * fw))
    wy1 = int(min(a.h, max(wy0 + 1, a.chin[1] + 0.05 * fw)))
    # shrunk in two steps when the head is big (photo.resample): the window's far edges lose
    # at most block - 1 px to whole blocks
    block = block_factor(s, wx1 - wx0, wy1 - wy0)
    wx1, wy1 = wx0 + (wx1 - wx0) // block * block, wy0 + (wy1 - wy0) // block * block
    size = (max(8, round((wx1 - wx0) * s)), max(8, round((wy1 - wy0) * s)))
    rgb = np.ascontiguousarray(shrink_area(a.rgb[wy0:wy1, wx0:wx1], size, block))
    f = a.small[1]
    sx, sy = (wx1 - wx0) / size[0], (wy1 - wy0) / size[1]  # working px per window px
    m = np.float32([[sx * f, 0, wx0 * f], [0, sy * f, wy0 * f]])  # window -> small (person mask) px
    person = cv2.warpAffine(a.person, m, size, flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP) > 0.5
    lm = (a.landmarks[:, :2] - [wx0, wy0]) / [sx, sy]
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
    lap = np.abs(cv2.Laplacian(cv2.GaussianBlur(grey, (0, 0), 0.7), cv2.CV_32F))
    texture = cv2.GaussianBlur(lap / (cv2.GaussianBlur(grey, (0, 0), 3.0) + 8.0), (0, 0), 2.0)
    face = polygon_mask(person.shape, lm[list(FACE_OVAL)])
    nose = lm[1]
    # the cheeks: inside the oval, from just above the nose tip down to the mouth, away from the nose
    r0, r1 = _span(nose[1] - 0.1 * WINDOW_FACE_PX, lm[13, 1], size[1])
    xs = np.arange(size[0])[None, :]
    cheeks = np.zeros(face.shape, bool)
    cheeks[r0:r1] = face[r0:r1] & (np.abs(xs - nose[0]) > 0.12 * WINDOW_FACE_PX)
    if np.count_nonzero(cheeks) < 10:
        cheeks = face
    at = np.flatnonzero(cheeks)  # gathered by index: the same values as a boolean mask, faster
    # the cheeks' median per channel (= np.median(lab[cheeks], axis=0)), converted there alone
    lab = lab_of(rgb, at)
    skin_lab = column_medians(lab)
    model = a.backdrop
    return HeadWindow(box=(wx0, wy0, wx1, wy1), rgb=rgb, person=person, face=face, landmarks=lm,
                      texture=texture, texture_ref=float(median(np.take(texture, at), overwrite=True)) + 1e-4,
                      skin_lab=skin_lab, crown_y=max(0.0, (a.crown[1] - wy0) / sy),
                      backdrop=None if model is None else (model["coef"], model["shape"], m))


def crown_covering(hw: HeadWindow, limits) -> tuple[float, np.ndarray] | None:
    """(share, pixels): the crown zone's smooth, not skin-coloured pixels, of those not clipped
    black; None when the zone is not in the photo (the head runs off the top) or all clipped."""
    # clipped black carries neither texture nor colour: hair crushed to black and a black hat
    # look alike there, so those pixels count neither way
    zone_idx, zone_lab = hw.crown_px
    lit = zone_lab[:, 0] >= CLIPPED_L
    idx = zone_idx[lit]  # read at the zone's pixels only (the window is ten times larger)
    if len(idx) < 20:
        return None
    lab = zone_lab[lit]
    smooth = np.take(hw.texture, idx) < limits["smooth_texture"] * hw.texture_ref
    light = lab[:, 0]
    c2 = np.float32(limits["skin_chroma"] ** 2)
    skin = (chroma_dist2(lab[:, 1], lab[:, 2], hw.skin_lab) < c2) & (light > hw.skin_lab[0] - limits["scalp_darker"])
    forehead = forehead_lab(hw, limits["skin_chroma"])
    if forehead is not None:
        # skin continuing up from the forehead (a high forehead, a bald scalp) under light that
        # falls on it differently from the cheeks
        skin |= (chroma_dist2(lab[:, 1], lab[:, 2], forehead) < c2) & (
            light > min(hw.skin_lab[0], forehead[0]) - limits["scalp_darker"])
    covered = np.zeros(hw.person.shape, bool)
    covered.flat[idx[smooth & ~skin]] = True
    return float(np.count_nonzero(covered) / len(idx)), covered


def forehead_lab(hw: HeadWindow, chroma: float) -> np.ndarray | None:
    """Median CIELAB of the forehead (:attr:`HeadWindow.forehead`) when it is skin: its a*b* within ``chroma`` of the cheeks' and no more
    than FOREHEAD_DARKER below their lightness. None when it is not (a brim, a helmet's shadow
    or fringe over the forehead: dark colours have little chroma) or too small to read."""
    idx = np.flatnonzero(hw.forehead)
    if len(idx) < 20:
        return None
    px = hw.lab_at(idx)
    lab = column_medians(px)
    if float(((lab[1:] - hw.skin_lab[1:]) ** 2).sum()) >= chroma * chroma or lab[0] < hw.skin_lab[0] - FOREHEAD_DARKER:
        return None
    return lab


def _near(px: np.ndarray, ref: np.ndarray) -> np.ndarray:
    d = px - np.asarray(ref, np.float32)
    return np.einsum("ij,ij->i", d, d) < SAME_DE**2


def _on_mix(px: np.ndarray, ref: np.ndarray, wall: np.ndarray) -> np.ndarray:
    """For N CIELAB colours ``px`` and the wall's colour behind each (N x 3): does the colour lie
    within MIX_DE of the line from ``ref`` (one colour) to its wall colour, between the two? A
    pixel on the person's outline is a blend of the person and the wall (optics, resampling), and
    against a coloured wall (a photo booth's blue) that blend is neither skin nor hair."""
    ref = np.asarray(ref, np.float32)
    d = wall - ref
    t = np.clip(np.einsum("ij,ij->i", px - ref, d) / np.maximum(np.einsum("ij,ij->i", d, d), 1e-6), 0.0, 1.0)
    off = px - ref - t[:, None] * d
    return np.einsum("ij,ij->i", off, off) < MIX_DE**2


def _hairlike(px: np.ndarray, hair: np.ndarray) -> np.ndarray:
    """For each CIELAB colour in ``px``: is at least HAIR_SUPPORT of ``hair`` within SAME_DE of it?
    Colours are compared once per 2-unit cell (at most 1.7 units off), not once per pixel."""
    key = np.round(px / 2).astype(np.int32)
    cells, inverse = np.unique((key[:, 0] + 64) * 65536 + (key[:, 1] + 128) * 256 + (key[:, 2] + 128),
                               return_inverse=True)
    centre = np.stack([cells // 65536 - 64, (cells // 256) % 256 - 128, cells % 256 - 128], axis=1) * 2.0
    d2 = ((centre[:, None, :].astype(np.float32) - hair[None, :, :]) ** 2).sum(axis=2)
    return ((d2 < SAME_DE**2).mean(axis=1) >= HAIR_SUPPORT)[inverse.ravel()]


def side_bands(hw: HeadWindow) -> tuple[np.ndarray, np.ndarray]:
    """(image-left, image-right) bands SIDE_BAND face widths outside the oval, eyes to mouth."""
    lm = hw.landmarks
    mouth_y = lm[[13, 14], 1].mean()
    h, w = hw.person.shape
    r0, r1 = _span(hw.eye_y, mouth_y, h)  # the rows between the eyes and the mouth
    dist = hw.dist_rows(r0, r1)
    band = np.zeros((h, w), bool)
    band[r0:r1] = (dist > SIDE_BAND[0] * WINDOW_FACE_PX) & (dist <= SIDE_BAND[1] * WINDOW_FACE_PX)
    cx = lm[[468, 473], 0].mean()
    c = _span(-1.0, cx, w)[1]  # columns x < cx
    left, right = band.copy(), band
    left[:, c:] = False
    right[:, :c] = False
    return left, right


def side_covering(hw: HeadWindow, limits) -> tuple[float, list[float], np.ndarray] | None:
    """(share of the smaller side, both sides, pixels): person pixels in the bands beside the
    face outline that are neither skin-coloured, nor near-black, nor textured like hair, nor
    one of the hair's colours (from the crown zone, or the temples when the crown is out of
    the photo). None when there is no band or no hair colour to compare with. Colours and
    texture are read at the bands' person pixels only."""
    zone_idx, hair = hw.crown_px
    if len(zone_idx) < 20:
        ys, xs = hw.rows_cols()
        x0, x1 = hw.oval_x
        h = hw.person.shape[0]
        zone = hw.person & (hw.dist_rows(0, h) > SIDE_BAND[0] * WINDOW_FACE_PX) & (ys > hw.landmarks[10, 1]) & (
            ys < hw.eye_y) & (
            ((xs > x0 - 0.25 * WINDOW_FACE_PX) & (xs < x0 + 0.1 * WINDOW_FACE_PX))
            | ((xs > x1 - 0.1 * WINDOW_FACE_PX) & (xs < x1 + 0.25 * WINDOW_FACE_PX)))
        hair = hw.lab_at(np.flatnonzero(zone))
    hair = hair[~_near(hair, hw.skin_lab)]
    if len(hair) < 10:
        return None
    hair = hair[:: max(1, len(hair) // HAIR_SAMPLES)].astype(np.float32)
    hair_mid = column_medians(hair)
    covered = np.zeros(hw.person.shape, bool)
    shares = []
    for band in side_bands(hw):
        n = np.count_nonzero(band)
        if n < 10:
            return None
        body = np.flatnonzero(band & hw.person)
        lab = hw.lab_at(body)
        # explained: skin-coloured, near-black or textured like hair
        explained = (hw.skinlike_lab(lab, limits["skin_chroma"]) | (lab[:, 0] < BLACK_L)
                     | (np.take(hw.texture, body) > limits["hair_texture"] * hw.texture_ref))
        cand = ~explained
        idx = body[cand]
        n_foreign = 0
        if len(idx):
            cand_lab = lab[cand]
            foreign = ~_hairlike(cand_lab, hair)
            # on the silhouette's edge, a blend of skin or hair with the wall behind is the outline
            edge = np.zeros(len(idx), bool)
            edge[foreign] = np.take(hw.person_edge, idx[foreign])
            wall = hw.wall_lab_at(idx[edge]) if edge.any() else None
            if wall is not None:
                px = cand_lab[edge]
                foreign[edge] = ~(_on_mix(px, hw.skin_lab, wall) | _on_mix(px, hair_mid, wall))
            covered.flat[idx[foreign]] = True
            n_foreign = int(np.count_nonzero(foreign))
        shares.append(float(n_foreign / max(len(body), SIDE_MIN_PERSON * n)))
    return min(shares), shares, covered


def outline_visible(hw: HeadWindow, limits) -> dict:
    """Skin shares of the rim just inside the face oval (eyes to chin, RIM face widths deep)
    and of the forehead (brows to the oval's top): the face seen from hairline to chin."""
    import cv2

    ys, _ = hw.rows_cols()
    skin = hw.skinlike(limits["skin_chroma"])
    inner = cv2.erode(hw.face.astype(np.uint8), np.ones((3, 3), np.uint8),
                      iterations=max(1, int(RIM * WINDOW_FACE_PX))) > 0
    rim = hw.face & ~inner & (ys > hw.eye_y)
    forehead = hw.forehead
    return {"rim_skin": float(skin[rim].mean()) if rim.any() else 0.0,
            "forehead_skin": float(skin[forehead].mean()) if forehead.any() else 0.0}


def covering_measures(a, limits) -> dict:
    """``crown`` and ``sides`` shares (see the module docstring; None where not measurable), the
    face-outline skin shares (with ``allow_religious`` only), and the window with the covered
    pixels (for the annotation)."""
    hw = head_window(a)
    crown = crown_covering(hw, limits)
    sides = side_covering(hw, limits)
    return {"crown": None if crown is None else crown[0],
            "sides": None if sides is None else sides[0],
            "per_side": None if sides is None else [round(v, 3) for v in sides[1]],
            "outline": outline_visible(hw, limits) if limits.get("allow_religious", False) else {},
            "window": hw, "crown_px": None if crown is None else crown[1],
            "side_px": None if sides is None else sides[2]}


def covering_pixels(a, limits, key: str) -> np.ndarray | None:
    """The covered pixels behind a failed ``key`` ("crown", "sides" or "outline"), as a working-
    size mask (None when there are none), for the annotation."""
    import cv2

    m = covering_measures(a, limits)
    hw = m["window"]
    px = m["crown_px"] if key == "crown" else m["side_px"] if key == "sides" else None
    if key == "outline":
        px = np.zeros(hw.person.shape, bool)
        for part in ("crown_px", "side_px"):
            if m[part] is not None:
                px |= m[part]
    if px is None or not px.any():
        return None
    x0, y0, x1, y1 = hw.box
    full = np.zeros((a.h, a.w), bool)
    full[y0:y1, x0:x1] = cv2.resize(px.astype(np.uint8), (x1 - x0, y1 - y0), interpolation=cv2.INTER_NEAREST) > 0
    return full


@check("head.covering", limits={"max_crown_share": "float", "max_side_share": "float", "smooth_texture": "float",
                                "hair_texture": "float", "skin_chroma": "float", "scalp_darker": "float",
                                "allow_religious": "bool?",
                                "min_outline_skin": "float", "min_forehead_skin": "float"}, frontal=True, bare_face=True)
def covering(a, limits):
    """No hat or other head covering (J-LIS 無帽; ICAO 9303): at most max_crown_share of the
    zone above the forehead may be a smooth surface unlike skin (hats, caps, helmets) and at
    most max_side_share of the band beside the face outline, on each side, may be neither skin
    nor hair (hoods, scarves, straps). With allow_religious a covering passes, with a note,
    when the face is visible from the hairline to the chin with both cheeks."""
    m = covering_measures(a, limits)
    crown, sides = m["crown"], m["sides"]
    limit = {"max_crown_share": limits["max_crown_share"], "max_side_share": limits["max_side_share"]}
    value = {"crown": None if crown is None else round(crown, 3), "sides": None if sides is None else round(sides, 3)}
    if crown is not None and crown > limits["max_crown_share"]:
        key = "crown"
    elif sides is not None and sides > limits["max_side_share"]:
        key = "sides"
    else:
        key = "ok" if crown is not None else "no_zone"
    details = {"per_side": m["per_side"], **{k: round(v, 3) for k, v in m["outline"].items()}}
    if key in ("crown", "sides") and limits.get("allow_religious", False):
        out = m["outline"]
        limit["min_outline_skin"] = limits["min_outline_skin"]
        limit["min_forehead_skin"] = limits["min_forehead_skin"]
        visible = out["rim_skin"] >= limits["min_outline_skin"] and out["forehead_skin"] >= limits["min_forehead_skin"]
        details["covering"] = key
        key = "allowed" if visible else "outline"
    r = result(key in ("ok", "no_zone", "allowed"), value if key != "no_zone" or sides is not None else None, limit, key)
    # without the top of the head a covering can still be found at the sides, never ruled out
    r.evaluated = key != "no_zone"
    r.details = details
    return r
