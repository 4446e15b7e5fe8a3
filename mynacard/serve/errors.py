"""Error bodies of the service: ``{"error": {"code", "message", "problems": [...]}}``.

Codes are the CLI's (``holder.invalid``, ``input.not_image``...); the HTTP status of each
comes from :func:`mynacard.errors.http_status`, the one table for the whole service. Error
bodies and log lines never repeat the values sent (they may be names or numbers).
"""

from __future__ import annotations

import logging
import os

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from cardface.errors import CardfaceError
from mynacard.errors import http_status
from photo.errors import PhotoError

log = logging.getLogger("mynacard.serve")

# Codes for the statuses that Starlette and FastAPI raise themselves.
_CODE_BY_STARLETTE_STATUS = {
    400: "request.malformed",
    404: "request.not_found",
    405: "request.method_not_allowed",
    413: "request.too_large",
}


class ServiceError(Exception):
    """An error of the HTTP layer itself (limits, media types, settings) with a stable code."""

    def __init__(self, code: str, message: str, *, problems: list[dict] | None = None,
                 status: int | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.problems = list(problems or [])
        self.status = status  # only for statuses Starlette raised that have no code of their own
        self.headers = headers

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "problems": self.problems}


def error_body(error: BaseException) -> dict:
    """The JSON body for a project error (``problems`` is always a list)."""
    if isinstance(error, ServiceError):
        inner = error.to_dict()
    elif isinstance(error, CardfaceError):
        inner = {"code": error.code, "message": error.message,
                 "problems": [p.to_dict() for p in error.problems]}
    elif isinstance(error, PhotoError):
        inner = {"code": error.code, "message": error.message, "problems": []}
    else:
        inner = {"code": "internal.error", "message": "internal error; the server log has the details",
                 "problems": []}
    return {"error": inner}


def status_of(error: BaseException) -> int:
    if isinstance(error, ServiceError) and error.status is not None:
        return error.status
    return http_status(error)


def error_response(error: BaseException) -> JSONResponse:
    headers = getattr(error, "headers", None) if isinstance(error, ServiceError) else None
    return JSONResponse(error_body(error), status_code=status_of(error), headers=headers)


async def _project_error(request: Request, exc: Exception) -> JSONResponse:
    log.info("%s %s -> %s", request.method, request.url.path, getattr(exc, "code", "?"))
    return error_response(exc)


def _is_json(request: Request) -> bool:
    ctype = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return ctype == "application/json" or ctype.endswith("+json")


def malformed_json(detail: str = "") -> ServiceError:
    """400 ``request.malformed`` for a JSON body that does not parse, whatever the reason (bad
    syntax, not UTF-8, nested too deeply): a broken body, as a broken multipart form is."""
    return ServiceError("request.malformed", f"the body is not valid JSON{detail}: send UTF-8 JSON text")


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    broken = next((e for e in errors if e.get("type") == "json_invalid"), None)
    if broken is not None:  # FastAPI calls a syntax error a validation error; it is a broken body
        loc = broken.get("loc", ())
        reason = str((broken.get("ctx") or {}).get("error", "")) or "JSON decode error"
        where = f" at character {loc[-1]}" if len(loc) > 1 and isinstance(loc[-1], int) else ""
        return error_response(malformed_json(f" ({reason}{where})"))
    problems = []
    for e in errors:
        field = ".".join(str(p) for p in e.get("loc", ())) or "(request)"
        problems.append({"field": field, "code": "request.invalid", "message": str(e.get("msg", "invalid")),
                         "message_ja": "リクエストの形式が正しくありません", "record": None})
    fields = ", ".join(sorted({p["field"] for p in problems}))
    return error_response(ServiceError("request.invalid", f"invalid request: {fields}", problems=problems))


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    code = getattr(exc, "code", None) or _CODE_BY_STARLETTE_STATUS.get(exc.status_code)
    if code == "request.malformed" and _is_json(request):  # FastAPI's "error parsing the body"
        return error_response(malformed_json())
    err = ServiceError(code or "request.error", str(exc.detail), headers=exc.headers,
                       status=None if code else exc.status_code)
    return error_response(err)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    # The type only: an exception's message may quote the data it choked on.
    if os.environ.get("MYNACARD_DEBUG"):
        log.exception("internal error in %s %s", request.method, request.url.path)
    else:
        log.error("internal error in %s %s: %s (set MYNACARD_DEBUG=1 for the traceback)",
                  request.method, request.url.path, type(exc).__name__)
    return error_response(exc)


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into the service's error body."""
    app.add_exception_handler(CardfaceError, _project_error)
    app.add_exception_handler(PhotoError, _project_error)
    app.add_exception_handler(ServiceError, _project_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
