"""A line printed round a copy, told from a card's wall by how its width follows the pose.

An attacker who knows that the edge should show the core's colour can print a line of that
colour round the card's picture. On the side where a card's wall would show, such a line can
pass for the wall: at 30° with the card close to the camera a 0.76 mm wall is 1-2 px wide, and so
is a line of 0.1 mm seen face-on. What tells them apart is geometry:

- the line lies in the card's plane, so it shows on *every* side, and its width there is its
  width on paper times the face's scale across that side (``px_per_mm``, the face's px per mm
  of the card, at the measured pose): on the sides where no wall can show it is as wide as on
  the side where the wall would be, times the ratio of the two scales (0.2-1.4 in the photos of
  the benchmark's tuning half). It is the same ink under the same light on every side;
- a card's wall shows only where the pose lets it (``expected_px`` > 0), and its width follows
  the pose (zero or facing away on the other sides), not the face's scale.

So, on a side where no wall can show, the core's colour a printed line would put there is
predicted from the side where the wall shows: ``core_px`` (px of full-strength core colour, a
wall's or a line's width times its shading, :func:`cardface.oblique.subpixel.fit_core_wall`)
on the main side, times the ratio of the face's scales. A side *shows the printed line* when

- it holds at least ``share`` of that prediction, and at least ``min_px`` (a background leaves
  0.1-0.3 px of core-like colour on a side where no wall shows, more on clutter and paper),
- and the core-coloured line explains its profiles ``min_fit_ratio`` times better than a plain
  face/background step (a background's colour spread over the profiles is not a line along the
  edge: the real cards' sides that held the most core colour were the worst fitted by a line).

The shading is capped at ``max_gain`` before the amounts are compared: on a side seen nearly
edge-on a fit may explain a colour change with a sliver of 0.06 px at 30 times the core's
strength, which is not a line of the core's colour.

A layout with no core colour (today's card) gets the same test with the band's own colour for the
core's (``evidence.printed_band_check``, ``[band_line]``): a print's outline or a copier's line
round the card can read as a wall's thickness there too. Since a real card's other sides may then
hold something of its band's colour (its shadow, a stripe of the background), that test counts only
the sides where the line would be narrow (``max_predicted_px``) and asks ``min_sides`` of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from cardface.oblique.subpixel import CoreWall


@dataclass(frozen=True)
class SideLine:
    """One side where no wall can show, read as a printed line would show there."""

    side: int
    scale: float  # the face's px per mm across this side / across the main side
    predicted_px: float  # the core colour a printed line explaining the main side would put here (px)
    core_px: float  # the core colour this side holds (px: width x shading, shading capped)
    fit_ratio: float  # how much better the core-coloured line explains the side than a plain step
    shows_line: bool


@dataclass(frozen=True)
class LineCheck:
    """Whether the band on the main side is a line printed round a copy (see the module)."""

    main_core_px: float  # the core colour the main side holds (px, shading capped)
    sides: tuple[SideLine, ...]
    min_sides: int = 1  # how many sides must show the line

    @property
    def printed(self) -> bool:
        return sum(s.shows_line for s in self.sides) >= self.min_sides

    @property
    def strongest(self) -> SideLine | None:
        """The side that holds most of the prediction, among those that show the line if any do;
        None without sides."""
        sides = [s for s in self.sides if s.shows_line] or list(self.sides)
        return max(sides, key=lambda s: s.core_px / max(s.predicted_px, 1e-9), default=None)


def capped_core_px(wall: CoreWall, max_gain: float) -> float:
    """``wall``'s core colour (px) with its shading capped at ``max_gain``."""
    return wall.width_px * min(wall.gain, max_gain)


def judge(main: CoreWall, main_px_per_mm: float, hidden: list[tuple[int, CoreWall, float]], cfg: dict) -> LineCheck:
    """Whether the sides where no wall can show hold the line that a print would put there.

    ``main``: the core-coloured line fitted on the side where the wall shows, whose face has
    ``main_px_per_mm`` px per mm across it; ``hidden``: (side, fit, face px per mm) for each side
    where no wall can show; ``cfg``: ``evidence.toml [line]`` (share, min_px, min_fit_ratio,
    max_gain; optional: ``max_predicted_px``, a side counts only where the prediction is at most
    this, and ``min_sides``, how many sides must show the line, default 1)."""
    g = float(cfg["max_gain"])
    cap = float(cfg.get("max_predicted_px", float("inf")))
    a_main = capped_core_px(main, g)
    out = []
    for side, wall, px_per_mm in hidden:
        scale = px_per_mm / max(main_px_per_mm, 1e-9)
        predicted = a_main * scale
        a = capped_core_px(wall, g)
        shows = (a >= float(cfg["min_px"]) and a >= float(cfg["share"]) * predicted
                 and wall.fit_ratio >= float(cfg["min_fit_ratio"]) and predicted <= cap)
        out.append(SideLine(side, scale, predicted, a, wall.fit_ratio, bool(shows)))
    return LineCheck(a_main, tuple(out), int(cfg.get("min_sides", 1)))
