"""``mynacard card simulate|oblique|mask``: what an eKYC camera sees, and finding the card in it.

Added to the ``card`` group of :mod:`mynacard.cli.card`. Output images are encoded from
pixels only (no EXIF, no location); JSON holds corner positions and scores, never card text.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from mynacard.cli.card import card_app

BACKGROUNDS = ("plain", "card", "wood", "paper", "clutter")

#: the code of ``card oblique``'s verdict line when the photo shows no card (exit 1)
NO_CARD = "capture.no_card"


def _write_image(path: Path, rgb) -> None:
    from cardface.oblique.imageio import encode
    from mynacard.outputs import ensure_dir, write_atomic

    ensure_dir(path.parent)
    fmt = "jpeg" if path.suffix.lower() in (".jpg", ".jpeg") else "png"
    write_atomic(path, encode(rgb, fmt))


def _write_json(path: Path, data: dict) -> None:
    from mynacard.outputs import write_atomic

    write_atomic(path, (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))


def _check_output_file(path: Path, source: Path | None = None) -> None:
    """Refuse a folder given as an output photo, a name that is not .jpg/.png, or the input photo
    itself (writing over it would lose the original), before any work is done (one line, exit 2)."""
    from mynacard.outputs import OutputError, same_file

    if path.is_dir():
        raise OutputError(f"{path}: a folder is in the way of the output file")
    if path.suffix.lower() not in (".jpg", ".jpeg", ".png"):
        raise OutputError(f"{path.name}: name the output photo .jpg or .png", code="output.format")
    if source is not None and same_file(path, source):
        raise OutputError(f"{path}: is the input photo; write the output to another name", code="output.is_input")


@card_app.command("simulate")
def simulate_cmd(
    card: Path = typer.Argument(None, help="A card face image (PNG). Default: render a sample holder with --layout/--side."),
    out: Path = typer.Option(..., "-o", "--out", help="Output photo (.jpg or .png); the true corners go to OUT.json."),
    layout: str = typer.Option("next", "--layout", "-l", help="current or next: the sample face and the edge colour."),
    side: str = typer.Option("front", "--side", help="front or back (for the sample face)."),
    yaw: float = typer.Option(30.0, "--yaw", help="Turn about the card's vertical axis, degrees."),
    pitch: float = typer.Option(0.0, "--pitch", help="Turn about the card's horizontal axis, degrees."),
    roll: float = typer.Option(0.0, "--roll", help="In-plane rotation, degrees."),
    background: str = typer.Option("wood", "--background", "-b", help="plain, card, wood, paper or clutter."),
    lighting: str = typer.Option("gradient", "--lighting", help="even, gradient, dim, warm or cool."),
    glare: float = typer.Option(0.3, "--glare", min=0.0, max=1.0, help="Laminate glare strength 0..1."),
    blur: float = typer.Option(1.0, "--blur", min=0.0, max=50.0, help="Defocus radius in px."),
    noise: float = typer.Option(2.0, "--noise", min=0.0, max=100.0, help="Sensor noise in 8-bit levels."),
    size: str = typer.Option("1600x1200", "--size", help="Photo size WxH in px."),
    seed: int = typer.Option(0, "--seed", help="Random seed (background, glare position, noise)."),
) -> None:
    """Photograph a card face as a 0.76 mm slab tilted under a pinhole camera.

    Writes OUT and OUT.json (the true corners: top-left, top-right, bottom-right,
    bottom-left of the face).
    """
    from cardface.oblique import simulate
    from cardface.oblique.errors import CaptureError
    from cardface.oblique.templates import edge_rgb, sample_face

    if background not in BACKGROUNDS:
        raise typer.BadParameter(f"--background: use {', '.join(BACKGROUNDS)}")
    if side not in ("front", "back"):
        raise typer.BadParameter("--side: use front or back")
    try:
        w, h = (int(v) for v in size.lower().split("x"))
    except ValueError:
        raise typer.BadParameter("--size: use WxH, e.g. 1600x1200") from None
    _check_output_file(out, card)
    if card is not None and card.is_dir():
        raise CaptureError(f"{card} is a folder, not a card image", code="capture.no_file")
    if card is not None and not card.is_file():
        raise CaptureError(f"no such card image: {card}", code="capture.no_file")
    face = card if card is not None else sample_face(layout, side)
    img, quad = simulate(face, yaw, pitch, roll, size=(w, h), background=background, lighting=lighting,
                         glare=glare, blur=blur, noise=noise, edge_rgb=edge_rgb(layout), seed=seed)
    _write_image(out, img)
    data = {"image": out.name, "size": [w, h], "yaw_deg": yaw, "pitch_deg": pitch, "roll_deg": roll,
            "background": background, **{"corners": quad.to_dict()["corners"]}}
    _write_json(Path(str(out) + ".json"), data)
    typer.echo(f"wrote {out} and {out}.json")


@card_app.command("oblique")
def oblique_cmd(
    photo: Path = typer.Argument(..., help="A photo of a card (JPEG, PNG...)."),
    out: Path = typer.Option(..., "-o", "--out", help="Output directory."),
    dpi: float = typer.Option(300, "--dpi", help="Resolution of the rectified card."),
) -> None:
    """Find the card in PHOTO; write the card seen square on and its corners.

    Files: OUT/<photo>-card.png and OUT/<photo>-corners.json. Exit 0 when a card was found,
    1 when none was (the line ``PHOTO: capture.no_card: ...``; nothing written, and those two
    files of an earlier run removed, said in a line), 2 when the photo cannot be read.
    """
    from cardface.oblique import locate, rectify
    from cardface.oblique.imageio import load_rgb
    from mynacard.outputs import OutputError, ensure_dir

    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a folder")
    rgb = load_rgb(photo)
    quad = locate(rgb)
    card_path = out / f"{photo.stem}-card.png"
    json_path = out / f"{photo.stem}-corners.json"
    if quad is None:
        typer.echo(f"{photo.name}: {NO_CARD}: no card found in the photo (nothing written)", err=True)
        _remove_earlier(photo.name, (card_path, json_path))
        raise typer.Exit(1)
    ensure_dir(out)
    _write_image(card_path, rectify(rgb, quad, dpi=dpi))
    data = {"photo": photo.name, "size": [rgb.shape[1], rgb.shape[0]], **quad.to_dict(), "rectified": card_path.name,
            "dpi": dpi}
    _write_json(json_path, data)
    typer.echo(f"{photo.name}: {quad.layout} card, {quad.side}, confidence {quad.confidence:.2f}"
               f" ({quad.method}); wrote {card_path} and {json_path}")
    for w in quad.warnings:
        typer.echo(f"{photo.name}: warning: {w}", err=True)


def _remove_earlier(name: str, paths: tuple[Path, ...]) -> None:
    """Remove the files an earlier run wrote under ``paths`` (this run found no card), saying so."""
    from mynacard.outputs import OutputError

    gone = []
    for path in paths:
        if path.is_file() or path.is_symlink():
            try:
                path.unlink()
            except OSError as err:
                raise OutputError(f"{path}: cannot remove this earlier run's file ({err.strerror or type(err).__name__});"
                                  " it is not this photo's card") from None
            gone.append(str(path))
    if gone:
        typer.echo(f"{name}: removed an earlier run's {' and '.join(gone)}: this run found no card", err=True)


@card_app.command("mask")
def mask_cmd(
    photo: Path = typer.Argument(..., help="A photo of a card's back."),
    out: Path = typer.Option(..., "-o", "--out", help="Output photo with the number and QR code blacked out."),
    layout: str = typer.Option(None, "--layout", "-l", help="current, next or a layout .toml (default: both)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Black out the My Number and the QR code in a photo of a card's back.

    Exit 0 when they were masked and OUT written; 1 when no card back was found (OUT is not
    written, so an unmasked photo is never mistaken for a masked one); 2 when the photo
    cannot be read.
    """
    from cardface.oblique import mask_report

    _check_output_file(out, photo)
    r = mask_report(photo, layout)
    if as_json:
        typer.echo(json.dumps({"photo": photo.name, **r.to_dict()}, indent=1, ensure_ascii=False))
    if not r.found:
        if not as_json:
            typer.echo(f"{photo.name}: NOT MASKED: {r.reason}", err=True)
        raise typer.Exit(1)
    _write_image(out, r.image)
    if not as_json:
        typer.echo(f"{photo.name}: {r.reason}; wrote {out}")
