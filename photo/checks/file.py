"""The file itself: format, byte size and the date it was taken.

Source: J-LIS online application requirements as reported by secondary sources (JPEG,
20 KB-7 MB); J-LIS and MOFA: taken within six months.
"""

from __future__ import annotations

from photo.checks import check
from photo.months import add_months
from photo.report import result, unjudged


@check("file.format", limits={"allowed": "list[str]"}, needs_face=False)
def file_format(a, limits):
    """The file format must be one the application accepts (JPEG for online applications). J-LIS."""
    fmt = a.decoded.format
    if fmt is None:
        return None  # pixels handed over in memory: there is no file format to judge
    allowed = [s.upper() for s in limits["allowed"]]
    r = result(fmt.upper() in allowed, fmt, limits["allowed"], allowed=" / ".join(allowed))
    return r


@check("file.size", limits={"min_bytes": "int", "max_bytes": "int", "dense_bytes_per_px": "float?"}, needs_face=False)
def file_size(a, limits):
    """File size between the limits (20 KB-7 MB for online applications). J-LIS, secondary sources.
    A file too small though it holds at least ``dense_bytes_per_px`` bytes per pixel is small for
    its few pixels (key ``few_pixels``: use the original photo), not for its compression."""
    d = a.decoded
    n = d.byte_size
    if n is None:
        return None  # no file
    lo, hi = limits["min_bytes"], limits["max_bytes"]
    key = "ok" if lo <= n <= hi else ("too_small" if n < lo else "too_large")
    dense = limits.get("dense_bytes_per_px")
    if key == "too_small" and dense is not None and n >= dense * d.width * d.height:
        key = "few_pixels"
    r = result(key == "ok", n, [lo, hi], key, kb=round(n / 1000), lo_kb=round(lo / 1000),
               hi_mb=round(hi / 1e6, 1), w=d.width, h=d.height)
    return r


@check("file.taken", limits={"max_age_months": "int"}, needs_face=False)
def file_taken(a, limits):
    """Taken within max_age_months before the day the photo is judged on (the application's date,
    today by default), by the date the camera wrote into the file (EXIF DateTimeOriginal). J-LIS
    and MOFA: taken within six months. Not evaluated without that date (messaging apps strip it,
    and ``photo.fix`` drops all metadata), nor for a date after the day judged on (the camera's
    clock is wrong). The date is the camera's word: a clock never set can make a new photo old."""
    if a.decoded.format is None:
        return None  # pixels handed over in memory: there is no file to read a date from
    months, taken, on = limits["max_age_months"], a.decoded.taken, a.checked_on
    if taken is None:
        return unjudged(None, months, "no_date")
    if taken > on:
        return unjudged(taken.isoformat(), months, "future", taken=taken.isoformat(), on=on.isoformat())
    ok = add_months(taken, months) >= on
    r = result(ok, taken.isoformat(), months, "ok" if ok else "old", taken=taken.isoformat(), on=on.isoformat(),
               months=months)
    r.details = {"checked_on": on.isoformat()}
    return r
