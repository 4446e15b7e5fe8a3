"""The FastAPI application: ``create_app(settings)`` (a factory, one app per worker process).

Run it with ``mynacard serve`` (uvicorn, loopback by default) or any ASGI server:
``uvicorn --factory mynacard.serve.app:create_app``. Interactive documentation is at
``/docs`` (Swagger UI from the ``fastapi-offline`` package, no CDN).
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import ClassVar

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mynacard import __version__
from mynacard.serve import errors
from mynacard.serve.compute import Compute
from mynacard.serve.limits import BodyLimit
from mynacard.serve.models import ErrorBody
from mynacard.serve.request_id import RequestIdMiddleware
from mynacard.serve.routes import api_docs, card, chip, ekyc, health, page, photo, romaji
from mynacard.serve.settings import Settings
from mynacard.serve.warm import warm_up, warm_up_tables

log = logging.getLogger("mynacard.serve")

DESCRIPTION = """\
mynacard over HTTP: application photo checks, passport Hepburn and card-face previews.

Errors have one shape, `{"error": {"code", "message", "problems": [...]}}`, with the CLI's
codes. Card renders are marked 見本 SAMPLE previews with the My Number masked unless the
operator started the server with `--production`.
"""


class SecurityHeaders:
    """Headers on every answer: nothing is cached (answers carry personal data), no sniffing."""

    HEADERS: ClassVar[list[tuple[bytes, bytes]]] = [(b"cache-control", b"no-store"), (b"x-content-type-options", b"nosniff"),
               (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY")]

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.HEADERS if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(settings: Settings | None = None, *, load_models: bool = True) -> FastAPI:
    """The service. ``settings`` default to the environment (``Settings.from_env``).

    With ``load_models`` the face models are loaded on the model thread before the first
    request is served (once per worker process).
    """
    from mynacard import logs

    settings = settings or Settings.from_env()
    if not any(getattr(h, "_mynacard", False) for h in logging.getLogger().handlers):
        logs.configure(settings.verbosity, settings.log_format)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        compute = Compute(settings.cpu_threads, model_processes=settings.model_processes,
                          native_threads=settings.native_threads, verbosity=settings.verbosity)
        app.state.compute = compute
        if load_models:
            t = time.perf_counter()
            if settings.model_processes:
                await compute.start_model_processes()
                await compute.cpu(warm_up_tables)
            else:
                from photo.models import reuse_freed_memory

                reuse_freed_memory()  # the server process runs the models itself
                await compute.models(warm_up, settings.native_threads)
            app.state.models_loaded = True
            log.info("models loaded in %.2f s", time.perf_counter() - t)
        try:
            yield
        finally:
            compute.close()

    app = FastAPI(title="mynacard", version=__version__, description=DESCRIPTION, lifespan=lifespan,
                  responses={"default": {"model": ErrorBody, "description": "Any other error, same shape."}},
                  docs_url=None, redoc_url=None)  # FastAPI's pages load scripts from a CDN: routes.api_docs instead
    app.state.settings = settings
    app.state.models_loaded = False
    errors.install(app)
    for router in (health.router, romaji.router, photo.router, chip.router, card.router, ekyc.router, page.router, api_docs.router):
        app.include_router(router)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestIdMiddleware)  # outermost: every answer and log line of a request has the id
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict:
    """The generated schema plus the two request-body models of ``/v1/card/render``."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in card.HOLDER_SCHEMAS:
        js = model.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(js.pop("$defs", {}))
        components[model.__name__] = js
    app.openapi_schema = schema
    return schema
