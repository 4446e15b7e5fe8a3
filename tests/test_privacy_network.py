"""No network at run time: the checks work with sockets disabled.

A ``sitecustomize`` put first on ``PYTHONPATH`` replaces ``socket.socket``,
``socket.create_connection``, ``socket.getaddrinfo`` and friends, before anything else is
imported, with versions that write the attempt to a file and raise. Holder checks, romaji,
number checks, card rendering with a photo (PNG and PDF) and photo checks with --annotate
and --fix then run in subprocesses: they must succeed, and the attempts file must stay
empty (an attempt whose error was swallowed would still be recorded). Where the system
allows it (``unshare -rn``), the photo check also runs in a network namespace with no
network at all, which native code (the face models) cannot get around either.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLES
from tests.robust_support import FACE, sample_records

SITECUSTOMIZE = '''
import os
import socket

_LOG = os.environ["MYNACARD_NET_ATTEMPTS"]


def _record(what, args):
    with open(_LOG, "a", encoding="utf-8") as f:
        f.write(f"{what} {args!r}"[:300] + "\\n")


def _refuse(what):
    def refused(*args, **kwargs):
        _record(what, args)
        raise OSError(101, f"network disabled by the test ({what})")
    return refused


class _NoSocket(socket.socket):
    def __init__(self, *args, **kwargs):
        _record("socket", args)
        raise OSError(101, "network disabled by the test (socket)")


socket.socket = _NoSocket
socket.SocketType = _NoSocket
for _name in ("create_connection", "create_server", "getaddrinfo", "gethostbyname", "gethostbyname_ex",
              "gethostbyaddr", "socketpair", "fromfd"):
    setattr(socket, _name, _refuse(_name))
'''


@pytest.fixture()
def no_net(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    attempts = tmp_path / "attempts.txt"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]), "MYNACARD_NET_ATTEMPTS": str(attempts)}
    env.pop("MYNACARD_DEBUG", None)
    return env, attempts


def _run(args: list[str], env: dict, prefix: list[str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*(prefix or []), sys.executable, "-m", "mynacard", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def _commands(tmp_path: Path) -> list[tuple[list[str], int]]:
    holders = tmp_path / "h.json"
    holders.write_text(json.dumps([{**sample_records()[0], "photo": str(FACE)}, sample_records()[1]],
                                  ensure_ascii=False), encoding="utf-8")
    return [
        (["holders", "check", str(SAMPLES / "applicants.json")], 0),
        (["romaji", "マツウラ", "ユウコ", "--kanji", "松浦 優子", "--variants"], 0),
        (["number", "check", sample_records()[0]["my_number"]], 0),
        (["card", "render", str(holders), "-o", str(tmp_path / "cards"), "--format", "png,pdf", "--sheet"], 0),
        (["card", "lint", "current"], 0),
        (["photo", "check", str(FACE), str(SAMPLES / "photos" / "smiling_010.jpg"), "--json", "--annotate",
          str(tmp_path / "ann"), "--fix", str(tmp_path / "fix")], 1),
    ]


def test_sockets_are_really_disabled(no_net):
    """The guard works: a connection, a name lookup and urllib all fail, and are recorded."""
    env, attempts = no_net
    code = ("import socket, urllib.request\n"
            "for f in (lambda: socket.create_connection(('127.0.0.1', 9)), lambda: socket.getaddrinfo('x', 80),\n"
            "          lambda: socket.socket(), lambda: urllib.request.urlopen('http://example.com', timeout=1)):\n"
            "    try:\n        f()\n    except OSError as e:\n        print('refused', e)\n"
            "    else:\n        print('CONNECTED')\n")
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert r.stdout.count("refused") == 4 and "CONNECTED" not in r.stdout, r.stdout + r.stderr
    assert len(attempts.read_text().splitlines()) >= 4


def test_every_check_works_without_sockets(no_net, tmp_path):
    env, attempts = no_net
    for args, status in _commands(tmp_path):
        r = _run(args, env)
        assert r.returncode == status, (args, r.stdout[-1000:], r.stderr[-2000:])
        assert "Traceback" not in r.stderr
        assert not attempts.exists(), (args, attempts.read_text())
    assert len(list((tmp_path / "cards").iterdir())) == 9
    assert list((tmp_path / "ann").iterdir())


@pytest.mark.skipif(shutil.which("unshare") is None or subprocess.run(["unshare", "-rn", "true"],
                    capture_output=True).returncode != 0, reason="no unprivileged network namespaces here")
def test_photo_check_in_a_namespace_without_network(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("MYNACARD_DEBUG", None)
    for args, status in _commands(tmp_path)[-1:]:  # the photo check: native model code included
        r = _run(args, env, prefix=["unshare", "-rn"])
        assert r.returncode == status, (args, r.stderr[-2000:])
        assert "Traceback" not in r.stderr
