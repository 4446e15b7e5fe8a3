"""``GET /``: the card-design preview page; ``GET /capture``: the eKYC capture guide; their static
files (no build step, no CDN)."""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

router = APIRouter(include_in_schema=False)

STATIC = {"app.css": "text/css; charset=utf-8", "app.js": "text/javascript; charset=utf-8",
          "capture.css": "text/css; charset=utf-8", "capture.js": "text/javascript; charset=utf-8"}
# The page loads only its own files; previews are blob: URLs made by app.js.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
       "connect-src 'self'; object-src 'none'; frame-src blob:; form-action 'none'; base-uri 'none'; "
       "frame-ancestors 'none'")


def _read(name: str) -> bytes:
    return resources.files("mynacard.serve").joinpath("static", name).read_bytes()


@router.get("/")
async def index() -> Response:
    return Response(_read("index.html"), media_type="text/html; charset=utf-8",
                    headers={"Content-Security-Policy": CSP})


# The capture guide shows the camera: its stream is a MediaStream object (no URL), its photo a blob:.
CAPTURE_CSP = CSP.replace("img-src 'self' blob: data:;", "img-src 'self' blob:; media-src 'self' blob: mediastream:;")


@router.get("/capture")
async def capture() -> Response:
    """The capture guide for the eKYC thickness shot (camera frames -> /v1/ekyc/evidence)."""
    return Response(_read("capture.html"), media_type="text/html; charset=utf-8",
                    headers={"Content-Security-Policy": CAPTURE_CSP, "Permissions-Policy": "camera=(self)"})


@router.get("/static/{name}")
async def static(name: str) -> Response:
    if name not in STATIC:  # a fixed list: no path ever reaches the file system
        raise HTTPException(404, "no such file")
    return Response(_read(name), media_type=STATIC[name], headers={"Cache-Control": "no-cache"})
