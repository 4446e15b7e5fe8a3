"""Oblique capture for eKYC: simulate card photos, locate and rectify the card, mask the number.

Public API: :func:`simulate`, :func:`locate`, :func:`rectify`, :func:`mask_number`, :class:`Quad`.
"""

from __future__ import annotations

from cardface.oblique.geometry import Quad
from cardface.oblique.simulate import simulate

__all__ = ["Quad", "simulate"]
