"""``POST /v1/photo/check``: the photo report for one uploaded photo (the CLI's JSON)."""

from __future__ import annotations

import datetime
from pathlib import PurePath

from fastapi import APIRouter, File, Form, Request, UploadFile

from mynacard.serve import compute
from mynacard.serve.forms import form_parts
from mynacard.serve.limits import media_type, read_upload
from mynacard.serve.models import PROFILE_PATTERN, ErrorBody, PhotoReportOut
from photo.errors import PhotoError

router = APIRouter(tags=["photo"])


def check_photo(data: bytes, profile: str, filename: str | None, on: datetime.date | None = None) -> dict:
    """``photo.check`` on the uploaded bytes; an input that cannot be checked raises its error."""
    import photo

    report = photo.check(data, profile=profile, file=filename, on=on)
    if report.error:
        raise PhotoError(report.error["message"], code=report.error["code"])
    return report.to_dict()


def annotate_photo(data: bytes, profile: str, filename: str | None, on: datetime.date | None = None) -> dict:
    """:func:`check_photo` plus the review image (PNG, no metadata, base64 in ``annotated``),
    drawn from the check's own analysis."""
    import base64
    import io

    from photo import profile as profile_mod
    from photo.annotate import draw
    from photo.checker import analyse_and_check

    prof = profile_mod.get(profile)
    analysis, report = analyse_and_check(data, prof, file=filename, on=on)
    if report.error or analysis is None:
        raise PhotoError(report.error["message"], code=report.error["code"])
    buf = io.BytesIO()
    draw(analysis, report, prof).save(buf, "PNG")
    return {**report.to_dict(), "annotated": base64.b64encode(buf.getvalue()).decode("ascii")}


@router.post(
    "/v1/photo/check", response_model=PhotoReportOut, summary="Check an application photo",
    dependencies=[media_type("multipart/form-data", "application/x-www-form-urlencoded"), form_parts()],
    responses={
        413: {"model": ErrorBody, "description": "The upload is over the limit (`input.file_too_large`, "
              "`request.too_large`)."},
        415: {"model": ErrorBody, "description": "Not an image, or a format that is not checked "
              "(`input.not_image`, `input.unsupported_format`, `input.heic`, `input.animated`), or a body "
              "that is not multipart/form-data (`request.unsupported_media_type`)."},
        422: {"model": ErrorBody, "description": "A damaged image, an unknown profile, or a malformed request "
              "(`request.invalid`: a field out of range, an unknown field, a part sent twice)."},
        503: {"model": ErrorBody, "description": "Too many checks waiting (`serve.busy`); retry."},
    })
async def post_photo_check(
    request: Request,
    file: UploadFile = File(..., description="The photo (JPEG for the online profiles)."),
    profile: str | None = Form(None, pattern=PROFILE_PATTERN,
                               description="Profile name (default: the server's, mynumber-online)."),
    annotate: bool = Form(False, description="Also return the review image (PNG, base64, in `annotated`): "
                          "what made each failed check fail, marked in red."),
    on: datetime.date | None = Form(None, description="The day the photo is judged on, YYYY-MM-DD (the "
                                    "application's date; default: the server's today): `file.taken` counts "
                                    "the photo's age, by the date its camera wrote into the file, to it."),
) -> dict:
    """Check one photo requirement by requirement, as ``mynacard photo check --json`` does.

    ``passed`` is true only when every check of the profile passed; each check carries its
    measured ``value``, the profile's ``limit`` and what to change, in Japanese (``message``)
    and English (``message_en``). With ``annotate=true`` the answer also carries the review
    image in ``annotated`` (drawn only when asked).
    """
    state = request.app.state
    data = await read_upload(file, state.settings.max_upload_bytes)
    name = PurePath(file.filename).name if file.filename else None
    run = annotate_photo if annotate else check_photo  # the review image only when asked
    return await compute.of(request.app).models(run, data, profile or state.settings.profile, name, on)
