"""The distribution as a user gets it: a wheel from ``python -m build`` in a fresh venv, the
core without the service or Dask, the extras that add them, and the type markers."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
import venv
import zipfile

import pytest

from tests.conftest import ROOT
from tests.serve_support import FACE

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
SERVE = ("fastapi", "uvicorn", "python-multipart", "fastapi-offline")
CLUSTER = ("dask",)


def _names(requirements: list[str]) -> set[str]:
    import re

    return {re.split(r"[\s\[<>=!~;]", r, maxsplit=1)[0].lower() for r in requirements}


def test_the_core_needs_neither_the_service_nor_dask_and_the_extras_add_them():
    core = _names(PYPROJECT["dependencies"])
    assert not core & {*SERVE, *CLUSTER}, core & {*SERVE, *CLUSTER}
    extras = PYPROJECT["optional-dependencies"]
    assert set(SERVE) <= _names(extras["serve"]) and set(CLUSTER) <= _names(extras["cluster"])
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "'.[serve,cluster,test,docs]'" in makefile  # make demo / make test install everything


def test_batch_on_a_cluster_without_dask_is_one_line_with_a_code(tmp_path, run_cli, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "distributed" else real(name, *a))
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jpg").write_bytes(FACE.read_bytes())
    r = run_cli("photo", "batch", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--scheduler",
                "tcp://127.0.0.1:1", "--no-progress")
    assert r.exit_code == 2 and r.stderr.startswith("mynacard: batch.not_installed:"), r.output
    assert "[cluster]" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.slow
def test_the_wheel_installs_in_a_fresh_venv_and_checks_a_photo(tmp_path):
    """Builds the sdist and, from it, the wheel (PEP 517, isolated: nothing is written into the
    clone but the egg-info), installs the wheel with its core dependencies only (from pip's
    cache or the index), then runs the console script from another folder."""
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    (wheel,) = dist.glob("mynacard-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"cardface/py.typed", "photo/py.typed", "mynacard/py.typed"} <= names
    assert {"mynacard/serve/static/docs.html", "mynacard/serve/static/docs-init.js"} <= names
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", str(wheel)], check=True, capture_output=True,
                   timeout=900)
    exe = env_dir / "bin" / "mynacard"

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(exe), *args], cwd=tmp_path, capture_output=True, text=True, timeout=300)

    version = run("--version")
    assert version.returncode == 0 and version.stdout.strip() == f"mynacard {PYPROJECT['version']}"
    check = run("photo", "check", str(FACE), "--json")
    assert check.returncode in (0, 1), check.stderr
    report = json.loads(check.stdout)
    assert report["checks"] and {c["id"] for c in report["checks"]} >= {"face.count", "pose.roll"}
    # the core install has no service and no Dask, and says so with a code
    for module in ("fastapi", "uvicorn", "distributed"):
        probe = subprocess.run([str(py), "-c", f"import {module}"], capture_output=True, timeout=60)
        assert probe.returncode != 0, module
    serve = run("serve")
    assert serve.returncode == 2 and serve.stderr.startswith("mynacard: serve.not_installed:"), serve.stderr
