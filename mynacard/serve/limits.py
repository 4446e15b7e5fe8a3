"""Request size limits, enforced while the body streams in: nothing unbounded is ever read.

:class:`BodyLimit` is a plain ASGI middleware. A ``Content-Length`` over the limit is refused
before one byte of the body is read; a body without a length (chunked) or with a false one
is counted as it arrives and refused the moment it passes the limit. Multipart uploads are
spooled by Starlette (memory up to 1 MiB, then a temporary file), so a worker never holds
more than the limit of one request in memory.
"""

from __future__ import annotations

from fastapi import Depends, Request, UploadFile
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mynacard.serve.errors import ServiceError, error_response

READ_CHUNK = 256 * 1024


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when the body passes the limit.

    It is an ``HTTPException`` so that FastAPI's body parsing re-raises it unchanged (it turns
    any other exception into a 400) and the service's handler renders the error body.
    """

    code = "request.too_large"

    def __init__(self, limit: int):
        super().__init__(status_code=413, detail=f"request body larger than {limit} bytes")
        self.limit = limit


class BodyLimit:
    """Refuse request bodies longer than ``max_bytes`` with 413, counting while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = _content_length(scope)
        if length is not None and length > self.max_bytes:
            err = ServiceError("request.too_large", f"request body is {length} bytes; the limit is "
                               f"{self.max_bytes} bytes (uploads at most the upload limit)")
            await error_response(err)(scope, receive, send)
            return

        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge as err:  # raised where no handler caught it (outside a route)
            if started:
                raise
            await error_response(ServiceError(err.code, str(err.detail)))(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def read_upload(upload: UploadFile, max_bytes: int) -> bytes:
    """The bytes of one uploaded file, refused with 413 past ``max_bytes`` (read in chunks)."""
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = await upload.read(READ_CHUNK)
        if not chunk:
            break
        total += len(chunk)
        if total > max_bytes:
            raise ServiceError("input.file_too_large",
                               f"the uploaded file is larger than {max_bytes} bytes; send at most "
                               f"{max_bytes // (1024 * 1024)} MiB")
        chunks.append(chunk)
    return b"".join(chunks)


def media_type(*accepted: str):
    """A route dependency: 415 ``request.unsupported_media_type`` unless the body is one of ``accepted``.

    Checked before the body is validated, so a JSON body sent to a form endpoint (or a form to
    a JSON endpoint) is told what to send instead of which form fields are missing."""

    def check(request: Request) -> None:
        ctype = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if ctype not in accepted:
            raise ServiceError("request.unsupported_media_type",
                               f"send the body as {' or '.join(accepted)}, not {ctype or 'no content type'}")

    return Depends(check)
