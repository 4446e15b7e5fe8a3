"""``python -m mynacard`` is the ``mynacard`` command."""

from mynacard.cli import main

main()
