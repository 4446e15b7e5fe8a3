"""cardface: what a My Number card shows - holder data, layouts and the rendered faces.

Import-light: the names below load their modules on first use.

- ``render(holder, side="front", layout="next", fmt="png", dpi=300, preview=True, show_number=False)``
- ``render_sheet(holders, layout="next", sides=("front", "back"), ...)`` -> A4 proof PDF
- ``build_scene(...)`` -> the resolved :class:`~cardface.scene.Scene` that both backends draw
- ``load_layout(name_or_path)``, ``lint_layout(layout)``, ``load_holders(path)``
"""

from __future__ import annotations

import importlib

_LAZY = {
    "render": "cardface.render",
    "render_sheet": "cardface.render.sheet",
    "build_scene": "cardface.scene",
    "Scene": "cardface.scene",
    "load_layout": "cardface.layout",
    "Layout": "cardface.layout",
    "lint_layout": "cardface.lint",
    "load_holders": "cardface.holder",
    "Holder": "cardface.holder",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    mod = _LAZY.get(name)
    if mod is None:
        raise AttributeError(f"module 'cardface' has no attribute {name!r}")
    module = importlib.import_module(mod)
    # ``cardface.render`` is the (callable) package itself
    return module if name == "render" else getattr(module, name)
