"""What an app's camera sees: a card image placed as a 0.76 mm slab under a pinhole camera.

The card face is warped by the exact homography of the tilted plane, the visible side walls
of the slab are filled with the card's edge/core colour (shaded by their angle to the light),
and the scene gets a background, a soft shadow, a light gradient, laminate glare, defocus,
sensor noise and JPEG compression. The returned :class:`Quad` holds the true corners.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from cardface.oblique.backgrounds import BACKGROUNDS
from cardface.oblique.config import card_size
from cardface.oblique.errors import CaptureError
from cardface.oblique.geometry import Quad, card_rect_mm
from cardface.oblique.imageio import load_rgb, load_rgba
from cardface.oblique.slab import DEFAULT_EDGE_RGB, SimObject, outline_mm, rounded_alpha

LIGHTING = ("even", "gradient", "dim", "warm", "cool")


def _rotation(yaw_deg: float, pitch_deg: float, roll_deg: float) -> np.ndarray:
    y, p, r = np.radians([yaw_deg, pitch_deg, roll_deg])
    ry = np.array([[np.cos(y), 0, np.sin(y)], [0, 1, 0], [-np.sin(y), 0, np.cos(y)]])
    rx = np.array([[1, 0, 0], [0, np.cos(p), -np.sin(p)], [0, np.sin(p), np.cos(p)]])
    rz = np.array([[np.cos(r), -np.sin(r), 0], [np.sin(r), np.cos(r), 0], [0, 0, 1]])
    return rz @ rx @ ry


def _lighting_field(kind: str | float, h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    a = rng.uniform(0, 2 * np.pi)
    t = ((xx - w / 2) * np.cos(a) + (yy - h / 2) * np.sin(a)) / max(h, w)  # about -0.5..0.5
    cast = np.ones(3, np.float32)
    if isinstance(kind, (int, float)) and not isinstance(kind, bool):
        gain, strength = 1.0, float(kind)
    elif kind == "even":
        gain, strength = 1.0, 0.0
    elif kind == "gradient":
        gain, strength = 1.0, 0.7
    elif kind == "dim":
        gain, strength = 0.5, 0.5
    elif kind == "warm":
        gain, strength, cast = 0.95, 0.4, np.array([1.08, 0.98, 0.80], np.float32)
    elif kind == "cool":
        gain, strength, cast = 0.95, 0.4, np.array([0.88, 0.97, 1.10], np.float32)
    else:
        raise CaptureError(f"unknown lighting {kind!r}; use one of {', '.join(LIGHTING)} or a number",
                           code="capture.bad_parameter")
    f = gain * (1 + strength * t)
    return f[:, :, None] * cast[None, None, :]


def _defocus(img: np.ndarray, radius: float) -> np.ndarray:
    import cv2

    if radius <= 0:
        return img
    if radius < 1.0:
        return cv2.GaussianBlur(img, (0, 0), radius)
    r = int(np.ceil(radius))
    yy, xx = np.mgrid[-r:r + 1, -r:r + 1]
    k = np.clip(radius + 0.5 - np.sqrt(xx**2 + yy**2), 0, 1).astype(np.float32)
    return cv2.filter2D(img, -1, k / k.sum(), borderType=cv2.BORDER_REFLECT)


def simulate(
    card_png,
    yaw: float = 0.0,
    pitch: float = 0.0,
    roll: float = 0.0,
    *,
    distance: float | None = None,
    size: tuple[int, int] = (1600, 1200),
    fov_deg: float = 65.0,
    fill: float = 0.5,
    offset: tuple[float, float] = (0.0, 0.0),
    background: str | np.ndarray = "plain",
    lighting: str | float = "even",
    glare: float = 0.0,
    blur: float = 0.0,
    noise: float = 2.0,
    jpeg_quality: int | None = 90,
    edge_rgb: tuple[int, int, int] | None = None,
    shadow: float = 0.35,
    seed: int = 0,
    attack: str | None = None,
) -> tuple[np.ndarray, Quad]:
    """Photograph ``card_png`` (the printed face; a path, bytes, PIL image or array) tilted in front of a camera.

    Angles in degrees: ``yaw`` turns the card about its vertical axis, ``pitch`` about its
    horizontal axis, ``roll`` in the image plane. ``distance`` is camera to card centre in mm
    (default: the card spans ``fill`` of the image width when square on); ``offset`` moves the
    card centre by fractions of the image size. ``background`` is one of plain, card, wood,
    paper, clutter, or an RGB array to lay the card on. ``lighting`` is even, gradient, dim,
    warm, cool or a gradient strength; ``glare`` 0..1 laminate highlight; ``blur`` defocus
    radius in px; ``noise`` sensor noise in 8-bit levels; ``jpeg_quality`` None for none;
    ``edge_rgb`` the card core colour seen on the edge. Returns (RGB uint8 image, true Quad).

    ``attack`` photographs a copy of the card instead of the card (see
    :mod:`cardface.oblique.attacks`): ``print`` (on paper with a margin, ink gamut, no core),
    ``cutout`` (a print cut along the card's outline: a paper edge), ``lined_print`` (a print with a line of the core's colour round the card), ``photocopy``, ``phone``
    or ``monitor`` (the card shown on a screen: bezel, the device's thickness, subpixel grid and
    moiré, emitted light, reflections). The angles, distance and ``fill`` then apply to the
    copy, and the true Quad is the card's picture on it.
    """
    import cv2

    for name, v in (("yaw", yaw), ("pitch", pitch)):
        if not -85 <= v <= 85:
            raise CaptureError(f"{name} must be within -85..85 degrees, got {v}", code="capture.bad_parameter")
    w_img, h_img = int(size[0]), int(size[1])
    if not (64 <= w_img <= 8000 and 64 <= h_img <= 8000):
        raise CaptureError(f"image size must be 64..8000 px a side, got {w_img}x{h_img}", code="capture.bad_parameter")
    rng = np.random.default_rng(seed)
    card = load_rgba(card_png)
    card_rgb = np.median(card[:, :, :3].reshape(-1, 3), axis=0).astype(np.float32)
    if attack is None:
        obj = SimObject(card, card_size(), card_rect_mm(),
                        tuple(edge_rgb) if edge_rgb is not None else DEFAULT_EDGE_RGB)
    else:
        from cardface.oblique.attacks import build

        obj = build(attack, card, edge_rgb, np.random.default_rng([seed, 7919]), camera=simulate)
    card, c = obj.rgba, obj.size
    edge = np.asarray(obj.edge_rgb, np.float32)

    # background
    if isinstance(background, np.ndarray) or (isinstance(background, (str, Path)) and Path(str(background)).is_file()):
        bg = cv2.resize(load_rgb(background), (w_img, h_img), interpolation=cv2.INTER_AREA).astype(np.float32)
    elif isinstance(background, str) and background in BACKGROUNDS:
        bg = BACKGROUNDS[background](h_img, w_img, rng, card_rgb)
    else:
        raise CaptureError(f"unknown background {background!r}; use one of {', '.join(BACKGROUNDS)} or an image",
                           code="capture.bad_parameter")

    # camera and pose
    f = w_img / (2 * np.tan(np.radians(fov_deg) / 2))
    if distance is None:
        distance = f * float(np.ptp(obj.card_mm[:, 0])) / (fill * w_img)
    rot = _rotation(yaw, pitch, roll)
    t = np.array([offset[0] * w_img * distance / f, offset[1] * h_img * distance / f, float(distance)])
    centre = np.r_[obj.card_mm.mean(axis=0), 0.0]  # the card (or its picture) is what is aimed at

    def to_cam(pts_mm: np.ndarray, z: float) -> np.ndarray:
        p = np.c_[pts_mm, np.full(len(pts_mm), z)] - centre
        return p @ rot.T + t

    def project(p_cam: np.ndarray) -> np.ndarray:
        if np.any(p_cam[:, 2] <= 1.0):
            raise CaptureError("the card passes behind the camera; increase distance", code="capture.bad_parameter")
        return np.c_[f * p_cam[:, 0] / p_cam[:, 2] + (w_img - 1) / 2, f * p_cam[:, 1] / p_cam[:, 2] + (h_img - 1) / 2]

    face_corners = project(to_cam(np.array([[0, 0], [c.width_mm, 0], [c.width_mm, c.height_mm], [0, c.height_mm]]), 0.0))
    card_corners = project(to_cam(obj.card_mm, 0.0))
    outline = outline_mm(8, c)
    top = project(to_cam(outline, 0.0))
    bottom = project(to_cam(outline, c.thickness_mm))

    # soft shadow on the surface below
    if shadow > 0:
        sh = np.zeros((h_img, w_img), np.float32)
        shift = np.array([0.012 * w_img, 0.018 * h_img]) * rng.uniform(0.5, 1.2)
        cv2.fillPoly(sh, [np.round((bottom + shift) * 4).astype(np.int32)], 1.0, cv2.LINE_AA, shift=2)
        sh = cv2.GaussianBlur(sh, (0, 0), 0.012 * w_img)
        bg *= (1 - shadow * sh)[:, :, None]

    # slab walls: the silhouette in the core colour, each visible wall shaded by the light
    light = np.array([-0.4, -0.6, -0.7])
    light /= np.linalg.norm(light)
    # (drawn 4x larger and averaged down: OpenCV fills a polygon's boundary pixels too, which at
    # full size would widen the silhouette, and so the visible edge, by about a pixel)
    ss = 4
    big = np.zeros((h_img * ss, w_img * ss), np.uint8)
    hull = cv2.convexHull(np.round(((np.r_[top, bottom] + 0.5) * ss - 0.5) * 16).astype(np.int32))
    cv2.fillConvexPoly(big, hull, 255, shift=4)
    slab = cv2.resize(big, (w_img, h_img), interpolation=cv2.INTER_AREA)
    walls = np.empty((h_img, w_img, 3), np.float32)
    walls[:] = edge * 0.8
    n = len(outline)
    top_cam, bot_cam = to_cam(outline, 0.0), to_cam(outline, c.thickness_mm)
    for i in range(n):
        j = (i + 1) % n
        d = outline[j] - outline[i]
        normal = rot @ np.array([d[1], -d[0], 0.0]) / max(np.linalg.norm(d), 1e-9)
        mid = (top_cam[i] + top_cam[j] + bot_cam[i] + bot_cam[j]) / 4
        if np.dot(normal, mid) >= 0:
            continue  # faces away from the camera
        shade = 0.55 + 0.5 * max(0.0, float(np.dot(normal, -light)))
        poly = np.array([top[i], top[j], bottom[j], bottom[i]])
        cv2.fillConvexPoly(walls, np.round(poly * 16).astype(np.int32), tuple(float(v) for v in edge * shade), shift=4)

    # the printed face, at a resolution near what the camera resolves
    longest = max(np.linalg.norm(face_corners[1] - face_corners[0]), np.linalg.norm(face_corners[2] - face_corners[3]))
    target_w = int(np.clip(longest * 1.5, 64, card.shape[1]))
    if target_w < card.shape[1]:
        card = cv2.resize(card, (target_w, max(2, round(target_w * card.shape[0] / card.shape[1]))),
                          interpolation=cv2.INTER_AREA)
    ch, cw = card.shape[:2]
    alpha = rounded_alpha(ch, cw, c) * (card[:, :, 3].astype(np.float32) / 255.0)
    src = np.array([[-0.5, -0.5], [cw - 0.5, -0.5], [cw - 0.5, ch - 0.5], [-0.5, ch - 0.5]], np.float32)
    hm = cv2.getPerspectiveTransform(src, face_corners.astype(np.float32))
    # (the colour replicates at the border: interpolated with a black surround it would darken the
    # face's outermost pixel a second time, over the alpha's own coverage, drawing a dark line
    # round the card that widens the edge band)
    face = cv2.warpPerspective(card[:, :, :3].astype(np.float32), hm, (w_img, h_img), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)
    a_face = cv2.warpPerspective(alpha, hm, (w_img, h_img), flags=cv2.INTER_LINEAR)[:, :, None]

    if glare > 0:
        centre_px = face_corners.mean(axis=0) + rng.uniform(-0.3, 0.3, 2) * (face_corners.max(0) - face_corners.min(0))
        yy, xx = np.mgrid[0:h_img, 0:w_img].astype(np.float32)
        diag = np.linalg.norm(face_corners[2] - face_corners[0])
        sx, sy = diag * rng.uniform(0.12, 0.3), diag * rng.uniform(0.05, 0.15)
        a = rng.uniform(0, np.pi)
        dx, dy = xx - centre_px[0], yy - centre_px[1]
        u, v = dx * np.cos(a) + dy * np.sin(a), -dx * np.sin(a) + dy * np.cos(a)
        g = np.exp(-0.5 * ((u / sx) ** 2 + (v / sy) ** 2))[:, :, None]
        face = face + (255 - face) * np.clip(glare, 0, 1) * g

    a_slab = (slab.astype(np.float32) / 255.0)[:, :, None]
    img = bg * (1 - a_slab) + walls * a_slab
    img = img * (1 - a_face) + face * a_face
    field = _lighting_field(lighting, h_img, w_img, rng)
    if obj.screen is None:
        img *= field
    else:  # a screen emits its own light: the room's light reaches it only as a reflection
        from cardface.oblique.attacks import screen_light

        img = screen_light(img, field, obj, hm, (w_img, h_img), rng, (ch, cw))
    img = _defocus(img, float(blur))
    if obj.screen is not None:
        from cardface.oblique.attacks import subpixel_moire

        img = subpixel_moire(img, obj, hm, cw / c.width_mm, float(blur), rng, (ch, cw))
    if noise > 0:
        img += rng.normal(0, 1, img.shape).astype(np.float32) * (noise * np.sqrt(np.clip(img, 1, 255) / 128))
    out = np.clip(img + 0.5, 0, 255).astype(np.uint8)
    if jpeg_quality:
        _ok, buf = cv2.imencode(".jpg", out[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, int(jpeg_quality)])
        out = cv2.imdecode(buf, cv2.IMREAD_COLOR)[:, :, ::-1].copy()
    return out, Quad(card_corners, 1.0, method="truth")
