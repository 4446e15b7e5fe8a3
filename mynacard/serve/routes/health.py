"""``GET /healthz``: liveness and what this worker is set up to do."""

from __future__ import annotations

from fastapi import APIRouter, Request

from mynacard import __version__
from mynacard.serve.models import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="Liveness and settings of this worker")
async def healthz(request: Request) -> dict:
    state = request.app.state
    return {"status": "ok", "version": __version__, "production": state.settings.production,
            "models_loaded": bool(getattr(state, "models_loaded", False)),
            "max_upload_bytes": state.settings.max_upload_bytes}
