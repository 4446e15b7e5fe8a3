"""``photo batch``: two inputs never share a per-photo output file, whatever their application
ids and names (ids alike once made safe for a file name, a name another's suffix makes, names
alike but for case), and a resumed batch names every file as before."""

from __future__ import annotations

import json
import random

from photo.batch.hashing import sha256_file
from photo.batch.inputs import BatchInput
from photo.batch.job import BatchConfig, run_batch
from photo.batch.outdir import OUTPUT_SUFFIXES, distinct_names, output_name
from photo.batch.worker import Outcome


def _lines(out):
    return [json.loads(x) for x in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]


def _all_names(items):
    return [output_name(folder, i, suffix) for i in items
            for folder, suffix in (("fixed", ".jpg"), ("annotated", ".png"), ("chip", ".jp2"))]


def _folded(names):
    return {n.casefold() for n in names}


class _OwnFilesRunner:
    """Gives every input a passing line, and a fixed and an annotated file holding its own key:
    a file written over by another input's shows it."""

    description = "test runner"

    def run(self, items, options, stop):
        for item in items:
            record = {"file": item.path, "application_id": item.application_id, "sha256": sha256_file(item.path),
                      "passed": True, "profile": options.profile, "checks": [], "error": None}
            own = json.dumps(item.key).encode()
            fixed, annotated = output_name("fixed", item, ".jpg"), output_name("annotated", item, ".png")
            yield Outcome(item.key, {**record, "fixed": {"path": fixed}, "annotated": annotated},
                          {fixed: own, annotated: own})


def _assert_each_line_has_its_own_files(out, expected_keys):
    lines = _lines(out)
    assert len(lines) == len(expected_keys) and {(r["application_id"] or "", r["file"]) for r in lines} == expected_keys
    paths = [r["annotated"] for r in lines] + [r["fixed"]["path"] for r in lines]
    assert len(set(paths)) == len(paths)
    for r in lines:
        own = json.dumps([r["application_id"] or "", r["file"]]).encode()
        assert (out / r["annotated"]).read_bytes() == own
        assert (out / r["fixed"]["path"]).read_bytes() == own


def test_application_ids_alike_once_made_safe_keep_their_own_files_and_names_on_resume(tmp_path):
    """The review's case: ``a/b`` and ``a_b`` (the same photo path, a CSV manifest) both wrote
    annotated/a_b/p.jpg.png, so one result's files were the other's."""
    (tmp_path / "p.jpg").write_bytes(b"one photo")
    manifest = tmp_path / "m.csv"
    manifest.write_text("application_id,path\na/b,p.jpg\na_b,p.jpg\nA:B,p.jpg\nc-1,p.jpg\n", encoding="utf-8")
    out = tmp_path / "out"
    notes: list[str] = []
    result = run_batch(BatchConfig(manifest, out, progress=False, fix=True, annotate=True),
                       runner=_OwnFilesRunner(), echo=notes.append)
    keys = {(i, str(tmp_path / "p.jpg")) for i in ("a/b", "a_b", "A:B", "c-1")}
    assert result.checked == 4
    _assert_each_line_has_its_own_files(out, keys)
    by_id = {r["application_id"]: r["annotated"] for r in _lines(out)}
    assert by_id["c-1"] == "annotated/c-1/p.jpg.png"  # an id that clashes with none keeps its plain folder
    assert all(by_id[i].startswith("annotated/a_b~") for i in ("a/b", "a_b"))
    assert by_id["A:B"].startswith("annotated/A_B~")  # A_B: a_b's folder on a file system blind to case
    assert any("3 photo(s) would have shared an output file" in n for n in notes)
    # resumed (the rows in another order): nothing to redo, the same files; a photo checked
    # again (its line retired) writes to the same name as before
    manifest.write_text("application_id,path\nc-1,p.jpg\nA:B,p.jpg\na_b,p.jpg\na/b,p.jpg\n", encoding="utf-8")
    again = run_batch(BatchConfig(manifest, out, progress=False, fix=True, annotate=True), runner=_OwnFilesRunner())
    assert (again.skipped, again.checked) == (4, 0)
    items, _ = distinct_names([BatchInput(str(tmp_path / "p.jpg"), i, "p.jpg") for i in ("a/b", "a_b", "A:B", "c-1")])
    assert {i.application_id: output_name("annotated", i, ".png") for i in items} == by_id


