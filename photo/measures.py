"""The fixed settings of how the checks measure (``photo/data/measures.toml``).

Each section belongs to one module, which reads it once at import into named module values
(``head.py``'s ``[covering]`` into ``SAME_DE``, ``BLACK_L`` ...). The pass/fail limits are
not here but in the profiles; these say how a value is measured (a window's scale, the level
at which a pixel is clipped, how wide a band is read). TOML integers stay ``int`` and arrays
become tuples, so a module reads the same types its constants had.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

FILE = "data/measures.toml"


@cache
def _sections() -> dict[str, dict]:
    with resources.files("photo").joinpath(FILE).open("rb") as f:
        return tomllib.load(f)


def settings(section: str) -> dict[str, Any]:
    """The settings of ``section`` (a table of ``measures.toml``): numbers, and tuples for arrays.
    A missing section or a value of another type is a packaging error: ValueError naming it."""
    table = _sections().get(section)
    if not isinstance(table, dict):
        raise ValueError(f"photo/{FILE}: no [{section}] table")
    out: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, list) and all(_number(v) for v in value):
            out[key] = tuple(value)
        elif _number(value):
            out[key] = value
        else:
            raise ValueError(f"photo/{FILE}: [{section}] {key} is not a number or a list of numbers")
    return out


def sections() -> tuple[str, ...]:
    """The section names, in file order."""
    return tuple(_sections())


def _number(v) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)
