"""Evidence from one photo that it shows a real card: its edge, 0.76 mm thick, in the core colour.

1. the card is located (:func:`~cardface.oblique.locate`) and the camera's pose recovered
   from its four corners (focal length from the card's known aspect ratio, principal point at
   the photo's centre);
2. for each side of the face, the pose says how wide a 0.76 mm slab's wall would look
   (``expected_px``; zero where the wall faces away);
3. across each side, a colour profile (median of lines along the side) is fitted with
   face | band | background (edges blurred by a Gaussian); the band's width in px becomes a
   thickness in mm through the pose, its colour is white-balanced by the face beside it and
   compared with the layout's ``core_color``;
   where the widest wall the pose allows is under a band's bound but at least 0.4 px, the core's
   colour that wall adds to the edge's pixels is measured instead (:mod:`cardface.oblique.subpixel`);
   before a band proves a card, the sides where no wall can show are searched for the line of the
   core's colour that a print would put there, as wide as the face's scale across each side makes
   it (:mod:`cardface.oblique.printedline`);
4. the card's face is searched for a display's pixel grid (a peak in the colour-difference
   spectrum), clipped glare, and the photo for blur and a cut-off card;
5. a verdict: ``card``, ``flat``, ``screen`` or ``retake`` with reasons (codes and
   messages in ``evidence.toml``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from cardface.oblique import printedline, subpixel
from cardface.oblique.bandfit import ycc_models
from cardface.oblique.bezel import bezel_mm
from cardface.oblique.config import card_size
from cardface.oblique.edgemodel import YCC as _YCC
from cardface.oblique.evidence_limits import (
    chroma_blur_px,
    limits,
    min_expected_px,
    thickness_range_mm,
    width_slack_px,
)
from cardface.oblique.geometry import Pose, Quad, card_pose
from cardface.oblique.surface import glare_share, screen_peak_ratio
from cardface.oblique.wall import (
    SIDES,
    EdgeSide,
    as_rgb8,
    colour_match,
    expected_wall_px,
    face_px_per_mm,
    hue_chroma,
    measure_side,
    measure_step,
    side_profile,
)

VERDICTS = ("card", "flat", "screen", "retake")


@dataclass(frozen=True)
class Reason:
    code: str
    message: str
    message_ja: str

    @classmethod
    def of(cls, code: str, detail: str = "") -> Reason:
        en, ja = limits()["messages"][code]
        return cls(code, en + (f" ({detail})" if detail else ""), ja)

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "message_ja": self.message_ja}


@dataclass(frozen=True)
class Evidence:
    """What one photo proves. ``verdict`` is card, flat, screen or retake; ``reasons`` say why
    (codes from ``evidence.toml``); ``advice`` is what to change for a retake."""

    verdict: str
    reasons: tuple[Reason, ...]
    quad: Quad | None = None
    layout: str | None = None
    tilt_deg: float | None = None
    focal_px: float | None = None
    sides: tuple[EdgeSide, ...] = ()
    edge_side: str | None = None  # the side where the edge shows most
    thickness_mm: float | None = None
    edge_rgb: tuple[int, int, int] | None = None  # white-balanced by the face
    core_rgb: tuple[int, int, int] | None = None  # the layout's, None when it declares none
    core_angle_deg: float | None = None  # hue difference between the edge and the core
    core_match: bool | None = None
    screen_peak_ratio: float | None = None
    bezel_mm: float | None = None  # a phone's bezel along both sides of the card (card mm; 0: none)
    glare_share: float | None = None
    blur_sigma_px: float | None = None
    advice: tuple[str, ...] = ()

    @property
    def edge(self) -> EdgeSide | None:
        return next((s for s in self.sides if s.side == self.edge_side), None)

    def to_dict(self) -> dict:
        e = self.edge

        def r(v, n=3):
            return None if v is None else round(float(v), n)

        return {
            "verdict": self.verdict,
            "reasons": [x.to_dict() for x in self.reasons],
            "advice": list(self.advice),
            "card": None if self.quad is None else self.quad.to_dict(),
            "layout": self.layout,
            "tilt_deg": r(self.tilt_deg, 1),
            "focal_px": r(self.focal_px, 1),
            "edge": None if e is None else {"side": e.side, "width_px": round(e.width_px, 2),
                                            "thickness_mm": r(self.thickness_mm)},
            "thickness_mm": r(self.thickness_mm),
            "tolerance_mm": list(thickness_range_mm(self.core_rgb is not None or (
                self.layout is not None and layout_colours(self.layout)[0] is not None))),
            "edge_rgb": None if self.edge_rgb is None else list(self.edge_rgb),
            "core_rgb": None if self.core_rgb is None else list(self.core_rgb),
            "core_angle_deg": r(self.core_angle_deg, 1),
            "core_match": self.core_match,
            "screen_peak_ratio": r(self.screen_peak_ratio, 2),
            "bezel_mm": r(self.bezel_mm, 1),
            "glare_share": r(self.glare_share, 4),
            "blur_sigma_px": r(self.blur_sigma_px, 2),
            "sides": [s.to_dict() for s in self.sides],
        }


# --- the camera -------------------------------------------------------------------------

def camera_pose(quad: Quad, image_size: tuple[int, int]) -> Pose:
    """The pose that maps the ID-1 face onto ``quad`` in a photo of ``image_size`` (w, h), the
    focal length within ``view.focal_range`` (see :func:`cardface.oblique.geometry.card_pose`)."""
    return card_pose(quad, image_size, tuple(float(v) for v in limits()["view"]["focal_range"]))


@cache
def layout_colours(layout: str) -> tuple[tuple[int, int, int] | None, np.ndarray]:
    """(core colour or None, the face's colour along its edges (0.2-0.8 mm in), RGB)."""
    from cardface.oblique.templates import edge_rgb, sample_face

    core = edge_rgb(layout)
    f = sample_face(layout, "front", dpi=150)[:, :, :3].astype(np.float32)
    k = f.shape[1] / card_size().width_mm
    a, b = max(1, int(0.2 * k)), max(2, int(0.8 * k))
    h, w = f.shape[:2]
    strips = [f[a:b, w // 5:4 * w // 5], f[h - b:h - a, w // 5:4 * w // 5],
              f[h // 5:4 * h // 5, a:b].transpose(1, 0, 2), f[h // 5:4 * h // 5, w - b:w - a].transpose(1, 0, 2)]
    face = np.median(np.concatenate([x.reshape(-1, 3) for x in strips]), axis=0)
    return core, face


# --- the verdict ------------------------------------------------------------------------

ADVICE = {"evidence.not_found": "show_card", "evidence.cut_off": "move_back", "evidence.blur": "hold_still",
          "evidence.glare": "less_glare", "evidence.too_flat": "tilt_more", "evidence.too_steep": "tilt_less",
          "evidence.edge_hidden": "other_background", "evidence.edge_too_thin": ("tilt_more", "move_closer")}


def _retake(reason: Reason, **kw) -> Evidence:
    advice = ADVICE[reason.code]
    return Evidence("retake", (reason,), advice=advice if isinstance(advice, tuple) else (advice,), **kw)


def evidence(image, *, layout: str | None = None, quad: Quad | None = None) -> Evidence:
    """Judge whether ``image`` (path, bytes, PIL image or RGB array) shows a real card.

    ``layout`` names the layout to judge against (default: the one the locator recognised);
    its ``core_color`` is the colour the edge must show (none declared: not checked).
    ``quad`` skips locating when the card's corners are already known.
    """
    from cardface.oblique.imageio import load_rgb
    from cardface.oblique.locate import locate

    lim = limits()
    rgb = load_rgb(image)
    h, w = rgb.shape[:2]
    if quad is None:
        quad = locate(rgb)
    if quad is None:
        return _retake(Reason.of("evidence.not_found"))
    layout = layout or quad.layout or "next"
    base = {"quad": quad, "layout": layout}
    m = float(lim["view"]["border_share"]) * max(w, h)
    p = quad.points
    if p[:, 0].min() < m or p[:, 1].min() < m or p[:, 0].max() > w - 1 - m or p[:, 1].max() > h - 1 - m:
        return _retake(Reason.of("evidence.cut_off"), **base)
    pose = camera_pose(quad, (w, h))
    tilt = pose.tilt_deg
    base.update(tilt_deg=tilt, focal_px=pose.f_px)
    core, face_ref = layout_colours(layout)
    min_exp = min_expected_px(core is not None)
    expected = [expected_wall_px(pose, i) for i in range(4)]
    # the photo's blur, from the sides where the face meets the background (no wall shows)
    # (the sharpest of them: a patterned background (stripes, checks, a photo) next to a side
    # only widens the fitted step, while a blurred photo blurs every side)
    steps = {i: measure_step(rgb, pose, i) for i in range(4) if expected[i] < min_exp}
    blur = float(min(s.sigma_px for s in steps.values())) if steps else None
    thin = max(expected) < min_exp
    if tilt < float(lim["view"]["min_tilt_deg"]) or thin:
        sides = tuple(steps[i] if i in steps else measure_step(rgb, pose, i) for i in range(4))
        base.update(sides=sides, edge_side=max(sides, key=lambda s: s.expected_px).side, blur_sigma_px=blur)
        if tilt < float(lim["view"]["min_tilt_deg"]):
            return _retake(Reason.of("evidence.too_flat", f"tilt {tilt:.0f} degrees"), **base)
    else:
        sides = tuple(steps[i] if i in steps else measure_side(rgb, pose, i, blur) for i in range(4))
        if blur is None:
            blur = float(np.median([s.sigma_px for s in sides]))
        base["sides"] = sides
        base["core_rgb"] = core
        base["edge_side"] = max(sides, key=lambda s: s.expected_px).side
        base["blur_sigma_px"] = blur
    # a display shows itself whatever the wall would show (and a pixel grid survives only in a
    # sharp photo, so it is looked for before the blur)
    peak = screen_peak_ratio(rgb, quad)
    base["screen_peak_ratio"] = peak
    if peak >= float(lim["screen"]["max_peak_ratio"]):
        return Evidence("screen", (Reason.of("evidence.pixel_grid", f"spectral peak {peak:.1f} x the typical"),), **base)
    bezel = bezel_mm(rgb, quad, lim["screen"])
    base["bezel_mm"] = bezel
    if bezel > 0:
        return Evidence("screen", (Reason.of("evidence.bezel", f"dark stripes {bezel:.1f} mm wide or more on both "
                                             "sides, at the card's scale"),), **base)
    if thin:
        # tilted enough, but at this distance and angle a 0.76 mm wall is narrower than a band
        # can be measured: the core's colour it adds to the edge's pixels may still prove it
        # (subpixel.py); else more tilt or a closer card widens it
        sub = _subpixel_card(rgb, pose, expected, sides, blur, core, face_ref, base)
        if sub is not None:
            return sub
        return _retake(Reason.of("evidence.edge_too_thin", f"tilt {tilt:.0f} degrees, a card's edge would be "
                                 f"{max(expected):.1f} px, at least {min_exp:g} px needed"), **base)
    glare = glare_share(rgb, quad, tuple(i for i in range(4) if expected[i] >= min_exp))
    base["glare_share"] = glare
    visible = [s for s in sides if s.expected_px >= min_exp]
    main = max(sides, key=lambda s: s.expected_px)
    if blur > float(lim["quality"]["max_blur_sigma_px"]):
        return _retake(Reason.of("evidence.blur", f"edge blur sigma {blur:.1f} px"), **base)
    if tilt > float(lim["view"]["max_tilt_deg"]):
        return _retake(Reason.of("evidence.too_steep", f"tilt {tilt:.0f} degrees"), **base)

    # the thickness: sides where the wall should show, weighted by how wide it should be
    seen = [s for s in visible if s.present]
    wsum = sum(s.expected_px for s in seen)
    thick = sum(s.thickness_mm * s.expected_px for s in seen) / wsum if seen else 0.0
    base["thickness_mm"] = thick
    # the edge's colour, white-balanced by the face beside it
    edge_rgb = angle = None
    if main.present and main.rgb is not None:
        # the colour of a wall of the expected width, JPEG's half-resolution colour modelled
        # (wall_colour); else the free band's, diluted over its fitted width
        seen_rgb = main.rgb if main.wall_rgb is None else main.wall_rgb
        edge_rgb = _balanced(seen_rgb, _white_balance_gain(main.face_rgb, face_ref))
        base["edge_rgb"] = edge_rgb
    match = None
    if core is not None and edge_rgb is not None:
        dilution = 1.0 if main.wall_rgb is not None else main.width_px / max(main.expected_px, 1e-6)
        match, angle = colour_match(edge_rgb, core, dilution)
        match = bool(match)
        base.update(core_angle_deg=angle, core_match=match)

    lo_t, hi_t = thickness_range_mm(core is not None)
    verdict = _edge_verdict(rgb, pose, expected, main, thick, match, angle, core, face_ref, blur, lo_t, hi_t, base)
    if verdict.verdict == "flat" and max(expected) < min_expected_px(False):
        # a wall this narrow can prove a card (a band of the core's colour and of a card's width
        # where the pose puts it) but cannot prove a copy: a real card's 1 px wall may blur away
        # into its neighbours. Not `flat`, then: tilt further or come closer, and look again.
        return _retake(Reason.of("evidence.edge_too_thin", f"tilt {tilt:.0f} degrees, a card's edge would be "
                                 f"{max(expected):.1f} px; nothing at that width proves a card"), **base)
    if verdict.verdict != "card" and glare > float(lim["quality"]["max_glare_share"]):
        # clipped highlights along the edge can hide or fake it: a retake, not a judgement
        # (a card whose edge shows its thickness and core despite the glare is still a card)
        return _retake(Reason.of("evidence.glare", f"{100 * glare:.0f} % of the card along its edge clipped"),
                       **base)
    return verdict


def _white_balance_gain(face_rgb, face_ref: np.ndarray) -> np.ndarray:
    """Per-channel gain that turns the face's colour as photographed into the layout's render
    of it (``face_ref``): the light the edge beside it was seen under, divided out."""
    return face_ref / np.maximum(np.asarray(face_rgb, np.float64), 1.0)


def _balanced(rgb, gain: np.ndarray) -> tuple[int, ...]:
    """``rgb`` times ``gain`` (:func:`_white_balance_gain`), as whole 8-bit levels."""
    return tuple(int(v) for v in np.clip(np.asarray(rgb) * gain, 0, 255).round())


def _core_wall_fitter(img: np.ndarray, pose, face_rgb: list, blur_px: float, core_rgb, face_ref: np.ndarray,
                      max_width_px: float | None = None):
    """``fit(side, expected_px)`` -> (the core-coloured wall fitted across that side
    (:func:`cardface.oblique.subpixel.fit_core_wall`, on the grid of ``evidence.toml [subpixel]``),
    the profiles, their offsets, the face's px per mm across the side). ``face_rgb`` is the face's
    colour beside each side (from the plain step fits), ``face_ref`` the layout's render of it:
    the core under the face's light is the core times their ratio. ``max_width_px``: the widest
    wall tried (default ``[subpixel] max_width_px``; wider grids step by 1/8 px all the same)."""
    cfg = limits()["subpixel"]
    chroma = chroma_blur_px()
    shifts = np.arange(-float(cfg["shift_px"]), float(cfg["shift_px"]) + 1e-9, 0.25)
    top = float(cfg["max_width_px"]) if max_width_px is None else float(max_width_px)
    widths = np.arange(0.125, top + 1e-9, 0.125)

    def fit(i: int, expected_px: float) -> tuple[subpixel.CoreWall, np.ndarray, np.ndarray, float]:
        prof, s, px_per_mm = side_profile(img, pose, i, expected_px)
        core = np.asarray(core_rgb, np.float64) * np.asarray(face_rgb[i], np.float64) / np.maximum(face_ref, 1.0)
        return subpixel.fit_core_wall(prof, s, core, blur_px, chroma, shifts, widths), prof, s, px_per_mm

    return fit


def _hidden_sides(expected_px: list[float], main: int) -> list[int]:
    """The sides other than ``main`` where no wall can show (``view.hidden_below_px``)."""
    below = float(limits()["view"]["hidden_below_px"])
    return [i for i in range(4) if i != main and expected_px[i] <= below]


def subpixel_wall(img: np.ndarray, pose, expected_px: list[float], face_rgb: list, blur_px: float, core_rgb,
                  face_ref: np.ndarray) -> subpixel.SubpixelWall:
    """Fit a core-coloured wall (:func:`_core_wall_fitter`) on the side where the pose puts the
    widest wall, and on the sides where no wall can show (``view.hidden_below_px``): a card's wall
    adds the core's colour only where it can show, a line printed round a copy adds it everywhere."""
    fit = _core_wall_fitter(img, pose, face_rgb, blur_px, core_rgb, face_ref)
    main = int(np.argmax(expected_px))
    wall, prof, s, _ = fit(main, expected_px[main])
    # the band's own colour at that width and place (free colour), for the hue
    _, coef = ycc_models(prof @ _YCC.T, s, np.array([wall.shift_px]), np.array([max(wall.width_px, 0.0625)]),
                             np.array([blur_px]), chroma_blur_px())
    face, band = (np.linalg.solve(_YCC, coef[0, j]) for j in (0, 1))
    hidden_px = max((fit(i, expected_px[i])[0].core_px for i in _hidden_sides(expected_px, main)), default=0.0)
    per_mm = abs(expected_px[main]) / card_size().thickness_mm
    return subpixel.SubpixelWall(main, wall, wall.width_px / max(per_mm, 1e-6), as_rgb8(band), as_rgb8(face), hidden_px)


def printed_line_check(img: np.ndarray, pose, expected_px: list[float], face_rgb: list, blur_px: float, core_rgb,
                       face_ref: np.ndarray) -> printedline.LineCheck:
    """Whether the band where the wall shows is a line printed round a copy
    (:mod:`cardface.oblique.printedline`): the core-coloured line (:func:`_core_wall_fitter`)
    fitted on the side where the pose puts the widest wall and on each side where no wall can
    show (``view.hidden_below_px``), judged by ``[line]``."""
    fit = _core_wall_fitter(img, pose, face_rgb, blur_px, core_rgb, face_ref)
    main = int(np.argmax(expected_px))
    wall, _, _, per_mm = fit(main, max(expected_px[main], 0.0))
    hidden = []
    for i in _hidden_sides(expected_px, main):
        w, _, _, px_per_mm = fit(i, max(expected_px[i], 0.0))
        hidden.append((i, w, px_per_mm))
    return printedline.judge(wall, per_mm, hidden, limits()["line"])


def printed_band_check(img: np.ndarray, pose, expected_px: list[float], face_rgb: list, blur_px: float,
                       main: EdgeSide, face_ref: np.ndarray) -> printedline.LineCheck:
    """For a layout with no core colour: whether the band where the wall shows (``main``, seen)
    is a line printed round a copy (an outline printed with the card's picture, a copier's dark
    line round the card). The band's own colour, white-balanced by the face beside it, stands in
    for the core's: a printed line is the same ink under the same light on every side, as wide as
    the face's scale across each side makes it, while a wall shows only where the pose lets it.
    The line of that colour is fitted as :func:`printed_line_check` fits the core's, on widths up
    to ``[band_line] width_factor`` x the band's, and judged by ``[band_line]``; only the sides where the
    line would be at most ``max_predicted_px`` are fitted (the others cannot count), none when fewer
    than ``min_sides`` are."""
    cfg = limits()["band_line"]
    colour = np.asarray(main.rgb, np.float64) * face_ref / np.maximum(np.asarray(main.face_rgb, np.float64), 1.0)
    top = max(float(limits()["subpixel"]["max_width_px"]), float(cfg["width_factor"]) * main.width_px)
    fit = _core_wall_fitter(img, pose, face_rgb, blur_px, colour, face_ref, max_width_px=top)
    i_main = int(np.argmax(expected_px))
    wall, _, _, per_mm = fit(i_main, max(expected_px[i_main], 0.0))
    # only the sides where the line would be at most max_predicted_px can count: the others are not fitted
    a_main = printedline.capped_core_px(wall, float(cfg["max_gain"]))
    cap = float(cfg["max_predicted_px"])
    near = [i for i in _hidden_sides(expected_px, i_main)
            if a_main * face_px_per_mm(pose, i) / max(per_mm, 1e-9) <= cap]
    hidden = []
    if len(near) >= int(cfg["min_sides"]):
        for i in near:
            w, _, _, px_per_mm = fit(i, max(expected_px[i], 0.0))
            hidden.append((i, w, px_per_mm))
    return printedline.judge(wall, per_mm, hidden, cfg)


def _subpixel_card(rgb, pose, expected, sides, blur, core, face_ref, base) -> Evidence | None:
    """A card proved by a wall under ``view.min_expected_px`` wide (see :mod:`subpixel`), or None:
    the width gives a thickness within the card's tolerance, the colour is the core's at a
    plausible shading and amount, the fit beats a plain step, and no side where no wall can show
    holds a line of that colour. Anything short of that proves nothing either way (a retake)."""
    lim = limits()
    cfg = lim["subpixel"]
    if core is None or max(expected) < float(cfg["min_expected_px"]) or blur is None or \
            blur > float(lim["quality"]["max_blur_sigma_px"]):
        return None
    m = subpixel_wall(rgb, pose, expected, [s.face_rgb for s in sides], blur, core, face_ref)
    w = m.wall
    lo_t, hi_t = thickness_range_mm(True)
    gain = _white_balance_gain(m.face_rgb, face_ref)
    edge_rgb = _balanced(m.band_rgb, gain)
    match, angle = colour_match(edge_rgb, core)
    g_lo, g_hi = (float(v) for v in cfg["gain"])
    border = m.hidden_core_px > max(float(cfg["border_min_px"]), float(cfg["border_share"]) * w.core_px)
    if not (w.fit_ratio >= float(cfg["min_fit_ratio"]) and lo_t <= m.thickness_mm <= hi_t and match
            and g_lo <= w.gain <= g_hi and w.core_px >= float(cfg["min_core_px"]) and not border):
        return None
    main = sides[m.side]
    wall_rgb = tuple(int(v) for v in np.clip(np.asarray(core) * w.gain / np.maximum(gain, 1e-6), 0, 255).round())
    side = EdgeSide(main.side, main.expected_px, main.px_per_mm, True, w.width_px, m.thickness_mm, m.band_rgb, m.face_rgb,
                    main.background_rgb, w.fit_ratio, blur, wall_rgb)
    sides = tuple(side if i == m.side else s for i, s in enumerate(sides))
    kw = dict(base, sides=sides, edge_side=side.side, thickness_mm=m.thickness_mm, edge_rgb=edge_rgb, core_rgb=core,
              core_angle_deg=angle, core_match=True)
    detail = (f"{m.thickness_mm:.2f} mm on the {side.side}, a wall of {w.width_px:.2f} px in the core's colour "
              f"(shading {w.gain:.2f}) where {main.expected_px:.2f} px is expected (card 0.76 mm, accepted "
              f"{lo_t}-{hi_t} mm)")
    return Evidence("card", (Reason.of("evidence.slab", detail),), **kw)


def _edge_verdict(rgb, pose, expected, main, thick, match, angle, core, face_ref, blur, lo_t, hi_t, base) -> Evidence:
    """The verdict from the edge band (its presence, thickness, colour, and bands on hidden sides)."""
    lim = limits()
    # the background beyond the edge, white-balanced by the face: of the core's colour, it hides
    # the wall's far side (the wall runs on into it)
    bg = np.asarray(main.background_rgb, np.float64) * face_ref / np.maximum(np.asarray(main.face_rgb), 1.0)
    bg_like_core = core is not None and bool(colour_match(bg, core)[0])
    if not main.present:
        # the edge may hide against a background of its own colour
        if bg_like_core:
            return _retake(Reason.of("evidence.edge_hidden"), **base)
        return Evidence("flat", (Reason.of("evidence.no_edge", f"expected {main.expected_px:.1f} px on the "
                                           f"{main.side}, none seen"),), **base)
    # the upper bound in px gets a fixed slack (a narrow band's measured width is widened by
    # blur and JPEG by up to about a pixel, whatever the wall's true width) where the core's
    # colour vouches for the band; without a core colour the width is the only evidence
    if core is not None:
        hi_t = round(hi_t + width_slack_px() * card_size().thickness_mm / max(main.expected_px, 1e-6), 2)
    detail = f"{thick:.2f} mm on the {main.side} (card 0.76 mm, accepted {lo_t}-{hi_t} mm)"
    if thick < lo_t:
        if match and bg_like_core:
            # a band of the core's colour ending early in a background of that colour: the wall's
            # far side is lost in the background, not a paper edge
            return _retake(Reason.of("evidence.edge_hidden", detail), **base)
        return Evidence("flat", (Reason.of("evidence.thin_edge", detail),), **base)
    if match is False:
        return Evidence("flat", (Reason.of("evidence.core_colour", f"hue {angle:.0f} degrees from the core's"),),
                        **base)
    # a real card's wall shows only where the pose lets it; the same band on a side where no
    # wall can show is printed: a border round a copy
    hidden = [i for i in range(4) if expected[i] <= float(lim["view"]["hidden_below_px"])]
    for i in hidden:
        # (the border may lie inside the located outline: a copy's outline is found at the line's
        # outer edge, or at its inner one; the band is searched up to its own width inwards)
        other = measure_side(rgb, pose, i, blur, width_px=main.width_px * 1.5, shift_px=main.width_px * 1.25)
        if other.present and other.width_px >= 0.5 * main.width_px and \
                other.fit_ratio >= float(lim["view"]["border_min_fit_ratio"]) and \
                np.linalg.norm(np.subtract(other.rgb, main.rgb)) <= float(lim["view"]["border_max_rgb_distance"]):
            return Evidence("flat", (Reason.of("evidence.border", f"{other.width_px:.1f} px on the {other.side}"),),
                            **base)
    if thick > hi_t:
        if match:
            # a band of the core's colour, too wide: the wall runs on into something of its
            # colour beyond it (a dark line, a pattern), so its far side cannot be found
            return _retake(Reason.of("evidence.edge_hidden", detail), **base)
        # too thick for a card: a dark, colourless band is a display's bezel; anything else a
        # copy's border or margin
        hue_c = hue_chroma(main.rgb)[1]
        bezel = sum(main.rgb) / 3 < float(lim["screen"]["bezel_max_level"]) and hue_c < float(lim["colour"]["neutral_chroma"])
        return Evidence("screen" if bezel else "flat", (Reason.of("evidence.thick_edge", detail),), **base)
    faces = [s.face_rgb for s in base["sides"]]
    if core is not None:
        # a line of the core's colour printed round a copy passes for a 1-3 px wall where the wall
        # shows, but shows on the other sides too, as wide as the face's scale there makes it
        line = printed_line_check(rgb, pose, expected, faces, blur, core, face_ref)
        code, colour = "evidence.printed_line", "the core's colour"
    else:
        # no core colour: a line printed round a copy (an outline, a copier's dark line) is told from
        # a wall the same way, by its own colour on the sides where no wall can show
        line = printed_band_check(rgb, pose, expected, faces, blur, main, face_ref)
        code, colour = "evidence.printed_band", "the edge's colour"
    s = line.strongest
    if line.printed and s is not None:
        return Evidence("flat", (Reason.of(code, (
            f"{s.core_px:.2f} px of {colour} on the {SIDES[s.side]}, where a line printed round the "
            f"card would put {s.predicted_px:.2f} px and no wall can show")),), **base)
    reasons = [Reason.of("evidence.slab", detail)]
    if core is None:
        reasons.append(Reason.of("evidence.core_not_declared"))
    return Evidence("card", tuple(reasons), **base)
