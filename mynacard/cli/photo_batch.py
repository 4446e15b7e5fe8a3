"""``mynacard photo batch INPUT -o OUT``: check a folder or a CSV manifest of photos.

Exit status: 0 when every photo passes, 1 when any fails, 2 when any could not be checked
(or the batch could not start: no photos in INPUT, bad manifest, OUT used by another batch or
not writable, unreachable scheduler), 130 when stopped by Ctrl-C (every finished result is kept; rerun to resume).
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from mynacard.cli.photo import ON_HELP, day_option, photo_app


@photo_app.command("batch")
def batch(
    input: Path = typer.Argument(..., metavar="INPUT",
                                 help="A folder (searched recursively for images) or a CSV manifest with the "
                                       "columns application_id,path."),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder: results.jsonl, summary.csv, report.html."),
    profile: str = typer.Option("mynumber-online", "--profile", "-p",
                                help="Profile name (mynumber-online, mynumber-next, passport-jp, icao) or a .toml file."),
    workers: int | None = typer.Option(None, "--workers", "-w", min=1,
                                       help="Local worker processes [default: the number of cores]."),
    fix: bool = typer.Option(False, "--fix", help="Write corrected JPEGs to OUT/fixed/ when only fixable checks fail."),
    annotate: bool = typer.Option(False, "--annotate", help="Write an annotated PNG per photo to OUT/annotated/."),
    chip: bool = typer.Option(False, "--chip", help="Write each photo's IC chip portrait (.jpg, .fac, .dg2) to "
                                                    "OUT/chip/ and its rate-quality chart to report.html."),
    scheduler: str | None = typer.Option(None, "--scheduler", metavar="tcp://HOST:PORT",
                                         help="Run on this Dask scheduler's workers (inputs must be readable there)."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr."),
    bom: bool = typer.Option(True, "--bom/--no-bom",
                             help="Start summary.csv with a UTF-8 BOM, so Excel in Japanese shows it correctly."),
    lang: str = typer.Option("ja", "--lang", help="Language report.html opens in: ja or en (a button switches)."),
    encoding: str | None = typer.Option(None, "--encoding",
                                        help="Text encoding of a CSV manifest (default: detect UTF-8, with or "
                                        "without a BOM, or CP932); not for a folder."),
    on: str | None = typer.Option(None, "--on", help=ON_HELP + " A resumed batch keeps the day it began with."),
) -> None:
    """Check every photo of a folder or manifest; results stream to OUT/results.jsonl.

    Rerunning the same command resumes: photos already done (same path, same SHA-256) are
    skipped. Ctrl-C stops cleanly, keeping every finished result.
    """
    from photo import profile as profile_mod
    from photo.batch.job import BatchConfig, run_batch
    from photo.models import verify_all as verify_models

    if lang not in ("ja", "en"):
        raise typer.BadParameter(f"--lang: use ja or en, not {lang!r}")
    if encoding is not None and input.is_dir():  # not ignored in silence
        raise typer.BadParameter("--encoding is the text encoding of a CSV manifest; INPUT is a folder")
    if scheduler is not None:  # its form before anything is written (Dask would retry a bad one, then crash)
        from photo.batch.run_dask import check_address

        try:
            check_address(scheduler)
        except ValueError as err:
            raise typer.BadParameter(f"--scheduler {err}") from None
    profile_mod.get(profile)  # an unknown or invalid profile: one line, exit 2, before any work
    verify_models()  # a missing or altered model file: one line before any worker starts
    if scheduler and workers:
        typer.echo("note: --workers is ignored with --scheduler (the cluster's workers do the work)", err=True)
    config = BatchConfig(source=input, out=out, profile=profile, workers=workers, fix=fix, annotate=annotate,
                         chip=chip, scheduler=scheduler, progress=progress, csv_bom=bom, report_lang=lang,
                         manifest_encoding=encoding, on=day_option(on))
    try:
        result = run_batch(config, echo=lambda msg: typer.echo(msg, err=True))
    except KeyboardInterrupt:  # a second Ctrl-C: the photos in flight were abandoned
        typer.echo("mynacard: interrupted; the photos in flight were abandoned, every finished result is kept "
                   "in results.jsonl; rerun the same command to resume (and to write summary.csv and report.html)",
                   err=True)
        raise typer.Exit(130) from None
    total = result.passed + result.failed + result.errors
    rate = 100.0 * result.passed / total if total else 0.0
    typer.echo(f"{total} photo(s): {result.passed} passed, {result.failed} failed, "
               f"{result.errors} could not be checked (pass rate {rate:.1f}%)")
    typer.echo(f"this run: {result.checked} checked in {result.seconds:.1f} s ({result.rate:.1f} photos/s) "
               f"on {result.runner}" + (f"; {result.skipped} already done" if result.skipped else ""))
    typer.echo(f"results: {result.out / 'results.jsonl'}, summary.csv, report.html")
    if result.interrupted:
        left = result.inputs - result.skipped - result.checked
        typer.echo(f"mynacard: interrupted with {left} photo(s) left; rerun the same command to resume",
                   err=True)
        sys.stdout.flush()
        raise typer.Exit(130)
    raise typer.Exit(2 if result.errors else 1 if result.failed else 0)
