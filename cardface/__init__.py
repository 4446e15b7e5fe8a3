"""cardface: what a My Number card shows — holder data, passport Hepburn, dates, the number, card faces.

Imports are lazy so that ``import cardface`` stays fast; the names below load on first use.

- ``render(holder, side="front", layout="next", fmt="png", dpi=300, preview=True, show_number=False)`` -> bytes
- ``build_scene(...)`` -> the resolved :class:`~cardface.scene.Scene` that every backend draws;
  ``draw(scene, fmt, dpi=..., bleed_mm=..., crop_marks=...)`` -> bytes (one scene, any format)
- ``render_sheet(holders, layout="next", sides=("front", "back"), ...)`` -> an A4 proof PDF
- ``load_layout(name_or_path)``, ``lint_layout(layout)``, ``load_holders(path)``

``render`` and ``draw`` live in :mod:`cardface.rendering`; the backends in :mod:`cardface.backends`.
"""

from __future__ import annotations

from typing import Any

_LAZY = {
    "Holder": ("cardface.holder", "Holder"),
    "load_holders": ("cardface.holder", "load_holders"),
    "render": ("cardface.rendering", "render"),
    "draw": ("cardface.rendering", "draw"),
    "render_sheet": ("cardface.backends.sheet", "render_sheet"),
    "build_scene": ("cardface.scene", "build_scene"),
    "Scene": ("cardface.scene", "Scene"),
    "load_layout": ("cardface.layout", "load_layout"),
    "Layout": ("cardface.layout", "Layout"),
    "lint_layout": ("cardface.lint", "lint_layout"),
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'cardface' has no attribute {name!r}")
