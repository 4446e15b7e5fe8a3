"""The distribution ships every package and the fonts, found without the current directory."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from importlib import resources

from tests.conftest import ROOT


def test_every_package_directory_is_listed_in_pyproject():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    mapped = {name: ROOT / path for name, path in config.get("package-dir", {}).items()}
    found = set()
    for top in ("cardface", "photo", "mynacard"):
        for init in (ROOT / top).rglob("__init__.py"):
            found.add(".".join(init.parent.relative_to(ROOT).parts))
    assert found - listed == set(), "packages missing from pyproject.toml [tool.setuptools] packages"
    for name, path in mapped.items():
        assert (path / "__init__.py").is_file(), name


def test_fonts_are_package_data():
    fonts = resources.files("cardface.fontfiles")
    for name in ("ipaexg.ttf", "ipaexm.ttf", "IPA_Font_License_Agreement_v1.0.txt"):
        assert (fonts / name).is_file(), name


def test_fonts_are_found_from_any_working_directory(tmp_path):
    code = ("from importlib import resources; "
            "print((resources.files('cardface.fontfiles') / 'ipaexg.ttf').is_file())")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": ""}, check=True)
    assert out.stdout.strip() == "True"


def test_cli_starts_fast_without_heavy_imports():
    code = ("import sys, mynacard.cli; "
            "print(sorted(m for m in ('mediapipe', 'cv2', 'reportlab', 'pykakasi') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_console_script_help():
    exe = ROOT / ".venv" / "bin" / "mynacard"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "mynacard"]
    out = subprocess.run([*cmd, "--help"], capture_output=True, text=True, check=True)
    assert "holders" in out.stdout and "number" in out.stdout
