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
from mynacard.cli import card_oblique as _card_oblique  # noqa: E402,F401
from mynacard.cli import holders as _holders  # noqa: E402,F401
from mynacard.cli import number as _number  # noqa: E402,F401
from mynacard.cli import photo as _photo  # noqa: E402,F401
from mynacard.cli import romaji as _romaji  # noqa: E402,F401
from mynacard.cli import serve as _serve  # noqa: E402,F401


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    try:
        app(args=argv, prog_name="mynacard")
    except USER_ERRORS as err:
        print(f"mynacard: {err.code}: {err}", file=sys.stderr, flush=True)
        sys.exit(exit_status(err))
    except KeyboardInterrupt:
        print("mynacard: interrupted", file=sys.stderr, flush=True)
        sys.exit(130)
    except Exception as err:  # a bug: one line unless debugging
        if os.environ.get("MYNACARD_DEBUG"):
            raise
        print(f"mynacard: internal error ({type(err).__name__}); rerun with MYNACARD_DEBUG=1 and report it",
              file=sys.stderr, flush=True)
        sys.exit(EXIT_INTERNAL)
