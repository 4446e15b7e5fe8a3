"""Decode a text file as Japanese offices save it: UTF-8 (with or without a BOM) or CP932.

Excel on Japanese Windows saves "CSV (comma delimited)" in CP932 (Microsoft's Shift_JIS,
with the NEC and IBM extensions such as 髙 and ①) and "CSV UTF-8" with a byte order mark;
editors and scripts write UTF-8 without one. :func:`decode_text` tells them apart:

1. a UTF-8 byte order mark -> UTF-8 (the mark is removed);
2. bytes that decode as strict UTF-8 -> UTF-8 (a CP932 file of Japanese text is almost
   never valid UTF-8: its lead bytes 0x81-0x9F and 0xE0-0xFC are followed by bytes that
   UTF-8 forbids as continuations);
3. bytes that decode as CP932 -> CP932;
4. otherwise the file is refused (``holder.file_encoding``), naming the first bad byte.

``encoding=`` overrides the guess with any codec Python knows (``cp932``, ``shift_jis``,
``euc_jp``, ``utf-8`` ...); an unknown name is ``holder.file_encoding_unknown``.
"""

from __future__ import annotations

import codecs

from cardface.errors import InputFileError

#: Encodings tried in order when none is given.
DETECTED = ("utf-8", "cp932")


def decode_text(raw: bytes, name: str = "input", encoding: str | None = None) -> tuple[str, str]:
    """``(text, encoding)``: the text of ``raw`` and the encoding it was read with.

    The encoding is ``"utf-8-sig"`` when the bytes began with a BOM, ``"utf-8"`` or
    ``"cp932"`` when detected, or the normalised codec name of ``encoding`` when given.
    """
    if encoding is not None:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise InputFileError(f"unknown text encoding {encoding!r} (use utf-8, cp932, shift_jis, euc_jp ...)",
                                 code="holder.file_encoding_unknown") from None
        if codec == "utf-8" and raw.startswith(codecs.BOM_UTF8):
            codec = "utf-8-sig"
        try:
            return raw.decode(codec), codec
        except UnicodeDecodeError as err:
            raise InputFileError(f"{name} is not {encoding} text (byte {err.start})",
                                 code="holder.file_encoding") from None
    if raw.startswith(codecs.BOM_UTF8):
        try:
            return raw.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError as err:
            raise InputFileError(f"{name} starts with a UTF-8 byte order mark but is not UTF-8 "
                                 f"(byte {err.start})", code="holder.file_encoding") from None
    first_bad = 0
    for codec in DETECTED:
        try:
            return raw.decode(codec), codec
        except UnicodeDecodeError as err:
            first_bad = first_bad or err.start
    raise InputFileError(f"{name} is neither UTF-8 nor CP932 (Shift_JIS) text (byte {first_bad}); "
                         f"name its encoding with --encoding", code="holder.file_encoding")
