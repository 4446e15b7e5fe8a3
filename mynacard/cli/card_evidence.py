"""``mynacard card evidence PHOTO...``: does each photo show a real card (its 0.76 mm edge)?

Added to the ``card`` group of :mod:`mynacard.cli.card`. Output never holds card text: the
verdict, its reasons, the corners, the edge's measures.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from mynacard.cli.card import card_app


@card_app.command("evidence")
def evidence_cmd(
    photos: list[Path] = typer.Argument(..., help="Photos of a card held tilted (JPEG, PNG...)."),
    layout: str = typer.Option(None, "--layout", "-l", help="current or next: the layout to judge against "
                               "(default: the one recognised)."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array, one object per photo."),
) -> None:
    """Judge whether each PHOTO shows a real card: verdict card, flat, screen or retake.

    card: the edge shows an ID-1 card's thickness (0.76 mm within the tolerance of
    cardface/oblique/evidence.toml) in the layout's core colour. flat: a print, photocopy or
    photo of a photo. screen: a card shown on a display. retake: says what to change.
    Exit 0 when every photo is a card, 1 when one is not, 2 when a photo cannot be read (the
    others are still judged and printed).
    """
    from cardface.oblique.errors import CaptureError
    from cardface.oblique.evidence import evidence

    if layout is not None and layout not in ("current", "next"):
        raise typer.BadParameter("--layout: use current or next")
    results, worst = [], 0
    for photo in photos:
        try:
            ev = evidence(photo, layout=layout)
        except CaptureError as err:
            worst = 2
            results.append({"photo": photo.name, "error": {"code": err.code, "message": str(err)}})
            if not as_json:
                typer.echo(f"{photo.name}: {err.code}: {err}", err=True)
            continue
        if ev.verdict != "card":
            worst = max(worst, 1)
        results.append({"photo": photo.name, **ev.to_dict()})
        if not as_json:
            why = "; ".join(r.message for r in ev.reasons)
            typer.echo(f"{photo.name}: {ev.verdict}: {why}")
    if as_json:
        typer.echo(json.dumps(results, indent=1, ensure_ascii=False))
    if worst:
        raise typer.Exit(worst)
