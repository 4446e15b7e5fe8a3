"""``OUT/summary.csv``: one row per photo, with the ids of its failed checks and their reasons.

Columns: ``application_id, file, result, failed_checks, error_code, sha256, reasons`` where
``result`` is ``pass``, ``fail`` or ``error`` (the photo could not be checked),
``failed_checks`` lists check ids separated by spaces, and ``reasons`` the same checks as
``id:key`` (the reason's code, as the JSON report's ``key``: ``eyes.visible:hair`` is a fringe
over the eyes, ``eyes.visible:dark`` sunglasses; a result line written before reports carried
the key gives the id alone). ``reasons`` comes last, so a program reading the columns by
position finds the others where they were. Rows are sorted by application id then file, so two
runs over the same inputs give the same file.

Cells that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return — an application id from a manifest, a file name) are written
with a leading apostrophe, so opening the summary in Excel or LibreOffice runs nothing.

The file is UTF-8 and, by default, starts with a byte order mark (``bom=True``; the CLI's
``--no-bom`` turns it off). Excel on Japanese Windows opens a CSV without a BOM as CP932,
so every Japanese file name and application id shows garbled; the BOM is the one signal
it honours. CP932 output instead would lose every character outside it (𠮷, IVS
selectors), and an opt-in ``--excel`` would leave the default garbled for the reviewers
the file is for. Programs read the file with ``encoding="utf-8-sig"`` (which accepts both)
or read ``results.jsonl``, the machine-readable record of the batch.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

COLUMNS = ("application_id", "file", "result", "failed_checks", "error_code", "sha256", "reasons")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """``text`` made inert for spreadsheets (CSV formula injection)."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


@dataclass(frozen=True)
class Row:
    application_id: str
    file: str
    result: str
    failed_checks: tuple[str, ...]
    error_code: str
    sha256: str
    reasons: tuple[str, ...] = ()


def reason_code(check: dict) -> str:
    """A failed check of a result line as ``id:key`` (its reason's code), or the id alone for a
    line written before results carried their key: summary.csv's ``reasons`` and report.html's
    filter name reasons so."""
    return f"{check['id']}:{check['key']}" if check.get("key") else check["id"]


def row_of(record: dict) -> Row:
    """The summary of one result line."""
    error = record.get("error") or None
    failed_results = [c for c in record.get("checks") or [] if not c.get("passed")]
    failed = tuple(c["id"] for c in failed_results)
    reasons = tuple(reason_code(c) for c in failed_results)
    result = "error" if error else "pass" if record.get("passed") else "fail"
    return Row(record.get("application_id") or "", record["file"], result, failed,
               (error or {}).get("code", ""), record.get("sha256") or "", reasons)


def write_summary(records: Iterable[dict], path: str | Path, *, bom: bool = True) -> list[Row]:
    """Write summary.csv atomically (UTF-8, with a BOM unless ``bom=False``); returns the rows (sorted)."""
    rows = sorted((row_of(r) for r in records), key=lambda r: (r.application_id, r.file))
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", newline="", encoding="utf-8-sig" if bom else "utf-8") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        for r in rows:
            w.writerow((_cell(r.application_id), _cell(r.file), r.result, " ".join(r.failed_checks),
                        r.error_code, r.sha256, " ".join(r.reasons)))
    os.replace(tmp, path)
    return rows
