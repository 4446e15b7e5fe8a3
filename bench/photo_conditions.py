"""Compliant people under the conditions of a home photo: which checks refuse them.

    MYNACARD_SHARED=../shared python bench/photo_conditions.py [--profile mynumber-online]

``bench/photo_accuracy.py`` sends every compliant person's photo in six variants of the
studio shot (clean, re-compressed, resized, lighter, darker, turned 2-3 degrees). An online
applicant's photo is taken elsewhere: under a lamp or a window, by a phone that sharpens and
adds noise, with a lens that darkens the corners. This benchmark makes those conditions from
the same 121 compliant people's crops (``bench.photo_accuracy.frame_photo``; every one of them,
nothing left out) and prints, per condition, the photos refused and the checks that refused
them:

- ``warm mild`` / ``cool mild``: a colour cast a phone's white balance leaves (R x 1.04,
  B x 0.92 / R x 0.95, B x 1.04);
- ``warm strong`` / ``cool strong``: a lamp or shade the white balance did not correct
  (R x 1.08, B x 0.85 / R x 0.90, B x 1.08): skin can leave the natural range here, which
  ``color.natural`` is meant to refuse (so its refusals there are reported, not counted as
  errors: whether a cast is too strong is a judgement the rules leave open);
- ``noise``: sensor noise (Gaussian, sd 4 levels) saved at JPEG quality 85;
- ``sharpened``: a phone's sharpening (unsharp mask, radius 2, 80 %);
- ``vignette``: lens fall-off, 18 % darker in the corners;
- ``side light``: light from one side across the whole frame (-6 % to +4 %);
- ``dim room``: one stop under-exposed (half the light, in linear light), sensor noise (sd 3
  levels), JPEG quality 85: a room a little too dark for the phone. A face one stop under is
  still well exposed for most people; the same exposure must get the same verdict whatever the
  skin (stop 25: the exposure check's skin highlights refuse the darkest skin first).
- ``phone night``: the dim room as a phone leaves it: one stop under-exposed, sensor noise (sd 5
  levels), then the phone's noise reduction (OpenCV's non-local means, strength 7: skin goes
  smooth and loose strands against the wall become soft darker smudges), JPEG quality 85.
- ``skin smoothing``: a phone's beauty mode (a bilateral filter, 9 px, colour sigma 40), JPEG 90;
- ``messaging app``: forwarded by a messaging app, at most 800 px on the long side, JPEG 70;
- ``selfie mirror``: a front camera's mirrored image (left and right swapped);
- ``wall ...``: the same studio shot in front of a plain wall of another colour: a photo
  booth's blue (証明写真機 offer blue, white and grey), a paler blue, a home's beige and a pink
  wall. The backdrop is repainted in linear light, so it keeps its own lighting (fall-off,
  vignetting) and its noise, through MODNet's hair-level matte of the photo (the model the
  checker itself calls only where its cheap person mask is unsure): loose strands keep the
  share of the wall they show. (The studio-backdrop flood fill the generated defects use,
  ``bench.faces.background_matte``, leaves a rim of the old grey round the hair.)
- ``wall like the top``: for the people whose top is light and colourless (a white or grey
  T-shirt: the person's pixels below the chin, unlike the skin, L* over 60, chroma under 15,
  at least 2 % of the photo), the wall repainted the top's colour, so that the clothes meet a
  wall of their own colour at the shoulders; counted over those people only;
- ``glasses ...``: clear glasses (bench.glasses, drawn from the .tem eye centres) in each of
  three frame styles: thin metal, black acetate with a 4 mm rim, brown tortoiseshell; the lenses
  shrink what is behind them a little and carry a faint reflection (J-LIS and ICAO accept clear
  glasses without glare; none of the collection's compliant people wears any);
- ``hair ...``: the same studio shot with the hair dyed (``bench/hair_dye.py``): purple, blue,
  pink, green (the hue and chroma replaced, the hair's lightness and so its strands kept),
  through MODNet's matte of the photo: hair of any colour is not a covering (``head.covering``;
  bleached hair is not drawn, see ``bench/hair_dye.py``);
- ``portrait mode``: a phone's background blur, the wall blurred (Gaussian, 1.5 % of the width)
  without the person's colours (each wall pixel a weighted mean of wall pixels only, through
  the same matte), so no halo of hair or clothes is made round the person.

Then the **exposure ladder**: each person's crop at +1, +0.5, 0, -0.5 ... -3 and -4 stops
(linear light x 2^stops, noise sd 3, JPEG 85; the -1 row is like the dim room, with its own
noise draw), and the people ``lighting.exposure`` refuses at each, for all and for the darkest,
middle and lightest third of skin (by the skin highlights of the 0-stop photo). Under-exposure
loses no detail of dark skin a stop under, so fair means the same exposure gets the same verdict
whatever the skin: the rows also show what the skin highlights alone (``min_highlight``) would
refuse, and the median stop at which each third is first refused going down. Over-exposure
clips light skin first (lost detail, 白飛び, which the rules refuse), so the + rows are
expected to refuse the lightest third first.

No limit is set from these photos; the conditions are fixed here and seeded.
"""

