"""The per-photo files of OUT (``fixed/``, ``annotated/``, ``chip/``, ``thumbs/``): their names,
made from the inputs' names, and how the batch process writes them.

Names: ``<folder>/<application_id>/<input's relative path>`` (:func:`output_name`). A file
system takes at most 255 bytes in one name (ext4, XFS, btrfs; 255 characters on APFS and
NTFS), and an input's name plus the output's suffix, or an application id, can be longer. Such a
component keeps its start and its extension and gets ``~`` and 12 hex digits of the SHA-256
of the whole component (:func:`fit_name`): it fits, two long names stay distinct, and a
resumed batch writes to the same file. Names that fit are never changed.

Distinct: before a batch runs, :func:`distinct_names` looks at every input's names together.
Application ids that become one folder name (``a/b`` and ``a_b``: characters a file name cannot
hold become ``_``; ``A-1`` and ``a-1`` on a file system blind to case) each get their own folder,
``a_b~<12 hex digits of the id's SHA-256>``; two inputs whose files would still share a name
(``a.png`` gives ``a.png.jpg``, the name of another input; names alike but for case or Unicode
form; a file where another input's folder goes) each get ``~`` and 12 hex digits of the SHA-256
of their identity (application id, path) before the extension: ``a~3f2a9c1b0e7d.png.jpg``.
The names depend on the list of inputs only, never on the order of work: a resumed batch
writes to the same files. Inputs without a clash keep their plain names.

Writing (:func:`write_files`): each file to a temporary name of fixed length beside it, then
renamed over it. A failure that comes from one photo's names (a name the file system
refuses, a folder in the way of a file...) is :attr:`FileWriteError.of_this_photo`: the batch
gives that photo an error line and goes on; any other (no permission, disk full) stops it.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import itertools
import os
import re
import unicodedata
from dataclasses import replace

from photo.batch.errors import os_reason
from photo.batch.inputs import BatchInput

#: Bytes in one file or folder name (NAME_MAX of Linux file systems).
NAME_MAX_BYTES = 255
_HASH_HEX = 12
_MAX_EXT_BYTES = 16  # a longer "extension" is part of the name, not its type

#: errno values of a write that fail because of the photo's own output names, not because of OUT.
PHOTO_NAME_ERRNOS = frozenset({
    errno.ENAMETOOLONG,  # a name or a path too long (a path beyond PATH_MAX)
    errno.EILSEQ,  # a name the file system's character set refuses (ZFS utf8only, ...)
    errno.EINVAL,  # characters a file system refuses (':' or '?' on exFAT, SMB)
    errno.ENOTDIR,  # a file where the photo's folder should be
    errno.EISDIR,  # a folder where the photo's file should be
    errno.EEXIST,  # a file where the photo's folder should be (mkdir)
})


def _nbytes(text: str) -> int:
    return len(os.fsencode(text))


def _cut(text: str, budget: int) -> str:
    """The longest start of ``text`` that takes at most ``budget`` bytes (whole characters)."""
    used = 0
    for i, ch in enumerate(text):
        used += _nbytes(ch)
        if used > budget:
            return text[:i]
    return text


def fit_name(name: str, limit: int = NAME_MAX_BYTES) -> str:
    """One path component, as it is when it takes at most ``limit`` bytes; else its start cut
    to fit with ``~`` and 12 hex digits of its SHA-256 and its extension:
    ``<start>~3f2a9c1b0e7d.png`` (the same every time, distinct for distinct names)."""
    raw = os.fsencode(name)
    if len(raw) <= limit:
        return name
    tag = "~" + hashlib.sha256(raw).hexdigest()[:_HASH_HEX]
    stem, ext = _split_ext(name)
    return _cut(stem, limit - _nbytes(tag + ext)) + tag + ext


def _split_ext(name: str) -> tuple[str, str]:
    """(stem, extension) of a file name; an "extension" too long to be one is part of the stem."""
    stem, ext = os.path.splitext(name)
    return (name, "") if _nbytes(ext) > _MAX_EXT_BYTES else (stem, ext)


def output_name(folder: str, item: BatchInput, suffix: str) -> str:
    """``fixed/<application_id>/<input's relative path>``, relative to OUT: the input's own name,
    with ``suffix`` added when its extension differs (``a.jpg`` -> ``a.jpg``, ``a.png`` ->
    ``a.png.jpg``); every component fitted to the file system's limit (:func:`fit_name`). The
    items of a batch pass through :func:`distinct_names` first, so that two never share a file."""
    return "/".join([folder, *(fit_name(p) for p in _parts(item, suffix))])


def _parts(item: BatchInput, suffix: str) -> list[str]:
    name = item.name or os.path.basename(item.path)
    if not name.lower().endswith(suffix):
        name += suffix
    folder = (item.folder or _safe(item.application_id)) if item.application_id else None
    return [*([folder] if folder else []), *name.split("/")]


_PLAIN = re.compile(r"[A-Za-z0-9_-]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?")  # already safe: returned as it is


def _safe(text: str) -> str:
    if _PLAIN.fullmatch(text):
        return text
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text).strip(".") or "_"


#: The suffixes of the batch's per-photo files: fixed/ .jpg, annotated/ .png, chip/ .jpg or .jp2
#: (its .fac and .dg2 are named as its image, so they clash exactly when the images do).
OUTPUT_SUFFIXES = (".jpg", ".png", ".jp2")


def _fold(text: str) -> str:
    """A name as a file system blind to case or to Unicode form (APFS, NTFS) compares it."""
    return unicodedata.normalize("NFC", text).casefold()


def _digest(*fields: str) -> str:
    joined = "\0".join(fields).encode("utf-8", "surrogateescape")  # a path may hold undecodable bytes
    return hashlib.sha256(joined).hexdigest()[:_HASH_HEX]


def distinct_names(items: list[BatchInput]) -> tuple[list[BatchInput], int]:
    """``items`` with names that no two share, and how many inputs got a changed name.

    Application ids whose folder names are one (:func:`_safe`, case and Unicode form aside)
    each get the folder ``<safe id>~<12 hex digits of the id's SHA-256>``. Then, as long as two
    inputs' output files under any of :data:`OUTPUT_SUFFIXES` are one name, or a file is where
    another input's folder goes, each of them gets ``~`` and 12 hex digits of the SHA-256 of its
    key (application id, path) before its name's extension. The result depends on the set of
    inputs only (not on their order), so a resumed batch names every file as before."""
    items = list(items)
    changed: set[int] = set()
    ids_of: dict[str, set[str]] = {}
    for item in items:
        if item.application_id:
            ids_of.setdefault(_fold(fit_name(_safe(item.application_id))), set()).add(item.application_id)
    shared = {i for ids in ids_of.values() if len(ids) > 1 for i in ids}
    for n, item in enumerate(items):
        if item.application_id and item.application_id in shared:
            items[n] = replace(item, folder=f"{_safe(item.application_id)}~{_digest(item.application_id)}")
            changed.add(n)
    for salt in itertools.count():  # a second round only for a name that holds a tag already
        clashing = _clashes(items)
        if not clashing:
            break
        for n in clashing:
            items[n] = replace(items[n], name=_tagged(items[n], salt))
        changed |= clashing
    return items, len(changed)


def _clashes(items: list[BatchInput]) -> set[int]:
    """The indexes of inputs whose output files would share a name with another's, or be a
    file where another's folder goes."""
    clashing: set[int] = set()
    owners: list[dict[str, int]] = [{} for _ in OUTPUT_SUFFIXES]
    folders: set[str] = set()
    for n, item in enumerate(items):
        for suffix, owner in zip(OUTPUT_SUFFIXES, owners, strict=True):
            *parts, name = _parts(item, suffix)  # the folders do not depend on the suffix
            dirs = [_fold(fit_name(p)) for p in parts]
            folders.update("/".join(dirs[:i]) for i in range(1, len(dirs) + 1))
            first = owner.setdefault("".join(d + "/" for d in dirs) + _fold(fit_name(name)), n)
            if first != n:
                clashing.update((first, n))
    for owner in owners:
        clashing.update(n for rel, n in owner.items() if rel in folders)
    return clashing


