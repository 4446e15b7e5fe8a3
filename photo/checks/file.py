"""The file itself: format and byte size.

Source: J-LIS online application requirements as reported by secondary sources (JPEG,
20 KB-7 MB).
"""

from __future__ import annotations

from photo.checks import check
from photo.report import result


@check("file.format", limits={"allowed": "list[str]"}, needs_face=False)
def file_format(a, limits):
    """The file format must be one the application accepts (JPEG for online applications). J-LIS."""
    fmt = a.decoded.format
    if fmt is None:
        return None  # pixels handed over in memory: there is no file format to judge
    allowed = [s.upper() for s in limits["allowed"]]
    r = result(fmt.upper() in allowed, fmt, limits["allowed"], allowed=" / ".join(allowed))
    return r


@check("file.size", limits={"min_bytes": "int", "max_bytes": "int"}, needs_face=False)
def file_size(a, limits):
    """File size between the limits (20 KB-7 MB for online applications). J-LIS, secondary sources."""
    n = a.decoded.byte_size
    if n is None:
        return None  # no file
    lo, hi = limits["min_bytes"], limits["max_bytes"]
    key = "ok" if lo <= n <= hi else ("too_small" if n < lo else "too_large")
    r = result(key == "ok", n, [lo, hi], key, kb=round(n / 1000), lo_kb=round(lo / 1000),
               hi_mb=round(hi / 1e6, 1))
    return r
