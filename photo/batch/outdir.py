"""The per-photo files of OUT (``fixed/``, ``annotated/``, ``chip/``, ``thumbs/``): their names,
made from the inputs' names, and how the batch process writes them.

Names: ``<folder>/<application_id>/<input's relative path>`` (:func:`output_name`). A file
system takes at most 255 bytes in one name (ext4, XFS, btrfs; 255 characters on APFS and
NTFS), and an input's name plus the output's suffix, or an application id, can be longer. Such a
component keeps its start and its extension and gets ``~`` and 12 hex digits of the SHA-256
of the whole component (:func:`fit_name`): it fits, two long names stay distinct, and a
resumed batch writes to the same file. Names that fit are never changed.

Writing (:func:`write_files`): each file to a temporary name of fixed length beside it, then
renamed over it. A failure that comes from one photo's names (a name the file system
refuses, a folder in the way of a file...) is :attr:`FileWriteError.of_this_photo`: the batch
gives that photo an error line and goes on; any other (no permission, disk full) stops it.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os

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
    stem, ext = os.path.splitext(name)
    if _nbytes(ext) > _MAX_EXT_BYTES:
        stem, ext = name, ""
    return _cut(stem, limit - _nbytes(tag + ext)) + tag + ext


def output_name(folder: str, item: BatchInput, suffix: str) -> str:
    """``fixed/<application_id>/<input's relative path>``, relative to OUT: the input's own name,
    with ``suffix`` added when its extension differs (``a.jpg`` -> ``a.jpg``, ``a.png`` ->
    ``a.png.jpg``), so two inputs never write the same file; every component fitted to the
    file system's limit (:func:`fit_name`)."""
    name = item.name or os.path.basename(item.path)
    if not name.lower().endswith(suffix):
        name += suffix
    parts = [*([_safe(item.application_id)] if item.application_id else []), *name.split("/")]
    return "/".join([folder, *(fit_name(p) for p in parts)])


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text).strip(".") or "_"


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
