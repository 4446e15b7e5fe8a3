"""Request ids: ``X-Request-ID`` in, the same id out, and on every log line of the request.

A caller (or the reverse proxy in front) may send ``X-Request-ID``; an id of 1 to 64
characters from ``A-Z a-z 0-9 . _ : -`` is kept, anything else (or none) is replaced by a
new random one, so a log line never carries text a caller chose freely. An id holding
anything the log's redaction takes for a My Number (:func:`mynacard.logs.contains_number`,
with ``. _ :`` read as separators too: ``770914534160``, ``7709.1453.4160``) is replaced as
well, and so is a made-up id that happens to (32 random hex digits hold 12 decimal digits in
a row about 1 time in 75). The answer always has ``X-Request-ID``, the id used;
log records made while the request runs carry it (:data:`mynacard.logs.request_id`),
uvicorn's access line included.
"""

from __future__ import annotations

import re
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mynacard import logs

HEADER = b"x-request-id"
_VALID = re.compile(rb"[A-Za-z0-9._:\-]{1,64}")
_AS_HYPHENS = str.maketrans("._:", "---")


def accepted(value: bytes | None) -> str:
    """The id to use for a request that sent ``value`` (None: no header)."""
    if value is not None and _VALID.fullmatch(value):
        rid = value.decode("ascii")
        if not holds_number(rid):
            return rid
    return new_id()


def new_id() -> str:
    """A random id (32 hex digits) with nothing in it the log would redact as a number."""
    while True:
        rid = uuid.uuid4().hex
        if not holds_number(rid):
            return rid


def holds_number(rid: str) -> bool:
    """Whether the id holds something shaped like a My Number, its separators read as spaces."""
    return logs.contains_number(rid.translate(_AS_HYPHENS))


class RequestIdMiddleware:
    """Outermost middleware: sets the id for the request's context and echoes it in the answer."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = next((v for k, v in scope.get("headers", []) if k.lower() == HEADER), None)
        rid = accepted(sent)
        scope.setdefault("state", {})["request_id"] = rid
        token = logs.request_id.set(rid)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != HEADER]
                message = {**message, "headers": [*headers, (HEADER, rid.encode("ascii"))]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            logs.request_id.reset(token)