from __future__ import annotations

import collections
import sys
import time
from pathlib import Path
from typing import NamedTuple

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.faces import TEM_EYE_L, TEM_EYE_R, analysis_of, crop, in_crop, jpeg, shared_faces
from bench.glasses import STYLES as GLASSES
from bench.glasses import clear_glasses
from bench.hair_dye import DYES, dyed, hair_alpha
from bench.photo_accuracy import frame_photo, read_labels
from bench.support import linear_to_srgb, profile_bench_args, srgb_to_linear, wilson

#: the conditions whose colour cast may rightly take skin out of color.natural's range
STRONG_CASTS = ("warm strong", "cool strong")
#: plain walls of other colours than the studio's (sRGB of the wall's mean)
WALLS = {"wall booth blue": (140, 180, 220), "wall pale blue": (165, 195, 225), "wall beige": (222, 208, 182),
         "wall pink": (235, 200, 205)}


def _float(img) -> np.ndarray:
    return np.asarray(img.convert("RGB")).astype(np.float32)


def _jpeg_of(a: np.ndarray, q: int = 95) -> bytes:
    from PIL import Image

    return jpeg(Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "RGB"), q)


def conditions(c, rng, rng_dim, rng_night, eyes, rng_glasses) -> dict[str, bytes | None]:
    """The crop ``c`` (PIL RGB) under each condition, as JPEG bytes (in the order printed);
    ``rng_dim``, ``rng_night`` and ``rng_glasses`` draw the dim room's and the phone night's
    noise and the lenses' reflections (their own streams: the earlier conditions keep their
    seeds); ``eyes``: the crop's eye centres (image left, image right) for the glasses."""
    from PIL import Image, ImageFilter

    a = _float(c)
    shot = shot_of(a)
    h, w = a.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    r2 = ((xs - w / 2) / (w / 2)) ** 2 + ((ys - h / 2) / (h / 2)) ** 2
    return {
        "warm mild": _jpeg_of(a * np.float32([1.04, 1.0, 0.92])),
        "cool mild": _jpeg_of(a * np.float32([0.95, 1.0, 1.04])),
        "warm strong": _jpeg_of(a * np.float32([1.08, 1.0, 0.85])),
        "cool strong": _jpeg_of(a * np.float32([0.90, 1.0, 1.08])),
        "noise": _jpeg_of(a + rng.normal(0, 4.0, a.shape).astype(np.float32), 85),
        "sharpened": jpeg(c.filter(ImageFilter.UnsharpMask(radius=2, percent=80, threshold=2))),
        "vignette": _jpeg_of(a * (1 - 0.18 * r2 / 2)[..., None]),
        "side light": _jpeg_of(a * (0.94 + 0.10 * xs / w)[..., None]),
        "dim room": _jpeg_of(stop_under(a, rng_dim, 3.0), 85),
        "phone night": _jpeg_of(phone_night(a, rng_night), 85),
        "skin smoothing": _jpeg_of(skin_smoothing(a), 90),
        "messaging app": messaging_app(c),
        "selfie mirror": jpeg(c.transpose(Image.Transpose.FLIP_LEFT_RIGHT)),
        **walls(shot),
        **{f"glasses {style}": jpeg(clear_glasses(c, eyes, style, rng_glasses)) for style in GLASSES},
        **hair_dyes(shot),
    }


