"""Request and response schemas of the service (they make ``/openapi.json``).

The photo report and the romanized name are the library's own ``to_dict()`` shapes (the
CLI's ``--json``), described here so clients get a schema; routes return the library's
dicts and FastAPI validates them against these models.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# Names only, never paths: a caller must not make the server read a file of its choosing.
PROFILE_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,39}$"


class Problem(BaseModel):
    """One bad field (by name) or one bad parameter."""

    field: str = Field(description="The field or parameter, e.g. `my_number` or `query.side`.")
    code: str
    message: str
    message_ja: str = ""
    record: int | None = None


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable code, the same as the CLI's (`holder.invalid`, `input.not_image`...).")
    message: str
    problems: list[Problem] = Field(default_factory=list)


class ErrorBody(BaseModel):
    """Every 4xx/5xx answer of the service has this shape."""

    error: ErrorDetail


# -- photo ----------------------------------------------------------------------------------


class CheckOut(BaseModel):
    """One requirement's verdict; ``message`` is Japanese, ``message_en`` English; ``key`` the
    reason as a stable code (the message's key: ``ok``, ``fail`` or a cause)."""

    id: str = Field(examples=["pose.yaw"])
    passed: bool
    value: Any = None
    limit: Any = None
    message: str
    message_en: str
    key: str = Field("", examples=["ok", "hair"])
    evaluated: bool = True
    fixable: bool = False
    details: dict[str, Any] = Field(default_factory=dict)


class InputErrorOut(BaseModel):
    code: str
    message: str


class PhotoReportOut(BaseModel):
    """The photo report: the same object ``mynacard photo check --json`` prints per file."""

    file: str | None = None
    passed: bool
    profile: str
    checks: list[CheckOut]
    error: InputErrorOut | None = None
    fixable: bool = False
    face: dict[str, Any] | None = None
    skipped: dict[str, Any] = Field(default_factory=dict)
    fixed: dict[str, Any] | None = None
    annotated: str | None = Field(default=None, description="With annotate=true: the review image (PNG, base64): "
                                  "in red, what made each failed check fail, labelled in Japanese and English.")


# -- romaji ---------------------------------------------------------------------------------


class RomajiRequest(BaseModel):
    """A reading, surname first, and optionally the passport's spelling to check against it."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"kana": "オオノ タロウ", "passport": "OHNO TARO"}]})

    kana: str = Field(min_length=1, max_length=130,
                      description="Surname and given name in kana, separated by a space (half- or full-width).")
    passport: str | None = Field(default=None, max_length=80, description='The passport spelling, "SURNAME GIVEN".')
    kanji: str | None = Field(default=None, max_length=90,
                              description="The name in kanji, surname first, separated by a space: vowels "
                              "across a kanji boundary are then not merged (松浦 マツウラ -> MATSUURA).")


class RomajiPartOut(BaseModel):
    part: str = Field(description="`surname` or `given_name`.")
    kana: str
    spelling: str | None = Field(description="The spelling printed on the card for this part.")
    status: Literal["hepburn", "variant", "non-hepburn", "override"] = Field(
        description="How the spelling relates to the reading: `hepburn`, `variant` (a long-vowel spelling "
        "such as OH a passport accepts on request) or `non-hepburn` (the reason says which letters differ).")
    expected: str = Field(description="The passport Hepburn spelling of the reading.")
    reason: str = Field(description="Why, in Japanese.")
    reason_en: str = Field(description="Why, in English.")
    kanji: str | None = None
    confident: bool = Field(True, description="False when a kanji boundary had to be guessed.")


class RomajiOut(BaseModel):
    text: str = Field(description='The romanized name as printed on the next card, e.g. "OHNO TARO".')
    ok: bool = Field(description="False when any part is non-Hepburn (the CLI exits 1).")
    confident: bool = True
    source: Literal["reading", "passport", "override"] = Field(
        description="Where the text comes from: the reading, the passport's spelling or an override.")
    parts: list[RomajiPartOut]


# -- card -----------------------------------------------------------------------------------


class HolderIn(BaseModel):
    """The holder, as in a holders file (``mynacard holders check``), without ``photo``.

    The photo is sent as the multipart part ``photo``, never as a path on the server. The
    service validates with the same model as the CLI and answers 422 ``holder.invalid``
    listing every bad field.
    """

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "surname": "大野", "given_name": "太郎", "surname_kana": "オオノ", "given_name_kana": "タロウ",
        "passport_romaji": "OHNO TARO", "address": "東京都千代田区霞が関一丁目9番99号",
        "birth_date": "1985-06-14", "sex": "male", "my_number": "770914534160",
        "issue_date": "2024-03-01", "issuer": "千代田区長"}]})

    surname: str = Field(max_length=40)
    given_name: str = Field(max_length=40)
    surname_kana: str = Field(max_length=60)
    given_name_kana: str = Field(max_length=60)
    romaji: str | None = Field(default=None, max_length=80, description="Override of the romanized name.")
    passport_romaji: str | None = Field(default=None, max_length=80)
    address: str = Field(max_length=200)
    birth_date: date
    sex: Literal["male", "female"] | None = None
    my_number: str = Field(pattern=r"^[0-9]{12}$", description="12 digits with a valid check digit.")
    issue_date: date
    expiry_date: date | None = None
    issuer: str = Field(max_length=40)
    remarks: list[str] = Field(default_factory=list, max_length=12)
    card_serial: str | None = Field(default=None, max_length=40,
                                    description="Today's card: its 16-character serial number (letters and digits).")
    security_code: str | None = Field(default=None, max_length=20,
                                      description="Today's card: the 4-digit security code (masked in previews).")


class HolderForm(BaseModel):
    """The multipart form of ``/v1/card/render``: the holder as JSON text and the photo."""

    holder: str = Field(description="The holder object (see HolderIn) as JSON text.")
    photo: bytes | None = Field(default=None, json_schema_extra={"format": "binary"},
                                description="The holder's photo (JPEG or PNG), at most the upload limit; an "
                                "empty file is refused (415 `input.empty`).")


# -- health ---------------------------------------------------------------------------------


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    production: bool = Field(description="Whether the operator allows unmarked, unmasked output.")
    models_loaded: bool = Field(description="Whether this worker has loaded the face models.")
    max_upload_bytes: int
