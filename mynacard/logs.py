"""Logging for the CLI and the service: stderr, optionally a file, and a redaction filter.

Library code logs only counts, codes, timings and file names — never a name, reading,
address or My Number. As a second line of defence every record passes through
:class:`RedactNumbers`, which replaces anything shaped like a My Number (12 digits, possibly
grouped 4-4-4 with spaces or hyphens) before it is written.
"""

from __future__ import annotations

import logging
import os
import re

_NUMBER = re.compile(r"(?<!\d)\d{4}[ \-\u3000]?\d{4}[ \-\u3000]?\d{4}(?!\d)")
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


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


def configure(verbosity: int = 0) -> None:
    """Log to stderr (WARNING; INFO with -v; DEBUG with -vv) and to ``$MYNACARD_LOG_FILE`` (DEBUG)."""
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
        h.setFormatter(logging.Formatter(_FORMAT))
        h.addFilter(RedactNumbers())
        root.addHandler(h)
    root.setLevel(logging.DEBUG if path else level)
    for noisy in ("PIL", "matplotlib", "fontTools", "asyncio", "distributed", "urllib3"):
        logging.getLogger(noisy).setLevel(max(logging.INFO, level))
