"""``mynacard photo chip PHOTO... -o DIR``: the IC chip's colour portrait of each photo.

Writes ``NAME.jpg`` (or ``NAME.jp2``), ``NAME.fac`` (the ISO/IEC 19794-5 record) and
``NAME.dg2`` (ICAO data group 2) per photo, and with ``--chart`` the rate-quality chart of
all the photos as ``chip-rates.png``; a name taken by a file already in the folder, an input
photo or another output of the run becomes ``NAME-2.jpg`` ... unless ``--overwrite``. Exit status: 0 when every photo got its portrait, 1
when any was refused (a subject check failed: the reasons are printed), 2 when any could not
be read or encoded (e.g. a budget too small).
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer

from mynacard.cli.photo import OVERWRITE_HELP, photo_app, renamed_note


class Codec(StrEnum):
    jp2 = "jp2"
    jpeg = "jpeg"


class Kind(StrEnum):
    token = "token"
    full = "full"


def _line(name: str, p) -> str:
    q = p.quality
    tol = p.geometry.get("tolerance", {})
    return (f"{name}: {p.kind} {p.width}x{p.height} {p.codec} {len(p.image)} B (budget {p.budget_bytes}), "
            f"record {len(p.record)} B, DG2 {len(p.dg2)} B; drift p95 {q['drift_p95_pct']} % of eye distance, "
            f"skin dE00 {q['skin_delta_e00']}, face SSIM {q['ssim_face']}; "
            f"target {'met' if q['meets_target'] else 'NOT met'}; geometry {'ok' if tol.get('ok') else 'off'}")


@photo_app.command("chip")
def chip(
    files: list[Path] = typer.Argument(..., metavar="PHOTO...", help="Accepted application photos."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for NAME.jpg/.jp2, NAME.fac and NAME.dg2."),
    budget: int | None = typer.Option(None, "--budget", min=500, metavar="BYTES",
                                      help="Largest encoded image in bytes [default: 7000 token, 12000 full]."),
    codec: Codec = typer.Option(Codec.jpeg, "--codec", help="jpeg (baseline) or jp2 (JPEG 2000)."),
    kind: Kind = typer.Option(Kind.token, "--kind", help="token (ISO/IEC 19794-5 token frontal) or full frontal."),
    profile: str = typer.Option("mynumber-next", "--profile", "-p",
                                help="Photo profile whose subject checks must pass."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per photo per line."),
    chart: bool = typer.Option(False, "--chart", help="Also write OUT/chip-rates.png: bytes against quality "
                                                      "at the budgets of photo/data/chip.toml, over all photos."),
    overwrite: bool = typer.Option(False, "--overwrite", help=OVERWRITE_HELP),
) -> None:
    """Make the chip portrait of each photo; exit 0 if all were made, 1 if any was refused, 2 on errors."""
    from mynacard.outputs import OutputNames, ensure_dir
    from photo import profile as profile_mod
    from photo.chip import ChipError, ChipRefused, encode_prepared, prepare, rate_quality, settings
    from photo.errors import PhotoError

    prof = profile_mod.get(profile)  # a bad profile: one line, exit 2, before any work
    ensure_dir(out)
    cfg = settings()
    codec_name = "jpeg2000" if codec is Codec.jp2 else "jpeg"
    names = OutputNames(files, overwrite=overwrite)
    rows: list[dict] = []
    status = 0
    for f in files:
        name = str(f)
        try:
            prep = prepare(f, kind=kind.value, profile=prof)
            p = encode_prepared(prep, budget_bytes=budget or cfg[kind.value]["default_budget_bytes"], codec=codec_name)
        except ChipRefused as err:
            status = max(status, 1)
            if as_json:
                typer.echo(json.dumps({"file": name, "refused": True, "error": err.to_dict()}, ensure_ascii=False))
            else:
                typer.echo(f"{name}: REFUSED for the chip")
                for r in err.reasons:
                    typer.echo(f"  FAIL {r['id']:<22} {r['message_en']}")
            continue
        except (ChipError, PhotoError) as err:
            status = 2
            if as_json:
                typer.echo(json.dumps({"file": name, "error": err.to_dict()}, ensure_ascii=False))
            else:
                typer.echo(f"{name}: error {err.code}: {err.message}")
            continue
        wanted = out / f"{f.stem}{p.suffix}"
        base = names.claim(wanted, siblings=(".fac", ".dg2"))
        paths = {"image": base, "record": base.with_suffix(".fac"), "dg2": base.with_suffix(".dg2")}
        names.write(paths["image"], p.image)
        names.write(paths["record"], p.record)
        names.write(paths["dg2"], p.dg2)
        if chart:
            rows += [{**r, "file": name} for r in rate_quality(prep, codec=codec_name)]
        if as_json:
            d = p.to_dict()
            d["file"] = name
            d["paths"] = {k: str(v) for k, v in paths.items()}
            typer.echo(json.dumps(d, ensure_ascii=False))
        else:
            typer.echo(_line(name, p) + f" -> {paths['image']}" + renamed_note(wanted, base))
    if chart:
        from photo.chip_chart import chart_png

        wanted = out / "chip-rates.png"
        target = names.claim(wanted)
        names.write(target, chart_png(rows, cfg["quality"], title=f"chip portrait, {kind.value}, {codec_name}"))
        typer.echo(f"rate-quality chart -> {target}" + renamed_note(wanted, target), err=as_json)
    raise typer.Exit(status)
