"""What a batch checks: every image file under a folder, or the rows of a CSV manifest.

A folder is searched recursively for files whose extension names an image format (hidden
files and folders, the batch's own output folder and any other batch's output folder, known
by its ``batch.json`` and ``results.jsonl``, are skipped: their thumbnails and corrected
copies are not applicants' photos); the order is sorted, so two runs see the same list. A manifest is a CSV file with a header row naming the
columns ``application_id`` and ``path`` (any order, other columns ignored; UTF-8 with or
without BOM, or CP932 as Excel saves it in Japanese, or the encoding named); relative paths
are relative to the manifest's folder.

One *input* is an (application_id, absolute path) pair. A row repeating an earlier
(application_id, path) pair is the same input and is dropped (counted in
:attr:`Inputs.duplicates`); the same path under two application ids is two inputs and gets
two result lines. Files that are missing or unreadable stay in the list: the worker gives
them an error line like any other result.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from pathlib import Path

from photo.batch.errors import BatchError
from photo.textfile import DELIMITED_SUFFIXES, TextEncodingError, csv_rows, decode_text

#: Extensions (lower case) a folder search picks up. Formats the checker refuses (HEIC,
#: TIFF...) are still picked up so that the applicant gets a result telling them why.
IMAGE_EXTENSIONS = frozenset({
    ".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".heic", ".heif", ".avif", ".webp",
    ".tif", ".tiff", ".bmp", ".gif", ".jp2",
})

MANIFEST_COLUMNS = ("application_id", "path")


@dataclass(frozen=True)
class BatchInput:
    """One photo to check: ``path`` is absolute; ``name`` is the path used for output files
    (relative to the input folder or the manifest's folder; the whole path for a manifest
    row outside that folder). Two inputs whose output files would still share a name get
    distinct ones from :func:`photo.batch.outdir.distinct_names` before the batch runs."""

    path: str
    application_id: str | None = None
    name: str = ""
    #: the folder of the application id's files under fixed/, annotated/, chip/ when the id's own
    #: safe name is another id's too (set by :func:`photo.batch.outdir.distinct_names`); "": that name
    folder: str = ""

    @property
    def key(self) -> tuple[str, str]:
        """Identity of the input in results.jsonl: (application_id or "", path)."""
        return (self.application_id or "", self.path)


@dataclass
class Inputs:
    items: list[BatchInput]
    kind: str  # "folder" or "manifest"
    source: str  # absolute path of the folder or manifest
    duplicates: int = 0  # manifest rows dropped as repeats of an earlier (application_id, path)
    notes: list[str] = field(default_factory=list)


def collect(source: str | Path, *, exclude: str | Path | None = None, encoding: str | None = None) -> Inputs:
    """The inputs named by ``source`` (a folder or a ``.csv`` manifest).

    ``exclude`` is a folder never searched (the batch's OUT folder when it lies inside the
    input folder). Raises :class:`BatchError` when ``source`` is neither.
    """
    src = Path(source).expanduser()
    if src.is_dir():
        return _from_folder(src.resolve(), Path(exclude).resolve() if exclude else None)
    if src.is_file():
        if src.suffix.lower() not in DELIMITED_SUFFIXES:
            raise BatchError(f"{source}: INPUT must be a folder or a .csv manifest (application_id,path; "
                             f"Excel's Unicode text, .txt, too)",
                             code="batch.input_invalid")
        return _from_manifest(src.resolve(), encoding)
    raise BatchError(f"{source}: no such folder or manifest", code="batch.input_missing")


#: the files that mark a folder as a batch's output (photo.batch.job's job file and photo.batch.store's results)
OUTPUT_MARKERS = ("batch.json", "results.jsonl")


def is_batch_output(folder: Path) -> bool:
    """True when ``folder`` holds a batch's output (its job file and results): never searched for photos."""
    return all((folder / m).is_file() for m in OUTPUT_MARKERS)


def _from_folder(root: Path, exclude: Path | None) -> Inputs:
    found: list[BatchInput] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=None):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames
                             if not d.startswith(".") and (exclude is None or (here / d).resolve() != exclude)
                             and not is_batch_output(here / d))
        for name in filenames:
            if name.startswith(".") or Path(name).suffix.lower() not in IMAGE_EXTENSIONS:
                continue
            p = here / name
            found.append(BatchInput(path=str(p), name=p.relative_to(root).as_posix()))
    found.sort(key=lambda i: i.name)
    return Inputs(found, "folder", str(root))


def _from_manifest(manifest: Path, encoding: str | None = None) -> Inputs:
    """The rows of a manifest in UTF-8 (with or without a BOM) or CP932 as Excel saves it in
    Japanese (:mod:`photo.textfile`), or in ``encoding``."""
    base = manifest.parent
    try:
        text, _used = decode_text(manifest.read_bytes(), manifest.name, encoding)
        rows = csv_rows(text)
    except TextEncodingError as err:
        raise BatchError(f"{manifest.name}: {err.message}", code="batch.manifest_invalid") from None
    except csv.Error as err:
        raise BatchError(f"{manifest.name}: not valid CSV ({err})", code="batch.manifest_invalid") from None
    except OSError as err:
        raise BatchError(f"{manifest.name}: cannot read the manifest ({err.strerror})",
                         code="batch.manifest_invalid") from None
    if not rows:
        raise BatchError(f"{manifest.name}: the manifest is empty; expected a header row application_id,path",
                         code="batch.manifest_invalid")
    header = [h.strip().lower() for h in rows[0]]
    missing = [c for c in MANIFEST_COLUMNS if c not in header]
    if missing:
        raise BatchError(f"{manifest.name}: the header row lacks {', '.join(missing)} "
                         "(expected columns application_id,path)", code="batch.manifest_invalid")
    i_app, i_path = header.index("application_id"), header.index("path")
    seen: set[tuple[str, str]] = set()
    items: list[BatchInput] = []
    duplicates = 0
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank line
        if len(row) <= max(i_app, i_path):
            raise BatchError(f"{manifest.name}: line {line} has {len(row)} column(s), expected {len(header)}",
                             code="batch.manifest_invalid")
        app_id, raw = row[i_app].strip() or None, row[i_path].strip()
        if not raw:
            raise BatchError(f"{manifest.name}: line {line} has an empty path", code="batch.manifest_invalid")
        p = Path(raw).expanduser()
        if not p.is_absolute():
            p = base / p
        p = Path(os.path.normpath(p))
        try:
            name = p.relative_to(base).as_posix()
        except ValueError:  # outside the manifest's folder: the whole path keeps names distinct
            name = p.as_posix().lstrip("/")
        item = BatchInput(path=str(p), application_id=app_id, name=name)
        if item.key in seen:
            duplicates += 1
            continue
        seen.add(item.key)
        items.append(item)
    notes = [f"{duplicates} manifest row(s) repeat an earlier application_id,path and were dropped"] \
        if duplicates else []
    return Inputs(items, "manifest", str(manifest), duplicates, notes)
