"""Profiles: which checks run and with which limits, one TOML file each.

Built-in profiles live in ``photo/profiles/*.toml``. A user adds one without touching code:
pass a path to a ``.toml`` file, or put files in a folder named by the environment variable
``MYNACARD_PHOTO_PROFILES`` (several folders or files separated by ``os.pathsep``); a file
there overrides a built-in profile of the same name. Every file is validated on load: each
check id must exist and get exactly the limit keys it declares, with the right types;
anything else is a :class:`~photo.errors.ProfileError` (code ``profile.invalid``).

File shape::

    name = "mynumber-online"
    title = "..."
    [print]            # the printed photo the geometry refers to
    width_mm = 35
    height_mm = 45
    [checks."pose.yaw"]
    max_abs_deg = 5.0
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from photo.errors import ProfileError

ENV = "MYNACARD_PHOTO_PROFILES"
DEFAULT = "mynumber-online"


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    width_mm: float
    height_mm: float
    checks: dict[str, dict] = field(default_factory=dict)  # check id -> limits, in report order
    source: str = ""
    description: str = ""


def _builtin_dir() -> Path:
    return Path(str(resources.files("photo").joinpath("profiles")))


def _search_paths() -> list[Path]:
    paths = []
    for part in os.environ.get(ENV, "").split(os.pathsep):
        if part.strip():
            folder = Path(part.strip()).expanduser()
            if not folder.is_dir():  # a mistyped setting must not silently fall back to the built-ins
                raise ProfileError(f"{ENV}={part.strip()}: no such folder")
            paths.append(folder)
    paths.append(_builtin_dir())
    return paths


def available() -> dict[str, Path]:
    """Profile name -> file, user folders first (they override built-ins of the same name)."""
    stamps = []
    for p in _search_paths():
        try:
            stamps.append((str(p), p.stat().st_mtime_ns))
        except OSError:
            stamps.append((str(p), -1))
    return dict(_listing(tuple(stamps)))


@lru_cache(maxsize=8)
def _listing(stamps: tuple[tuple[str, int], ...]) -> tuple[tuple[str, Path], ...]:
    """(name, file) pairs of the search paths, listed once per state of the folders: a folder's
    modification time changes when a file is added, removed or renamed in it."""
    found: dict[str, Path] = {}
    for s, _ in stamps:
        p = Path(s)
        files = [p] if p.is_file() else sorted(p.glob("*.toml")) if p.is_dir() else []
        for f in files:
            found.setdefault(f.stem, f.resolve())
    return tuple(found.items())


_TYPES = {
    "float": (int, float), "int": (int,), "bool": (bool,), "str": (str,), "list[str]": (list,),
}


def _validate(data: dict, source: str) -> Profile:
    from photo.checks import registry

    def bad(msg: str) -> ProfileError:
        return ProfileError(f"profile {source}: {msg}")

    if not isinstance(data.get("name"), str) or not data["name"]:
        raise bad("needs a 'name'")
    pr = data.get("print")
    if not isinstance(pr, dict) or not all(isinstance(pr.get(k), (int, float)) and pr.get(k) > 0
                                           for k in ("width_mm", "height_mm")):
        raise bad("needs [print] width_mm and height_mm (positive numbers)")
    unknown_top = set(data) - {"name", "title", "description", "print", "checks"}
    if unknown_top:
        raise bad(f"unknown keys {sorted(unknown_top)}")
    checks = data.get("checks")
    if not isinstance(checks, dict) or not checks:
        raise bad("needs a [checks] table with at least one check")
    reg = registry()
    for cid, limits in checks.items():
        if cid not in reg:
            raise bad(f"unknown check '{cid}' (known: {', '.join(reg)})")
        if not isinstance(limits, dict):
            raise bad(f"[checks.\"{cid}\"] must be a table of limits")
        spec = reg[cid].limits
        for key in limits:
            if key not in spec:
                raise bad(f"check '{cid}' has no limit '{key}' (it takes: {', '.join(spec)})")
        for key, typ in spec.items():
            optional = typ.endswith("?")
            typ = typ.rstrip("?")
            if key not in limits:
                if optional:
                    continue
                raise bad(f"check '{cid}' needs limit '{key}' ({typ})")
            v = limits[key]
            ok = isinstance(v, _TYPES[typ]) and not (typ in ("float", "int") and isinstance(v, bool))
            if typ == "list[str]":
                ok = ok and all(isinstance(x, str) for x in v)
            if not ok:
                raise bad(f"check '{cid}' limit '{key}' must be {typ}, not {v!r}")
    for cid, limits in checks.items():
        if "print_height_mm" in limits and float(limits["print_height_mm"]) != float(pr["height_mm"]):
            raise bad(f"check '{cid}' print_height_mm {limits['print_height_mm']} differs from [print] "
                      f"height_mm {pr['height_mm']}")
    ordered = {cid: dict(checks[cid]) for cid in reg if cid in checks}
    return Profile(name=data["name"], title=str(data.get("title", data["name"])),
                   width_mm=float(pr["width_mm"]), height_mm=float(pr["height_mm"]), checks=ordered,
                   source=source, description=str(data.get("description", "")))


def load_file(path: str | os.PathLike) -> Profile:
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(f"no profile file {p}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ProfileError(f"cannot read profile {p}: {err}") from None
    except tomllib.TOMLDecodeError as err:
        raise ProfileError(f"profile {p.name} is not valid TOML: {err}") from None
    prof = _validate(data, p.name)
    builtin = {f.stem for f in _builtin_dir().glob("*.toml")}
    if prof.name != p.stem and prof.name in builtin:
        # a copy of a built-in profile that kept its name: reports would name the original
        raise ProfileError(f"profile {p.name}: name = '{prof.name}' is a built-in profile's name; give the "
                           f"copy a name of its own (e.g. name = \"{p.stem}\")")
    return prof


@lru_cache(maxsize=64)
def _cached(path: str, mtime: float) -> Profile:
    return load_file(path)


def get(profile: str | os.PathLike | Profile = DEFAULT) -> Profile:
    """A profile by name (built-in or from ``$MYNACARD_PHOTO_PROFILES``) or by path to a TOML file."""
    if isinstance(profile, Profile):
        return profile
    s = str(profile)
    p = Path(s)
    if s.endswith(".toml") or os.sep in s or "/" in s:
        if not p.is_file():
            raise ProfileError(f"no profile file {s}")
        return _cached(str(p.resolve()), p.stat().st_mtime)
    found = available()
    if s not in found:
        raise ProfileError(f"unknown profile '{s}' (available: {', '.join(sorted(found))})")
    f = found[s]
    return _cached(str(f), f.stat().st_mtime)
