"""``GET /docs``: interactive API documentation (Swagger UI) served from this server, no CDN.

The Swagger UI files (5.x, which reads the OpenAPI 3.1 that FastAPI writes) come from the
``fastapi-offline`` package, installed with ``mynacard[serve]``: only its files are used,
not its app class. (``swagger-ui-bundle`` ships Swagger UI 4, which cannot read OpenAPI
3.1.) The page and its start-up script are ``mynacard/serve/static/docs*``.
The page may load only this server's files (Content-Security-Policy) and reads only
``/openapi.json``; "Try it out" sends requests to this server alone.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

router = APIRouter(include_in_schema=False)

#: The Swagger UI files the page uses, with their media types (a fixed list: no path from a request
#: reaches the file system).
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon.png": "image/png",
}
# Swagger UI sets style attributes and inlines SVG icons as data: URLs; scripts are this server's only.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self' data:; connect-src 'self'; object-src 'none'; form-action 'none'; base-uri 'none'; "
       "frame-ancestors 'none'")
_CACHE = {"Cache-Control": "public, max-age=86400"}  # the files change only with the installed package


def swagger_ui_dir() -> Path:
    """The folder of the installed Swagger UI files."""
    return Path(str(resources.files("fastapi_offline").joinpath("static")))


def _static(name: str) -> bytes:
    return resources.files("mynacard.serve").joinpath("static", name).read_bytes()


@router.get("/docs")
async def docs_page() -> Response:
    return Response(_static("docs.html"), media_type="text/html; charset=utf-8",
                    headers={"Content-Security-Policy": CSP})


@router.get("/docs/init.js")
async def docs_init() -> Response:
    return Response(_static("docs-init.js"), media_type="text/javascript; charset=utf-8", headers=_CACHE)


@router.get("/docs/swagger-ui/{name}")
async def swagger_asset(name: str) -> Response:
    if name not in ASSETS:
        raise HTTPException(404, "no such file")
    return Response((swagger_ui_dir() / name).read_bytes(), media_type=ASSETS[name], headers=_CACHE)
