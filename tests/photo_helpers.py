"""Shared helpers for the photo tests: the small test photos and variants built at test time."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from bench.support import linear_to_srgb, srgb_to_linear

FACES = Path(__file__).parent / "data" / "faces"


def path(name: str) -> Path:
    return FACES / f"{name}.jpg"


@cache
def image(name: str) -> Image.Image:
    return Image.open(path(name)).convert("RGB")


def jpeg(img: Image.Image, q: int = 92, **kw) -> bytes:
    b = io.BytesIO()
    img.save(b, "JPEG", quality=q, **kw)
    return b.getvalue()


def arr(img: Image.Image) -> np.ndarray:
    return np.asarray(img.convert("RGB")).astype(np.float32)


def img(a: np.ndarray) -> Image.Image:
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "RGB")


@cache
def report(source_key: str, profile: str = "mynumber-online"):
    """Reports are cached per (variant, profile) so each photo is analysed once per test run."""
    import photo

    return photo.check(VARIANTS[source_key](), profile)


def geometry(name: str = "compliant_a"):
    import photo

    return photo.face_geometry(path(name))


# --------------------------------------------------------------------------- variants
def lab_of(a, mask: np.ndarray) -> np.ndarray:
    """CIELAB (N x 3) of the analysis' pixels in a full-size mask, the plain way: the reference
    the checker's own gathers (cheek_lab, skin_lab, the colour region) are compared with."""
    from photo.analysis import FaceAnalysis

    return FaceAnalysis.to_lab(a.rgb[mask][None])[0]


def _rotated(deg: float) -> bytes:
    im = image("compliant_a")
    g = geometry()
    return jpeg(im.rotate(deg, resample=Image.BICUBIC, center=g.eye_mid, fillcolor=im.getpixel((3, 3))))


def _blur() -> bytes:
    return jpeg(image("compliant_a").filter(ImageFilter.GaussianBlur(4)))


def _motion() -> bytes:
    import cv2

    k = np.zeros((15, 15), np.float32)
    k[7, :] = 1 / 15
    return jpeg(Image.fromarray(cv2.filter2D(np.asarray(image("compliant_a")), -1, k)))


