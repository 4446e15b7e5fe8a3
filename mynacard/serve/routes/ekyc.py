"""``POST /v1/ekyc/evidence``: does an uploaded photo show a real card (its 0.76 mm edge)?

The photo is judged in memory by ``cardface.oblique.evidence`` and dropped: nothing is
written, and the answer holds no card text (verdict, reasons, corners, edge measures). The
capture page (``GET /capture``) sends its camera frames here a few times a second.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, File, Form, Request, UploadFile

from mynacard.serve import compute
from mynacard.serve.forms import form_parts
from mynacard.serve.limits import media_type, read_upload
from mynacard.serve.models import ErrorBody

router = APIRouter(tags=["ekyc"])


def judge(data: bytes, layout: str | None) -> dict:
    """``evidence`` on the uploaded bytes (runs in a worker thread)."""
    from cardface.oblique.evidence import evidence

    return evidence(data, layout=layout).to_dict()


@router.post(
    "/v1/ekyc/evidence", summary="Judge whether a photo shows a real card",
    dependencies=[media_type("multipart/form-data"), form_parts()],
    responses={
        413: {"model": ErrorBody, "description": "The upload or the picture is over the limit (`capture.too_large`)."},
        415: {"model": ErrorBody, "description": "Not a readable image (`capture.unreadable`), or not "
              "multipart/form-data (`request.unsupported_media_type`)."},
        422: {"model": ErrorBody, "description": "A malformed request (`request.invalid`: an unknown field, "
              "a part sent twice...)."},
        503: {"model": ErrorBody, "description": "Too many requests waiting (`serve.busy`); retry."},
    })
async def post_ekyc_evidence(
    request: Request,
    file: UploadFile = File(..., description="The photo (JPEG or PNG) of the card held tilted."),
    layout: Literal["next", "current"] | None = Form(None, description="The layout to judge against "
                                                       "(default: the one recognised)."),
) -> dict:
    """The verdict (``card``, ``flat``, ``screen``, ``retake``), its reasons in English and
    Japanese, ``advice`` codes for a retake (``tilt_more``, ``less_glare``, ``hold_still``,
    ``move_back``, ``show_card``, ``tilt_less``, ``other_background``, ``move_closer``), the card's corners,
    its tilt, and the edge: side, width in px, thickness in mm, colour against the core's.
    """
    data = await read_upload(file, request.app.state.settings.max_upload_bytes)
    return await compute.of(request.app).cpu(judge, data, layout)
