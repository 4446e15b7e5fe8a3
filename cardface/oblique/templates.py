"""The locator's knowledge of the layouts (filled in from the layout files)."""

from __future__ import annotations

from cardface.oblique.content import Template


def default_templates() -> list[Template]:
    raise NotImplementedError
