"""The checks: one module per subject, each check a short function ``(analysis, limits) -> CheckResult``.

A check is registered with :func:`check`, which records its stable id, the limit keys the
profile must give it (and their types) and whether it needs a face. Which failures a crop,
resize or re-encode fixes is :mod:`photo.framing`'s business. Limits only ever come from the
profile file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from photo.report import CheckResult


@dataclass(frozen=True)
class CheckSpec:
    id: str
    func: Callable[..., CheckResult | None]
    limits: dict[str, str]  # key -> "float" | "int" | "bool" | "str" | "list[str]"; a trailing "?" = optional
    needs_face: bool
    subject: str
    doc: str


REGISTRY: dict[str, CheckSpec] = {}

#: Stable order of the checks in a report (the issue's order).
ORDER = (
    "file.format", "file.size", "image.dimensions", "image.color", "face.count",
    "pose.yaw", "pose.pitch", "pose.roll", "eyes.open", "eyes.visible", "mouth.closed",
    "expression.neutral", "head.covering", "geometry.head_size", "geometry.centered",
    "geometry.eye_height", "geometry.margins", "lighting.exposure", "lighting.uniformity",
    "background.uniformity", "background.shadow", "image.sharpness", "image.compression", "color.natural",
)


def check(check_id: str, *, limits: dict[str, str], needs_face: bool = True):
    """Register a check function under ``check_id``."""

    def deco(func: Callable[..., CheckResult | None]):
        REGISTRY[check_id] = CheckSpec(
            id=check_id, func=func, limits=dict(limits), needs_face=needs_face,
            subject=func.__module__.rsplit(".", 1)[-1], doc=(func.__doc__ or "").strip(),
        )
        return func

    return deco


def _load_all() -> None:
    from photo.checks import (  # noqa: F401 - registration side effects
        background,
        colour,
        eyes,
        face,
        file,
        geometry,
        head,
        lighting,
        mouth,
        pose,
        quality,
    )


def registry() -> dict[str, CheckSpec]:
    if not REGISTRY:
        _load_all()
    return REGISTRY


def run(check_id: str, analysis: Any, limits: dict) -> CheckResult | None:
    """Run one check; face-dependent checks report 'not evaluated' when no face was found."""
    spec = registry()[check_id]
    if spec.needs_face and not analysis.has_face:
        r = CheckResult(id=check_id, passed=False, value=None, limit=None, key="no_face", evaluated=False)
        r.message, r.message_en = (
            "顔が見つからないため判定できません。顔全体がはっきり写った正面の写真を使ってください。",
            "Not checked: no face was found. Use a photo that shows your whole face from the front.",
        )
        return r
    return spec.func(analysis, limits)
