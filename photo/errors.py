"""The photo exception family. Every input that cannot be checked gets a stable ``code``.

Codes (stable; the service maps them to HTTP statuses in ``mynacard.errors``):

=========================  ===========================================================
``input.empty``            zero bytes
``input.not_image``        not a picture at all (text, random bytes, a PDF ...), or an array that
                           is not an RGB or grey image (its shape, dtype or value range)
``input.unsupported_format``  a picture in a format mynacard does not decode
``input.heic``             HEIC/HEIF, but this installation has no HEIF decoder (pillow-heif)
``input.animated``         an animation (GIF, APNG, WebP with several frames)
``input.truncated``        the file ends before the picture does
``input.corrupt``          the picture's data is damaged
``input.too_many_pixels``  width x height above the decoder's limit (refused before decoding)
``input.file_too_large``   more bytes than the loader accepts
``input.unreadable``       the file cannot be opened (missing, a folder, no permission)
``profile.invalid``        a profile that does not exist or whose file is invalid
``model.missing``          a shipped model file is missing from the installation
``model.corrupt``          a shipped model file differs from its SHA-256 in the manifest
``argument.invalid``       a call's argument of the wrong type or out of range (``work_px=0``,
                           ``analysis="x"`` ...): a mistake in the calling code, not in the photo
=========================  ===========================================================

The chip portrait adds its ``chip.*`` codes (:mod:`photo.chip_errors`).
"""

from __future__ import annotations

import numbers


class PhotoError(Exception):
    """Base of every error raised by ``photo``; ``code`` is stable, ``message`` is for people."""

    code = "photo.error"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


class InputError(PhotoError):
    """Input that cannot be decoded or is refused before decoding (bombs, unsupported formats)."""

    code = "input.unreadable"


class EmptyInput(InputError):
    code = "input.empty"


class NotAnImage(InputError):
    code = "input.not_image"


class UnsupportedFormat(InputError):
    code = "input.unsupported_format"


class HeicInput(UnsupportedFormat):
    code = "input.heic"


class AnimatedInput(UnsupportedFormat):
    code = "input.animated"


class TruncatedInput(InputError):
    code = "input.truncated"


class CorruptInput(InputError):
    code = "input.corrupt"


class TooManyPixels(InputError):
    code = "input.too_many_pixels"


class FileTooLarge(InputError):
    code = "input.file_too_large"


#: Each input code's class: :func:`input_error` raises the same class :func:`photo.intake.load` does.
_INPUT_CLASSES: dict[str, type[InputError]] = {
    cls.code: cls for cls in (InputError, EmptyInput, NotAnImage, UnsupportedFormat, HeicInput, AnimatedInput,
                              TruncatedInput, CorruptInput, TooManyPixels, FileTooLarge)
}


def input_error(code: str, message: str) -> InputError:
    """The :class:`InputError` subclass for an ``input.*`` code (as in a report's ``error``), so a
    refusal passed on as a code and a message is raised as the loader raised it."""
    cls = _INPUT_CLASSES.get(code, InputError)
    return cls(message, code=code)


class ProfileError(PhotoError):
    """A profile that does not exist or whose file is invalid."""

    code = "profile.invalid"


def is_whole(value: object) -> bool:
    """A whole number as an argument: any integral type (numpy's too), not a bool, a float or text."""
    return not isinstance(value, bool) and isinstance(value, numbers.Integral)


class ArgumentError(PhotoError):
    """A call's argument of the wrong type or out of range: the calling code's mistake, not the photo's."""

    code = "argument.invalid"