class Shot(NamedTuple):
    """A crop as the drawn walls, top and dyes read it, each made once: ``a`` float RGB, ``u8``
    its 8-bit pixels, ``lab`` their CIELAB (``photo.lab.to_lab``), ``matte`` MODNet's person
    matte of it, ``an`` its analysis (:func:`bench.faces.analysis_of`)."""

    a: np.ndarray
    u8: np.ndarray
    lab: np.ndarray
    matte: np.ndarray
    an: object


def shot_of(a: np.ndarray) -> Shot:
    """:class:`Shot` of ``a`` (float RGB 0-255)."""
    from photo.lab import to_lab
    from photo.models import portrait_matte

    u8 = np.clip(np.round(a), 0, 255).astype(np.uint8)
    return Shot(a, u8, to_lab(u8), portrait_matte(u8), analysis_of(u8))


def hair_dyes(shot: Shot) -> dict[str, bytes | None]:
    """The shot with the hair dyed each of ``bench.hair_dye.DYES`` (through MODNet's matte), as
    JPEG bytes (quality 95); None when no face is found to place it."""
    alpha = hair_alpha(shot.lab, shot.matte, shot.an)
    return {f"hair {name}": None if alpha is None else _jpeg_of(dyed(shot.lab, alpha, name), 95) for name in DYES}


def walls(shot: Shot) -> dict[str, bytes | None]:
    """The shot in front of each of WALLS, a wall the colour of a light top (None when the top
    is not light: :func:`light_top`) and in portrait mode, as JPEG bytes (quality 95): the wall's
    share of each pixel (1 - MODNet's person matte) repainted (:func:`recoloured_wall`) or
    blurred (:func:`portrait_blur`)."""
    a = shot.a
    bg = 1.0 - shot.matte[..., None]
    wall = bg[..., 0] > 0.95
    out: dict[str, bytes | None] = {name: _jpeg_of(a * (1 - bg) + recoloured_wall(a, wall, colour) * bg, 95)
                                    for name, colour in WALLS.items()}
    top = light_top(shot, 1.0 - bg[..., 0])
    out["wall like the top"] = None if top is None else _jpeg_of(a * (1 - bg) + recoloured_wall(a, wall, top) * bg, 95)
    out["portrait mode"] = _jpeg_of(a * (1 - bg) + portrait_blur(a, bg) * bg, 95)
    return out


def light_top(shot: Shot, person: np.ndarray) -> tuple[int, int, int] | None:
    """The median sRGB of the person's top when it is light and colourless, else None: the
    person's pixels (``person`` > 0.5) below the chin (the Face Landmarker's on this crop) whose
    CIELAB is more than 20 from the cheeks' median, with L* over 60 and chroma under 15, at least
    2 % of the photo."""
    u8, lab, an = shot.u8, shot.lab, shot.an
    if not an.has_face:
        return None
    k = 1 / an.decoded.scale
    skin = np.median(an.cheek_lab, axis=0)
    fw = (an.face_box[2] - an.face_box[0]) * k
    below = (np.arange(u8.shape[0]) > an.chin[1] * k + 0.1 * fw)[:, None]
    top = ((person > 0.5) & below & (np.linalg.norm(lab - skin, axis=2) > 20) & (lab[..., 0] > 60)
           & (np.hypot(lab[..., 1], lab[..., 2]) < 15))
    if np.count_nonzero(top) < 0.02 * top.size:
        return None
    r, g, b = (int(v) for v in np.median(u8[top], axis=0))
    return r, g, b


