"""ISO/IEC 19794-5:2005 face image records, format version 010 (the version ICAO LDS 1.7 uses).

:func:`build` writes one record with one facial image; :func:`parse` reads any record of
this version back into :class:`FaceRecord` (several images allowed), checking every length.
All numbers are big-endian. Layout::

    header (14)        "FAC\\0" "010\\0" record length (4) number of images (2)
    per image:
      facial info (20) block length (4) feature points (2) gender (1) eye colour (1)
                       hair colour (1) property mask (3) expression (2) pose yaw/pitch/roll (3)
                       pose uncertainty yaw/pitch/roll (3)
      feature points   8 bytes each: type (1, 1 = MPEG-4) code (1, major << 4 | minor)
                       x (2) y (2) reserved (2)
      image info (12)  face image type (1) image data type (1) width (2) height (2)
                       colour space (1) source type (1) device type (2) quality (2)
      image data

The block length counts from its own first byte to the end of the image data. Pose angles
are stored as ``round((angle + 180) / 2) + 1`` (1-181, 2-degree steps; 0 = unspecified).
Errors reading a record raise :class:`RecordError` (code ``chip.record_invalid``).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from photo.errors import PhotoError

FORMAT_ID = b"FAC\x00"
VERSION = b"010\x00"
HEADER_LEN = 14
INFO_LEN = 20
POINT_LEN = 8
IMAGE_INFO_LEN = 12

# codes of the standard (5.5-5.7)
GENDER = {"unspecified": 0, "male": 1, "female": 2, "unknown": 3}
EXPRESSION = {"unspecified": 0, "neutral": 1, "smile_closed": 2, "smile_open": 3, "raised_eyebrows": 4,
              "looking_away": 5, "squinting": 6, "frowning": 7}
IMAGE_TYPE = {"basic": 0, "full": 1, "token": 2}
DATA_TYPE = {"jpeg": 0, "jpeg2000": 1}
COLOUR_SPACE = {"unspecified": 0, "rgb24": 1, "yuv422": 2, "grey8": 3, "other": 4}
SOURCE_TYPE = {"unspecified": 0, "static_photo_unknown": 1, "static_photo_digital": 2, "static_photo_scanner": 3}
MPEG4 = 1  # feature point type


class RecordError(PhotoError):
    """A face record or data group that cannot be read (wrong identifier, lengths that disagree)."""

    code = "chip.record_invalid"


def pose_code(angle_deg: float | None) -> int:
    """Encoded pose angle: 0 unspecified, else (angle + 180) / 2 + 1 in 2-degree steps (1-181)."""
    if angle_deg is None:
        return 0
    a = max(-180.0, min(180.0, float(angle_deg)))
    return round((a + 180.0) / 2.0) + 1


def pose_angle(code: int) -> float | None:
    """Degrees of an encoded pose angle (None for 0, unspecified)."""
    return None if code == 0 else (code - 1) * 2.0 - 180.0


def point_code(name: str) -> int:
    """``"12.1"`` -> 0xC1."""
    major, minor = (int(v) for v in name.split("."))
    if not (0 <= major <= 15 and 0 <= minor <= 15):
        raise ValueError(f"feature point {name}: major and minor must be 0-15")
    return major << 4 | minor


def point_name(code: int) -> str:
    return f"{code >> 4}.{code & 0x0F}"


@dataclass(frozen=True)
class FeaturePoint:
    """One MPEG-4 feature point: ``name`` like ``"12.1"``, x/y in whole image pixels."""

    name: str
    x: int
    y: int
    type: int = MPEG4


@dataclass(frozen=True)
class FaceImage:
    """One facial image of a record: facial information, feature points, image information, data."""

    image: bytes
    width: int
    height: int
    image_type: int = IMAGE_TYPE["token"]
    data_type: int = DATA_TYPE["jpeg2000"]
    colour_space: int = COLOUR_SPACE["rgb24"]
    source_type: int = SOURCE_TYPE["static_photo_unknown"]
    device_type: int = 0
    quality: int = 0  # 0 = unspecified
    gender: int = 0
    eye_colour: int = 0
    hair_colour: int = 0
    property_mask: int = 0  # 24 bits: bit 0 "properties specified", 1 glasses, 2 moustache ... (5.5.6)
    expression: int = 0
    pose: tuple[int, int, int] = (0, 0, 0)  # encoded yaw, pitch, roll (see pose_code)
    pose_uncertainty: tuple[int, int, int] = (0, 0, 0)
    points: tuple[FeaturePoint, ...] = field(default_factory=tuple)

    @property
    def block_length(self) -> int:
        return INFO_LEN + POINT_LEN * len(self.points) + IMAGE_INFO_LEN + len(self.image)

    def to_dict(self) -> dict:
        return {
            "width": self.width, "height": self.height, "image_type": self.image_type, "data_type": self.data_type,
            "colour_space": self.colour_space, "source_type": self.source_type, "device_type": self.device_type,
            "quality": self.quality, "gender": self.gender, "eye_colour": self.eye_colour,
            "hair_colour": self.hair_colour, "property_mask": self.property_mask, "expression": self.expression,
            "pose": list(self.pose), "pose_deg": [pose_angle(c) for c in self.pose],
            "pose_uncertainty": list(self.pose_uncertainty),
            "points": [{"name": p.name, "type": p.type, "x": p.x, "y": p.y} for p in self.points],
            "image_bytes": len(self.image), "block_length": self.block_length,
        }


@dataclass(frozen=True)
class FaceRecord:
    images: tuple[FaceImage, ...]
    length: int

    def to_dict(self) -> dict:
        return {"format": "FAC", "version": "010", "length": self.length,
                "images": [i.to_dict() for i in self.images]}


def _u8(v: int, what: str) -> int:
    if not 0 <= v <= 0xFF:
        raise ValueError(f"{what} must fit in one byte (0-255), got {v}")
    return v


def _u16(v: int, what: str) -> int:
    if not 0 <= v <= 0xFFFF:
        raise ValueError(f"{what} must fit in two bytes (0-65535), got {v}")
    return v


def _image_block(img: FaceImage) -> bytes:
    out = bytearray()
    mask = img.property_mask
    if not 0 <= mask < 1 << 24:
        raise ValueError("property mask must fit in three bytes")
    out += struct.pack(">IHBBB", img.block_length, _u16(len(img.points), "feature point count"),
                       _u8(img.gender, "gender"), _u8(img.eye_colour, "eye colour"), _u8(img.hair_colour, "hair colour"))
    out += mask.to_bytes(3, "big")
    out += struct.pack(">H", _u16(img.expression, "expression"))
    out += bytes(_u8(v, "pose angle") for v in img.pose)
    out += bytes(_u8(v, "pose uncertainty") for v in img.pose_uncertainty)
    for p in img.points:
        out += struct.pack(">BBHHH", _u8(p.type, "point type"), point_code(p.name), _u16(p.x, "point x"),
                           _u16(p.y, "point y"), 0)
    out += struct.pack(">BBHHBBHH", _u8(img.image_type, "image type"), _u8(img.data_type, "data type"),
                       _u16(img.width, "width"), _u16(img.height, "height"), _u8(img.colour_space, "colour space"),
                       _u8(img.source_type, "source type"), _u16(img.device_type, "device type"),
                       _u16(img.quality, "quality"))
    out += img.image
    assert len(out) == img.block_length
    return bytes(out)


def build(*images: FaceImage) -> bytes:
    """The whole record (header and every image block)."""
    if not images:
        raise ValueError("a face record holds at least one image")
    blocks = b"".join(_image_block(i) for i in images)
    length = HEADER_LEN + len(blocks)
    return FORMAT_ID + VERSION + struct.pack(">IH", length, _u16(len(images), "image count")) + blocks


def parse(data: bytes) -> FaceRecord:
    """Read a version 010 record back; :class:`RecordError` when anything disagrees."""
    if len(data) < HEADER_LEN:
        raise RecordError(f"face record too short ({len(data)} bytes; the header alone is {HEADER_LEN})")
    if data[:4] != FORMAT_ID:
        raise RecordError("not an ISO/IEC 19794-5 face record (format identifier is not FAC)")
    if data[4:8] != VERSION:
        raise RecordError(f"face record version {data[4:7].decode('latin-1')!r} is not supported (only 010)")
    length, count = struct.unpack(">IH", data[8:14])
    if length != len(data):
        raise RecordError(f"face record length field says {length} bytes, the record has {len(data)}")
    pos, images = HEADER_LEN, []
    for n in range(count):
        if pos + INFO_LEN > len(data):
            raise RecordError(f"image {n + 1}: facial information runs past the record's end")
        block, npts, gender, eye, hair = struct.unpack(">IHBBB", data[pos:pos + 9])
        mask = int.from_bytes(data[pos + 9:pos + 12], "big")
        (expr,) = struct.unpack(">H", data[pos + 12:pos + 14])
        pose = tuple(data[pos + 14:pos + 17])
        unc = tuple(data[pos + 17:pos + 20])
        end = pos + block
        fixed = INFO_LEN + POINT_LEN * npts + IMAGE_INFO_LEN
        if block < fixed or end > len(data):
            raise RecordError(f"image {n + 1}: block length {block} does not fit the record")
        p = pos + INFO_LEN
        points = []
        for _ in range(npts):
            typ, code, x, y, _res = struct.unpack(">BBHHH", data[p:p + POINT_LEN])
            points.append(FeaturePoint(point_name(code), x, y, typ))
            p += POINT_LEN
        itype, dtype, w, h, cs, src, dev, q = struct.unpack(">BBHHBBHH", data[p:p + IMAGE_INFO_LEN])
        p += IMAGE_INFO_LEN
        images.append(FaceImage(image=bytes(data[p:end]), width=w, height=h, image_type=itype, data_type=dtype,
                                colour_space=cs, source_type=src, device_type=dev, quality=q, gender=gender,
                                eye_colour=eye, hair_colour=hair, property_mask=mask, expression=expr,
                                pose=pose, pose_uncertainty=unc, points=tuple(points)))  # type: ignore[arg-type]
        pos = end
    if pos != len(data):
        raise RecordError(f"face record has {len(data) - pos} bytes after its last image")
    return FaceRecord(images=tuple(images), length=length)
