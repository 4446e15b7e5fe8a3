"""Copies of a card held up to an eKYC camera, for :func:`cardface.oblique.simulate` (``attack=``).

Each builder turns a card face (RGBA) into a :class:`~cardface.oblique.slab.SimObject`:
what is held in front of the camera, its size and thickness, and where the card's picture
lies on it. The simulator then photographs that object exactly as it photographs a card.

- ``print``: the face printed on paper: a paper margin of 3-20 mm, inks that cannot reach the
  card's saturation or black (gamut), dot gain, no core (the edge is the paper's, 0.1 mm);
- ``cutout``: the same print cut along the card's outline: a paper edge of 0.08-0.3 mm;
- ``lined_print``: the print with a line of the core's colour drawn just outside the card's
  outline, 0.03-0.12 mm wide, all round (an attacker who knows that the edge should show the
  core; at 20-25° of tilt a card's wall is that narrow in the photo);
- ``photocopy``: grey, high contrast, toner specks, the copier's dark line round the card,
  a wide margin;
- ``phone``: the card (or a photo of a tilted card) on a 300-500 ppi phone screen: black
  bezel, a body 7-9.5 mm thick, emitted light (no room shading, raised blacks), a
  reflection on the glass, RGB subpixel stripes that the camera aliases into moiré;
- ``monitor``: the same on a 90-160 ppi monitor: a resolved pixel grid; the object is the
  part of the screen round the card (a monitor's body lies outside a photo this close).

Model assumptions (stated because the detection is measured on them): the camera's optics
are a Gaussian of sigma 0.25-0.4 px plus the photo's defocus; subpixel stripes have the
fundamental amplitude of 1/3-duty RGB stripes; the sensor samples at pixel centres.
"""

from __future__ import annotations

import numpy as np

from cardface.oblique.config import CardSize, card_size
from cardface.oblique.errors import CaptureError
from cardface.oblique.geometry import rect_mm
from cardface.oblique.slab import DEFAULT_EDGE_RGB, SimObject, outline_mm, rounded_alpha

ATTACKS = ("print", "cutout", "photocopy", "phone", "monitor", "lined_print")
PAPER_RGB = (246, 244, 236)
PAPER_EDGE_RGB = (236, 234, 226)


def _resize(img: np.ndarray, w: int, h: int) -> np.ndarray:
    import cv2

    return cv2.resize(img, (max(2, w), max(2, h)), interpolation=cv2.INTER_AREA)


