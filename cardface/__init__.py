"""cardface: what a My Number card shows — holder data, passport Hepburn, dates, the number, card faces.

Imports are lazy so that ``import cardface`` stays fast; the names below load on first use.
"""

from __future__ import annotations

from typing import Any

_LAZY = {
    "Holder": ("cardface.holder", "Holder"),
    "load_holders": ("cardface.holder", "load_holders"),
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'cardface' has no attribute {name!r}")
