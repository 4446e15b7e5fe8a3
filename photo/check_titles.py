"""What each check judges, in a few words (ja/en), for reports read by people.

The titles live in ``photo/data/check_titles.toml``, beside the message catalogue
(``photo/data/messages.toml``) that says what to change; both are keyed by check id. Why a
check failed, in a few words per result key (``photo/data/reason_titles.toml``), names the
reasons the batch report filters by.
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


@functools.cache
def reason_titles() -> dict[str, dict[str, dict[str, str]]]:
    """Check id -> result key -> ``{"ja": ..., "en": ...}`` (``photo/data/reason_titles.toml``):
    why a check failed, in a few words (the full sentence is in the message catalogue)."""
    with resources.files("photo").joinpath("data/reason_titles.toml").open("rb") as f:
        return tomllib.load(f)


def reason_title(check_id: str, key: str, lang: str = "ja") -> str:
    """The few words for ``check_id`` failing with ``key`` in ``lang`` (or not judged for it:
    ``photo/data/not_checked.toml``); the key itself when it has none."""
    words = reason_titles().get(check_id, {}).get(key, {}).get(lang)
    if words:
        return words
    from photo.checks import not_checked_texts

    return not_checked_texts().get(key, {}).get("title", {}).get(lang) or key
