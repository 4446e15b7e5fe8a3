"""Shared fixtures. Tests never read ../shared: they use tests/data and samples/ only."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
SAMPLES = ROOT / "samples"


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def invoke_cli(*args: str, input: str | None = None) -> CliResult:
    """Run ``mynacard ARGS...`` in-process through the real entry point (error handling included)."""
    from mynacard.cli import main

    runner = CliRunner()
    with runner.isolation(input=input) as streams:
        out, err = streams[0], streams[1]
        try:
            main(list(args))
            code = 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        sys.stdout.flush()  # print(..., file=sys.stderr) in main() is buffered until flushed
        sys.stderr.flush()
        return CliResult(code, out.getvalue().decode("utf-8", "replace"), err.getvalue().decode("utf-8", "replace"))


@pytest.fixture
def run_cli():
    """``run_cli("number", "check", "...")`` -> CliResult(exit_code, stdout, stderr, output)."""
    return invoke_cli
