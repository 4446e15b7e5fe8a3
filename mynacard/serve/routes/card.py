"""``POST /v1/card/render``: a card face from holder data (JSON, or a form with a photo).

Output is a marked preview with the My Number masked, exactly as the CLI renders by
default. Callers may ask for ``production=true`` (no 見本 SAMPLE mark) or
``show_number=true`` only on a server started with ``--production``
(``MYNACARD_SERVE_PRODUCTION=1``); elsewhere those requests are refused with 403
``serve.production_disabled`` rather than silently downgraded.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Query, Request, Response
from starlette.datastructures import UploadFile

from cardface.errors import FieldProblem, HolderError, InputFileError
from mynacard.serve import compute
from mynacard.serve.errors import ServiceError
from mynacard.serve.forms import check_parts
from mynacard.serve.limits import read_upload
from mynacard.serve.models import ErrorBody, HolderForm, HolderIn
from photo.errors import EmptyInput

router = APIRouter(tags=["card"])

MEDIA_TYPES = {"png": "image/png", "pdf": "application/pdf"}

#: The form's parts; any other, or one of these twice, is 422 (:mod:`mynacard.serve.forms`).
PARTS = ("holder", "photo")

_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/HolderIn"}},
        "multipart/form-data": {
            "schema": {"$ref": "#/components/schemas/HolderForm"},
            "encoding": {"holder": {"contentType": "application/json"},
                         "photo": {"contentType": "image/jpeg, image/png"}},
        },
    },
}


def _holder(data: object):
    """Validate with the CLI's model; a ``photo`` path in the data is one more bad field."""
    from cardface.holder import Holder

    problems: list[FieldProblem] = []
    if isinstance(data, dict) and "photo" in data:
        path = data["photo"]
        data = {k: v for k, v in data.items() if k != "photo"}
        if path not in (None, ""):
            problems.append(FieldProblem("photo", "holder.photo_path",
                                         "send the photo as the multipart part `photo`, not as a path",
                                         "写真はパスではなく multipart の photo として送ってください"))
    try:
        holder = Holder.from_dict(data)
    except HolderError as err:
        problems = [*err.problems, *problems]
    if problems:
        fields = ", ".join(sorted({p.field for p in problems}))
        raise HolderError(f"invalid holder data: {len(problems)} problem(s) in {fields}", problems=problems)
    return holder


def render_card(data: object, photo: bytes | None, *, side: str, layout: str, fmt: str, dpi: int,
                preview: bool, show_number: bool, allow_failing_photo: bool) -> bytes:
    """Validate the holder and render one face with ``cardface.render`` (runs in a worker thread)."""
    import cardface

    holder = _holder(data)
    with tempfile.TemporaryDirectory(prefix="mynacard-serve-") as tmp:
        if photo is not None:
            path = Path(tmp) / "photo"
            path.write_bytes(photo)
            holder.photo = path
        return cardface.render(holder, side=side, layout=layout, fmt=fmt, dpi=dpi, preview=preview,
                               show_number=show_number, allow_failing_photo=allow_failing_photo)


