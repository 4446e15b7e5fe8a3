"""The cardface exception family. Every error a user can cause has a stable ``code``.

The CLI and the service map codes to exit and HTTP statuses in one place each
(``mynacard.errors``); messages never contain a name, a reading, an address or a My Number.
A call's argument of the wrong type or out of range (``mask(keep=5)``, ``load_holders(None)``)
is an :class:`ArgumentError`, code ``argument.invalid``: the calling code's mistake, not the data's.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class FieldProblem:
    """One bad field: its name, a stable code and a reason (English; Japanese when known)."""

    field: str
    code: str
    message: str
    message_ja: str = ""
    record: int | None = None  # 1-based record number in a holders file

    def to_dict(self) -> dict:
        return asdict(self)


class CardfaceError(Exception):
    """Base of every error raised by ``cardface``."""

    code = "cardface.error"

    def __init__(self, message: str, *, code: str | None = None, problems: list[FieldProblem] | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.problems: list[FieldProblem] = list(problems or [])

    def to_dict(self) -> dict:
        d = {"code": self.code, "message": self.message}
        if self.problems:
            d["problems"] = [p.to_dict() for p in self.problems]
        return d

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        lines = [self.message]
        for p in self.problems:
            where = f"record {p.record}: " if p.record is not None else ""
            lines.append(f"  {where}{p.field}: {p.message} [{p.code}]")
        return "\n".join(lines)


class HolderError(CardfaceError):
    """Holder data that cannot be used: every bad field is listed in ``problems``."""

    code = "holder.invalid"


class InputFileError(CardfaceError):
    """A holders file that cannot be read or parsed (missing, not JSON/CSV, wrong shape)."""

    code = "holder.file"


class MyNumberError(CardfaceError):
    """A string that is not a My Number (wrong characters or length)."""

    code = "mynumber.invalid"


class RomajiError(CardfaceError):
    """A reading that cannot be romanized (not kana, empty)."""

    code = "romaji.invalid"


class LayoutError(CardfaceError):
    """A layout file that cannot be loaded or is inconsistent."""

    code = "layout.invalid"


class GlyphError(CardfaceError):
    """A character that no configured font can draw (names the character and the field)."""

    code = "glyph.missing"


class FitError(CardfaceError):
    """Text that does not fit its field even at the minimum size and wrapped."""

    code = "text.overflow"


class PhotoRefused(CardfaceError):
    """The holder's photo is missing or fails the photo checks where a render needs it."""

    code = "card.photo_refused"


class FontError(CardfaceError):
    """A configured font file that is missing or cannot be used (not TrueType outlines)."""

    code = "font.unusable"


class ArgumentError(CardfaceError):
    """A call's argument of the wrong type or out of range: the calling code's mistake, not the data's."""

    code = "argument.invalid"
