"""Oblique capture for eKYC: simulate card photos, locate and rectify the card, mask the number.

Public API: :func:`simulate`, :func:`locate`, :func:`rectify`, :func:`mask_number`,
:func:`evidence` (does the photo show a real card: its edge, 0.76 mm, in the core colour), :class:`Quad`.
OpenCV is imported inside the functions, so importing this package stays cheap.
"""

from __future__ import annotations

from cardface.oblique.evidence import evidence
from cardface.oblique.geometry import Quad
from cardface.oblique.locate import locate
from cardface.oblique.mask import mask_number, mask_report
from cardface.oblique.rectify import rectify
from cardface.oblique.simulate import simulate

__all__ = ["Quad", "evidence", "locate", "mask_number", "mask_report", "rectify", "simulate"]
