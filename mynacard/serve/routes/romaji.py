"""``POST /v1/romaji``: the passport Hepburn of a reading and each part's status."""

from __future__ import annotations

from fastapi import APIRouter, Request

from cardface.errors import FieldProblem, RomajiError
from mynacard.serve import compute
from mynacard.serve.limits import media_type
from mynacard.serve.models import ErrorBody, RomajiOut, RomajiRequest

router = APIRouter(tags=["romaji"])


def romanize(kana: str, passport: str | None, kanji: str | None) -> dict:
    """The CLI's ``mynacard romaji`` as a dict: ``kana`` and ``kanji`` are "SURNAME GIVEN"."""
    from cardface.romaji import romanize_name

    problems = []
    parts = kana.split()  # splits on ASCII and ideographic spaces alike
    if len(parts) != 2:
        problems.append(FieldProblem("kana", "romaji.parts", "write the reading as surname and given name "
                                     "separated by one space", "姓と名の読みを空白で区切ってください"))
    kanji_parts = kanji.split() if kanji else None
    if kanji_parts is not None and len(kanji_parts) != 2:
        problems.append(FieldProblem("kanji", "romaji.parts", "write the kanji as surname and given name "
                                     "separated by one space", "姓と名を空白で区切ってください"))
    if problems:
        raise RomajiError("the name must have two parts, surname first", problems=problems)
    name = romanize_name(parts[0], parts[1], passport=passport,
                         surname_kanji=kanji_parts[0] if kanji_parts else None,
                         given_name_kanji=kanji_parts[1] if kanji_parts else None)
    return name.to_dict()


@router.post("/v1/romaji", response_model=RomajiOut, summary="Passport Hepburn of a name and its status",
             dependencies=[media_type("application/json")],
             responses={400: {"model": ErrorBody, "description": "A body that is not valid JSON "
                              "(`request.malformed`)."},
                        415: {"model": ErrorBody, "description": "A body that is not application/json "
                              "(`request.unsupported_media_type`)."},
                        422: {"model": ErrorBody, "description": "Not kana, or not two parts (`romaji.*`)."}})
async def post_romaji(body: RomajiRequest, request: Request) -> dict:
    """Romanize a reading (surname first) the way a Japanese passport spells it.

    With ``passport``, each part's spelling is checked against the reading: ``hepburn``,
    ``variant`` (OH/OO/OU/UU long vowels a passport accepts on request) or ``non-hepburn``
    (with the reason in Japanese and English); the card then prints the passport's spelling.
    """
    return await compute.of(request.app).cpu(romanize, body.kana, body.passport, body.kanji)
