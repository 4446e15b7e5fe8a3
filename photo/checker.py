"""load -> analyse once -> every check of the profile -> report."""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from photo import checks as checks_mod
from photo import profile as profile_mod
from photo.errors import InputError
from photo.report import PhotoReport

log = logging.getLogger("photo.checker")

GEOMETRY_FIXABLE = ("geometry.head_size", "geometry.centered", "geometry.eye_height", "geometry.margins",
                    "image.dimensions")


def source_name(source: Any, file: str | None) -> str | None:
    if file is not None:
        return file
    if isinstance(source, (str, os.PathLike)):
        return str(source)
    return None


def run_checks(analysis, prof) -> PhotoReport:
    rep = PhotoReport(file=None, profile=prof.name)
    for cid, limits in prof.checks.items():
        r = checks_mod.run(cid, analysis, limits)
        if r is None:
            rep.skipped[cid] = "does not apply to this input"
            continue
        rep.checks.append(r)
    rep.face = analysis.face_summary()
    _settle_fixable(rep, analysis, prof)
    return rep


def _settle_fixable(rep: PhotoReport, analysis, prof) -> None:
    """Framing failures are fixable exactly when a compliant 35:45 crop fits inside this photo."""
    geo = [c for c in rep.failed if c.id in GEOMETRY_FIXABLE and not (c.id == "image.dimensions" and c.key != "aspect")]
    if not geo:
        return
    from photo.fix import plan_crop

    plan = plan_crop(analysis, prof) if analysis.has_face else None
    for c in geo:
        c.fixable = plan is not None
        if plan is None and analysis.has_face:
            c.details = {**c.details, "fix": "no compliant crop fits inside this photo"}


def analyse_and_check(source: Any, profile: Any = profile_mod.DEFAULT, *, file: str | None = None):
    """(FaceAnalysis or None, PhotoReport): for callers that also annotate from the same analysis."""
    prof = profile_mod.get(profile)  # ProfileError for an unknown/invalid profile
    name = source_name(source, file)
    t = time.perf_counter()
    from photo.analysis import FaceAnalysis
    from photo.load import load

    try:
        decoded = load(source)
    except InputError as err:
        log.debug("photo not checked (%s): %s", prof.name, err.code)
        return None, PhotoReport(file=name, profile=prof.name, error=err.to_dict(), seconds=time.perf_counter() - t)
    analysis = FaceAnalysis(decoded)
    rep = run_checks(analysis, prof)
    rep.file = name
    rep.seconds = time.perf_counter() - t
    # codes and timings only: file names may carry an applicant's name
    log.debug("photo checked (%s) in %.0f ms: %s", prof.name, rep.seconds * 1000,
              "passed" if rep.passed else "failed " + " ".join(c.id for c in rep.failed))
    return analysis, rep


def check(source: Any, profile: Any = profile_mod.DEFAULT, *, file: str | None = None) -> PhotoReport:
    return analyse_and_check(source, profile, file=file)[1]
