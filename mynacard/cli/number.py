"""``mynacard number check N...``: a verdict per My Number."""

from __future__ import annotations

import json

import typer

from cardface import mynumber
from cardface.errors import MyNumberError
from mynacard.cli import app

number_app = typer.Typer(help="My Number: check digits and formats.", no_args_is_help=True)
app.add_typer(number_app, name="number")


@number_app.command("check")
def check(
    numbers: list[str] = typer.Argument(..., help="12-digit numbers; full-width digits, spaces and hyphens allowed."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per number."),
    show: bool = typer.Option(False, "--show-number", help="Print the numbers in full (default: last 4 digits)."),
) -> None:
    """Check each number's length, characters and check digit; exit 0 only if all are valid."""
    all_ok = True
    for i, n in enumerate(numbers, 1):
        try:
            digits = mynumber.validate(n)
            ok, code, why = True, None, "valid"
            shown = mynumber.format(digits) if show else mynumber.mask(digits, keep=4)
        except MyNumberError as err:
            ok, code, why = False, err.code, err.message
            try:
                shown = mynumber.mask(n, keep=4) if not show else n
            except MyNumberError:
                shown = "(not 12 digits)" if not show else n
        all_ok &= ok
        if as_json:
            typer.echo(json.dumps({"index": i, "number": shown, "valid": ok, "code": code, "message": why},
                                  ensure_ascii=False))
        else:
            typer.echo(f"{i:>3}  {shown:<16}  {'ok' if ok else 'INVALID'}  {'' if ok else f'{code}: {why}'}".rstrip())
    raise typer.Exit(0 if all_ok else 1)
