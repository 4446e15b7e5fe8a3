"""What a batch checks: folders searched recursively, CSV manifests, duplicates."""

from __future__ import annotations

import pytest

from photo.batch.errors import BatchError
from photo.batch.inputs import collect


def _touch(path, data=b"x"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_folder_is_searched_recursively_for_images_only(tmp_path):
    root = tmp_path / "in"
    _touch(root / "b.jpg")
    _touch(root / "a" / "c.JPEG")
    _touch(root / "a" / "d.heic")
    _touch(root / "notes.txt")
    _touch(root / ".hidden.jpg")
    _touch(root / ".cache" / "e.jpg")
    found = collect(root)
    assert found.kind == "folder"
    assert [i.name for i in found.items] == ["a/c.JPEG", "a/d.heic", "b.jpg"]
    assert all(i.application_id is None for i in found.items)
    assert found.items[0].path == str((root / "a" / "c.JPEG").resolve())


def test_output_folder_inside_the_input_is_not_searched(tmp_path):
    root = tmp_path / "in"
    _touch(root / "a.jpg")
    _touch(root / "out" / "fixed" / "a.jpg")
    assert [i.name for i in collect(root, exclude=root / "out").items] == ["a.jpg"]


def test_an_earlier_batchs_output_inside_the_input_is_not_searched(tmp_path):
    """OUT of an earlier run (another name than this run's) holds thumbnails and corrected copies,
    not applicants' photos: a folder with a batch's job file and results is skipped."""
    from photo.batch.inputs import OUTPUT_MARKERS
    from photo.batch.job import JOB_FILE
    from photo.batch.store import RESULTS

    assert OUTPUT_MARKERS == (JOB_FILE, RESULTS)
    root = tmp_path / "in"
    _touch(root / "a.jpg")
    _touch(root / "run1" / "thumbs" / "ab" / "x.jpg")
    (root / "run1" / JOB_FILE).write_text("{}", encoding="utf-8")
    (root / "run1" / RESULTS).write_text("", encoding="utf-8")
    _touch(root / "photos" / "b.jpg")
    (root / "photos" / JOB_FILE).write_text("{}", encoding="utf-8")  # one marker alone: an ordinary folder
    assert [i.name for i in collect(root, exclude=root / "run2").items] == ["a.jpg", "photos/b.jpg"]


def test_manifest_rows_relative_paths_and_duplicates(tmp_path):
    _touch(tmp_path / "p" / "1.jpg")
    other = _touch(tmp_path / "elsewhere" / "2.jpg")
    manifest = tmp_path / "p" / "m.csv"
    manifest.write_text("\ufeffpath,application_id,note\n"
                        "1.jpg,A-1,first\n"
                        f"{other},A-2,absolute\n"
                        "./1.jpg,A-1,same input again\n"
                        "1.jpg,A-3,same file under another application\n"
                        "\n"
                        "missing.jpg,A-4,\n", encoding="utf-8")
    found = collect(manifest)
    assert found.kind == "manifest"
    assert [(i.application_id, i.name) for i in found.items] == [
        ("A-1", "1.jpg"), ("A-2", str(other).lstrip("/")), ("A-3", "1.jpg"), ("A-4", "missing.jpg")]
    assert found.items[0].path == str(tmp_path / "p" / "1.jpg")
    assert found.duplicates == 1 and "1 manifest row" in found.notes[0]


@pytest.mark.parametrize("text, fragment", [
    ("", "empty"),
    ("id,file\nA,a.jpg\n", "lacks application_id, path"),
    ("application_id,path\nA,\n", "line 2 has an empty path"),
    ("application_id,path\nA\n", "line 2 has 1 column"),
])
def test_bad_manifests_are_refused_with_a_code(tmp_path, text, fragment):
    manifest = tmp_path / "m.csv"
    manifest.write_text(text, encoding="utf-8")
    with pytest.raises(BatchError) as err:
        collect(manifest)
    assert err.value.code == "batch.manifest_invalid"
    assert fragment in err.value.message


def test_missing_input_and_wrong_file_type(tmp_path):
    with pytest.raises(BatchError) as err:
        collect(tmp_path / "nope")
    assert err.value.code == "batch.input_missing"
    _touch(tmp_path / "a.jpg")
    with pytest.raises(BatchError) as err:
        collect(tmp_path / "a.jpg")
    assert err.value.code == "batch.input_invalid"


def test_output_file_names_never_collide():
    from photo.batch.inputs import BatchInput
    from photo.batch.outdir import output_name

    names = {output_name("fixed", BatchInput(f"/in/{n}", app, n), ".jpg")
             for n in ("a.jpg", "a.png", "a.JPG", "b/a.jpg") for app in (None, "A-1", "../x")}
    assert len(names) == 12
    assert output_name("fixed", BatchInput("/in/a.jpg", None, "a.jpg"), ".jpg") == "fixed/a.jpg"
    assert output_name("annotated", BatchInput("/in/a.png", "A-1", "a.png"), ".png") == "annotated/A-1/a.png"
    assert output_name("fixed", BatchInput("/in/a.png", "../x", "a.png"), ".jpg") == "fixed/_x/a.png.jpg"
