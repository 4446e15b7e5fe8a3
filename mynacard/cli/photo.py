"""``mynacard photo check FILE...``: a verdict per photo, requirement by requirement.

Exit status: 0 when every photo passes, 1 when any check fails, 2 when any file could not
be checked (and for a bad profile). ``photo batch`` (folders, CSV, a worker pool) is a
separate module that adds itself to ``photo_app`` (imported after this one by
``mynacard/cli/__init__.py``, so the two modules import each other in one direction only).
"""

from __future__ import annotations

import datetime
import io
import json
from enum import StrEnum
from pathlib import Path

import typer

from mynacard.cli import app

photo_app = typer.Typer(help="Application photo checks (ICAO / J-LIS rules) and fixes.", no_args_is_help=True)
app.add_typer(photo_app, name="photo")


class Lang(StrEnum):
    """Languages of the messages (the profiles carry both)."""

    en = "en"
    ja = "ja"


def day_option(value: str | None) -> datetime.date | None:
    """``--on YYYY-MM-DD``: the day photos are judged on (the application's date); None: today."""
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date: give it as YYYY-MM-DD") from None


ON_HELP = ("The day the photos are judged on, YYYY-MM-DD (the application's date; default today): "
           "file.taken counts each photo's age, by the date its camera wrote into the file, to it.")


def _unique(path: Path, used: set[Path], siblings: tuple[str, ...] = ()) -> Path:
    """``path``, or ``NAME-2.ext``, ``NAME-3.ext`` ... when it (or its ``siblings``, the same name
    with those suffixes, written beside it) is in ``used``: the resolved paths of this run's outputs
    so far and of its inputs, so that no output replaces another or an input photo."""
    out, i = path, 2
    while any(p.resolve() in used for p in (out, *(out.with_suffix(s) for s in siblings))):
        out = path.with_name(f"{path.stem}-{i}{path.suffix}")
        i += 1
    used.update(p.resolve() for p in (out, *(out.with_suffix(s) for s in siblings)))
    return out


def inputs_taken(files: list[Path]) -> set[Path]:
    """The resolved paths of a run's input files, for :func:`_unique`: never written over."""
    return {f.resolve() for f in files}


def _table(rep, lang: str, fixing: bool = False) -> str:
    verdict = "NOT CHECKED" if rep.error else ("PASS" if rep.passed else "FAIL")  # an unreadable file fails nothing
    lines = [f"{rep.file or '-'}: {verdict}  (profile {rep.profile})"]
    if rep.error:
        lines.append(f"  error {rep.error['code']}: {rep.error['message']}")
        return "\n".join(lines)
    for c in rep.checks:
        # a check that could not judge the photo is "--" with why, never "ok", even where it does
        # not hold the photo back (no date taken in the file, no mouth in the picture)
        mark = "--  " if not c.evaluated else ("ok  " if c.passed else "FAIL")
        value = json.dumps(c.to_dict()["value"], ensure_ascii=False)
        if len(value) > 44:
            value = value[:41] + "..."
        msg = "" if c.passed and c.evaluated else (c.message if lang == "ja" else c.message_en)
        fix = " [fixable]" if c.fixable else ""
        lines.append(f"  {mark} {c.id:<22} {value:<44} {msg}{fix}".rstrip())
    if rep.fixable and not fixing:
        lines.append("  every failure is fixable: rerun with --fix DIR for a corrected copy")
    return "\n".join(lines)


@photo_app.command("check")
def check(
    files: list[Path] = typer.Argument(..., help="Photos to check (JPEG, PNG ...)."),
    profile: str = typer.Option("mynumber-online", "--profile", "-p",
                                help="Profile name (mynumber-online, mynumber-next, passport-jp, icao) or a .toml file."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per photo per line."),
    annotate: Path | None = typer.Option(None, "--annotate", help="Write an annotated PNG per photo into DIR."),
    fix: Path | None = typer.Option(None, "--fix", help="Write a corrected JPEG into DIR when only fixable checks fail."),
    lang: Lang = typer.Option(Lang.en, "--lang", help="Message language of the table: en or ja."),
    on: str | None = typer.Option(None, "--on", help=ON_HELP),
) -> None:
    """Check each photo against a profile; exit 0 if all pass, 1 if any fails, 2 if any cannot be checked."""
    from mynacard.outputs import ensure_dir, write_atomic
    from photo import profile as profile_mod
    from photo.checker import analyse_and_check
    from photo.models import reuse_freed_memory

    prof = profile_mod.get(profile)  # ProfileError -> one line, exit 2
    day = day_option(on)
    if len(files) > 1:
        reuse_freed_memory()  # the same big arrays are allocated for every photo
    for folder in (annotate, fix):  # an unusable output folder: one line, exit 2, before any work
        if folder is not None:
            ensure_dir(folder)
    used_a = inputs_taken(files)
    used_f = inputs_taken(files)
    status = 0
    for f in files:
        analysis, rep = analyse_and_check(f, prof, keep_bytes=fix is not None, on=day)
        extra: dict = {}
        if annotate is not None and analysis is not None:
            from photo.annotate import draw

            out = _unique(annotate / f"{f.stem}.png", used_a)
            buf = io.BytesIO()
            draw(analysis, rep, prof).save(buf, "PNG")
            write_atomic(out, buf.getvalue())
            extra["annotated"] = str(out)
        if fix is not None and rep.error is None and not rep.passed:
            from photo.correction import fix as do_fix

            res = do_fix(f, prof, analysis=analysis, report=rep)  # the check's own analysis
            if res.fixed and res.data:
                out = _unique(fix / f"{f.stem}.jpg", used_f)
                write_atomic(out, res.data)
                rep.fixed = {"path": str(out), **res.to_dict()}
            else:
                rep.fixed = res.to_dict()
        if as_json:
            d = rep.to_dict()
            d.update(extra)
            typer.echo(json.dumps(d, ensure_ascii=False))
        else:
            typer.echo(_table(rep, lang.value, fixing=fix is not None))
            if rep.fixed:
                if rep.fixed.get("fixed"):
                    typer.echo(f"  fixed -> {rep.fixed['path']}: " + "; ".join(rep.fixed["actions"]))
                else:
                    typer.echo(f"  not fixed: {rep.fixed['reason']}")
            if "annotated" in extra:
                typer.echo(f"  annotated -> {extra['annotated']}")
        if rep.error is not None:
            status = 2
        elif not rep.passed and status == 0:
            status = 1
    raise typer.Exit(status)
