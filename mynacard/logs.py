"""Logging for the CLI and the service: stderr, optionally a file, and a redaction filter.

Library code logs only counts, codes, timings and file names — never a name, reading,
address or My Number. As a second line of defence every record passes through
:class:`RedactNumbers`, which replaces anything shaped like a My Number (12 digits, possibly
grouped 4-4-4 with spaces or hyphens) before it is written, also when it is percent-encoded
as in a URL (``/7709%201453%204160``, ``?n=7709+1453+4160``): see :func:`redact`.

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
REDACTED = "[number redacted]"
_HEX = frozenset("0123456789abcdefABCDEF")
_DECODE_PASSES = 3  # percent-decoding repeated: a doubly encoded %2520 is still a space to a reader
_FORMAT = "%(asctime)s %(levelname)s %(name)s%(request_tag)s: %(message)s"
ENV_FORMAT = "MYNACARD_LOG_FORMAT"
FORMATS = ("text", "json")

#: The id of the request being handled in this context (None outside a request).
request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("mynacard_request_id", default=None)


def redact(text: str) -> str:
    """``text`` with every My Number-shaped sequence replaced by ``[number redacted]``.

    A number is 12 digits (ASCII or full-width), possibly grouped 4-4-4 with spaces, hyphens
    or ideographic spaces. It is found in plain text and as a URL writes it: percent-encoded
    in any part (``7709%201453%204160``, ``%37709...``, UTF-8 full-width digits, doubly
    encoded ``%2520``) or with ``+`` for a space (a query string). Only the characters that
    spell the number are replaced; the rest of an encoded path stays as it was logged.
    """
    text = _NUMBER.sub(REDACTED, text)
    if "%" not in text and "+" not in text:
        return text
    chars = [(c, i, i + 1) for i, c in enumerate(text)]  # (character, start, end in ``text``)
    for _ in range(_DECODE_PASSES):
        decoded = _url_decode(chars)
        if len(decoded) == len(chars) and all(a[0] == b[0] for a, b in zip(decoded, chars, strict=True)):
            break
        chars = decoded
    plain = "".join(c for c, _, _ in chars)
    spans: list[list[int]] = []
    for m in _NUMBER.finditer(plain):
        start, end = chars[m.start()][1], chars[m.end() - 1][2]
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    for start, end in reversed(spans):
        text = text[:start] + REDACTED + text[end:]
    return text


def contains_number(text: str) -> bool:
    """Whether :func:`redact` would replace anything in ``text``."""
    return redact(text) != text


def _url_decode(chars: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """One pass of percent- and ``+``-decoding; each decoded character keeps the span it came from."""
    out: list[tuple[str, int, int]] = []
    i, n = 0, len(chars)
    while i < n:
        c, start, end = chars[i]
        if c == "+":
            out.append((" ", start, end))
            i += 1
            continue
        run: list[tuple[int, int, int]] = []  # (byte, start, end) of consecutive %XX
        while (i + 2 < n and chars[i][0] == "%" and chars[i + 1][0] in _HEX and chars[i + 2][0] in _HEX):
            run.append((int(chars[i + 1][0] + chars[i + 2][0], 16), chars[i][1], chars[i + 2][2]))
            i += 3
        if not run:
            out.append(chars[i])
            i += 1
            continue
        j = 0
        while j < len(run):  # one UTF-8 sequence at a time, so each character maps to its own bytes
            lead = run[j][0]
            size = 1 if lead < 0xC0 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
            group = run[j:j + size]
            if len(group) < size or any(not 0x80 <= b < 0xC0 for b, _, _ in group[1:]):
                group = run[j:j + 1]
            for ch in bytes(b for b, _, _ in group).decode("utf-8", "replace"):
                out.append((ch, group[0][1], group[-1][2]))
            j += len(group)
    return out


class RequestId(logging.Filter):
    """Put the current request id on every record (``request_id``, ``request_tag`` for text).

    The service accepts only ids without a number in them (:mod:`mynacard.serve.request_id`);
    the id is redacted here all the same, as every message is."""

    def filter(self, record: logging.LogRecord) -> bool:
        rid = request_id.get()
        if rid:
            rid = redact(rid)
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
            out["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(out, ensure_ascii=False)


def log_format(value: str | None = None) -> str:
    """``value`` or ``$MYNACARD_LOG_FORMAT`` checked: ``text`` (the default) or ``json``."""
    from mynacard.outputs import OutputError

    fmt = (value if value is not None else os.environ.get(ENV_FORMAT, "")).strip().lower() or "text"
    if fmt not in FORMATS:
        raise OutputError(f"log format {fmt!r}: use text or json", code="log.format")
    return fmt


class RedactNumbers(logging.Filter):
    """Replace My Number-shaped sequences in a record's final message with ``[number redacted]``
    (:func:`redact`: plain or percent-encoded)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
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
