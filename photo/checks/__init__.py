"""The checks: one module per subject, each check a short function ``(analysis, limits) -> CheckResult``.

A check is registered with :func:`check`, which records its stable id, the limit keys the
profile must give it (and their types) and whether it needs a face. Which failures a crop,
resize or re-encode fixes is :mod:`photo.framing`'s business. Limits only ever come from the
profile file.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
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
    frontal: bool = False  # reads a frontal face: not evaluated when the head is turned too far
    upright: bool = False  # measures the head against the frame: not evaluated when the photo is on its side
    exposed: bool = False  # reads the skin's colour: not evaluated when lighting.exposure failed
    bare_face: bool = False  # reads the mouth or the cheeks' skin: not evaluated when the mouth is covered


@lru_cache(maxsize=1)
def _frontal() -> dict:
    with resources.files("photo").joinpath("data/frontal.toml").open("rb") as f:
        return tomllib.load(f)


def max_frontal_yaw_deg() -> float:
    """How far the head may be turned for the ``frontal`` checks to be evaluated
    (``photo/data/frontal.toml``)."""
    return float(_frontal()["max_abs_yaw_deg"])


def sideways_roll_deg() -> float:
    """The roll past which the photo is on its side or upside down (``photo/data/frontal.toml``):
    ``upright`` checks are then not evaluated."""
    return float(_frontal()["sideways_roll_deg"])


def turned_max_roll_deg() -> float:
    """How tilted a face may still be once a photo on its side is turned upright for the checks
    to read it turned (``photo/data/frontal.toml``); past it the photo is read as it lies."""
    return float(_frontal()["turned_max_roll_deg"])


def upright_turn(analysis: Any) -> int:
    """Quarter turns counter-clockwise that set a photo on its side upright: 1 or 3 when the main
    face's roll is past :func:`sideways_roll_deg` (and short of 135 degrees), else 0. A photo
    upside down is not found this way: the Face Landmarker fits such a face as if it were upright."""
    if not analysis.has_face:
        return 0
    roll = analysis.pose.roll_deg
    if not sideways_roll_deg() < abs(roll) < 135.0:
        return 0
    return 1 if roll > 0 else 3


@lru_cache(maxsize=1)
def not_checked_texts() -> dict[str, dict]:
    """Why a check was not judged (``photo/data/not_checked.toml``): key -> {ja, en, title}."""
    with resources.files("photo").joinpath("data/not_checked.toml").open("rb") as f:
        return tomllib.load(f)


REGISTRY: dict[str, CheckSpec] = {}
_loaded = False

#: The subject modules in report order; within a module, checks keep the order they are
#: defined in. The registry is the order: a report lists the checks as they were registered.
SUBJECTS = ("file", "image", "face", "pose", "eyes", "mouth", "expression", "head", "geometry", "lighting",
            "background", "color")


def check(check_id: str, *, limits: dict[str, str], needs_face: bool = True, frontal: bool = False,
          bare_face: bool = False, upright: bool = False, exposed: bool = False):
    """Register a check function under ``check_id`` (written here only: the result is named
    with it). The id's subject (before the dot) is the module's name. ``frontal``: it reads a
    frontal face, and is not evaluated when the head is turned further than
    :func:`max_frontal_yaw_deg`. ``bare_face``: it reads the mouth or takes the cheeks for skin,
    and is not evaluated when ``mouth.visible`` (which runs before it) finds the mouth covered:
    a mask's colour read as the skin's made hats, casts and smiles of masked faces. ``upright``:
    it measures the head against the photo's frame, and is not evaluated when the face is rolled
    past :func:`sideways_roll_deg` (a photo on its side: a head size read across the frame means
    nothing); nor are the ``frontal`` checks, which read rows and columns of an upright face.
    ``exposed``: it reads the skin's colour, and is not evaluated (nor holds the photo back) when
    ``lighting.exposure`` (which runs before it) failed: burnt-out or crushed skin has no colour
    to read (over-exposed photos were told of a green cast)."""

    def deco(func: Callable[..., CheckResult | None]):
        subject = func.__module__.rsplit(".", 1)[-1]
        if check_id.split(".", 1)[0] != subject:
            raise ValueError(f"check {check_id!r} must live in photo/checks/{check_id.split('.', 1)[0]}.py, "
                             f"not {subject}.py")
        old = REGISTRY.get(check_id)
        if old is not None and old.func.__qualname__ != func.__qualname__:
            raise ValueError(f"check {check_id!r} is registered twice")
        REGISTRY[check_id] = CheckSpec(
            id=check_id, func=func, limits=dict(limits), needs_face=needs_face,
            subject=subject, doc=(func.__doc__ or "").strip(), frontal=frontal, bare_face=bare_face,
            upright=upright, exposed=exposed,
        )
        return func

    return deco


def _load_all() -> None:
    import importlib
    import pkgutil

    found = {m.name for m in pkgutil.iter_modules(__path__)}
    if found != set(SUBJECTS):  # a check module left out of SUBJECTS would be silently unused
        raise RuntimeError(f"photo/checks modules {sorted(found)} differ from SUBJECTS {sorted(SUBJECTS)}")
    for name in SUBJECTS:
        importlib.import_module(f"{__name__}.{name}")
    # a module imported on its own earlier (e.g. by the annotation) registered out of turn
    ordered = sorted(REGISTRY.values(), key=lambda spec: SUBJECTS.index(spec.subject))
    REGISTRY.clear()
    REGISTRY.update((spec.id, spec) for spec in ordered)


def registry() -> dict[str, CheckSpec]:
    """Check id -> spec, in report order (every subject module imported, in SUBJECTS order)."""
    global _loaded
    if not _loaded:
        _load_all()
        _loaded = True
    return REGISTRY


def order() -> tuple[str, ...]:
    """Every check id in report order."""
    return tuple(registry())


def run(check_id: str, analysis: Any, limits: dict, *, mouth_covered: bool = False,
        badly_exposed: bool = False) -> CheckResult | None:
    """Run one check; face-dependent checks report 'not evaluated' when no face was found, and
    ``bare_face`` checks when ``mouth_covered`` (``mouth.visible`` failed for a covered mouth)."""
    spec = registry()[check_id]
    if spec.bare_face and mouth_covered:
        return _not_evaluated(check_id, "mouth_covered")
    if spec.exposed and badly_exposed:
        return _not_evaluated(check_id, "exposure", holds_back=False)
    if spec.needs_face and not analysis.has_face:
        return _not_evaluated(check_id, "no_face")
    if spec.frontal and analysis.has_face and abs(analysis.pose.yaw_deg) > max_frontal_yaw_deg():
        return _not_evaluated(check_id, "turned_away", deg=round(abs(analysis.pose.yaw_deg)))
    if (spec.upright or spec.frontal) and analysis.has_face and abs(analysis.pose.roll_deg) > sideways_roll_deg():
        return _not_evaluated(check_id, "sideways")
    r = spec.func(analysis, limits)
    return None if r is None else r.named(spec.id)


def _not_evaluated(check_id: str, key: str, holds_back: bool = True, **params: Any) -> CheckResult:
    """A check that could not be judged on this photo (``evaluated`` false), with why in Japanese
    and English (``photo/data/not_checked.toml``'s ``key``, ``params`` filled in); ``holds_back``
    false: it does not fail the photo (another check already names what to change)."""
    from photo.report import fill

    text = not_checked_texts()[key]
    r = CheckResult(id=check_id, passed=not holds_back, value=None, limit=None, key=key, evaluated=False)
    r.message, r.message_en = fill(text["ja"], params), fill(text["en"], params)
    return r
