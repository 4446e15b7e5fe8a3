"""What each check judges, in a few words (ja/en), for reports read by people.

The titles live in ``photo/data/check_titles.toml``, beside the message catalogue
(``photo/data/messages.toml``) that says what to change; both are keyed by check id.
"""

from __future__ import annotations

import functools
import tomllib
from importlib import resources


@functools.cache
def check_titles() -> dict[str, dict[str, str]]:
    """Check id -> ``{"ja": ..., "en": ...}``."""
    with resources.files("photo").joinpath("data/check_titles.toml").open("rb") as f:
        return tomllib.load(f)


def check_title(check_id: str, lang: str = "ja") -> str:
    """The title of ``check_id`` in ``lang`` ("ja" or "en"); the id itself when it has none."""
    return check_titles().get(check_id, {}).get(lang) or check_id
