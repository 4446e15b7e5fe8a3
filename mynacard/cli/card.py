"""``mynacard card render|lint``: card faces from holder data, and layout checks.

Other modules add commands to the same group: ``from mynacard.cli.card import card_app``.
Output files are named by record number, layout and side, never by the holder's name.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from mynacard.cli import app

card_app = typer.Typer(help="Card faces: render previews and print proofs (PNG, PDF), check layouts; photos of cards: simulate oblique shots, find and rectify the card, judge real card or copy, mask the number.",
                       no_args_is_help=True)
app.add_typer(card_app, name="card")


def _split(value: str, allowed: tuple[str, ...], what: str) -> list[str]:
    items = [v.strip().lower() for v in value.split(",") if v.strip()]
    bad = [v for v in items if v not in allowed]
    if bad or not items:
        raise typer.BadParameter(f"{what}: use {', '.join(allowed)} (comma-separated), not {value!r}")
    return list(dict.fromkeys(items))


@card_app.command("render")
def render_cmd(
    holders: Path = typer.Argument(..., help="Holders file (.json list or .csv with a header row)."),
    out: Path = typer.Option(..., "-o", "--out", help="Output directory (created when missing)."),
    layout: str = typer.Option("next", "--layout", "-l", help="current, next, or the path of a layout .toml."),
    side: str = typer.Option("front,back", "--side", help="front, back or front,back."),
    fmt: str = typer.Option("png,pdf", "--format", "-f", help="png, pdf or png,pdf."),
    dpi: float = typer.Option(300, "--dpi", help="PNG resolution in dots per inch."),
    production: bool = typer.Option(False, "--production",
                                    help="Production faces: no 見本 SAMPLE mark, number shown, photo required."),
    show_number: bool = typer.Option(False, "--show-number", help="Previews: print the real My Number."),
    sheet: bool = typer.Option(False, "--sheet", help="Also write an A4 proof sheet PDF of every holder."),
    sheet_only: bool = typer.Option(False, "--sheet-only", help="Write only the A4 proof sheet."),
    allow_failing_photo: bool = typer.Option(False, "--allow-failing-photo",
                                             help="Previews: use a photo even when it fails the photo checks."),
    bleed: float = typer.Option(0.0, "--bleed", help="PDF: bleed in mm on every side."),
    crop_marks: bool = typer.Option(False, "--crop-marks", help="PDF: crop marks outside the bleed."),
    encoding: str | None = typer.Option(None, "--encoding",
                                 help="Text encoding of the file (default: detect UTF-8, with or without a BOM, or CP932)."),
) -> None:
    """Render card faces for every holder into OUT.

    Files: OUT/<layout>-<record>-<side>.<png|pdf> (record numbers from 001) and, with
    --sheet, OUT/<layout>-sheet.pdf. Each file is written whole (temporary file + rename);
    a holder with a face that cannot be rendered gets no file at all, and the files an earlier
    run left under that holder's names (and a failed sheet's) are removed, so no card in OUT
    looks like this run's when it is not; other files of the layout that this run did not
    write are listed in a note. Exit 0 when every face rendered, 1 when some failed (each
    failure listed with its record, field and code), 2 when the input is unusable.
    """
    from cardface.backends.pdf import check_bleed
    from cardface.backends.png import check_dpi
    from cardface.backends.sheet import SheetWriter
    from cardface.errors import CardfaceError
    from cardface.holder import load_holders
    from cardface.layout import load_layout
    from cardface.rendering import draw
    from cardface.scene import build_scene
    from mynacard.outputs import ensure_dir, write_atomic

    sides = _split(side, ("front", "back"), "--side")
    formats = _split(fmt, ("png", "pdf"), "--format")
    check_dpi(dpi)  # once, before any face: not one failure line per face
    check_bleed(bleed)
    if production and allow_failing_photo:
        raise typer.BadParameter("--allow-failing-photo is for previews only, not with --production")
    lay = load_layout(layout)
    people = load_holders(holders, encoding=encoding)
    ensure_dir(out)
    preview = not production
    written, failed = 0, 0
    mine: set[str] = set()  # the names of the files this run wrote
    removed: list[str] = []  # an earlier run's files under the names of faces that failed
    # each face's scene is built once and drawn for every format and for the proof sheet
    want_sheet = sheet or sheet_only
    proof, sheet_error = None, None
    if want_sheet:
        try:
            proof = SheetWriter(lay, sides, len(people), preview=preview)
        except CardfaceError as err:
            sheet_error = err
    for i, h in enumerate(people, 1):
        # every face of a holder first, in memory; files only when all of them rendered,
        # each written whole (temporary file + rename): never a half-written card
        scenes, faces = {}, {}
        for s in sides:
            try:
                scenes[s] = build_scene(h, s, lay, preview=preview, show_number=show_number,
                                        allow_failing_photo=allow_failing_photo)
            except CardfaceError as err:
                if want_sheet and sheet_error is None:  # without its traceback: its frames hold the photo
                    sheet_error = err.with_traceback(None)
                if not sheet_only:
                    failed += len(formats)
                    _report_failure(i, s, ",".join(formats), err)
                continue
            for f in () if sheet_only else formats:
                try:
                    faces[f"{lay.name}-{i:03d}-{s}.{f}"] = draw(scenes[s], f, dpi=dpi, bleed_mm=bleed,
                                                                crop_marks=crop_marks)
                except CardfaceError as err:
                    failed += 1
                    _report_failure(i, s, f, err)
        if proof is not None and sheet_error is None:
            proof.add(scenes)
        if not sheet_only and len(faces) == len(sides) * len(formats):
            for name, data in faces.items():
                write_atomic(out / name, data)
                mine.add(name)
                written += 1
        elif not sheet_only:
            failed += _remove_stale(out, [f"{lay.name}-{i:03d}-{s}.{f}" for s in sides for f in formats],
                                    f"record {i}", removed)
    if want_sheet and sheet_error is not None:
        failed += 1
        _report_failure(None, ",".join(sides), "sheet", sheet_error)
        failed += _remove_stale(out, [f"{lay.name}-sheet.pdf"], "sheet", removed)
    elif proof is not None:
        write_atomic(out / f"{lay.name}-sheet.pdf", proof.finish())
        mine.add(f"{lay.name}-sheet.pdf")
        written += 1
    mode = "production" if production else ("preview, 見本 SAMPLE mark" + ("" if show_number else ", number masked"))
    typer.echo(f"{written} file(s) for {len(people)} holder(s) in {out} (layout {lay.name}, {mode})"
               + (f"; {failed} failed" if failed else "")
               + (f"; removed {len(removed)} file(s) of an earlier run under the names of what failed" if removed else ""))
    others = _earlier_files(out, lay.name, mine)
    if others:
        shown = ", ".join(others[:3]) + (", ..." if len(others) > 3 else "")
        typer.echo(f"note: {out} also holds {len(others)} card file(s) of layout {lay.name} that this run did "
                   f"not write ({shown}): an earlier run's, not this run's cards", err=True)
    if failed:
        raise typer.Exit(1)


def _remove_stale(out: Path, names: list[str], where: str, removed: list[str]) -> int:
    """Remove the files an earlier run left under ``names`` (this run has none for them), adding
    them to ``removed``; a file that cannot be removed is a failure line (returns how many)."""
    failures, gone = 0, []
    for name in names:
        path = out / name
        if not (path.is_file() or path.is_symlink()):
            continue
        try:
            path.unlink()
        except OSError as err:
            failures += 1
            typer.echo(f"{where}: output.stale: cannot remove {path}, an earlier run's file "
                       f"({err.strerror or type(err).__name__}): it is not this run's card", err=True)
            continue
        gone.append(name)
    if gone:
        typer.echo(f"{where}: removed an earlier run's {', '.join(gone)}: this run has none", err=True)
        removed += gone
    return failures


def _earlier_files(out: Path, layout: str, mine: set[str]) -> list[str]:
    """The card files of ``layout`` in ``out`` (faces and sheet, by their names) not in ``mine``, sorted."""
    import re

    pattern = re.compile(re.escape(layout) + r"-(\d{3,}-(front|back)\.(png|pdf)|sheet\.pdf)")
    try:
        names = [p.name for p in out.iterdir()]
    except OSError:
        return []
    return sorted(n for n in names if pattern.fullmatch(n) and n not in mine)


def _report_failure(record: int | None, side: str, fmt: str, err) -> None:
    where = f"record {record} " if record is not None else ""
    typer.echo(f"{where}{side} {fmt}: {err.code}: {err.message}", err=True)
    for p in err.problems:
        typer.echo(f"  {p.field}: {p.message} [{p.code}]", err=True)


@card_app.command("lint")
def lint_cmd(
    layout: str = typer.Argument(..., help="current, next, or the path of a layout .toml."),
    as_json: bool = typer.Option(False, "--json", help="Findings as a JSON list."),
) -> None:
    """Check a layout: safe area, overlaps, text under the minimum size, chip contacts, quiet zones.

    Exit 0 when the layout is clean, 1 with the list of findings, 2 when it cannot be loaded.
    """
    from cardface.layout import load_layout
    from cardface.lint import lint_layout

    lay = load_layout(layout)
    findings = lint_layout(lay)
    if as_json:
        typer.echo(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=1))
    else:
        for f in findings:
            typer.echo(f"{layout}: {f}")
        typer.echo(f"{layout}: {len(findings)} finding(s)" if findings else f"{layout}: ok")
    if findings:
        raise typer.Exit(1)
