"""Every hostile or broken file of the corpus through every entry point.

``mynacard photo check`` (with --annotate and --fix), ``mynacard photo batch`` (one run over
the whole corpus) and ``mynacard card render`` (each file as a holder's photo) run as
subprocesses under a 2 GiB address-space limit; ``cardface.render`` with failing photos
allowed runs in-process; the service, which times every file, is exercised in
:mod:`tests.test_robust_serve`. Each file must get a report or an
error with a stable code (the one the corpus manifest names), exit status 0, 1 or 2, no
traceback, and less than 20 s.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import time
from pathlib import Path

import pytest

from bench.support import MEMORY_LIMIT_BYTES
from tests.robust_support import (
    CORPUS,
    MYNACARD,
    SECONDS_PER_INPUT,
    corpus,
    corpus_file,
    corpus_files,
    entry,
    png_or_jpeg_ok,
    run_limited,
    sample_records,
)

# the card render refuses an unusable photo with one of these
CARD_PHOTO_CODES = {"card.photo_unreadable", "card.photo_refused", "card.photo_no_face"}


def _listing(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir()}


def test_corpus_is_big_and_covers_every_kind():
    entries = corpus()
    assert len(entries) >= 40
    names = " ".join(e["file"] for e in entries)
    for kind in ("empty", "random", "truncated", "header_only", "svg", "heic", "webp", "tif", "bmp", "gif_animated",
                 "png16", "palette", "rgba", "1x1", "6000x8", "bomb_png_40000", "bomb_jpeg_40000", "polyglot",
                 "exif_huge", "with spaces", "顔写真"):
        assert kind in names, kind
    assert sorted(e["orientation"] for e in entries if e["orientation"]) == list(range(1, 9))
    for e in entries:
        assert (CORPUS / e["file"]).exists(), e["file"]
        assert e["expect"], e["file"]
    # decompression bombs are crafted headers, not big files
    assert all((CORPUS / e["file"]).stat().st_size < 4096 for e in entries if e["file"].startswith("bomb_png_4"))


def test_corpus_is_deterministic(tmp_path):
    from bench.support import make_corpus_module

    again = make_corpus_module().build(tmp_path / "again", force=True)
    assert [e["file"] for e in again] == [e["file"] for e in corpus()]
    for e in again:
        if not e["folder"]:
            assert (tmp_path / "again" / e["file"]).read_bytes() == (CORPUS / e["file"]).read_bytes(), e["file"]


def test_every_exif_orientation_is_checked_upright():
    import photo

    upright = photo.check(corpus_file("exif_orientation_1.jpg"))
    assert upright.passed and upright.face
    box0 = upright.face["box"]
    for o in range(2, 9):
        rep = photo.check(CORPUS / f"exif_orientation_{o}.jpg")
        dec = photo.load(CORPUS / f"exif_orientation_{o}.jpg")
        assert dec.exif_orientation == o
        assert (dec.width, dec.height) == (560, 720), o  # the upright size, not the stored one
        assert rep.passed == upright.passed, (o, [c.id for c in rep.failed])
        assert abs(rep.face["roll"]) < 8, (o, rep.face["roll"])
        # the same face in the same place: mirrored storage is undone, not just rotated
        assert all(abs(a - b) < 12 for a, b in zip(rep.face["box"], box0, strict=True)), (o, rep.face["box"], box0)
        (left_eye, right_eye) = rep.face["eyes"]
        assert left_eye[1] < rep.face["chin"][1] and right_eye[1] < rep.face["chin"][1]


def test_cli_photo_check_with_annotate_and_fix_over_the_whole_corpus(tmp_path):
    files = corpus_files(folders=True)
    before = _listing(CORPUS)
    res = run_limited([*MYNACARD, "photo", "check", "--json", "--annotate", str(tmp_path / "ann"), "--fix",
                       str(tmp_path / "fix"), *map(str, files)], timeout_s=len(files) * 2 + 60)
    assert res.crash_lines() == [], res.stderr[-3000:]
    assert "Warning:" not in res.stderr, res.stderr[-3000:]  # no Python warnings with library paths either
    assert res.returncode == 2, res.stderr[-2000:]  # some files cannot be checked
    assert res.peak_rss_bytes < MEMORY_LIMIT_BYTES
    lines = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(lines) == len(files)
    for path, line in zip(files, lines, strict=True):
        assert line["file"] == str(path)
        e = entry(path.name)
        got = line["error"]["code"] if line["error"] else "report"
        assert got in e["expect"], (path.name, got)
    for p in (tmp_path / "ann").iterdir():
        assert p.suffix == ".png" and not p.name.startswith(".")
        png_or_jpeg_ok(p)
    fixed = list((tmp_path / "fix").iterdir())
    assert fixed, "no file of the corpus was fixable"
    for p in fixed:
        png_or_jpeg_ok(p)
    assert _listing(CORPUS) == before  # checking never writes next to the input


def test_cli_photo_batch_over_the_whole_corpus(tmp_path):
    out = tmp_path / "out"
    res = run_limited([*MYNACARD, "photo", "batch", str(CORPUS), "-o", str(out), "--workers", "2", "--fix",
                       "--annotate", "--no-progress"], timeout_s=240)
    assert res.crash_lines() == [], res.stderr[-3000:]
    assert "Warning:" not in res.stderr, res.stderr[-3000:]  # no Python warnings with library paths either
    assert res.returncode == 2, res.stdout + res.stderr[-2000:]
    images = [p for p in corpus_files() if not p.name.startswith(".")]  # the batch skips hidden files only
    records = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    by_file = {Path(r["file"]).name: r for r in records}
    assert len(records) == len(by_file) == len(images)
    for p in images:
        r = by_file[p.name]
        got = r["error"]["code"] if r.get("error") else "report"
        assert got in entry(p.name)["expect"], (p.name, got)
    with open(out / "summary.csv", newline="", encoding="utf-8-sig") as f:
        assert len(list(csv.DictReader(f))) == len(images)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<img src=x onerror" not in page and "<script>alert" not in page  # file names are escaped
    for p in out.rglob("*"):
        if p.is_file() and p.suffix.lower() in (".png", ".jpg"):
            png_or_jpeg_ok(p)


def test_cli_card_render_with_every_corpus_file_as_the_photo(tmp_path):
    base = {k: v for k, v in sample_records()[0].items() if k != "photo"}
    files = corpus_files()
    holders = tmp_path / "holders.json"
    holders.write_text(json.dumps([{**base, "photo": str(p)} for p in files], ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "cards"
    res = run_limited([*MYNACARD, "card", "render", str(holders), "-o", str(out), "--format", "png",
                       "--side", "front"], timeout_s=len(files) * 2 + 60)
    assert res.crash_lines() == [], res.stderr[-3000:]
    assert "Warning:" not in res.stderr, res.stderr[-3000:]  # no Python warnings with library paths either
    assert res.returncode == 1, res.stdout + res.stderr[-2000:]
    assert res.peak_rss_bytes < MEMORY_LIMIT_BYTES
    refused, why = {}, {}
    for line in res.stderr.splitlines():
        if line.startswith("record "):
            record = int(line.split()[1])
            code = line.split(": ")[1]
            refused[record] = code
            why[record] = line
    assert set(refused.values()) <= CARD_PHOTO_CODES, set(refused.values())
    import photo

    for i, p in enumerate(files, 1):
        written = sorted(x.name for x in out.glob(f"next-{i:03d}-*"))
        if i in refused:
            assert written == [], p.name  # nothing for a holder that failed
            # unreadable for the checker too, or too big to decode within the 2 GiB the CLI runs under
            if refused[i] == "card.photo_unreadable" and "not enough memory to decode" not in why[i]:
                assert photo.check(p).error is not None, p.name
        else:
            assert written == [f"next-{i:03d}-front.png"], (p.name, written)
            rep = photo.check(p, "mynumber-next")  # on the card: only what its own crop fixes may fail
            assert rep.error is None and all(c.fixable for c in rep.failed), (p.name, [c.id for c in rep.failed])
            png_or_jpeg_ok(out / f"next-{i:03d}-front.png")
    assert len(refused) < len(files)  # the good photos went on the card
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary file left behind


def test_card_render_in_process_with_failing_photos_allowed():
    """Previews with --allow-failing-photo crop whatever decodes: bytes or a project error, never a crash."""
    import cardface
    from cardface.errors import CardfaceError
    from cardface.holder import Holder

    base = {k: v for k, v in sample_records()[0].items() if k != "photo"}
    decodable, seen = [], set()
    for e in corpus():  # files that differ only by name are rendered once
        if not e["folder"] and "report" in e["expect"]:
            digest = hashlib.sha256((CORPUS / e["file"]).read_bytes()).digest()
            if digest not in seen:
                seen.add(digest)
                decodable.append(e)
    for n, e in enumerate(decodable):
        holder = Holder.from_dict({**base, "photo": str(CORPUS / e["file"])})
        fmt = ("png", "pdf")[n % 2]
        t = time.perf_counter()
        try:
            data = cardface.render(holder, "front", "next", fmt, dpi=150, allow_failing_photo=True)
        except CardfaceError as err:
            assert err.code in CARD_PHOTO_CODES, (e["file"], err.code)
        else:
            if fmt == "png":
                from PIL import Image

                assert Image.open(io.BytesIO(data)).size[0] > 400
            else:
                assert data.startswith(b"%PDF") and b"%%EOF" in data[-64:]
        assert time.perf_counter() - t < SECONDS_PER_INPUT


@pytest.mark.parametrize("command", [
    ["card", "render", "HOLDERS", "-o", "FILE"],
    ["photo", "check", "PHOTO", "--annotate", "FILE"],
    ["photo", "check", "PHOTO", "--fix", "FILE"],
])
def test_an_output_folder_that_is_a_file_is_a_clean_error(run_cli, tmp_path, command):
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    photo_file = corpus_file("exif_orientation_1.jpg")
    args = [str(blocker) if a == "FILE" else str(photo_file) if a == "PHOTO" else a for a in command]
    args = [str(Path(__file__).parent.parent / "samples" / "applicants.json") if a == "HOLDERS" else a for a in args]
    res = run_cli(*args)
    assert res.exit_code == 2, res.output
    assert "output.unwritable" in res.stderr and "Traceback" not in res.output
    assert blocker.read_text() == "not a folder"