def _tagged(item: BatchInput, salt: int) -> str:
    """The input's name with ``~`` and 12 hex digits of its key's SHA-256 before the extension."""
    name = item.name or os.path.basename(item.path)
    head, _, last = name.rpartition("/")
    stem, ext = _split_ext(last)
    tag = _digest(item.application_id or "", item.path, *([str(salt)] if salt else []))
    return (head + "/" if head else "") + f"{stem}~{tag}{ext}"


class FileWriteError(Exception):
    """A per-photo file that could not be written: ``rel`` (relative to OUT) and the OSError."""

    def __init__(self, rel: str, err: OSError):
        super().__init__(f"{rel}: {err}")
        self.rel = rel
        self.err = err

    @property
    def reason(self) -> str:
        return os_reason(self.err)

    @property
    def of_this_photo(self) -> bool:
        """True when the failure comes from this photo's names, so other photos can still be written."""
        return self.err.errno in PHOTO_NAME_ERRNOS


def write_files(out: str | os.PathLike, files: dict[str, bytes]) -> None:
    """Each file atomically (a temporary name, then renamed); its folder is made when the first
    write into it finds none (a mkdir before every file cost more than the write itself).
    Raises :class:`FileWriteError` for the first file that cannot be written."""
    tmp_name = f".mynacard-{os.getpid()}.part"  # never longer than the name it stands for
    for rel, data in files.items():
        folder, name = os.path.split(os.path.join(out, rel))
        tmp = os.path.join(folder, tmp_name)
        try:
            try:
                f = open(tmp, "wb")
            except FileNotFoundError:
                os.makedirs(folder, exist_ok=True)
                f = open(tmp, "wb")
            try:
                with f:
                    f.write(data)
                os.replace(tmp, os.path.join(folder, name))
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError as err:
            raise FileWriteError(rel, err) from None
