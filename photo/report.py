"""Check results and the photo report, with messages (ja/en) and the JSON shape.

JSON (``PhotoReport.to_dict()``, one object per line from ``mynacard photo check --json``)::

    {"file": str|null, "passed": bool, "profile": str,
     "checks": [{"id", "passed", "value", "limit", "message", "message_en", "key",
                 "evaluated", "fixable", "details"}],
     "error": null | {"code", "message"},
     "fixable": bool, "face": null | {...}, "fixed": null | {...}}

``key`` names the verdict's reason, a stable code for programs (the message catalogue's key,
``photo/data/messages.toml``): ``ok``, ``fail``, or the cause, such as ``dark``, ``glare``,
``frame`` or ``hair`` for ``eyes.visible``. ``passed`` is true only when every check passed. A check that could not be evaluated has
``"evaluated": false``, with ``"passed": false`` when that holds the photo back (no face
found) and ``true`` when it does not (no date taken in the file, no pupil to read).
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=1)
def messages() -> dict:
    """The message catalogue (``photo/data/messages.toml``): id -> key -> {ja, en}."""
    with resources.files("photo").joinpath("data/messages.toml").open("rb") as f:
        return tomllib.load(f)


class _Params(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(template: str, params: dict) -> str:
    """``template`` with ``{name}`` placeholders filled from ``params`` (numbers shortened);
    a placeholder without a value stays as it is."""
    return template.format_map(_Params({k: _fmt(v) for k, v in params.items()}))


def format_message(check_id: str, key: str, params: dict) -> tuple[str, str]:
    """(ja, en) text for ``check_id``/``key`` with ``params`` filled in."""
    table = messages().get(check_id, {})
    entry = table.get(key) or table.get("fail" if key != "ok" else "ok") or {}
    return fill(entry.get("ja", key), params), fill(entry.get("en", key), params)


def _fmt(v: Any) -> Any:
    if isinstance(v, float):
        return f"{v:.3g}" if abs(v) < 10 else f"{v:.1f}"
    return v


def _jsonable(v: Any) -> Any:
    t = type(v)
    if t is int or t is str or t is bool or v is None:  # most values: nothing to convert
        return v
    if t is float:
        return None if math.isnan(v) or math.isinf(v) else round(v, 4)
    try:
        import numpy as np

        if isinstance(v, np.generic):
            v = v.item()
        elif isinstance(v, np.ndarray):
            v = v.tolist()
    except ImportError:  # pragma: no cover
        pass
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            return None
        return round(v, 4)
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    return v


@dataclass
class CheckResult:
    """One requirement's verdict. ``value`` is the measured native value, ``limit`` the profile's."""

    id: str
    passed: bool
    value: Any = None
    limit: Any = None
    key: str = ""  # message key: "ok", "fail" or a specific cause ("too_small", "dark" ...)
    params: dict = field(default_factory=dict)
    message: str = ""
    message_en: str = ""
    evaluated: bool = True
    fixable: bool = False
    details: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.key:
            self.key = "ok" if self.passed else "fail"
        if self.id and not self.message:
            self.named(self.id)

    def named(self, check_id: str) -> CheckResult:
        """Give the result its check's id and the catalogue's message for it (the registry does
        this: a check writes its id once, in its decorator)."""
        self.id = check_id
        if not self.message:
            params = {"value": self.value, "limit": self.limit, **self.params}
            self.message, self.message_en = format_message(check_id, self.key, params)
        return self

    def to_dict(self) -> dict:
        return {
            "id": self.id, "passed": bool(self.passed), "value": _jsonable(self.value),
            "limit": _jsonable(self.limit), "message": self.message, "message_en": self.message_en,
            "key": self.key, "evaluated": self.evaluated, "fixable": self.fixable, "details": _jsonable(self.details),
        }


def result(passed: bool, value: Any, limit: Any, key: str = "", **params: Any) -> CheckResult:
    """Shorthand for check functions (values and limits become plain Python numbers, lists and dicts).

    The result is unnamed until the registry runs the check and names it with the id of the
    check's decorator (:meth:`CheckResult.named`)."""
    return CheckResult(id="", passed=bool(passed), value=_jsonable(value), limit=_jsonable(limit), key=key,
                       params=params)


def unjudged(value: Any, limit: Any, key: str, **params: Any) -> CheckResult:
    """A check that could not judge this photo and does not hold it back (``passed`` true,
    ``evaluated`` false): no backdrop beside the head, no mouth or pupil in the picture, no
    date taken in the file. The key's message says why."""
    r = result(True, value, limit, key, **params)
    r.evaluated = False
    return r


def _file_name(file: Any) -> str | None:
    """A report's ``file`` as text: a path (``Path``, bytes) decoded as the file system names it."""
    if file is None or isinstance(file, str):
        return file
    if isinstance(file, (bytes, os.PathLike)):
        return os.fsdecode(file)
    return str(file)


@dataclass
class PhotoReport:
    """The verdict on one photo: every check of the profile, or an error for input that cannot be checked.

    ``file`` is always text (or None): a ``Path`` given for it is kept as its ``str``."""

    file: str | None
    profile: str
    checks: list[CheckResult] = field(default_factory=list)
    error: dict | None = None
    face: dict | None = None
    skipped: dict = field(default_factory=dict)  # check id -> why it does not apply (e.g. no file)
    fixed: dict | None = None
    seconds: float | None = None

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "file":  # a Path given as the name (check(..., file=Path(...))): a str, as the JSON has it
            value = _file_name(value)
        super().__setattr__(name, value)

    @property
    def passed(self) -> bool:
        return self.error is None and all(c.passed for c in self.checks)

    @property
    def failed(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.passed]

    @property
    def fixable(self) -> bool:
        """True when something failed and every failure can be fixed by ``photo.fix`` (crop, resize, re-encode)."""
        bad = self.failed
        return self.error is None and bool(bad) and all(c.fixable for c in bad)

    def check(self, check_id: str) -> CheckResult | None:
        for c in self.checks:
            if c.id == check_id:
                return c
        return None

    def to_dict(self) -> dict:
        return {
            "file": self.file, "passed": self.passed, "profile": self.profile,
            "checks": [c.to_dict() for c in self.checks],
            "error": dict(self.error) if self.error else None,
            "fixable": self.fixable, "face": _jsonable(self.face), "skipped": dict(self.skipped),
            "fixed": _jsonable(self.fixed),
        }
