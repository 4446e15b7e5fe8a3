"""The HTTP service: the portal API and the card-design preview page (``mynacard serve``).

``create_app(settings)`` builds the FastAPI application. Routes only parse, call the same
library entry points as the CLI (``photo.check``, ``cardface.render``,
``cardface.romaji.romanize_name``) and serialise; they add limits, scheduling and HTTP
statuses, never their own copies of the logic. Error codes map to HTTP statuses in
``mynacard.errors.http_status`` only.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Settings", "create_app"]


def __getattr__(name: str) -> Any:  # lazy: importing mynacard.serve does not import FastAPI
    if name == "create_app":
        from mynacard.serve.app import create_app

        return create_app
    if name == "Settings":
        from mynacard.serve.settings import Settings

        return Settings
    raise AttributeError(f"module 'mynacard.serve' has no attribute {name!r}")
