"""Errors a user can cause when starting a batch: a bad manifest, an OUT folder that belongs
to another job, a scheduler that cannot be reached. Each has a stable ``code``.

Problems with a single photo are never raised: they become an error line in results.jsonl.
"""

from __future__ import annotations

from photo.errors import PhotoError


class BatchError(PhotoError):
    """A batch that cannot start (or continue) as asked."""

    code = "batch.error"


def os_reason(err: OSError) -> str:
    """What an OSError says went wrong, for a message (its strerror, else its type's name)."""
    return err.strerror or type(err).__name__