def _motion_at(deg: float, length: int = 9) -> bytes:
    """compliant_a smeared along ``deg`` (image coordinates: 0 along rows, 90 down the columns)."""
    import cv2

    k = np.zeros((length, length), np.float32)
    k[length // 2, :] = 1.0
    c = (length - 1) / 2
    k = cv2.warpAffine(k, cv2.getRotationMatrix2D((c, c), -deg, 1.0), (length, length))
    return jpeg(Image.fromarray(cv2.filter2D(np.asarray(image("compliant_a")), -1, k / k.sum())))


def _phone_night() -> bytes:
    """compliant_a as a phone leaves a dim room: one stop under, sensor noise, then its noise
    reduction (non-local means, strength 10), JPEG 85: the skin goes smooth, the face stays in focus."""
    import cv2

    srgb = linear_to_srgb(srgb_to_linear(arr(image("compliant_a"))) * 0.5)
    noisy = srgb + np.random.default_rng(5).normal(0, 5.0, srgb.shape)
    u8 = np.clip(np.round(noisy), 0, 255).astype(np.uint8)
    return jpeg(Image.fromarray(cv2.fastNlMeansDenoisingColored(u8, None, 10, 10, 7, 21)), 85)


def _dark() -> bytes:
    return jpeg(img(arr(image("compliant_a")) * 0.28))


def _half_shadow() -> bytes:
    a = arr(image("compliant_a"))
    x = geometry().eye_mid[0]
    xs = np.arange(a.shape[1])[None, :]
    f = 1 - 0.55 / (1 + np.exp(-(xs - x) / 8.0))
    return jpeg(img(a * f[..., None]))


def _second_face() -> bytes:
    im = image("compliant_a").copy()
    other = image("compliant_b").resize((200, 257))
    im.paste(other, (im.width - 200, 0))
    return jpeg(im)


def _dark_glasses() -> bytes:
    im = image("compliant_a").copy()
    g = geometry()
    d = ImageDraw.Draw(im)
    ied = abs(g.eye_right[0] - g.eye_left[0])
    for x, y in (g.eye_left, g.eye_right):
        d.ellipse([x - ied * 0.33, y - ied * 0.22, x + ied * 0.33, y + ied * 0.24], fill=(25, 25, 30))
    return jpeg(im)


def _masked() -> bytes:
    """compliant_a in a drawn black face mask over the nose and mouth (bench.masks)."""
    from bench.masks import face_mask

    g = geometry()
    return jpeg(face_mask(image("compliant_a"), [g.eye_left, g.eye_right], g.chin, "black", np.random.default_rng(2)))


def _red_eye() -> bytes:
    """compliant_a with flash red-eye drawn in both pupils (bench.red_eye; its draw for seed 0
    lights both eyes)."""
    from bench.red_eye import red_eye

    g = geometry()
    return jpeg(red_eye(image("compliant_a"), [g.eye_left, g.eye_right], np.random.default_rng(0)))


def _fringe(depth: float = 0.0, side: str | None = None, light: bool = False) -> bytes:
    """compliant_a with a drawn fringe from above the brows down to ``depth`` eye distances below
    the eye centres (bench.fringe; 0 reaches the pupils, -0.3 stops on the brows); ``side``
    "left" or "right": swept over that eye (in the picture) only; ``light``: dark-blonde hair."""
    from bench.fringe import HAIR, LIGHT_HAIR, fringe

    g = geometry()
    return jpeg(fringe(image("compliant_a"), [g.eye_left, g.eye_right], depth, np.random.default_rng(3), side=side,
                       colour=LIGHT_HAIR if light else HAIR))


def dated(taken: str | None, *, tag: int = 0x9003, fmt: str = "JPEG") -> bytes:
    """compliant_a saved with the camera's date ``taken`` (YYYY:MM:DD HH:MM:SS) in the EXIF
    sub-IFD under ``tag`` (DateTimeOriginal by default; None: no date)."""
    ex = Image.Exif()
    if taken is not None:
        ex.get_ifd(0x8769)[tag] = taken
    buf = io.BytesIO()
    image("compliant_a").save(buf, fmt, quality=95, exif=ex)
    return buf.getvalue()


def _old_photo() -> bytes:
    """compliant_a dated years back: taken long before any day it is judged on."""
    return dated("2020:01:02 10:00:00")


def _recent_photo() -> bytes:
    """compliant_a dated a month before today."""
    import datetime

    return dated((datetime.date.today() - datetime.timedelta(days=30)).strftime("%Y:%m:%d 10:00:00"))


def _closed_eyes() -> bytes:
    """Eyelids painted shut: skin-coloured ellipses over each eye opening with a lash line."""
    im = image("compliant_a").copy()
    g = geometry()
    ied = abs(g.eye_right[0] - g.eye_left[0])
    a = np.asarray(im)
    d = ImageDraw.Draw(im)
    for x, y in (g.eye_left, g.eye_right):
        skin = tuple(int(v) for v in a[int(y - ied * 0.28), int(x)])
        d.ellipse([x - ied * 0.3, y - ied * 0.17, x + ied * 0.3, y + ied * 0.13], fill=skin)
        d.arc([x - ied * 0.3, y - ied * 0.25, x + ied * 0.3, y + ied * 0.1], 20, 160, fill=(60, 45, 40), width=3)
    return jpeg(im.filter(ImageFilter.GaussianBlur(0.8)))


def _small_head() -> bytes:
    im = image("compliant_a")
    bg = im.getpixel((3, 3))
    canvas = Image.new("RGB", (im.width, im.height), bg)
    s = im.resize((int(im.width * 0.75), int(im.height * 0.75)), Image.Resampling.LANCZOS)
    canvas.paste(s, ((im.width - s.width) // 2, im.height - s.height))
    return jpeg(canvas)


def _off_centre() -> bytes:
    im = image("compliant_a")
    return jpeg(im.crop((0, 0, im.width - 110, im.height)).resize((im.width, int(im.height * im.width / (im.width - 110)))))


def _top_cut() -> bytes:
    im = image("compliant_a")
    return jpeg(im.crop((0, 110, im.width, im.height)))


def _eyes_high() -> bytes:
    im = image("compliant_a")
    return jpeg(im.crop((0, 200, im.width, im.height)).resize((im.width, im.height)))


def _cast_shadow() -> bytes:
    """A soft dark shadow on the wall beside and above the head, offset to one side."""
    im = image("compliant_a")
    a = arr(im)
    g = geometry()
    h, w = a.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w]
    cx, cy = g.eye_mid[0] - 0.2 * w, g.crown[1] + 0.35 * h
    inside = ((xs - cx) / (0.3 * w)) ** 2 + ((ys - cy) / (0.4 * h)) ** 2 < 1
    bgmask = (np.abs(a - a[5, 5]).sum(axis=2) < 30) & inside
    m = np.asarray(Image.fromarray((bgmask * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(4))) / 255.0
    return jpeg(img(a * (1 - 0.35 * m[..., None])))


def _stripes() -> bytes:
    im = image("compliant_a")
    a = arr(im)
    bgmask = np.abs(a - a[5, 5]).sum(axis=2) < 30
    ys, xs = np.mgrid[0:a.shape[0], 0:a.shape[1]]
    t = 0.75 + 0.45 * (0.5 + 0.5 * np.sin(2 * np.pi * (xs + ys * 0.3) / 22.0))
    a[bgmask] = a[bgmask] * t[bgmask][:, None]
    return jpeg(img(a))


def _poster() -> bytes:
    """A small picture on the wall beside the head, away from the hair (an object behind)."""
    im = image("compliant_a").copy()
    g = geometry()
    w = im.width
    x0, y0 = max(4, int(g.face_box[0] - 0.42 * w)), int(g.eye_mid[1] - 0.05 * im.height)
    ImageDraw.Draw(im).rectangle([x0, y0, x0 + int(0.16 * w), y0 + int(0.2 * w)], fill=(150, 60, 40))
    return jpeg(im)


def _loose_strands() -> bytes:
    """Thin dark strands of hair curling out from the sides of the hair into the backdrop."""
    im = image("compliant_a").copy()
    g = geometry()
    a = arr(im)
    wall = a[5, 5]
    fw = g.face_box[2] - g.face_box[0]
    d = ImageDraw.Draw(im)
    rng = np.random.default_rng(3)
    for side in (-1, 1):
        for _ in range(12):
            y = int(g.crown[1] + rng.uniform(0.15, 0.7) * fw)
            x = int(g.eye_mid[0])
            while 0 < x < a.shape[1] - 1 and np.abs(a[y, x] - wall).sum() > 30:
                x += side  # walk out to the edge of the hair
            pts = [(x + side * (t * 0.12 * fw - 2), y + 0.06 * fw * np.sin(t * 4 + rng.uniform(0, 3)))
                   for t in np.linspace(0, 1, 12)]
            d.line(pts, fill=(70, 55, 40), width=2)
    return jpeg(im)


def _bun() -> bytes:
    """A bun of hair on top of the head, joined to the hair."""
    im = image("compliant_a").copy()
    g = geometry()
    cx = g.eye_mid[0]
    fw = g.face_box[2] - g.face_box[0]
    top = g.crown[1] - 0.1 * fw
    ImageDraw.Draw(im).ellipse([cx - 0.3 * fw, top, cx + 0.3 * fw, g.crown[1] + 0.2 * fw], fill=(110, 85, 60))
    return jpeg(im.filter(ImageFilter.GaussianBlur(0.7)))


def shut_eye(im: Image.Image, g) -> Image.Image:
    """``im`` with the eye at the image's left painted shut (a skin-coloured lid and a lash
    line, from the face geometry ``g``) and a slight blur; the other eye stays open."""
    ied = abs(g.eye_right[0] - g.eye_left[0])
    x, y = min((g.eye_left, g.eye_right), key=lambda p: p[0])
    skin = tuple(int(v) for v in np.asarray(im)[int(y - ied * 0.28), int(x)])
    im = im.copy()
    d = ImageDraw.Draw(im)
    d.ellipse([x - ied * 0.3, y - ied * 0.17, x + ied * 0.3, y + ied * 0.13], fill=skin)
    d.arc([x - ied * 0.3, y - ied * 0.25, x + ied * 0.3, y + ied * 0.1], 20, 160, fill=(60, 45, 40), width=3)
    return im.filter(ImageFilter.GaussianBlur(0.8))


def eye_openings() -> dict[str, np.ndarray]:
    """compliant_a's eye openings (the lids' contour, from the checker's landmarks) as full-size
    bool masks, by side in the picture ("left", "right")."""
    import cv2

    from photo.checker import analyse_and_check
    from photo.checks.eyes import EYES

    a, _ = analyse_and_check(path("compliant_a"))
    k = 1 / a.decoded.scale
    w, h = image("compliant_a").size
    out = {}
    for side, eye, _ in EYES:
        m = np.zeros((h, w), np.uint8)
        cv2.fillPoly(m, [np.round(a.landmarks[list(eye["contour"]), :2] * k).astype(np.int32)], 1)
        out[side] = m.astype(bool)
    return out


def _burnt_eyes(sides: tuple[str, ...] = ("left", "right")) -> bytes:
    """compliant_a with the whites of the eyes on the given sides of the picture burnt out:
    every pixel of the eye opening (the lids' contour) brighter than its median set to white,
    as over-exposure clips the sclera; the skin, the lids included, is left as it is."""
    px = arr(image("compliant_a")).copy()
    grey = px.mean(axis=2)
    for side, region in eye_openings().items():
        if side in sides:
            px[region & (grey > np.median(grey[region]))] = 255
    return jpeg(img(px))


def _dim(whites: float | None = None, stops: float = -3.0) -> bytes:
    """compliant_a ``stops`` under (linear light x 2^stops; at -3 its light skin's highlights fall
    under min_highlight, as the darkest skin's do one stop under), with the eye openings (the
    lids' contour) at their studio levels x ``whites`` when given: at 1.0 the exposure the whites
    show is the studio's, and the dark skin is the skin's own tone."""
    px = arr(image("compliant_a"))
    out = linear_to_srgb(srgb_to_linear(px) * 2.0 ** stops)
    if whites is not None:
        m = np.logical_or.reduce(list(eye_openings().values()))
        out[m] = px[m] * whites
    return jpeg(img(out))


def _white_over_irises(im, sides: tuple[str, ...], half_axes) -> bytes:
    """``im`` (compliant_a's pixels, maybe altered) with a white ellipse centred on the iris of
    each eye on the given sides of the picture; ``half_axes(ied, iris_radius)`` gives its half
    width and height in compliant_a's working px (the analysis the landmarks come from)."""
    from photo.checker import analyse_and_check
    from photo.checks.eyes import EYES
    from photo.pupils import iris_disc

    a, _ = analyse_and_check(path("compliant_a"))
    k = 1 / a.decoded.scale
    d = ImageDraw.Draw(im)
    for side, eye, _ in EYES:
        if side not in sides:
            continue
        (cx, cy), r = iris_disc(a.landmarks, eye)
        rx, ry = half_axes(a.ied, r)
        d.ellipse([(cx - rx) * k, (cy - ry) * k, (cx + rx) * k, (cy + ry) * k], fill=(255, 255, 255))
    return jpeg(im)


def _glare_on_glasses(sides: tuple[str, ...] = ("left", "right")) -> bytes:
    """compliant_a with a light reflected on the lens over each eye on the given sides of the
    picture: a white ellipse over the eye, iris included, as a window seen in clear glasses."""
    return _white_over_irises(image("compliant_a").copy(), sides, lambda ied, r: (0.2 * ied, 0.1 * ied))


def _iris_reflection(side: str = "left") -> bytes:
    """compliant_a with a small light reflected over the iris of the eye on the given side of the
    picture only (a white disc of 0.45 x the iris radius): less than a tenth of the eye region."""
    return _white_over_irises(image("compliant_a").copy(), (side,), lambda ied, r: (0.45 * r, 0.45 * r))


def _lens_reflection_beside_eyes() -> bytes:
    """compliant_a with a small light reflected on both lenses above the eye openings, off the
    irises (a white ellipse 0.08 x 0.035 eye distances, its centre 0.11 eye distances above each
    iris): the lids under the lenses clip (under a tenth of each eye region), the whites and the
    skin elsewhere do not."""
    from photo.checker import analyse_and_check
    from photo.checks.eyes import EYES
    from photo.pupils import iris_disc

    a, _ = analyse_and_check(path("compliant_a"))
    k = 1 / a.decoded.scale
    im = image("compliant_a").copy()
    d = ImageDraw.Draw(im)
    for _side, eye, _ in EYES:
        (cx, cy), _r = iris_disc(a.landmarks, eye)
        cy -= 0.11 * a.ied
        rx, ry = 0.08 * a.ied, 0.035 * a.ied
        d.ellipse([(cx - rx) * k, (cy - ry) * k, (cx + rx) * k, (cy + ry) * k], fill=(255, 255, 255))
    return jpeg(im)


def _dark_eye_makeup() -> bytes:
    """compliant_a with heavy dark eye make-up: the lids and skin round each eye opening (the
    eye region, ``eyes.eye_polygon``, outside the lids' contour, and lashes drawn along it)
    darkened to a fifth of their luma; the eye openings, the whites and irises, untouched."""
    import cv2

    from photo.checker import analyse_and_check
    from photo.checks.eyes import EYES, eye_polygon

    a, _ = analyse_and_check(path("compliant_a"))
    k = 1 / a.decoded.scale
    px = arr(image("compliant_a")).copy()
    h, w = px.shape[:2]
    for _side, eye, _ in EYES:
        region = np.zeros((h, w), np.uint8)
        cv2.fillPoly(region, [np.round(eye_polygon(a, eye) * k).astype(np.int32)], 1)
        cv2.dilate(region, np.ones((5, 5), np.uint8), dst=region)
        opening = np.zeros((h, w), np.uint8)
        cv2.fillPoly(opening, [np.round(a.landmarks[list(eye["contour"]), :2] * k).astype(np.int32)], 1)
        cv2.erode(opening, np.ones((3, 3), np.uint8), dst=opening)
        px[(region > 0) & (opening == 0)] *= 0.2
    return jpeg(img(px))


def _burnt_face_light_irises() -> bytes:
    """compliant_a over-exposed as a whole (x 2.2 + 30, the "bright" variant) with its irises
    clipped too, as light irises are: the burnt-out whites cannot be told by the irises."""
    return _white_over_irises(img(arr(image("compliant_a")) * 2.2 + 30), ("left", "right"),
                              lambda ied, r: (0.8 * r, 0.8 * r))


def _wrap(sides: tuple[str, ...], colour=(170, 40, 40), inner: float = 1.02, from_eyes: bool = False,
          outer: float = 1.5, from_mouth: bool = False) -> bytes:
    """A band of cloth against the face outline, from the top of the forehead (or the eyes, with
    ``from_eyes``, or just below the mouth, with ``from_mouth``) down past the chin, on the given
    sides of the image (both: a hood or scarf round the face; one: an arm or a collar on one side);
    the hair on top stays visible. The band starts at ``inner`` x the face oval (below 1: over the
    face's own outline) and ends at ``outer`` x. ``colour`` "wall": the backdrop's, x 0.75."""
    from photo.analysis import FACE_OVAL
    from photo.checker import analyse_and_check

    im = image("compliant_a").copy()
    a, _ = analyse_and_check(path("compliant_a"))
    k = 1 / a.decoded.scale
    if colour == "wall":
        colour = tuple(int(v) for v in np.asarray(im)[5:40, 5:40].reshape(-1, 3).mean(axis=0) * 0.75)
    oval = a.landmarks[list(FACE_OVAL), :2] * k
    c = oval.mean(axis=0)
    mask = Image.new("L", im.size, 0)
    d = ImageDraw.Draw(mask)
    d.polygon([tuple(c + (p - c) * outer) for p in oval], fill=255)
    d.polygon([tuple(c + (p - c) * inner) for p in oval], fill=0)
    top = (a.landmarks[[13, 14], 1].mean() * k + 4 if from_mouth
           else (a.eye_mid[1] if from_eyes else a.landmarks[10, 1]) * k)
    d.rectangle([0, 0, im.size[0], top], fill=0)
    if "left" not in sides:
        d.rectangle([0, 0, c[0], im.size[1]], fill=0)
    if "right" not in sides:
        d.rectangle([c[0], 0, im.size[0], im.size[1]], fill=0)
    im.paste(Image.new("RGB", im.size, colour), (0, 0), mask.filter(ImageFilter.GaussianBlur(1)))
    return jpeg(im)


def _hair_over_one_cheek() -> bytes:
    """Black hair hanging over the image-left cheek (the landmark patch the checker reads), down
    the face's side to the mouth, the other cheek bare: one cheek dark, the photo well exposed."""
    import cv2

    from photo.analysis import CHEEK_R
    from photo.checker import analyse_and_check

    a, _ = analyse_and_check(path("compliant_a"))
    k = 1 / a.decoded.scale
    px = arr(image("compliant_a")).copy()
    patch = np.zeros(px.shape[:2], np.uint8)
    hull = cv2.convexHull(a.landmarks[list(CHEEK_R), :2].astype(np.float32)).reshape(-1, 2) * k
    cv2.fillPoly(patch, [np.round(hull).astype(np.int32)], 1)
    px[patch > 0] = 16
    return jpeg(img(px))


def _fringe_and_beard(cheeks_too: bool = False) -> bytes:
    """Black hair inside the face oval, as many applicants have it: a fringe over the forehead
    down to the brows and a full beard over the jaw and chin from the mouth corners down, both
    near-black with strand texture; the cheeks stay bare skin. With ``cheeks_too`` the cheeks
    (the landmark patches the checker reads) are crushed to black as well."""
    import cv2

    from photo.analysis import CHEEK_L, CHEEK_R, FACE_OVAL
    from photo.checker import analyse_and_check

    a, _ = analyse_and_check(path("compliant_a"))
    k = 1 / a.decoded.scale
    px = arr(image("compliant_a")).copy()
    h, w = px.shape[:2]
    oval = np.zeros((h, w), np.uint8)
    cv2.fillPoly(oval, [np.round(a.landmarks[list(FACE_OVAL), :2] * k).astype(np.int32)], 1)
    ys = np.arange(h)[:, None]
    brows = a.landmarks[[105, 334], 1].mean() * k
    mouth = a.landmarks[[61, 291], 1].mean() * k
    hair = (oval > 0) & ((ys < brows) | (ys > mouth))
    if cheeks_too:
        for idx in (CHEEK_R, CHEEK_L):
            patch = np.zeros((h, w), np.uint8)
            cv2.fillPoly(patch, [np.round(cv2.convexHull(a.landmarks[list(idx), :2].astype(np.float32)).reshape(-1, 2)
                                          * k).astype(np.int32)], 1)
            hair |= patch > 0
    strands = np.random.default_rng(3).normal(0, 4, (h, w)).astype(np.float32)
    strands = cv2.GaussianBlur(strands, (0, 0), sigmaX=0.6, sigmaY=3.0)  # vertical strands
    px[hair] = np.clip(14 + strands[hair, None] * np.ones(3, np.float32), 0, 40)
    return jpeg(img(px))


def _blue() -> bytes:
    return jpeg(img(arr(image("compliant_a")) * np.array([0.7, 0.9, 1.4])))


def _png() -> bytes:
    b = io.BytesIO()
    image("compliant_a").save(b, "PNG")
    return b.getvalue()


def _cmyk() -> bytes:
    b = io.BytesIO()
    image("compliant_a").convert("CMYK").save(b, "JPEG", quality=92)
    return b.getvalue()


VARIANTS = {
    "compliant_a": lambda: path("compliant_a"),
    "compliant_b": lambda: path("compliant_b"),
    "smiling": lambda: path("smiling_a"),
    "lisa": lambda: path("lisa1"),
    "lisa3": lambda: path("lisa3"),
    "sunglasses": lambda: path("sunglasses"),
    "turned": lambda: path("turned"),
    "helmet": lambda: path("helmet"),
    "hood": lambda: path("hood"),
    "wrap_one_side": lambda: _wrap(("left",)),
    "wrap_both_sides": lambda: _wrap(("left", "right")),
    "roll": lambda: _rotated(15),
    "blur": _blur,
    "motion": _motion,
    "motion_22deg": lambda: _motion_at(22.5, 15),
    "phone_night": _phone_night,
    "dark": _dark,
    "dim": _dim,
    "dim_skin_bright_whites": lambda: _dim(whites=1.0),
    # whites over min_eye_white but no brighter than the skin's highlights: a dim photo of light skin
    "dim_whites_under_skin": lambda: _dim(whites=0.45, stops=-2.7),
    "fringe_and_beard": _fringe_and_beard,
    "dark_cheeks": lambda: _fringe_and_beard(cheeks_too=True),
    "hair_over_one_cheek": _hair_over_one_cheek,
    "bright": lambda: jpeg(img(arr(image("compliant_a")) * 2.2 + 30)),
    "burnt_eyes": _burnt_eyes,
    "burnt_left_eye": lambda: _burnt_eyes(("left",)),
    "glare_on_glasses": _glare_on_glasses,
    "iris_reflection": _iris_reflection,
    "burnt_face_light_irises": _burnt_face_light_irises,
    "lens_reflection": _lens_reflection_beside_eyes,
    "dark_eye_makeup": _dark_eye_makeup,
    "half_shadow": _half_shadow,
    "second_face": _second_face,
    "dark_glasses": _dark_glasses,
    "masked": _masked,
    "red_eye": _red_eye,
    "fringe": _fringe,
    "fringe_on_brows": lambda: _fringe(-0.3),
    "fringe_left_eye": lambda: _fringe(0.05, "left"),
    "fringe_light": lambda: _fringe(0.0, light=True),
    "old_photo": _old_photo,
    "recent_photo": _recent_photo,
    "closed_eyes": _closed_eyes,
    "small_head": _small_head,
    "off_centre": _off_centre,
    "top_cut": _top_cut,
    "eyes_high": _eyes_high,
    "cast_shadow": _cast_shadow,
    "stripes": _stripes,
    "poster": _poster,
    "loose_strands": _loose_strands,
    "bun": _bun,
    "blue": _blue,
    # a high collar of the wall's own colour, a little darker (x 0.75, smooth), against the face
    # outline from the mouth down past the chin on both sides: a grey hoodie against a grey wall,
    # part of the person, shaded like a shadow on the wall would be
    "wall_grey_collar": lambda: _wrap(("left", "right"), "wall", inner=1.0, outer=1.45, from_mouth=True),
    "red_tint": lambda: jpeg(img(arr(image("compliant_a")) * np.array([1.25, 0.9, 0.9]))),
    "grey": lambda: jpeg(image("compliant_a").convert("L").convert("RGB")),
    "heavy_jpeg": lambda: jpeg(image("compliant_a"), q=5),
    "tiny_file": lambda: jpeg(image("compliant_a").resize((490, 630)), q=3),
    "too_small": lambda: jpeg(image("compliant_a").resize((350, 450))),
    "square": lambda: jpeg(image("compliant_a").crop((0, 0, 560, 560))),
    "png": _png,
    "cmyk": _cmyk,
}
