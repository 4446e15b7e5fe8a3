"""The photo exception family. Every input that cannot be checked gets a stable ``code``."""

from __future__ import annotations


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


class ProfileError(PhotoError):
    """A profile that does not exist or whose file is invalid."""

    code = "profile.invalid"
