"""Errors of the chip portrait (``chip.*`` codes; the service answers 422 for each)."""

from __future__ import annotations

from photo.errors import PhotoError


class ChipError(PhotoError):
    """A chip portrait that cannot be made: ``chip.no_face``, ``chip.face_too_small``,
    ``chip.budget_too_small``, ``chip.invalid_option``."""

    code = "chip.error"


class BudgetTooSmall(ChipError):
    """Even the lowest quality of the codec does not fit the byte budget."""

    code = "chip.budget_too_small"


class ChipRefused(ChipError):
    """The photo fails subject checks a portrait cannot repair; ``reasons`` are the report's failed checks."""

    code = "chip.refused"

    def __init__(self, message: str, *, reasons: list[dict], report=None):
        super().__init__(message)
        self.reasons = reasons
        self.report = report

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "reasons": self.reasons}

    def __reduce__(self):  # keyword arguments survive pickling (worker processes)
        return (_refused, (self.message, self.reasons))


def _refused(message: str, reasons: list[dict]) -> ChipRefused:
    return ChipRefused(message, reasons=reasons)
