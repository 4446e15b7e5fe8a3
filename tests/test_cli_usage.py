"""Usage mistakes (a bad option value, an unknown option or command, a missing argument) are
one line with a code and exit 2, like every other error a user can cause."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(("args", "where"), [
    (("card", "render", "samples/applicants.json", "-o", "out/x", "--side", "middle"), "mynacard card render"),
    (("photo", "batch", "samples/photos", "-o", "out/x", "--workers", "0"), "mynacard photo batch"),
    (("photo", "check", "--bogus", "x.jpg"), "mynacard photo check"),
    (("romaji",), "mynacard romaji"),
    (("nosuchcommand",), "mynacard"),
])
def test_usage_errors_are_one_line_with_a_code(run_cli, args, where):
    res = run_cli(*args)
    assert res.exit_code == 2, res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mynacard: cli.usage: "), res.stderr
    assert f"(see `{where} --help`)" in lines[0]
    assert "Traceback" not in res.output and res.stdout == ""


def test_help_and_version_still_exit_0(run_cli):
    assert run_cli("--version").exit_code == 0
    res = run_cli("photo", "check", "--help")
    assert res.exit_code == 0 and "Usage: mynacard photo check" in res.stdout
    bare = run_cli()  # no command: the help, exit 2 as Click does
    assert bare.exit_code == 2 and "Usage: mynacard" in bare.output
