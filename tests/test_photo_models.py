"""The shipped face models: verified when loaded, MediaPipe Tasks only, closed cleanly."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from photo import models
from photo.analysis import FaceAnalysis
from photo.intake import load
from tests.photo_helpers import path

ROOT = Path(__file__).resolve().parents[1]


def test_every_model_file_is_in_the_manifest_with_its_licence_and_source():
    folder = resources.files("photo.models")
    shipped = {p.name for p in folder.iterdir() if p.name.endswith((".task", ".tflite", ".onnx"))}
    entries = models.manifest()
    assert {e["file"] for e in entries.values()} == shipped
    assert set(entries) == set(models.MODEL_NAMES)
    for e in entries.values():
        data = folder.joinpath(e["file"]).read_bytes()
        assert len(data) == e["bytes"] and hashlib.sha256(data).hexdigest() == e["sha256"]
        assert e["licence"] == "Apache-2.0" and e["source"] and e["author"]
    assert "Apache License" in folder.joinpath("LICENSE-Apache-2.0.txt").read_text()
    # the landmarker is Google's published float16 v1 file, unchanged
    assert entries["face_landmarker"]["sha256"] == "64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff"


def _patched(monkeypatch, name: str, **change):
    real = models.manifest()
    entry = dict(real[name], **change)
    monkeypatch.setattr(models, "manifest", lambda: {**real, name: entry})


def test_an_altered_model_file_is_refused_with_a_code(monkeypatch):
    _patched(monkeypatch, "selfie_segmentation", sha256="0" * 64)
    with pytest.raises(models.ModelError) as e:
        models.model_bytes("selfie_segmentation")
    assert e.value.code == "model.corrupt" and "reinstall" in e.value.message
    with pytest.raises(models.ModelError):
        models.verify_all()


def test_a_missing_model_file_is_refused_with_a_code(monkeypatch):
    _patched(monkeypatch, "face_landmarker", file="no_such_model.task")
    with pytest.raises(models.ModelError) as e:
        models.model_bytes("face_landmarker")
    assert e.value.code == "model.missing" and "no_such_model.task" in e.value.message


_CLI_WITH_ALTERED_MODEL = """
import sys
from photo import models
real = models.manifest()
models.manifest = lambda: {**real, "face_landmarker": dict(real["face_landmarker"], sha256="1" * 64)}
from mynacard.cli import main
main(sys.argv[1:])
"""


@pytest.mark.parametrize("command", [["photo", "check"], ["photo", "batch", "-o", "{tmp}/out", "--no-progress"]])
def test_cli_with_an_altered_model_says_so_in_one_line(tmp_path, command):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.jpg").write_bytes(path("compliant_a").read_bytes())
    args = [a.replace("{tmp}", str(tmp_path)) for a in command]
    args = [*args[:2], str(src / "a.jpg") if command[1] == "check" else str(src), *args[2:]]
    env = {k: v for k, v in os.environ.items() if k != "MYNACARD_DEBUG"}
    p = subprocess.run([sys.executable, "-c", _CLI_WITH_ALTERED_MODEL, *args], capture_output=True, text=True,
                       cwd=ROOT, env=env, timeout=120)
    assert p.returncode == 3, p.stderr
    assert "Traceback" not in p.stderr
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    assert lines == [lines[0]] and lines[0].startswith("mynacard: model.corrupt: model file face_landmarker.task")


def test_no_legacy_mediapipe_api_anywhere_in_the_project():
    legacy = ("mp." + "solutions", "mediapipe." + "solutions", "mediapipe.python." + "solutions")
    offenders = []
    for folder in ("photo", "cardface", "mynacard", "bench", "scripts", "tests"):
        for f in (ROOT / folder).rglob("*.py"):
            text = f.read_text(encoding="utf-8", errors="replace")
            offenders += [f"{f.relative_to(ROOT)}: {w}" for w in legacy if w in text]
    assert offenders == []


def test_landmarks_blendshapes_and_matrix_of_one_face():
    a = FaceAnalysis(load(path("compliant_a")))
    assert a.face_count == 1 and a.landmarks.shape == (478, 3)
    assert len(a.blendshapes) == 52 and all(0.0 <= v <= 1.0 for v in a.blendshapes.values())
    assert a.face_matrix.shape == (4, 4)
    x0, y0, x1, y1 = a.face_boxes[0]
    assert x0 < a.eye_r[0] < a.eye_l[0] < x1 and y0 < a.eye_mid[1] < a.chin[1] <= y1 + 1


def test_blendshapes_tell_a_smile_from_a_neutral_face():
    smile = FaceAnalysis(load(path("smiling_a"))).blendshapes
    neutral = FaceAnalysis(load(path("compliant_a"))).blendshapes

    def score(b):
        return (b["mouthSmileLeft"] + b["mouthSmileRight"]) / 2

    assert score(smile) > 0.4 > 0.15 > score(neutral)


def test_a_second_face_is_counted(tmp_path):
    from PIL import Image

    a = Image.open(path("compliant_a")).convert("RGB")
    b = Image.open(path("compliant_b")).convert("RGB")
    canvas = Image.new("RGB", (a.width * 2, max(a.height, b.height)), a.getpixel((2, 2)))
    canvas.paste(a, (0, 0))
    canvas.paste(b, (a.width, 0))
    analysis = FaceAnalysis(load(canvas))
    assert analysis.face_count == 2 and len(analysis.face_boxes) == 2


def test_close_releases_the_tasks_and_they_load_again():
    models.warm_up()
    assert set(models.loaded()) == set(models.MODEL_NAMES)
    models.close()
    assert models.loaded() == {}
    assert FaceAnalysis(load(path("compliant_b"))).face_count == 1
    assert "face_landmarker" in models.loaded()


def test_interpreter_exit_after_a_check_prints_nothing():
    code = f"import photo; r = photo.check({str(path('compliant_a'))!r}); print(r.passed is not None)"
    env = {k: v for k, v in os.environ.items() if k != "MYNACARD_DEBUG"}
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert p.returncode == 0 and p.stdout.strip() == "True"
    assert p.stderr == ""


_TALK_WHILE_LOADING = """
import sys, threading, time
import photo
def talk():
    for i in range(15):
        print("line", i, "from another thread", file=sys.stderr, flush=True)
        time.sleep(0.02)
