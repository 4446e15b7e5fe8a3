"""Errors of oblique capture: members of the cardface family with stable codes."""

from __future__ import annotations

from cardface.errors import CardfaceError


class CaptureError(CardfaceError):
    """A capture input that cannot be used (unreadable image, bad parameters)."""

    code = "capture.invalid"
