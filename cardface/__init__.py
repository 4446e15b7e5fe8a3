"""cardface: what a My Number card shows — holder data, passport Hepburn, dates, the number, card faces.

Imports are lazy so that ``import cardface`` stays fast; the names below load on first use.

- ``render(holder, side="front", layout="next", fmt="png", dpi=300, preview=True, show_number=False)`` -> bytes
- ``render_sheet(holders, layout="next", sides=("front", "back"), ...)`` -> an A4 proof PDF
- ``build_scene(...)`` -> the resolved :class:`~cardface.scene.Scene` that both backends draw
- ``load_layout(name_or_path)``, ``lint_layout(layout)``, ``load_holders(path)``

(``cardface.render`` is also the package of the backends; the package itself is callable,
so ``cardface.render(...)`` works however it was reached.)
"""

from __future__ import annotations

from typing import Any

_LAZY = {
    "Holder": ("cardface.holder", "Holder"),
    "load_holders": ("cardface.holder", "load_holders"),
    "render": ("cardface.render", "render"),
    "render_sheet": ("cardface.render.sheet", "render_sheet"),
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
