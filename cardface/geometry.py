"""Rectangles in millimetres on the card (origin top-left, y downwards) and colours."""

from __future__ import annotations

import re
from dataclasses import dataclass

MM_PER_INCH = 25.4
MM_PER_PT = MM_PER_INCH / 72.0
PT_PER_MM = 72.0 / MM_PER_INCH

Color = tuple[int, int, int, int]
_HEX = re.compile(r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")


def parse_color(value: str) -> Color:
    """``#rgb``, ``#rrggbb`` or ``#rrggbbaa`` -> (r, g, b, a); ValueError otherwise."""
    if not isinstance(value, str) or not _HEX.match(value):
        raise ValueError(f"colour must be #rgb, #rrggbb or #rrggbbaa, not {value!r}")
    h = value[1:]
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    if len(h) == 6:
        h += "ff"
    return tuple(int(h[i:i + 2], 16) for i in range(0, 8, 2))  # type: ignore[return-value]


@dataclass(frozen=True)
class Rect:
    """An axis-aligned rectangle in mm: x, y (top-left corner), w, h."""

    x: float
    y: float
    w: float
    h: float

    @property
    def x1(self) -> float:
        return self.x + self.w

    @property
    def y1(self) -> float:
        return self.y + self.h

    @classmethod
    def from_edges(cls, x0: float, y0: float, x1: float, y1: float) -> Rect:
        return cls(x0, y0, x1 - x0, y1 - y0)

    def expand(self, d: float) -> Rect:
        return Rect(self.x - d, self.y - d, self.w + 2 * d, self.h + 2 * d)

    def overlap_area(self, o: Rect) -> float:
        w = min(self.x1, o.x1) - max(self.x, o.x)
        h = min(self.y1, o.y1) - max(self.y, o.y)
        return w * h if w > 0 and h > 0 else 0.0

    def intersects(self, o: Rect, eps: float = 1e-6) -> bool:
        return self.overlap_area(o) > eps

    def contains(self, o: Rect, eps: float = 1e-6) -> bool:
        return (o.x >= self.x - eps and o.y >= self.y - eps
                and o.x1 <= self.x1 + eps and o.y1 <= self.y1 + eps)

    def __str__(self) -> str:
        return f"[{self.x:g}, {self.y:g}, {self.w:g}, {self.h:g}] mm"
