"""scripts/system-deps.sh venv: the set-up makes sure the interpreter can create .venv with pip
before `make` creates it (Debian and Ubuntu ship venv's ensurepip in pythonX.Y-venv, apart from
python3). None of these tests installs anything: they take the paths that need no apt-get."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

SCRIPT = ROOT / "scripts" / "system-deps.sh"


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(SCRIPT), *args], capture_output=True, text=True, timeout=60)


def test_an_interpreter_that_can_make_a_venv_needs_nothing():
    r = _run("venv", sys.executable)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "" and r.stderr == ""


def test_a_missing_interpreter_is_named_with_what_to_do():
    r = _run("venv", "no-such-python3")
    assert r.returncode == 1
    assert "no Python interpreter 'no-such-python3'" in r.stderr and "PYTHON=" in r.stderr


def test_a_python_older_than_3_11_is_refused_with_what_to_install():
    # the first older Python found on this machine (pyenv's on the development machines)
    pyenv = Path.home() / ".pyenv" / "versions"
    found = [p for p in (Path("/usr/bin/python3.10"), Path("/usr/bin/python3.9"),
                         *sorted(pyenv.glob("3.10.*/bin/python")), *sorted(pyenv.glob("3.9.*/bin/python")))
             if p.exists()]
    if not found:
        pytest.skip("no Python older than 3.11 on this machine")
    old = found[0]
    r = _run("venv", str(old))
    assert r.returncode == 1
    assert "needs Python 3.11 or newer" in r.stderr and "PYTHON=" in r.stderr


def test_an_unknown_mode_is_a_usage_error():
    r = _run("everything")
    assert r.returncode == 2 and "usage:" in r.stderr


def test_an_interpreter_without_ensurepip_gets_a_clear_message_not_venvs(tmp_path: Path):
    """An interpreter whose ensurepip cannot be imported (shadowed here), with its pythonX.Y-venv
    package already installed (so the script has nothing to install): it says the interpreter
    cannot make the environment, instead of leaving `python -m venv` to fail half-way."""
    ver = f"{sys.version_info[0]}.{sys.version_info[1]}"
    status = subprocess.run(["dpkg-query", "-W", "-f=${Status}", f"python{ver}-venv"],
                            capture_output=True, text=True) if shutil.which("dpkg-query") else None
    if status is None or "install ok installed" not in status.stdout:
        pytest.skip(f"python{ver}-venv is not installed: the script would install it")
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "ensurepip.py").write_text('raise ImportError("no ensurepip here")\n')
    fake = tmp_path / "python3"
    fake.write_text(f'#!/bin/bash\nPYTHONPATH={shadow} exec {sys.executable} "$@"\n')
    fake.chmod(0o755)
    r = _run("venv", str(fake))
    assert r.returncode == 1
    assert "cannot create a virtual environment with pip (no ensurepip)" in r.stderr


def test_make_builds_the_venv_through_the_check():
    """The Makefile's .venv rule asks the script first, and makes .venv again (--clear) when the one
    there has no working pip."""
    text = (ROOT / "Makefile").read_text()
    rule = text.split("$(STAMP): pyproject.toml", 1)[1].split("\n\n", 1)[0]
    assert "-m pip --version" in rule
    assert "scripts/system-deps.sh venv $(PYTHON)" in rule and "-m venv --clear $(VENV)" in rule
