"""``mynacard romaji``: the passport Hepburn name for a reading, or a check of a passport spelling."""

from __future__ import annotations

import json
import sys

import typer

from cardface import romaji as rj
from cardface.errors import RomajiError
from cardface.kanji_reading import strip_variation_selectors
from mynacard.cli import app


def _two(values: list[str], what: str, code: str) -> tuple[str, str]:
    parts = " ".join(values).split()
    if len(parts) != 2:
        raise RomajiError(f"give the {what} of the surname and of the given name (2 parts), not {len(parts)}",
                          code=code)
    return parts[0], parts[1]


@app.command("romaji")
def romaji(
    reading: list[str] = typer.Argument(
        ..., metavar="SURNAME_KANA GIVEN_KANA",
        help="The readings (katakana, hiragana or half-width): two arguments, or one with a space between."),
    kanji: str | None = typer.Option(
        None, "--kanji", help='The name in kanji, "松浦 太郎": vowels across a kanji boundary are then kept.'),
    passport: str | None = typer.Option(
        None, "--passport", help='The passport spelling "SURNAME GIVEN": check each part (exit 1 if non-hepburn).'),
    override: str | None = typer.Option(
        None, "--override", help="Print this romanized name as given (A-Z, space, hyphen)."),
    variants: bool = typer.Option(False, "--variants", help="Also list the spellings accepted without documents."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Passport Hepburn (外務省ヘボン式) of a name: `mynacard romaji オオノ タロウ` prints ONO TARO.

    Long vowels オウ/オオ/ウウ are not written (a final オオ is OO), ン is M before B/M/P, ッ
    doubles the next consonant (T before CH), ー is dropped. With --passport each part is
    reported as hepburn, variant (OH/OO/OU/UU, accepted on request) or non-hepburn
    (needs documents), in Japanese and English.
    """
    surname_kana, given_kana = _two([rj.normalize_kana(r) for r in reading], "readings", "romaji.parts")
    surname_kanji = given_kanji = None
    if kanji is not None:
        surname_kanji, given_kanji = _two([strip_variation_selectors(kanji)], "kanji", "romaji.kanji_parts")
    result = rj.romanize_name(surname_kana, given_kana, surname_kanji=surname_kanji,
                              given_name_kanji=given_kanji, passport=passport, override=override)
    accepted = {}
    if variants:
        for part in result.parts:
            accepted[part.part] = sorted(rj.passport_variants(part.kana, kanji=part.kanji),
                                         key=lambda s: (s != part.expected, len(s), s))
    if as_json:
        data = result.to_dict()
        if variants:
            data["variants"] = accepted
        typer.echo(json.dumps(data, ensure_ascii=False))
    else:
        typer.echo(result.text)
        if result.source != "reading":
            for part in result.parts:
                typer.echo(f"  {part.part:<10}  {part.spelling or '-':<12}  {part.status:<11}  "
                           f"reading {part.kana}  Hepburn {part.expected}")
                typer.echo(f"      ja: {part.reason}")
                typer.echo(f"      en: {part.reason_en}")
        for part in result.parts:
            if variants:
                typer.echo(f"  {part.part:<10}  accepted without documents: {' '.join(accepted[part.part])}")
        for part in result.parts:
            if not part.confident:
                print(f"mynacard: note: {part.part}: not confident about the kanji boundaries ({part.note})",
                      file=sys.stderr)
    raise typer.Exit(0 if result.ok else 1)
