"""``POST /v1/photo/chip``: the IC chip's colour portrait of one uploaded photo.

The answer is ``mynacard photo chip --json``'s object plus the three files in base64:
``image`` (JPEG or JPEG 2000), ``record`` (ISO/IEC 19794-5) and ``dg2`` (ICAO DG2). A photo
that fails a subject check is answered 422 ``chip.refused`` with one problem per failed
check (the check's id, its Japanese and English message), as ``photo check`` reports them.
"""

from __future__ import annotations

import base64
from pathlib import PurePath
from typing import Any, Literal

from fastapi import APIRouter, File, Form, Request, UploadFile
from pydantic import BaseModel, Field

from mynacard.serve import compute
from mynacard.serve.errors import ServiceError
from mynacard.serve.forms import form_parts
from mynacard.serve.limits import media_type, read_upload
from mynacard.serve.models import PROFILE_PATTERN, ErrorBody

router = APIRouter(tags=["photo"])


class ChipOut(BaseModel):
    """The chip portrait: files in base64 and what the coding cost."""

    file: str | None = None
    kind: Literal["token", "full"]
    codec: Literal["jpeg", "jpeg2000"]
    width: int
    height: int
    budget_bytes: int
    image_bytes: int
    record_bytes: int
    dg2_bytes: int
    profile: str
    quality: dict[str, Any] = Field(description="drift_p95_pct, drift_median_pct, skin_delta_e00, ssim_face, "
                                    "meets_target (drift <= 1.5 % of the eye distance and skin dE00 <= 3).")
    geometry: dict[str, Any]
    encoder: dict[str, Any]
    feature_points: dict[str, list[int]] = Field(description="MPEG-4 feature point -> [x, y] in portrait px.")
    seconds: dict[str, float] = Field(default_factory=dict)
    image: str = Field(description="The encoded portrait, base64.")
    record: str = Field(description="The ISO/IEC 19794-5 (version 010) face record, base64.")
    dg2: str = Field(description="ICAO Doc 9303-10 data group 2 holding the record, base64.")


def make_chip(data: bytes, filename: str | None, budget: int | None, codec: str, kind: str, profile: str) -> dict:
    """The portrait as a plain dict, or ``{"refused": [...]}`` (plain data: it may cross processes)."""
    from photo.chip import ChipRefused, chip_portrait

    try:
        p = chip_portrait(data, budget_bytes=budget, codec=codec, kind=kind, profile=profile)
    except ChipRefused as err:
        return {"refused": err.reasons, "message": err.message}
    d = p.to_dict()
    d["file"] = filename
    for key, blob in (("image", p.image), ("record", p.record), ("dg2", p.dg2)):
        d[key] = base64.b64encode(blob).decode("ascii")
    return d


@router.post(
    "/v1/photo/chip", response_model=ChipOut, summary="The chip portrait of an application photo",
    dependencies=[media_type("multipart/form-data", "application/x-www-form-urlencoded"), form_parts()],
    responses={
        413: {"model": ErrorBody, "description": "The upload is over the limit."},
        415: {"model": ErrorBody, "description": "Not an image, or a format that is not read."},
        422: {"model": ErrorBody, "description": "Refused (`chip.refused`: one problem per failed subject check), "
              "no face (`chip.no_face`), a budget too small (`chip.budget_too_small`), a bad option, an unknown "
              "field or a part sent twice (`request.invalid`)."},
        503: {"model": ErrorBody, "description": "Too many requests waiting (`serve.busy`); retry."},
    })
async def post_photo_chip(
    request: Request,
    file: UploadFile = File(..., description="An accepted application photo."),
    budget_bytes: int | None = Form(None, ge=500, le=200_000,
                                    description="Largest encoded image [default 7000 token, 12000 full]."),
    codec: Literal["jpeg", "jpeg2000", "jp2"] = Form("jpeg", description="`jpeg` (baseline) or `jpeg2000`; "
                                                   "`jp2` is `jpeg2000`, as the CLI's `--codec jp2`."),
    kind: Literal["token", "full"] = Form("token"),
    profile: str | None = Form(None, pattern=PROFILE_PATTERN,
                               description="Profile whose subject checks must pass (default mynumber-next)."),
) -> dict:
    """Make the ISO/IEC 19794-5 portrait within the byte budget, its face record and DG2."""
    state = request.app.state
    data = await read_upload(file, state.settings.max_upload_bytes)
    name = PurePath(file.filename).name if file.filename else None
    codec = "jpeg2000" if codec == "jp2" else codec  # the answer names the codec one way
    out = await compute.of(request.app).models(make_chip, data, name, budget_bytes, codec, kind,
                                               profile or "mynumber-next")
    if "refused" in out:
        problems = [{"field": r["id"], "code": r["id"], "message": r["message_en"], "message_ja": r["message"],
                     "record": None} for r in out["refused"]]
        raise ServiceError("chip.refused", out["message"], problems=problems)
    return out
