"""load -> analyse once -> every check of the profile -> report (fixable failures from :mod:`photo.framing`)."""

from __future__ import annotations

import datetime
import logging
import os
import time
from typing import Any

from photo import checks as checks_mod
from photo import framing
from photo import profile as profile_mod
from photo.errors import InputError
from photo.report import PhotoReport

log = logging.getLogger("photo.checker")


def source_name(source: Any, file: str | None) -> str | None:
    if file is not None:
        return file
    if isinstance(source, (str, os.PathLike)):
        return str(source)
    return None


def run_checks(analysis, prof) -> PhotoReport:
    rep = PhotoReport(file=None, profile=prof.name)
    covered = False  # mouth.visible found the mouth covered: the checks that read it or the cheeks are not judged
    exposure = False  # lighting.exposure failed: the skin's colour is not judged
    for cid, limits in prof.checks.items():
        r = checks_mod.run(cid, analysis, limits, mouth_covered=covered, badly_exposed=exposure)
        if r is None:
            rep.skipped[cid] = "does not apply to this input"
            continue
        covered = covered or (r.id == "mouth.visible" and r.evaluated and r.key == "covered")
        exposure = exposure or (r.id == "lighting.exposure" and r.evaluated and not r.passed)
        rep.checks.append(r)
    rep.face = analysis.face_summary()
    framing.settle_fixable(rep, analysis, prof)
    return rep


def analyse(decoded, on: datetime.date | None = None):
    """The :class:`~photo.analysis.FaceAnalysis` of ``decoded``; a photo on its side (the face
    rolled a quarter turn, :func:`photo.checks.upright_turn`) is analysed turned upright
    (:func:`photo.intake.turned`), so every check reads the upright face and ``pose.roll``
    says the photo was turned (fixable: :func:`photo.fix` writes it upright)."""
    from photo.analysis import FaceAnalysis
    from photo.intake import turned

    analysis = FaceAnalysis(decoded, checked_on=on)
    turn = checks_mod.upright_turn(analysis)
    if turn:
        again = FaceAnalysis(turned(decoded, turn), checked_on=on)
        if again.has_face and abs(again.pose.roll_deg) <= checks_mod.turned_max_roll_deg():
            return again
    return analysis


def analyse_and_check(source: Any, profile: Any = profile_mod.DEFAULT, *, file: str | None = None,
                      keep_bytes: bool = False, on: datetime.date | None = None):
    """(FaceAnalysis or None, PhotoReport): for callers that also annotate, fix or frame from the
    same analysis. ``keep_bytes`` keeps the file's bytes in ``analysis.decoded.raw`` (for
    ``photo.fix`` and the card portrait, which cut full-resolution pixels from them). ``on``:
    the day the photo is judged on (the application's date; today when None), which
    ``file.taken`` counts the photo's age to."""
    from photo import models

    with models.in_use():
        return _analyse_and_check(source, profile, file=file, keep_bytes=keep_bytes, on=on)


def _analyse_and_check(source: Any, profile: Any, *, file: str | None, keep_bytes: bool,
                       on: datetime.date | None):
    prof = profile_mod.get(profile)  # ProfileError for an unknown/invalid profile
    name = source_name(source, file)
    t = time.perf_counter()
    from photo.intake import load

    try:
        decoded = load(source, keep_bytes=keep_bytes)
    except InputError as err:
        log.debug("photo not checked (%s): %s", prof.name, err.code)
        return None, PhotoReport(file=name, profile=prof.name, error=err.to_dict(), seconds=time.perf_counter() - t)
    analysis = analyse(decoded, on)
    rep = run_checks(analysis, prof)
    rep.file = name
    rep.seconds = time.perf_counter() - t
    # codes and timings only: file names may carry an applicant's name
    log.debug("photo checked (%s) in %.0f ms: %s", prof.name, rep.seconds * 1000,
              "passed" if rep.passed else "failed " + " ".join(c.id for c in rep.failed))
    return analysis, rep


def check(source: Any, profile: Any = profile_mod.DEFAULT, *, file: str | None = None,
          on: datetime.date | None = None) -> PhotoReport:
    return analyse_and_check(source, profile, file=file, on=on)[1]
