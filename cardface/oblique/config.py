"""Settings for oblique capture, read once from ``capture.toml`` beside this module."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_FILE = Path(__file__).with_name("capture.toml")


@dataclass(frozen=True)
class CardSize:
    """The physical card (ISO/IEC 7810 ID-1), in mm."""

    width_mm: float
    height_mm: float
    thickness_mm: float
    corner_radius_mm: float

    @property
    def aspect(self) -> float:
        return self.width_mm / self.height_mm

    @property
    def diagonal_mm(self) -> float:
        return float((self.width_mm**2 + self.height_mm**2) ** 0.5)


@lru_cache(maxsize=1)
def settings() -> dict:
    """The whole settings file as a dict (cached)."""
    with _FILE.open("rb") as f:
        return tomllib.load(f)


@lru_cache(maxsize=1)
def card_size() -> CardSize:
    c = settings()["card"]
    return CardSize(float(c["width_mm"]), float(c["height_mm"]), float(c["thickness_mm"]),
                    float(c["corner_radius_mm"]))
