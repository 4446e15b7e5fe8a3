"""Where error codes become exit statuses (CLI) and HTTP statuses (service): one place each."""

from __future__ import annotations

from cardface.errors import CardfaceError
from mynacard.outputs import OutputError
from photo.errors import PhotoError

EXIT_OK = 0
EXIT_FAILED = 1  # the input was checked and something failed (a photo check, an invalid number)
EXIT_INPUT = 2  # the input could not be checked (unreadable file, bad data, bad usage)
EXIT_INTERNAL = 3  # a bug in mynacard: please report it

USER_ERRORS = (CardfaceError, PhotoError, OutputError)

# HTTP status per error code; codes not listed map by family below.
HTTP_STATUS_BY_CODE: dict[str, int] = {
    "input.too_large": 413,
    "input.file_too_large": 413,
    "input.not_image": 415,
    "input.empty": 415,
    "input.unsupported_format": 415,
    "input.heic": 415,
    "input.animated": 415,
    "holder.invalid": 422,
    "holder.file": 422,
    "mynumber.invalid": 422,
    "romaji.invalid": 422,
    "glyph.missing": 422,
    "text.overflow": 422,
    "card.photo_refused": 422,
    "card.photo_unreadable": 415,  # the holder's photo is not an image mynacard can read
    "capture.unreadable": 415,  # a photo for oblique capture or evidence that is not a readable image
    "capture.too_large": 413,
    "layout.invalid": 422,
    "profile.invalid": 422,
    "model.missing": 500,  # the installation lacks a shipped model file
    "model.corrupt": 500,
    "model.exiting": 503,  # the process is shutting down: the models are closed (try again elsewhere)
    "chip.refused": 422,  # a subject check failed (photo.chip.ChipRefused; the service lists them)
    # the service's own codes (mynacard.serve.errors.ServiceError)
    "request.malformed": 400,
    "serve.production_disabled": 403,
    "request.not_found": 404,
    "request.method_not_allowed": 405,
    "request.too_large": 413,
    "request.unsupported_media_type": 415,
    "request.invalid": 422,
    "serve.busy": 503,
    "serve.worker_lost": 503,
}


#: Codes that mean the installation is broken or the process is going away, not the input:
#: exit status 3, as for a bug.
INSTALL_ERRORS = ("model.missing", "model.corrupt", "model.exiting")


def exit_status(error: BaseException) -> int:
    """Exit status for an exception that reached the CLI."""
    if getattr(error, "code", None) in INSTALL_ERRORS:
        return EXIT_INTERNAL
    if isinstance(error, USER_ERRORS):
        return EXIT_INPUT
    return EXIT_INTERNAL


def http_status(error: BaseException) -> int:
    """HTTP status for an exception that reached the service."""
    code = getattr(error, "code", None)
    if code in HTTP_STATUS_BY_CODE:
        return HTTP_STATUS_BY_CODE[code]
    if isinstance(error, PhotoError):
        return 422
    if isinstance(error, CardfaceError):
        return 422
    return 500