t = threading.Thread(target=talk)
t.start()
photo.warm_up()
t.join()
"""


def test_stderr_of_other_threads_during_the_first_model_load_is_kept_and_the_chatter_dropped():
    # fd 2 is held back while MediaPipe loads (its W0000/INFO lines): another thread's lines
    # written meanwhile reach stderr all the same, after the load
    env = {k: v for k, v in os.environ.items() if k != "MYNACARD_DEBUG"}
    p = subprocess.run([sys.executable, "-c", _TALK_WHILE_LOADING], capture_output=True, text=True, cwd=ROOT,
                       env=env, timeout=120)
    assert p.returncode == 0, p.stderr
    lines = p.stderr.splitlines()
    assert sorted(lines) == sorted(f"line {i} from another thread" for i in range(15))


_CHECK_AT_EXIT = """
import atexit
def late():
    import photo
    from photo.models import ModelError
    try:
        photo.check(PHOTO)
    except ModelError as e:
        print("refused", e.code)
atexit.register(late)
import photo
photo.warm_up()
"""

_DAEMONS_AT_EXIT = """
import threading, time
import photo
photo.warm_up()
def loop():
    while True:
        photo.check(PHOTO)
for _ in range(2):
    threading.Thread(target=loop, daemon=True).start()
time.sleep(0.4)
print("main done")
"""


@pytest.mark.parametrize("warm", [True, False], ids=["models_loaded", "first_check_at_exit"])
def test_a_check_while_the_interpreter_exits_is_refused_with_a_code(warm):
    code = _CHECK_AT_EXIT.replace("PHOTO", repr(str(path("compliant_a"))))
    if not warm:  # the process never used the models before its atexit handler
        code = code.replace("photo.warm_up()", "")
    env = {k: v for k, v in os.environ.items() if k != "MYNACARD_DEBUG"}
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert p.returncode == 0 and p.stdout.strip() == "refused model.exiting", p.stdout + p.stderr
    assert "Traceback" not in p.stderr, p.stderr[-2000:]


def test_daemon_threads_still_checking_at_exit_do_not_abort_the_process():
    # they used to be inside native code while the process tore it down: "terminate called
    # without an active exception", exit 134, in about one run in three
    code = _DAEMONS_AT_EXIT.replace("PHOTO", repr(str(path("compliant_a"))))
    for _ in range(4):
        p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert p.returncode == 0 and "terminate called" not in p.stderr, p.stderr[-2000:]
        errors = [line for line in p.stderr.splitlines() if line and not line[0].isspace() and "Error" in line]
        assert all(line.startswith("photo.models.ModelError") for line in errors), errors


def test_the_chatter_filter_drops_native_start_up_lines_only():
    chatter = [b"W0000 00:00:1796705578.266872    5366 face_landmarker_graph.cc:181] Sets acceleration\n",
               b"I0000 12:01:02.000001 42 gl_context.cc:357] GL version\n",
               b"INFO: Created TensorFlow Lite XNNPACK delegate for CPU.\n",
               b"WARNING: Logging before InitGoogle() is written to STDERR\n"]
    kept = [b"E0000 00:00:1.5 1 graph.cc:1] a real error\n", b"WARNING:root:a Python warning\n", b"plain text\n",
            b"INFO:     127.0.0.1:5000 - \"GET /healthz HTTP/1.1\" 200 OK\n", b"INFO: a log line of the caller's\n"]
    assert all(models._CHATTER.match(line) for line in chatter)
    assert not any(models._CHATTER.match(line) for line in kept)


def test_the_command_caps_malloc_arenas_before_numpy_or_a_model_loads():
    """``mynacard`` calls photo.models.few_malloc_arenas first thing; that works only while numpy,
    OpenCV and the model runtimes are not yet loaded (their threads make the arenas), so
    importing the command must not load them."""
    import subprocess
    import sys

    code = ("import sys, mynacard.cli, photo.models\n"
            "assert not {'numpy', 'cv2', 'mediapipe', 'onnxruntime'} & set(sys.modules), sorted(sys.modules)\n"
            "assert photo.models.few_malloc_arenas()\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr


FORKED_POOL = """
import multiprocessing as mp
import sys
from concurrent.futures import ProcessPoolExecutor

import photo

PHOTO = sys.argv[1]


def job(_):
    return [c.value for c in photo.check(PHOTO).checks]


if __name__ == "__main__":
    photo.warm_up()  # the parent holds loaded models when it forks, as a pre-forking server does
    want = job(0)
    with ProcessPoolExecutor(2, mp_context=mp.get_context("fork")) as ex:
        got = list(ex.map(job, range(4), timeout=120))
    print("same" if all(g == want for g in got) else "different")
"""


def test_a_child_forked_after_the_models_loaded_loads_its_own_and_checks_alike(tmp_path):
    """MediaPipe's tasks run on threads a forked child does not have: a call there waited forever.
    The child now sets the parent's tasks aside and loads its own (photo.models)."""
    script = tmp_path / "forked.py"
    script.write_text(FORKED_POOL, encoding="utf-8")
    r = subprocess.run([sys.executable, str(script), str(path("compliant_a"))], capture_output=True, text=True,
                       timeout=240, cwd=Path(__file__).resolve().parents[1])
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == "same"