async def _read_body(request: Request, max_upload: int, max_field: int) -> tuple[object, bytes | None]:
    """(holder data, photo bytes or None) from a JSON body or a multipart form."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/json" or ctype.endswith("+json"):
        return _parse_holder(await request.body()), None
    if ctype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        async with request.form(max_files=2, max_fields=8, max_part_size=max_field) as form:
            check_parts((name for name, _ in form.multi_items()), PARTS)
            holder = form.get("holder")
            if isinstance(holder, UploadFile):  # sent as a file part: accept its content
                holder = await read_upload(holder, max_field)
            if not isinstance(holder, (str, bytes)):
                raise ServiceError("request.invalid", "the form needs a `holder` part with the holder as JSON",
                                   problems=[{"field": "holder", "code": "request.invalid",
                                              "message": "missing", "message_ja": "holder がありません",
                                              "record": None}])
            return _parse_holder(holder), await _photo_part(form.get("photo"), max_upload)
    raise ServiceError("request.unsupported_media_type",
                       "send the holder as application/json, or as multipart/form-data with the parts "
                       "`holder` (JSON) and `photo` (file)")


async def _photo_part(part: UploadFile | str | None, max_upload: int) -> bytes | None:
    """The bytes of the form's ``photo`` part; None when the form has none.

    A file that was attached but is empty is refused as ``/v1/photo/check`` refuses it (415
    ``input.empty``), not dropped: the caller would get a card without the photo they sent.
    A part with neither a file name nor bytes is what a browser sends for a file input left
    empty (the HTML form encoding): no photo. Text where the file belongs is 422."""
    if part is None or part == "":
        return None
    if not isinstance(part, UploadFile):
        raise ServiceError("request.invalid", "the form's `photo` part is text: send the photo as a file "
                           "(curl: -F photo=@face.jpg)",
                           problems=[{"field": "photo", "code": "request.invalid", "message": "not a file",
                                      "message_ja": "photo がファイルではありません", "record": None}])
    data = await read_upload(part, max_upload)
    if data:
        return data
    if not part.filename:
        return None
    raise EmptyInput("the photo is empty (0 bytes): attach the photo again, or leave the `photo` part out "
                     "for a card without one")


def _parse_holder(raw: str | bytes) -> object:
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise InputFileError(f"the holder is not UTF-8 text (byte {err.start})",
                                 code="holder.file_encoding") from None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as err:
        raise InputFileError(f"the holder is not valid JSON: {err.msg} at line {err.lineno} column {err.colno}",
                             code="holder.file_json") from None
    except RecursionError:
        raise InputFileError("the holder JSON is nested too deeply", code="holder.file_json") from None
    except ValueError:  # e.g. an integer of more than 4,300 digits (Python's int parsing limit)
        raise InputFileError("the holder JSON holds a number too long to read", code="holder.file_json") from None


@router.post(
    "/v1/card/render", summary="Render a card face (PNG or PDF)", openapi_extra={"requestBody": _BODY},
    response_class=Response,
    responses={
        200: {"content": {"image/png": {"schema": {"type": "string", "format": "binary"}},
                          "application/pdf": {"schema": {"type": "string", "format": "binary"}}},
              "description": "The card face."},
        403: {"model": ErrorBody, "description": "`production` or `show_number` asked of a server that does "
              "not allow them (`serve.production_disabled`)."},
        413: {"model": ErrorBody, "description": "The photo or the body is over the limit."},
        415: {"model": ErrorBody, "description": "Neither JSON nor a multipart form, or the photo is not an "
              "image or is empty (`input.empty`)."},
        422: {"model": ErrorBody, "description": "Invalid holder (`holder.invalid`, every bad field listed), "
              "a character no font has (`glyph.missing`), text that does not fit (`text.overflow`), "
              "a refused photo (`card.photo_refused`), a form with an unknown part or a part sent twice "
              "(`request.invalid`)."},
        503: {"model": ErrorBody, "description": "Too many renders waiting (`serve.busy`); retry."},
    })
async def post_card_render(
    request: Request,
    side: Literal["front", "back"] = Query("front"),
    layout: Literal["next", "current"] = Query("next", description="A packaged layout (not a path)."),
    format: Literal["png", "pdf"] = Query("png"),
    dpi: int = Query(300, ge=72, le=600, description="PNG resolution."),
    production: bool = Query(False, description="No 見本 SAMPLE mark: only on a production server."),
    show_number: bool = Query(False, description="Print the My Number unmasked: only on a production server."),
    allow_failing_photo: bool = Query(False, description="Previews only: place a photo that fails the checks."),
) -> Response:
    """Render one face of the card for the holder, with the photo when one is sent.

    Send the holder as ``application/json`` (schema HolderIn), or as ``multipart/form-data``
    with the part ``holder`` (the same JSON as text) and the part ``photo`` (the image).
    Output is a marked preview with the number masked unless the server allows otherwise.
    """
    state = request.app.state
    settings = state.settings
    if (production or show_number) and not settings.production:
        asked = " and ".join(n for n, v in (("production", production), ("show_number", show_number)) if v)
        raise ServiceError("serve.production_disabled",
                           f"{asked} output is disabled on this server; previews are marked and masked "
                           "(the operator enables it with `mynacard serve --production`)")
    data, photo = await _read_body(request, settings.max_upload_bytes, settings.body_overhead_bytes)
    kwargs = dict(side=side, layout=layout, fmt=format, dpi=dpi, preview=not production,
                  show_number=show_number, allow_failing_photo=allow_failing_photo and not production)
    lanes = compute.of(request.app)
    lane = lanes.models if photo is not None else lanes.cpu
    body = await lane(render_card, data, photo, **kwargs)
    return Response(body, media_type=MEDIA_TYPES[format],
                    headers={"Content-Disposition": f'inline; filename="card-{layout}-{side}.{format}"'})


# Make HolderIn and HolderForm appear in components/schemas (the body above refers to them).
HOLDER_SCHEMAS = (HolderIn, HolderForm)