def portrait_blur(a: np.ndarray, bg: np.ndarray) -> np.ndarray:
    """``a`` (float RGB) blurred as a phone's portrait mode blurs the wall: a Gaussian of 1.5 % of
    the width over the wall's share of each pixel (``bg``, h x w x 1), divided by the blurred
    share, so the person's colours do not spread onto the wall."""
    import cv2

    sigma = 0.015 * a.shape[1]
    num = cv2.GaussianBlur(a * bg, (0, 0), sigma)
    den = cv2.GaussianBlur(bg[..., 0], (0, 0), sigma)[..., None]
    return num / np.maximum(den, 1e-3)


def recoloured_wall(a: np.ndarray, wall: np.ndarray, colour: tuple[int, int, int]) -> np.ndarray:
    """``a`` (float RGB) with every channel scaled in linear light so that the mean of the
    ``wall`` pixels (bool) becomes ``colour`` (sRGB): the same wall painted another colour
    under the same light (its fall-off and vignetting kept)."""
    lin = srgb_to_linear(a)
    gain = srgb_to_linear(np.float32(colour)[None, None])[0, 0] / np.maximum(lin[wall].mean(axis=0), 1e-4)
    return linear_to_srgb(lin * gain)


def stop_under(a: np.ndarray, rng, noise_sd: float) -> np.ndarray:
    """``a`` (float RGB) one stop under-exposed (half the light, in linear light) with sensor
    noise of ``noise_sd`` levels drawn from ``rng``: the dim room, and the phone night before its
    noise reduction."""
    return linear_to_srgb(srgb_to_linear(a) * 0.5) + rng.normal(0, noise_sd, a.shape).astype(np.float32)


def phone_night(a: np.ndarray, rng, strength: float = 7, stops: int = 1) -> np.ndarray:
    """``a`` (float RGB) ``stops`` stops under, with sensor noise (sd 5, drawn at the last stop)
    and a phone's noise reduction (non-local means, ``strength`` for luma and colour, 7 px
    patches, 21 px search). The condition here is the default: one stop, strength 7."""
    import cv2

    for _ in range(stops - 1):  # the stops before the last, without noise of their own
        a = stop_under(a, rng, 0.0)
    u8 = np.clip(np.round(stop_under(a, rng, 5.0)), 0, 255).astype(np.uint8)
    return cv2.fastNlMeansDenoisingColored(u8, None, strength, strength, 7, 21).astype(np.float32)


def skin_smoothing(a: np.ndarray) -> np.ndarray:
    """``a`` (float RGB) through a phone's beauty mode: an edge-preserving (bilateral) filter,
    9 px, colour sigma 40, space sigma 5."""
    import cv2

    u8 = np.clip(np.round(a), 0, 255).astype(np.uint8)
    return cv2.bilateralFilter(u8, 9, 40, 5).astype(np.float32)


def messaging_app(c) -> bytes:
    """The crop ``c`` (PIL RGB) as a messaging app forwards it: at most 800 px on the long side
    (Lanczos), JPEG quality 70."""
    from PIL import Image

    k = 800 / max(c.size)
    small = c.resize((round(c.width * k), round(c.height * k)), Image.Resampling.LANCZOS) if k < 1 else c
    return jpeg(small, 70)


#: the exposure ladder's steps, in stops (linear light x 2^stops)
LADDER_STOPS = (1.0, 0.5, 0.0, -0.5, -1.0, -1.5, -2.0, -2.5, -3.0, -4.0)


def ladder(c, rng) -> dict[float, bytes]:
    """The crop ``c`` (PIL RGB) at each of LADDER_STOPS, with sensor noise (sd 3, one draw per crop
    from ``rng``) and JPEG quality 85, as JPEG bytes."""
    lin = srgb_to_linear(_float(c))
    noise = rng.normal(0, 3.0, lin.shape).astype(np.float32)
    return {s: _jpeg_of(linear_to_srgb(lin * np.float32(2.0**s)) + noise, 85) for s in LADDER_STOPS}


