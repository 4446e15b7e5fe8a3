"""Shared helpers of the service tests (tests/test_serve_*.py); no ../shared data."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import DATA, ROOT, SAMPLES

# A face photo (CC BY 4.0, see tests/data/serve/README.md), cropped to 35:45.
FACE = DATA / "serve" / "face.jpg"

# A fictitious holder from samples/applicants.json (大野 太郎, valid check digit).
HOLDER = json.loads((SAMPLES / "applicants.json").read_text(encoding="utf-8"))[0]


def sample_holder(**changes) -> dict:
    data = {k: v for k, v in HOLDER.items() if k != "photo"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A running ``mynacard serve``: ``url``, and ``log`` (its whole output) once stopped."""

    def __init__(self, url: str, log_path: Path):
        self.url = url
        self.log_path = log_path
        self.log = ""


@contextmanager
def running_server(*args: str, log_dir: Path, env: dict | None = None, timeout_s: float = 90.0):
    """``mynacard serve ARGS`` in a subprocess on a free loopback port."""
    port = free_port()
    cmd = [sys.executable, "-m", "mynacard", "serve", "--port", str(port), *args]
    log_path = log_dir / f"serve-{port}.log"
    with open(log_path, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=out,
                                stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", log_path)
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if proc.poll() is not None:
                raise RuntimeError("server exited: " + log_path.read_text("utf-8", "replace"))
            try:
                with urllib.request.urlopen(server.url + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start in time: " + log_path.read_text("utf-8", "replace"))
            time.sleep(0.2)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        server.log = log_path.read_text("utf-8", "replace")