def test_a_name_that_another_inputs_suffix_makes_keeps_its_own_files(tmp_path):
    """A folder holding ``a.png`` and ``a.png.jpg``: a.png's corrected JPEG is ``a.png.jpg``, the
    other photo's own name (and ``a.jpg`` / ``a.jpg.png`` for the review images)."""
    src = tmp_path / "in"
    src.mkdir()
    for name in ("a.png", "a.png.jpg", "a.jpg", "a.jpg.png", "b.jpg"):
        (src / name).write_bytes(name.encode())
    out = tmp_path / "out"
    run_batch(BatchConfig(src, out, progress=False, fix=True, annotate=True), runner=_OwnFilesRunner())
    _assert_each_line_has_its_own_files(out, {("", str(src / n)) for n in ("a.png", "a.png.jpg", "a.jpg", "a.jpg.png",
                                                                          "b.jpg")})
    plain = {r["file"].rsplit("/", 1)[1]: r for r in _lines(out)}["b.jpg"]
    assert (plain["fixed"]["path"], plain["annotated"]) == ("fixed/b.jpg", "annotated/b.jpg.png")


def test_distinct_names_leaves_names_without_a_clash_alone():
    items = [BatchInput(f"/in/{n}", app, n) for n in ("a.jpg", "a.png", "b/a.jpg", "写真.jpg")
             for app in (None, "A-1", "山田-001")]
    renamed, count = distinct_names(items)
    assert count == 0 and renamed == items


def test_distinct_names_covers_every_clash_and_does_not_depend_on_the_order():
    items = [
        BatchInput("/in/x/a.jpg", "a/b", "a.jpg"), BatchInput("/in/y/a.jpg", "a_b", "a.jpg"),  # ids made safe
        BatchInput("/in/a.png", None, "a.png"), BatchInput("/in/a.png.jpg", None, "a.png.jpg"),  # a suffix
        BatchInput("/in/A.JPG", None, "A.JPG"), BatchInput("/in/a.jpg", None, "a.jpg"),  # case only
        BatchInput("/m/P-1/p.jpg", None, "P-1/p.jpg"), BatchInput("/n/p.jpg", "P-1", "p.jpg"),  # id folder = a path
        BatchInput("/m/Q.jpg", None, "Q.jpg"), BatchInput("/n/q.jpg", "Q.jpg", "q.jpg"),  # a file where a folder goes
        BatchInput("/in/\u00e9.jpg", None, "\u00e9.jpg"), BatchInput("/in/e\u0301.jpg", None, "e\u0301.jpg"),  # NFC/NFD
        BatchInput("/in/keep.jpg", None, "keep.jpg"),
    ]
    renamed, count = distinct_names(items)
    assert renamed[-1] == items[-1] and renamed[9] == items[9]  # no clash; the folder in the way of a file stays
    assert count == len(items) - 2
    for suffix in OUTPUT_SUFFIXES:
        names = [output_name("", i, suffix) for i in renamed]
        folded = [n.casefold() for n in names]
        assert len(set(folded)) == len(folded), suffix
        folders = {"/".join(n.split("/")[:k]) for n in folded for k in range(2, n.count("/") + 1)}
        assert not folders & set(folded)
    shuffled = items[:]
    random.Random(7).shuffle(shuffled)
    again, _ = distinct_names(shuffled)
    assert {i.key: _all_names([i]) for i in again} == {i.key: _all_names([i]) for i in renamed}
    assert len(_folded(_all_names(renamed))) == 3 * len(items)


def test_a_name_that_holds_the_tag_already_is_renamed_again():
    """An input whose own name is the tagged name of two others that clash: a second round."""
    a, b = BatchInput("/in/x/a.jpg", "a/b", "a.jpg"), BatchInput("/in/y/a.jpg", "a_b", "a.jpg")
    first, _ = distinct_names([a, b])
    folder = first[0].folder  # a/b's folder, a_b~<hash>: an application id of its own below
    c = BatchInput("/in/z/a.jpg", folder, "a.jpg")
    renamed, _ = distinct_names([a, b, c])
    names = [output_name("fixed", i, ".jpg").casefold() for i in renamed]
    assert len(set(names)) == 3
