"""Decode a text file as Japanese offices save it: UTF-8 (with or without a BOM) or CP932.

Excel on Japanese Windows saves "CSV (comma delimited)" in CP932 (Microsoft's Shift_JIS,
with the NEC and IBM extensions such as 髙 and ①) and "CSV UTF-8" with a byte order mark;
editors and scripts write UTF-8 without one. :func:`decode_text` tells them apart:

1. a UTF-8 byte order mark -> UTF-8 (the mark is removed); a UTF-16 one -> UTF-16 (Excel's
   "Unicode text", which is tab-delimited: :func:`csv_rows` reads it); NUL bytes without a
   UTF-16 mark -> :class:`TextEncodingError` (UTF-16 without its mark, or not text: CP932
   would read either as garbage);
2. bytes that decode as strict UTF-8 -> UTF-8 (a CP932 file of Japanese text is almost
   never valid UTF-8: its lead bytes 0x81-0x9F and 0xE0-0xFC are followed by bytes that
   UTF-8 forbids as continuations);
3. bytes that decode as CP932 -> CP932, unless they decode as EUC-JP too and the CP932
   reading has half-width katakana: EUC-JP text (older Unix systems) read as CP932 turns
   into half-width kana, while real CP932 kanji are almost never valid EUC-JP; such a file
   is refused with both names rather than read as garbage;
4. otherwise :class:`TextEncodingError`, naming the first bad byte.

``encoding=`` overrides the guess with any codec Python knows (``cp932``, ``shift_jis``,
``euc_jp``, ``utf-8`` ...); an unknown name is a :class:`TextEncodingError` with
``unknown=True``. Callers turn it into their own coded error: holders files
(``cardface.holder``: ``holder.file_encoding``, ``holder.file_encoding_unknown``) and batch
manifests (``photo.batch.inputs``: ``batch.manifest_encoding``).
"""

from __future__ import annotations

import codecs
import csv
import io

#: file name endings read as delimited text (comma or tab, see :func:`csv_rows`): Excel saves
#: "CSV" as .csv and "Unicode text" (UTF-16, tab-delimited) as .txt
DELIMITED_SUFFIXES = (".csv", ".txt", ".tsv")


class TextEncodingError(ValueError):
    """The bytes are not text in the detected or named encoding (``unknown``: no such encoding)."""

    def __init__(self, message: str, *, unknown: bool = False):
        super().__init__(message)
        self.message = message
        self.unknown = unknown

#: Encodings tried in order when none is given.
DETECTED = ("utf-8", "cp932")


def decode_text(raw: bytes, name: str = "input", encoding: str | None = None) -> tuple[str, str]:
    """``(text, encoding)``: the text of ``raw`` and the encoding it was read with.

    The encoding is ``"utf-8-sig"`` or ``"utf-16"`` when the bytes began with that BOM,
    ``"utf-8"`` or ``"cp932"`` when detected, or the normalised codec name of ``encoding``
    when given.
    """
    if encoding is not None:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise TextEncodingError(f"unknown text encoding {encoding!r} (use utf-8, cp932, shift_jis, euc_jp ...)",
                                    unknown=True) from None
        if codec == "utf-8" and raw.startswith(codecs.BOM_UTF8):
            codec = "utf-8-sig"
        try:
            return raw.decode(codec), codec
        except UnicodeDecodeError as err:
            raise TextEncodingError(f"{name} is not {encoding} text (byte {err.start})") from None
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):  # before UTF-16: FF FE begins both
        raise TextEncodingError(f"{name} is UTF-32 text: save it as UTF-8 (Excel: CSV UTF-8)")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as err:
            raise TextEncodingError(f"{name} starts with a UTF-16 byte order mark but is not UTF-16 "
                                    f"(byte {err.start})") from None
    if b"\x00" in raw:
        raise TextEncodingError(f"{name} holds NUL bytes (byte {raw.index(0)}), which no UTF-8 or CP932 text "
                                f"has: UTF-16 text without its byte order mark, or not a text file; save it as UTF-8")
    if raw.startswith(codecs.BOM_UTF8):
        try:
            return raw.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError as err:
            raise TextEncodingError(f"{name} starts with a UTF-8 byte order mark but is not UTF-8 "
                                    f"(byte {err.start})") from None
    first_bad = 0
    for codec in DETECTED:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError as err:
            first_bad = first_bad or err.start
            continue
        if codec == "cp932" and _halfwidth_kana(text) and _decodes(raw, "euc_jp"):
            raise TextEncodingError(f"{name} could be CP932 (Excel) or EUC-JP text: name it with "
                                    f"--encoding cp932 or --encoding euc_jp")
        return text, codec
    raise TextEncodingError(f"{name} is neither UTF-8 nor CP932 (Shift_JIS) text (byte {first_bad}); "
                            f"name its encoding with --encoding")


def _halfwidth_kana(text: str) -> bool:
    return any("\uff61" <= ch <= "\uff9f" for ch in text)


def _decodes(raw: bytes, codec: str) -> bool:
    try:
        raw.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def csv_rows(text: str) -> list[list[str]]:
    """The rows of a CSV text, comma-delimited, or tab-delimited when its first non-blank line
    holds tabs and no comma (Excel's "Unicode text" and "Text (tab delimited)"). Raises
    ``csv.Error`` as :func:`csv.reader` does."""
    first = next((line for line in io.StringIO(text, newline="") if line.strip()), "")
    delimiter = "\t" if "\t" in first and "," not in first else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
