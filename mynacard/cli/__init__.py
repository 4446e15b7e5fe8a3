"""``mynacard``: one command, a subcommand per capability.

Commands only parse arguments, call the library and print. Errors a user can cause are
printed as one line ``mynacard: <code>: <message>`` with exit status 2; set
``MYNACARD_DEBUG=1`` to see a traceback for anything unexpected.
"""

from __future__ import annotations

import os
import sys

import typer

from mynacard import __version__
from mynacard.errors import EXIT_INTERNAL, USER_ERRORS, exit_status

app = typer.Typer(
    name="mynacard",
    help="Toolkit for Japan's next-generation My Number card: holder data, passport Hepburn, "
    "application photo checks, card faces and oblique capture.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mynacard {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
    verbose: int = typer.Option(0, "--verbose", "-v", count=True, help="More log output on stderr (-v, -vv)."),
) -> None:
    """mynacard: holder data, passport Hepburn, photo checks, card faces."""
    from mynacard import logs

    logs.configure(verbose)


# Each module adds its commands to ``app``; keep this list in help order.
from mynacard.cli import card as _card  # noqa: E402,F401
from mynacard.cli import card_evidence as _card_evidence  # noqa: E402,F401
from mynacard.cli import card_oblique as _card_oblique  # noqa: E402,F401
from mynacard.cli import holders as _holders  # noqa: E402,F401
from mynacard.cli import number as _number  # noqa: E402,F401
from mynacard.cli import photo as _photo  # noqa: E402,F401
from mynacard.cli import photo_batch as _photo_batch  # noqa: E402,F401 - after photo: it adds to photo_app
from mynacard.cli import photo_chip as _photo_chip  # noqa: E402,F401 - after photo: it adds to photo_app
from mynacard.cli import romaji as _romaji  # noqa: E402,F401
from mynacard.cli import serve as _serve  # noqa: E402,F401


def _click_error(err: BaseException) -> str | None:
    """The kind of a Click exception (typer bundles its own copy of Click: matched by class name)."""
    names = {c.__name__ for c in type(err).__mro__}
    for kind in ("NoArgsIsHelpError", "UsageError", "ClickException", "Abort"):
        if kind in names:
            return kind
    return None


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    from photo.models import few_malloc_arenas

    few_malloc_arenas()  # before a model starts its threads: see photo.models.few_malloc_arenas
    try:
        rv = app(args=argv, prog_name="mynacard", standalone_mode=False)
    except USER_ERRORS as err:
        print(f"mynacard: {err.code}: {err}", file=sys.stderr, flush=True)
        sys.exit(exit_status(err))
    except KeyboardInterrupt:
        print("mynacard: interrupted", file=sys.stderr, flush=True)
        sys.exit(130)
    except Exception as err:
        kind = _click_error(err)
        if kind == "NoArgsIsHelpError":  # `mynacard` or `mynacard photo` alone: the help
            print(err.format_message(), file=sys.stderr, flush=True)  # type: ignore[attr-defined]
            sys.exit(err.exit_code)  # type: ignore[attr-defined]
        if kind == "UsageError":  # a bad option or argument: one line with a code
            ctx = getattr(err, "ctx", None)
            where = ctx.command_path if ctx is not None else "mynacard"
            print(f"mynacard: cli.usage: {err.format_message()} (see `{where} --help`)",  # type: ignore[attr-defined]
                  file=sys.stderr, flush=True)
            sys.exit(err.exit_code)  # type: ignore[attr-defined]
        if kind == "ClickException":
            print(f"mynacard: cli.error: {err.format_message()}", file=sys.stderr, flush=True)  # type: ignore[attr-defined]
            sys.exit(err.exit_code)  # type: ignore[attr-defined]
        if kind == "Abort":
            print("mynacard: interrupted", file=sys.stderr, flush=True)
            sys.exit(130)
        if os.environ.get("MYNACARD_DEBUG"):  # a bug: one line unless debugging
            raise
        print(f"mynacard: internal error ({type(err).__name__}); rerun with MYNACARD_DEBUG=1 and report it",
              file=sys.stderr, flush=True)
        sys.exit(EXIT_INTERNAL)
    # standalone_mode=False: typer returns the exit status of typer.Exit, or the command's value
    sys.exit(rv if isinstance(rv, int) and not isinstance(rv, bool) else 0)
