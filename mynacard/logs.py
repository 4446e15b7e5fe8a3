"""Logging for the CLI and the service: stderr, optionally a file, and a redaction filter.

Library code logs only counts, codes, timings and file names — never a name, reading,
address or My Number. As a second line of defence every record passes through
:class:`RedactNumbers`, which replaces anything shaped like a My Number (12 digits, possibly
grouped 4-4-4 with spaces or hyphens) before it is written.

Two formats (``$MYNACARD_LOG_FORMAT``, or ``mynacard serve --log-format``): ``text``, one
line per record, and ``json``, one JSON object per line (``time``, ``level``, ``logger``,
``message`` and, inside a request to the service, ``request_id``) for log collectors.
A record logged while the service handles a request carries that request's id (the
caller's ``X-Request-ID`` or one made up; see :mod:`mynacard.serve.request_id`).
"""

from __future__ import annotations

import contextvars
import datetime as _dt
import json
import logging
import os
import re

_NUMBER = re.compile(r"(?<!\d)\d{4}[ \-\u3000]?\d{4}[ \-\u3000]?\d{4}(?!\d)")
_FORMAT = "%(asctime)s %(levelname)s %(name)s%(request_tag)s: %(message)s"
ENV_FORMAT = "MYNACARD_LOG_FORMAT"
FORMATS = ("text", "json")

#: The id of the request being handled in this context (None outside a request).
request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("mynacard_request_id", default=None)


class RequestId(logging.Filter):
    """Put the current request id on every record (``request_id``, ``request_tag`` for text)."""

    def filter(self, record: logging.LogRecord) -> bool:
        rid = request_id.get()
        record.request_id = rid
        record.request_tag = f" [request {rid}]" if rid else ""
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line; the message is the redacted one."""

    def format(self, record: logging.LogRecord) -> str:
        out = {
            "time": _dt.datetime.fromtimestamp(record.created, _dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", None)
        if rid:
            out["request_id"] = rid
        if record.exc_info:
            out["exception"] = _NUMBER.sub("[number redacted]", self.formatException(record.exc_info))
        return json.dumps(out, ensure_ascii=False)


def log_format(value: str | None = None) -> str:
    """``value`` or ``$MYNACARD_LOG_FORMAT`` checked: ``text`` (the default) or ``json``."""
    from mynacard.outputs import OutputError

    fmt = (value if value is not None else os.environ.get(ENV_FORMAT, "")).strip().lower() or "text"
    if fmt not in FORMATS:
        raise OutputError(f"log format {fmt!r}: use text or json", code="log.format")
    return fmt


class RedactNumbers(logging.Filter):
    """Replace 12-digit sequences in a record's final message with ``[number redacted]``."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _NUMBER.sub("[number redacted]", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def _file_handler(path: str) -> logging.Handler:
    """A handler appending to ``path``; :class:`OutputError` (``log.unwritable``) when it cannot be opened."""
    from mynacard.outputs import OutputError

    try:
        return logging.FileHandler(path, encoding="utf-8")
    except OSError as err:
        reason = "it is a folder" if os.path.isdir(path) else (err.strerror or type(err).__name__)
        raise OutputError(f"MYNACARD_LOG_FILE={path}: cannot open the log file ({reason})",
                          code="log.unwritable") from None


def configure(verbosity: int = 0, fmt: str | None = None) -> None:
    """Log to stderr (WARNING; INFO with -v; DEBUG with -vv) and to ``$MYNACARD_LOG_FILE`` (DEBUG).

    ``fmt`` is ``text`` or ``json`` (default: ``$MYNACARD_LOG_FORMAT``, else text).
    """
    fmt = log_format(fmt)
    path = os.environ.get("MYNACARD_LOG_FILE")
    log_file = _file_handler(path) if path else None  # fails before the current handlers are removed
    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, "_mynacard", False):
            root.removeHandler(h)
    level = logging.WARNING if verbosity <= 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    handlers: list[logging.Handler] = []
    stderr = logging.StreamHandler()
    stderr.setLevel(level)
    handlers.append(stderr)
    if log_file is not None:
        handlers.append(log_file)
    for h in handlers:
        h._mynacard = True  # type: ignore[attr-defined]
        h.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(_FORMAT))
        h.addFilter(RedactNumbers())
        h.addFilter(RequestId())
        root.addHandler(h)
    root.setLevel(logging.DEBUG if path else level)
    for noisy in ("PIL", "matplotlib", "fontTools", "asyncio", "distributed", "urllib3"):
        logging.getLogger(noisy).setLevel(max(logging.INFO, level))
