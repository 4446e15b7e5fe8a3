"""photo: is this face photo fit for a My Number card application, requirement by requirement?

    >>> import photo
    >>> report = photo.check("me.jpg")                  # profile "mynumber-online"
    >>> report.passed, [c.id for c in report.failed]
    >>> photo.check(data_bytes, profile="mynumber-next").to_dict()

Public API: :func:`check`, :func:`chip_portrait`, :func:`load`, :func:`face_geometry`, :func:`fix`, :func:`warm_up`,
:func:`profiles`, and the types ``PhotoReport``, ``CheckResult``, ``FaceGeometry``,
``Decoded``, ``Profile``. Importing ``photo`` is cheap: numpy, OpenCV and mediapipe are
imported on first use, and the models load once per process.
"""

from __future__ import annotations

import atexit
import datetime
import sys
from typing import TYPE_CHECKING, Any

from photo.errors import InputError, PhotoError, ProfileError

if TYPE_CHECKING:
    from photo.chip import ChipPortrait
    from photo.correction import FixResult
    from photo.face import FaceGeometry
    from photo.intake import Decoded
    from photo.report import PhotoReport

__all__ = [
    "InputError", "PhotoError", "ProfileError", "check", "chip_portrait", "face_geometry", "fix", "load", "profiles", "warm_up",
]


#: set when the interpreter exits (the handler is registered at ``import photo``, so it runs
#: before a caller's atexit handlers registered earlier and after those registered later); from
#: then on :mod:`photo.models` builds no model, since nothing would close it
_exit_started = False


def _on_exit() -> None:
    global _exit_started
    _exit_started = True
    models = sys.modules.get("photo.models")
    if models is not None:  # loaded: wait for the photos in progress, then close the models
        models._close_at_exit()


atexit.register(_on_exit)


def check(source: Any, profile: Any = "mynumber-online", *, file: str | None = None,
          on: datetime.date | None = None) -> PhotoReport:
    """Check one photo against a profile; never raises for bad input (the report carries ``error``).

    ``source``: a path, bytes, a PIL image or an RGB uint8 numpy array. ``profile``: a
    profile name, a path to a profile TOML file or a :class:`photo.profile.Profile`
    (an unknown or invalid profile raises :class:`ProfileError`). ``on``: the day the photo
    is judged on, the application's date (default today): ``file.taken`` counts the photo's
    age, by the date its camera wrote into the file, to it.
    """
    from photo.checker import check as _check

    return _check(source, profile, file=file, on=on)


def chip_portrait(source: Any, **kw: Any) -> ChipPortrait:
    """The chip portrait (ISO/IEC 19794-5 token or full frontal image to a byte budget, its face
    record and ICAO DG2, quality measures); see :func:`photo.chip.chip_portrait`."""
    from photo import models
    from photo.chip import chip_portrait as _cp

    with models.in_use():  # at interpreter exit: waited for, or refused (model.exiting)
        return _cp(source, **kw)


def load(source: Any, **kw: Any) -> Decoded:
    """Decode for checking; raises :class:`InputError` subclasses with stable codes."""
    from photo.intake import load as _load

    return _load(source, **kw)


def face_geometry(source: Any) -> FaceGeometry | None:
    """Eyes, chin, crown, face box and roll of the main face, in the ORIGINAL image's pixels
    (after EXIF orientation); None when no face is found. Raises :class:`InputError` for bad input."""
    from photo import models
    from photo.face import face_geometry as _fg

    with models.in_use():
        return _fg(source)


def fix(source: Any, profile: Any = "mynumber-online", **kw: Any) -> FixResult:
    """A corrected JPEG when only fixable checks fail (orientation, crop, size, format, metadata).

    Pass ``analysis=`` and ``report=`` from :func:`photo.checker.analyse_and_check` to fix a
    photo already checked without analysing it again (see :func:`photo.correction.fix`)."""
    from photo import models
    from photo.correction import fix as _fix

    with models.in_use():
        return _fix(source, profile, **kw)


def warm_up() -> float:
    """Load every model now (in a worker process before the first photo); returns seconds spent."""
    from photo.models import warm_up as _w

    return _w()


def profiles() -> dict:
    """Available profile names -> their files (built-in and from ``$MYNACARD_PHOTO_PROFILES``)."""
    from photo.profile import available

    return available()


def __getattr__(name: str) -> Any:
    if name in ("PhotoReport", "CheckResult"):
        from photo import report

        return getattr(report, name)
    if name == "FaceGeometry":
        from photo.face import FaceGeometry

        return FaceGeometry
    if name == "Decoded":
        from photo.intake import Decoded

        return Decoded
    if name == "Profile":
        from photo.profile import Profile

        return Profile
    raise AttributeError(f"module 'photo' has no attribute {name!r}")
