"""``mynacard holders check FILE``: validate holder data, print derived fields or every problem."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import typer

from mynacard.cli import app

holders_app = typer.Typer(help="Card-holder data: validate JSON/CSV files.", no_args_is_help=True)
app.add_typer(holders_app, name="holders")


@holders_app.command("check")
def check(
    file: Path = typer.Argument(..., help="Holders file: a JSON list of objects or a CSV with a header row."),
    guess_readings: bool = typer.Option(
        False, "--guess-readings", help="Take missing readings from the kanji (pykakasi), with a warning."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per holder (or the error) on stdout."),
    encoding: str | None = typer.Option(None, "--encoding",
                                 help="Text encoding of the file (default: detect UTF-8, with or without a BOM, or CP932)."),
) -> None:
    """Validate every holder; print the romanized name and both expiry dates of each.

    Exit 0 when every record is valid, 1 when any field is bad (all are listed), 2 when the
    file cannot be read at all.
    """
    from cardface.errors import HolderError
    from cardface.holder import load_holders

    try:
        holders = load_holders(file, guess_readings=guess_readings, encoding=encoding)
    except HolderError as err:
        if as_json:
            typer.echo(json.dumps({"valid": False, "error": err.to_dict()}, ensure_ascii=False))
        else:
            typer.echo(f"{file}: {err.message}", err=True)
            for p in err.problems:
                where = f"record {p.record}: " if p.record is not None else ""
                ja = f" / {p.message_ja}" if p.message_ja else ""
                typer.echo(f"  {where}{p.field}: {p.message}{ja} [{p.code}]", err=True)
        raise typer.Exit(1) from None
    for i, h in enumerate(holders, 1):
        rom = h.romanized
        if as_json:
            typer.echo(json.dumps({
                "record": i, "valid": True, "romanized_name": rom.text,
                "romaji_status": [p.status for p in rom.parts],
                "birth_date_era": h.birth_date_era, "birth_date_western": h.birth_date_western,
                "age_at_issue": h.age_at_issue,
                "expiry_current": h.expiry_current.isoformat(), "expiry_next": h.expiry_next.isoformat(),
                "warnings": h.warnings,
            }, ensure_ascii=False))
        else:
            status = "/".join(p.status for p in rom.parts)
            warn = f"  ! {'; '.join(h.warnings)}" if h.warnings else ""
            typer.echo(f"{i:>3}  {rom.text:<24} {status:<22} {_pad(h.birth_date_era, 19)}"
                       f"expires {h.expiry_current.isoformat()} (current) {h.expiry_next.isoformat()} (next){warn}")
    if not as_json:
        typer.echo(f"{len(holders)} holder(s) valid in {file}")


def _pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` terminal columns (kanji and full-width forms take two)."""
    cols = sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)
    return text + " " * max(1, width - cols)
