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


OVERWRITE_HELP = ("Replace a file of the same name already in the output folder (default: keep it and write "
                  "NAME-2.ext). Input photos and this run's other outputs are never replaced.")


def renamed_note(wanted: Path, used: Path) -> str:
    """`` (NAME is taken: not replaced)`` when an output took the next free name, else ""."""
    return f" ({wanted.name} is taken: not replaced)" if used != wanted else ""


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
    overwrite: bool = typer.Option(False, "--overwrite", help=OVERWRITE_HELP),
) -> None:
    """Check each photo against a profile; exit 0 if all pass, 1 if any fails, 2 if any cannot be checked.

    --fix and --annotate name their files after the photo (NAME.jpg, NAME.png); a name taken by
    a file already in DIR, an input photo or another output of the run becomes NAME-2.jpg ...
    (said in the output line), unless --overwrite.
    """
    from mynacard.outputs import OutputNames, ensure_dir
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
    names = OutputNames(files, overwrite=overwrite)  # one for both folders: they may be one
    status = 0
    for f in files:
        analysis, rep = analyse_and_check(f, prof, keep_bytes=fix is not None, on=day)
        extra: dict = {}
        notes = {"annotated": "", "fixed": ""}
        if annotate is not None and analysis is not None:
            from photo.annotate import draw

            wanted = annotate / f"{f.stem}.png"
            out = names.claim(wanted)
            buf = io.BytesIO()
            draw(analysis, rep, prof).save(buf, "PNG")
            names.write(out, buf.getvalue())
            extra["annotated"] = str(out)
            notes["annotated"] = renamed_note(wanted, out)
        if fix is not None and rep.error is None and not rep.passed:
            from photo.correction import fix as do_fix

            res = do_fix(f, prof, analysis=analysis, report=rep)  # the check's own analysis
            if res.fixed and res.data:
                wanted = fix / f"{f.stem}.jpg"
                out = names.claim(wanted)
                names.write(out, res.data)
                rep.fixed = {"path": str(out), **res.to_dict()}
                notes["fixed"] = renamed_note(wanted, out)
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
                    typer.echo(f"  fixed -> {rep.fixed['path']}{notes['fixed']}: " + "; ".join(rep.fixed["actions"]))
                else:
                    typer.echo(f"  not fixed: {rep.fixed['reason']}")
            if "annotated" in extra:
                typer.echo(f"  annotated -> {extra['annotated']}{notes['annotated']}")
        if rep.error is not None:
            status = 2
        elif not rep.passed and status == 0:
            status = 1
    raise typer.Exit(status)