def _ink(rgb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A print's colours: lower saturation, lifted blacks, paper white, dot gain, grain (0..255 float)."""
    import cv2

    r = rgb.astype(np.float32) / 255.0
    mean = r.mean(axis=2, keepdims=True)
    r = mean + rng.uniform(0.6, 0.85) * (r - mean)
    r = rng.uniform(0.08, 0.18) + (1 - rng.uniform(0.1, 0.2)) * r
    r = cv2.GaussianBlur(r, (0, 0), rng.uniform(0.4, 0.9))
    r *= 1 + rng.normal(0, 0.025, r.shape[:2])[:, :, None].astype(np.float32)
    paper = np.asarray(PAPER_RGB, np.float32) + rng.normal(0, 3, 3).astype(np.float32)
    return np.clip(r * paper, 0, 255)


def _on_sheet(face_rgb: np.ndarray, alpha: np.ndarray, margins_mm: tuple[float, float, float, float],
              k: float, paper: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The face laid on a sheet with margins (left, top, right, bottom) in mm at ``k`` px/mm."""
    ml, mt, mr, mb = margins_mm
    ch, cw = face_rgb.shape[:2]
    W, H = round(cw + (ml + mr) * k), round(ch + (mt + mb) * k)
    sheet = np.empty((H, W, 3), np.float32)
    sheet[:] = paper
    x0, y0 = round(ml * k), round(mt * k)
    a = alpha[:, :, None]
    sheet[y0:y0 + ch, x0:x0 + cw] = face_rgb * a + sheet[y0:y0 + ch, x0:x0 + cw] * (1 - a)
    c = card_size()
    card_mm = rect_mm(x0 / k, y0 / k, x0 / k + c.width_mm, y0 / k + c.height_mm)
    return sheet, card_mm


def _outline_line(sheet: np.ndarray, card_mm: np.ndarray, k: float, grey: float, width_mm: float) -> None:
    import cv2


    pts = (outline_mm(12) + card_mm[0]) * k - 0.5
    cv2.polylines(sheet, [np.round(pts * 16).astype(np.int32)], True, (grey, grey, grey),
                  max(1, round(width_mm * k)), cv2.LINE_AA, shift=4)


def _rgba(rgb: np.ndarray) -> np.ndarray:
    out = np.empty((*rgb.shape[:2], 4), np.uint8)
    out[:, :, :3] = np.clip(rgb + 0.5, 0, 255).astype(np.uint8)
    out[:, :, 3] = 255
    return out


def _face_at(card: np.ndarray, k: float) -> tuple[np.ndarray, np.ndarray]:
    """The face's RGB (float) and rounded-corner alpha at ``k`` px/mm."""

    c = card_size()
    w, h = round(c.width_mm * k), round(c.height_mm * k)
    f = _resize(card, w, h).astype(np.float32)
    alpha = rounded_alpha(h, w) * (f[:, :, 3] / 255.0)
    return f[:, :, :3], alpha


def _k(card: np.ndarray, object_w_mm: float, cap_px: int = 3600) -> float:
    k = card.shape[1] / card_size().width_mm
    return float(min(k, cap_px / object_w_mm))


def _core_line(sheet: np.ndarray, card_mm: np.ndarray, k: float, rgb, width_mm: float) -> None:
    """A line of colour ``rgb``, ``width_mm`` wide, drawn just outside the card's outline on ``sheet``
    (``k`` px/mm): thinner than a pixel of the sheet, it is drawn 1 px wide at that share of its colour."""
    import cv2

    c = card_size()
    d = width_mm / 2
    grown = CardSize(c.width_mm + 2 * d, c.height_mm + 2 * d, c.thickness_mm, c.corner_radius_mm + d)
    pts = (outline_mm(24, grown) - d + card_mm[0]) * k - 0.5
    px = max(1, round(width_mm * k))
    m = np.zeros(sheet.shape[:2], np.float32)
    cv2.polylines(m, [np.round(pts * 16).astype(np.int32)], True, 1.0, px, cv2.LINE_AA, shift=4)
    m *= min(1.0, width_mm * k / px)
    sheet[:] = sheet * (1 - m[:, :, None]) + np.asarray(rgb, np.float32) * m[:, :, None]


def _print(card: np.ndarray, rng: np.random.Generator, *, cutout: bool, core_line=None) -> tuple:

    c = card_size()
    margins = (0.0,) * 4 if cutout else tuple(float(v) for v in rng.uniform(3, 20, 4))
    k = _k(card, c.width_mm + margins[0] + margins[2])
    face, alpha = _face_at(card, k)
    paper = np.asarray(PAPER_RGB, np.float32) + rng.normal(0, 3, 3).astype(np.float32)
    sheet, card_mm = _on_sheet(_ink(face, rng), alpha, margins, k, paper)
    if core_line is not None:
        _core_line(sheet, card_mm, k, core_line, float(rng.uniform(0.03, 0.12)))
    elif not cutout and rng.random() < 0.5:
        _outline_line(sheet, card_mm, k, rng.uniform(120, 190), rng.uniform(0.15, 0.4))
    size = CardSize(sheet.shape[1] / k, sheet.shape[0] / k, float(rng.uniform(0.08, 0.3) if cutout else
                                                                   rng.uniform(0.08, 0.12)),
                    c.corner_radius_mm if cutout else 0.0)
    if cutout:
        sheet_rgba = _rgba(sheet)
        sheet_rgba[:, :, 3] = np.clip(alpha * 255 + 0.5, 0, 255).astype(np.uint8)
    else:
        sheet_rgba = _rgba(sheet)
    return SimObject(sheet_rgba, size, card_mm, PAPER_EDGE_RGB)


def _photocopy(card: np.ndarray, rng: np.random.Generator):
    import cv2


    c = card_size()
    margins = tuple(float(v) for v in rng.uniform(10, 40, 4))
    k = _k(card, c.width_mm + margins[0] + margins[2])
    face, alpha = _face_at(card, k)
    g = (face @ np.array([0.299, 0.587, 0.114], np.float32)) / 255.0
    g = np.clip((g - 0.5) * rng.uniform(1.2, 1.6) + rng.uniform(0.5, 0.6), 0, 1)
    g = cv2.GaussianBlur(g, (0, 0), rng.uniform(0.5, 1.1))
    paper_level = rng.uniform(228, 246)
    grey = g * paper_level
    specks = rng.random(g.shape) < rng.uniform(0.0005, 0.003)
    grey[specks] *= 0.3
    copy = np.repeat(grey[:, :, None], 3, axis=2)
    paper = np.full(3, paper_level, np.float32)
    sheet, card_mm = _on_sheet(copy, alpha, margins, k, paper)
    if rng.random() < 0.7:  # the copier sees the card's edge as a dark line
        _outline_line(sheet, card_mm, k, rng.uniform(40, 120), rng.uniform(0.2, 0.6))
    sheet += rng.normal(0, 2.5, sheet.shape[:2])[:, :, None].astype(np.float32)
    size = CardSize(sheet.shape[1] / k, sheet.shape[0] / k, float(rng.uniform(0.08, 0.12)), 0.0)
    return SimObject(_rgba(sheet), size, card_mm, PAPER_EDGE_RGB)


def _tilted_photo(card: np.ndarray, rng: np.random.Generator, simulate) -> tuple[np.ndarray, np.ndarray]:
    """A photo of the real card tilted 25-45 degrees (with its edge showing), taken with ``simulate``
    (the camera), cropped round the card, and the card's corners in that crop (px)."""
    yaw = float(rng.choice([-1, 1]) * rng.uniform(25, 45))
    img, q = simulate(card, yaw, 0, 0, size=(960, 720), fill=0.6, background="plain", noise=1.5,
                      edge_rgb=tuple(int(v) for v in rng.integers(0, 256, 3)) if rng.random() < 0.2 else None,
                      seed=int(rng.integers(1 << 30)))
    p = q.points
    x0, y0 = np.floor(p.min(axis=0) - 12).astype(int).clip(0)
    x1, y1 = np.ceil(p.max(axis=0) + 12).astype(int)
    return img[y0:y1, x0:x1].astype(np.float32), p - [x0, y0]


def _screen(card: np.ndarray, edge_rgb, rng: np.random.Generator, *, kind: str, camera=None):

    c = card_size()
    if kind == "phone":
        ppi = float(rng.uniform(300, 500))
        disp_w = float(rng.uniform(55, 68))
        screen_w = disp_w / rng.uniform(0.88, 1.0)
        screen_h = screen_w * rng.uniform(1.9, 2.2)
        bezel = float(rng.uniform(1.5, 4.5))
        thickness = float(rng.uniform(7.0, 9.5))
        radius = float(rng.uniform(6, 10))
        body = [(180, 180, 186), (58, 58, 64), (205, 185, 155), (50, 70, 110)][int(rng.integers(4))]
    else:  # the part of a monitor's screen round the card (the rest, and its body, are out of view)
        ppi = float(rng.uniform(90, 160))
        disp_w = float(rng.uniform(80, 200))
        screen_w = disp_w * float(rng.uniform(1.6, 2.4))
        screen_h = screen_w * float(rng.uniform(0.6, 0.9))
        bezel = 0.0
        thickness = 0.01
        radius = 0.0
        body = (40, 40, 45)
    k = ppi / 25.4  # one texture pixel per screen pixel
    W, H = screen_w + 2 * bezel, screen_h + 2 * bezel
    Wpx, Hpx = round(W * k), round(H * k)
    tex = np.empty((Hpx, Wpx, 3), np.float32)
    tex[:] = np.array([12, 12, 14], np.float32)  # the black glass of the bezel
    sx0, sy0 = round(bezel * k), round(bezel * k)
    sx1, sy1 = round((bezel + screen_w) * k), round((bezel + screen_h) * k)
    app_bg = [(0, 0, 0), (250, 250, 250), (236, 238, 242), (30, 32, 40)][int(rng.integers(4))]
    tex[sy0:sy1, sx0:sx1] = app_bg
    # the card's picture, centred across, somewhere down the screen
    cx = bezel + screen_w / 2 + rng.uniform(-0.05, 0.05) * (screen_w - disp_w)
    if rng.random() < 0.3 and camera is not None:  # a photo of a tilted real card (its edge shows on the screen)
        photo, corners = _tilted_photo(card, rng, camera)
        ph, pw = photo.shape[:2]
        scale_mm = disp_w * 1.15 / pw  # mm per photo px
        w_mm, h_mm = pw * scale_mm, ph * scale_mm
        cy = bezel + rng.uniform(h_mm / 2, max(h_mm / 2, screen_h - h_mm / 2))
        x0, y0 = cx - w_mm / 2, cy - h_mm / 2
        pic = _resize(photo, round(w_mm * k), round(h_mm * k))
        alpha = np.ones(pic.shape[:2], np.float32)
        card_mm = corners * scale_mm + [x0, y0]
    else:
        h_mm = disp_w * c.height_mm / c.width_mm
        cy = bezel + rng.uniform(h_mm / 2, max(h_mm / 2, screen_h - h_mm / 2))
        x0, y0 = cx - disp_w / 2, cy - h_mm / 2
        f, alpha = _face_at(card, k * disp_w / c.width_mm)
        pic = f
        card_mm = rect_mm(x0, y0, x0 + disp_w, y0 + h_mm)
    px0, py0 = round(x0 * k), round(y0 * k)
    ph, pw = pic.shape[:2]
    # clip to the screen
    ys, xs = slice(max(py0, sy0), min(py0 + ph, sy1)), slice(max(px0, sx0), min(px0 + pw, sx1))
    sub = (slice(ys.start - py0, ys.stop - py0), slice(xs.start - px0, xs.stop - px0))
    a = alpha[sub][:, :, None]
    tex[ys, xs] = pic[sub] * a + tex[ys, xs] * (1 - a)
    size = CardSize(Wpx / k, Hpx / k, thickness, radius)
    screen = {"kind": kind, "ppi": ppi, "rect_px": (sx0, sy0, sx1, sy1), "px_per_mm": k,
              "black_level": float(rng.uniform(4, 20)), "gain": float(rng.uniform(0.8, 1.1)),
              "reflection": float(rng.uniform(0.02, 0.12)), "optics_sigma_px": float(rng.uniform(0.25, 0.4))}
    return SimObject(_rgba(tex), size, np.asarray(card_mm, np.float64), body, screen)


def build(kind: str, card: np.ndarray, edge_rgb, rng: np.random.Generator, *, camera=None):
    """The object for attack ``kind`` made from the card face ``card`` (RGBA uint8). ``camera``: the
    function that photographs a real card (:func:`cardface.oblique.simulate`), for a screen that
    shows such a photo; without it a screen shows the flat card face."""
    if kind == "print":
        return _print(card, rng, cutout=False)
    if kind == "cutout":
        return _print(card, rng, cutout=True)
    if kind == "lined_print":
        return _print(card, rng, cutout=False, core_line=DEFAULT_EDGE_RGB if edge_rgb is None else edge_rgb)
    if kind == "photocopy":
        return _photocopy(card, rng)
    if kind in ("phone", "monitor"):
        return _screen(card, edge_rgb, rng, kind=kind, camera=camera)
    raise CaptureError(f"unknown attack {kind!r}; use one of {', '.join(ATTACKS)}", code="capture.bad_parameter")


def _screen_mask(obj, hm: np.ndarray, size: tuple[int, int], tex_shape: tuple[int, int]) -> np.ndarray:
    """Where the display (not the bezel) is in the photo: (H, W) float 0..1."""
    import cv2

    h, w = tex_shape
    k_tex = w / obj.rgba.shape[1]
    x0, y0, x1, y1 = (v * k_tex for v in obj.screen["rect_px"])
    m = np.zeros((h, w), np.float32)
    m[round(y0):round(y1), round(x0):round(x1)] = 1.0
    return cv2.warpPerspective(m, hm, size, flags=cv2.INTER_LINEAR)


def screen_light(img: np.ndarray, field: np.ndarray, obj, hm: np.ndarray, size: tuple[int, int],
                 rng: np.random.Generator, tex_shape: tuple[int, int] | None = None) -> np.ndarray:
    """Light the scene: the room's light on everything but the display, which emits its own
    (gain, raised black level) and reflects a soft streak of the room."""
    s = obj.screen
    e = _screen_mask(obj, hm, size, tex_shape or s["tex_shape"])[:, :, None]
    lit = img * field
    emitted = s["black_level"] + (255 - s["black_level"]) * np.clip(img / 255.0 * s["gain"], 0, 1.2)
    h, w = size[1], size[0]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    a = rng.uniform(0, np.pi)
    band = np.exp(-0.5 * (((xx - w / 2) * np.cos(a) + (yy - h / 2) * np.sin(a) - rng.uniform(-0.3, 0.3) * w)
                          / (rng.uniform(0.1, 0.3) * w)) ** 2)
    reflection = (s["reflection"] * 255 * band)[:, :, None] * field
    # the glass reflects on the bezel too
    return lit * (1 - e) + emitted * e + reflection * (e + (1 - e) * 0.5 * (img.mean(axis=2, keepdims=True) < 40))


def subpixel_moire(img: np.ndarray, obj, hm: np.ndarray, tex_px_per_mm: float, blur_px: float,
                   rng: np.random.Generator, tex_shape: tuple[int, int] | None = None) -> np.ndarray:
    """The display's RGB stripes and black matrix as the camera samples them (at pixel centres,
    after the optics' blur): aliased into moiré, or a visible grid when the pixels are large."""
    s = obj.screen
    h, w = img.shape[:2]
    e = _screen_mask(obj, hm, (w, h), tex_shape or s["tex_shape"])
    ys, xs = np.nonzero(e > 0.5)
    if len(xs) == 0:
        return img
    inv = np.linalg.inv(hm)
    q = np.c_[xs, ys, np.ones(len(xs))] @ inv.T
    tx, ty = q[:, 0] / q[:, 2], q[:, 1] / q[:, 2]
    pitch_mm = 25.4 / s["ppi"]
    u, v = tx / tex_px_per_mm / pitch_mm, ty / tex_px_per_mm / pitch_mm  # in screen pixels
    # camera pixels per screen pixel at the display's centre -> the stripes' frequency on the sensor
    cxy = np.array([xs.mean(), ys.mean()])
    d = 1.0
    p0 = np.array([*cxy, 1.0]) @ inv.T
    p1 = np.array([cxy[0] + d, cxy[1], 1.0]) @ inv.T
    p2 = np.array([cxy[0], cxy[1] + d, 1.0]) @ inv.T
    a0, a1, a2 = p0[:2] / p0[2], p1[:2] / p1[2], p2[:2] / p2[2]
    u1, u2 = a1 - a0, a2 - a0
    mm_per_px = np.sqrt(abs(u1[0] * u2[1] - u1[1] * u2[0])) / tex_px_per_mm
    f = mm_per_px / pitch_mm  # cycles per camera pixel
    sigma = np.hypot(s["optics_sigma_px"], blur_px / 2)
    mtf = float(np.exp(-2 * (np.pi * sigma * f) ** 2))
    amp = 1.65 * mtf
    out = img.copy()
    rows = 1 + 0.5 * amp * np.cos(2 * np.pi * v)
    for ch in range(3):
        m = (1 + amp * np.cos(2 * np.pi * (u - ch / 3.0))) * rows
        out[ys, xs, ch] = img[ys, xs, ch] * m
    return out