def print_ladder(rows: list[dict[float, dict]]) -> None:
    """Per stop: people refused by ``lighting.exposure`` (as checked, and by the skin highlights
    alone), for all and per third of skin tone; then each third's median first refused stop."""
    order = sorted(range(len(rows)), key=lambda i: rows[i][0.0]["highlight"])
    k = len(order)
    thirds = {"darkest": order[: k // 3], "middle": order[k // 3: k - k // 3], "lightest": order[k - k // 3:]}
    print(f"\nexposure ladder: linear light x 2^stops, noise sd 3, JPEG 85; people refused by lighting.exposure "
          f"(in brackets: by the skin highlights alone, highlight < min_highlight); thirds of skin tone by the "
          f"0-stop photo's skin highlights ({', '.join(f'{n} {len(ix)}' for n, ix in thirds.items())} people)")
    print(f"  {'stops':>5}  {'all':>16}  " + "  ".join(f"{n + ' third':>16}" for n in thirds))

    def cell(ix: list[int], stop: float) -> str:
        checked = sum(not rows[i][stop]["passed"] for i in ix)
        alone = sum(rows[i][stop]["highlight"] < rows[i][stop]["min_highlight"] for i in ix)
        return f"{checked:>3}/{len(ix):<3} ({alone:>3})"

    for stop in LADDER_STOPS:
        print(f"  {stop:>5.1f}  {cell(list(range(k)), stop):>16}  " + "  ".join(f"{cell(ix, stop):>16}" for ix in thirds.values()))

    def first(i: int, key) -> float:
        return next((s for s in LADDER_STOPS if s <= 0 and key(rows[i][s])), float("-inf"))

    for label, key in (("as checked", lambda r: not r["passed"]),
                       ("skin highlights alone", lambda r: r["highlight"] < r["min_highlight"])):
        med = {n: float(np.median([first(i, key) for i in ix])) for n, ix in thirds.items()}
        print(f"  first refused stop under, median per third ({label}): "
              + ", ".join(f"{n} {v:+.1f}" for n, v in med.items()))


def eye_white_limit(rows: list[dict[float, dict]]) -> float:
    """``min_eye_white`` from these people's ladder: midway between the lowest eye white of the
    people one stop under whose skin highlights fail (the whites must excuse them) and the highest
    eye white of anyone three stops under (the whites must excuse no one there)."""
    need = [r[-1.0]["eye_white"] for r in rows if r[-1.0]["highlight"] < r[-1.0]["min_highlight"]]
    dark = max(r[-3.0]["eye_white"] for r in rows)
    return (min(need) + dark) / 2 if need else dark + 1.0


def _refused(step: dict, min_eye_white: float) -> bool:
    """``lighting.exposure``'s verdict on a ladder step with ``min_eye_white`` in place of the
    profile's (no face found counts as refused; an over-exposure stays refused)."""
    from photo.checks.lighting import under_exposed

    if step["key"] in (None, "bright", "eye_whites"):
        return True
    limits = {"min_highlight": step["min_highlight"], "max_dark_share": step["max_dark_share"],
              "min_eye_white": min_eye_white}
    return under_exposed(step["highlight"], step["eye_white"], step["dark"], limits)


def print_eye_white_folds(rows: list[dict[float, dict]], persons: list[str]) -> None:
    """``min_eye_white`` set per fold of people (bench.photo_accuracy's folds) from the other folds'
    ladders (:func:`eye_white_limit`), and the held-out people judged with their fold's limit one
    stop under (must pass) and three stops under (must be refused)."""
    from bench.photo_accuracy import FOLDS, fold_of

    folds = fold_of(persons)
    limits = [eye_white_limit([r for r in rows if folds[r[0.0]["person"]] != k]) for k in range(FOLDS)]
    held = [(r, limits[folds[r[0.0]["person"]]]) for r in rows]
    one = sum(_refused(r[-1.0], t) for r, t in held)
    three = sum(not _refused(r[-3.0], t) for r, t in held)
    print(f"\nmin_eye_white per fold from the other folds' people (midway between the lowest eye white one stop "
          f"under among highlights that fail and the highest three stops under): "
          f"{' '.join(f'{t:.1f}' for t in limits)}; all people {eye_white_limit(rows):.1f}")
    print(f"  held out with their fold's limit: one stop under refused {one}/{len(rows)}, "
          f"three stops under passed {three}/{len(rows)}")


def main() -> int:
    args = profile_bench_args(__doc__)
    import photo

    t0 = time.perf_counter()
    faces = shared_faces()
    rng = np.random.default_rng(11)
    rng_dim = np.random.default_rng(13)
    rng_ladder = np.random.default_rng(17)
    rng_night = np.random.default_rng(19)
    rng_glasses = np.random.default_rng(23)
    steps: list[dict[float, dict]] = []
    refused: dict[str, list[tuple[str, list[str]]]] = collections.defaultdict(list)
    names: list[str] = []
    sent: collections.Counter[str] = collections.Counter()  # photos made per condition
    people = 0
    for row in read_labels():
        if row["status"] != "compliant":
            continue
        people += 1
        full, tem, box = frame_photo(faces, row)
        c = crop(full, box)
        eyes = in_crop(tem, box, TEM_EYE_L, TEM_EYE_R)
        made = conditions(c, rng, rng_dim, rng_night, eyes, rng_glasses)
        steps.append({})
        for stop, data in ladder(c, rng_ladder).items():
            r = next((x for x in photo.check(data, args.profile).checks if x.id == "lighting.exposure"), None)
            # no face found (the face is too dark to find) counts as refused
            v, lim = (r.value or {}, r.limit or {}) if r else ({}, {})
            steps[-1][stop] = {"passed": r is not None and (r.passed or not r.evaluated), "key": r.key if r else None,
                               "highlight": v.get("highlight", float("nan")), "eye_white": v.get("eye_white", 0.0),
                               "dark": v.get("dark", 1.0), "min_highlight": lim.get("min_highlight", 0.0),
                               "max_dark_share": lim.get("max_dark_share", 0.0), "person": row["person"]}
        names = names or list(made)
        for name, data in made.items():
            if data is None:  # a condition this person's photo cannot be put in (wall like the top)
                continue
            sent[name] += 1
            rep = photo.check(data, args.profile)
            failed = [c.id for c in rep.checks if not c.passed and c.evaluated]
            if failed or rep.error:
                refused[name].append((row["file"], failed or [str((rep.error or {}).get("code"))]))
    print(f"profile {args.profile}; {people} compliant people (bench/data/face_labels.csv), one photo each per "
          f"condition; 95 % Wilson intervals")
    width = max(len(n) for n in names)
    for name in names:
        natural_ok = name in STRONG_CASTS
        rows = refused.get(name, [])
        n = sent[name]
        lo, hi = wilson(len(rows), n)
        by = collections.Counter(cid for _, ids in rows for cid in ids)
        note = "  (color.natural may rightly refuse a cast this strong)" if natural_ok else ""
        if n < people:
            note += f"  (made for {n} of {people} people)"
        print(f"  {name:<{width}} refused {len(rows):>3}/{n} = {100 * len(rows) / max(n, 1):5.1f} % "
              f"(CI {100 * lo:4.1f}-{100 * hi:4.1f})  {dict(by.most_common())}{note}")
        wrong = [(f, ids) for f, ids in rows if not (natural_ok and ids == ["color.natural"])]
        for f, ids in wrong:
            print(f"      {f}: {', '.join(ids)}")
    print_ladder(steps)
    print_eye_white_folds(steps, [r["person"] for r in read_labels()])
    print(f"\n{time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
