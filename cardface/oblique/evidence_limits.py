"""The settings of :func:`cardface.oblique.evidence.evidence` (``evidence.toml``): its thresholds,
messages and fitting grids, and the values several of its modules derive from them."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

import numpy as np

_FILE = Path(__file__).with_name("evidence.toml")


@cache
def limits() -> dict:
    """The thresholds of ``evidence.toml`` (cached)."""
    with _FILE.open("rb") as f:
        return tomllib.load(f)


def thickness_range_mm(core_declared: bool) -> tuple[float, float]:
    """The band thicknesses (mm) accepted as a card's wall: narrower when the layout declares no
    core colour (thickness is then the only evidence against a paper edge and its shadow)."""
    s = limits()["slab"]
    lo = float(s["min_thickness_mm"] if core_declared else s["min_thickness_no_core_mm"])
    return lo, float(s["max_thickness_mm"])


def min_expected_px(core_declared: bool) -> float:
    """The narrowest wall (px, at the measured pose) whose band can prove a card: narrower, a
    retake asking for more tilt or a closer card. A declared core colour lets a narrower wall
    count (its colour, which no paper edge has, shows even where its width blurs)."""
    v = limits()["view"]
    return float(v["min_expected_px"] if core_declared else v["min_expected_no_core_px"])


def width_slack_px() -> float:
    """How much wider than the accepted thickness a band may measure (px): blur and JPEG widen
    a 1-3 px band by up to about a pixel whatever the wall's true width."""
    return float(limits()["slab"]["width_slack_px"])


def chroma_blur_px() -> float:
    """How much more a JPEG blurs colour than brightness across an edge (px; 0: one blur for all
    channels, the profiles fitted in RGB): ``profile.chroma_blur_px``."""
    return float(limits()["profile"].get("chroma_blur_px", 0.0))


def sigma_grid() -> np.ndarray:
    """The blurs (Gaussian sigma, px) tried for an edge: a geometric grid (``profile.sigma_px``)."""
    lo, hi, ratio = (float(v) for v in limits()["profile"]["sigma_px"])
    return lo * ratio ** np.arange(0, int(np.floor(np.log(hi / lo) / np.log(ratio) + 1e-9)) + 1)
