"""ICAO Doc 9303 Part 10 data group 2 (the face): BER-TLV around ISO/IEC 19794-5 records.

    75 {                                   DG2
      7F61 {                               biometric information group template
        02 <count>                         number of instances
        7F60 {                             biometric information template (one per record)
          A1 {                             biometric header template
            80 01 01                       ICAO header version 1.1
            81 02                          biometric type: face
            87 01 01                       format owner (ISO/IEC JTC 1/SC 37)
            88 00 08 }                     format type (19794-5)
          5F2E <the 19794-5 record> } } }  biometric data block

:func:`build` writes it, :func:`parse` reads it back (every tag and length checked) into
:class:`DG2` with the header fields and the records; a malformed group raises
:class:`photo.iso19794.RecordError`.
"""

from __future__ import annotations

from dataclasses import dataclass

from photo.iso19794 import RecordError

TAG_DG2 = 0x75
TAG_GROUP = 0x7F61
TAG_COUNT = 0x02
TAG_TEMPLATE = 0x7F60
TAG_HEADER = 0xA1
TAG_DATA = 0x5F2E
TAG_DATA_ALT = 0x7F2E  # the enciphered/alternative data block tag some readers accept

HEADER = {  # tag -> value in the biometric header template (ICAO 9303-10, 4.7.2.1)
    0x80: bytes([0x01, 0x01]),  # ICAO header version
    0x81: bytes([0x02]),  # biometric type: facial features
    0x87: bytes([0x01, 0x01]),  # format owner: ISO/IEC JTC 1/SC 37
    0x88: bytes([0x00, 0x08]),  # format type: ISO/IEC 19794-5
}


def _tag_bytes(tag: int) -> bytes:
    return tag.to_bytes(2 if tag > 0xFF else 1, "big")


def _length(n: int) -> bytes:
    """BER definite length: short form below 128, else 0x81/0x82/0x83 and the length."""
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    if len(body) > 3:
        raise ValueError("TLV value too long")
    return bytes([0x80 | len(body)]) + body


def tlv(tag: int, value: bytes) -> bytes:
    return _tag_bytes(tag) + _length(len(value)) + value


def read_tlv(data: bytes, pos: int) -> tuple[int, bytes, int]:
    """(tag, value, position after it) of the TLV at ``pos``."""
    if pos >= len(data):
        raise RecordError("data group ends where a tag was expected")
    tag = data[pos]
    pos += 1
    if tag & 0x1F == 0x1F:  # multi-byte tag
        while True:
            if pos >= len(data):
                raise RecordError("data group ends inside a tag")
            tag = tag << 8 | data[pos]
            pos += 1
            if not data[pos - 1] & 0x80:
                break
    if pos >= len(data):
        raise RecordError(f"tag {tag:X} has no length")
    first = data[pos]
    pos += 1
    if first < 0x80:
        n = first
    else:
        k = first & 0x7F
        if k == 0 or k > 3 or pos + k > len(data):
            raise RecordError(f"tag {tag:X}: unsupported or truncated length")
        n = int.from_bytes(data[pos:pos + k], "big")
        pos += k
    if pos + n > len(data):
        raise RecordError(f"tag {tag:X}: value of {n} bytes runs past the end")
    return tag, bytes(data[pos:pos + n]), pos + n


def _children(value: bytes) -> list[tuple[int, bytes]]:
    out, pos = [], 0
    while pos < len(value):
        tag, v, pos = read_tlv(value, pos)
        out.append((tag, v))
    return out


def build(*records: bytes) -> bytes:
    """DG2 holding one biometric information template per 19794-5 record."""
    if not records or len(records) > 255:
        raise ValueError("DG2 holds 1-255 face records")
    header = tlv(TAG_HEADER, b"".join(tlv(t, v) for t, v in HEADER.items()))
    templates = b"".join(tlv(TAG_TEMPLATE, header + tlv(TAG_DATA, r)) for r in records)
    group = tlv(TAG_COUNT, bytes([len(records)])) + templates
    return tlv(TAG_DG2, tlv(TAG_GROUP, group))


@dataclass(frozen=True)
class DG2:
    count: int
    headers: tuple[dict[int, bytes], ...]  # per template: header tag -> value
    records: tuple[bytes, ...]

    def to_dict(self) -> dict:
        return {"count": self.count,
                "headers": [{f"{t:02X}": v.hex() for t, v in h.items()} for h in self.headers],
                "record_bytes": [len(r) for r in self.records]}


def parse(data: bytes) -> DG2:
    """Read DG2 back; :class:`RecordError` for anything that is not the structure above."""
    tag, value, end = read_tlv(data, 0)
    if tag != TAG_DG2:
        raise RecordError(f"not a DG2 (first tag {tag:X}, expected 75)")
    if end != len(data):
        raise RecordError(f"{len(data) - end} bytes after the DG2 TLV")
    kids = _children(value)
    if len(kids) != 1 or kids[0][0] != TAG_GROUP:
        raise RecordError("DG2 must hold exactly one 7F61 biometric information group template")
    items = _children(kids[0][1])
    if not items or items[0][0] != TAG_COUNT or len(items[0][1]) != 1:
        raise RecordError("7F61 must start with 02 (number of instances, one byte)")
    count = items[0][1][0]
    templates = [v for t, v in items[1:] if t == TAG_TEMPLATE]
    if len(templates) != len(items) - 1 or len(templates) != count:
        raise RecordError(f"7F61 says {count} instance(s) but holds {len(templates)} 7F60 template(s)")
    headers, records = [], []
    for v in templates:
        parts = dict(_children(v))
        if TAG_HEADER not in parts:
            raise RecordError("7F60 without an A1 biometric header template")
        data_block = parts.get(TAG_DATA, parts.get(TAG_DATA_ALT))
        if data_block is None:
            raise RecordError("7F60 without a 5F2E biometric data block")
        headers.append(dict(_children(parts[TAG_HEADER])))
        records.append(data_block)
    return DG2(count=count, headers=tuple(headers), records=tuple(records))
