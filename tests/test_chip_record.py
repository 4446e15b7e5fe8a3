"""ISO/IEC 19794-5 v010 records and ICAO DG2: every field written is read back; malformed input refused."""

from __future__ import annotations

import struct

import pytest

from photo import dg2, iso19794
from photo.iso19794 import FaceImage, FeaturePoint, RecordError


def sample_image(**kw) -> FaceImage:
    base = dict(image=bytes(range(256)) * 3, width=240, height=320, image_type=2, data_type=1, colour_space=1,
                source_type=2, device_type=0x1234, quality=77, gender=2, eye_colour=3, hair_colour=4,
                property_mask=0x000401, expression=1, pose=(91, 93, 89), pose_uncertainty=(3, 4, 5),
                points=(FeaturePoint("12.1", 150, 144), FeaturePoint("12.2", 90, 144), FeaturePoint("9.3", 118, 180),
                        FeaturePoint("8.3", 140, 210), FeaturePoint("8.4", 97, 211), FeaturePoint("2.1", 119, 255)))
    base.update(kw)
    return FaceImage(**base)


def test_every_field_round_trips():
    img = sample_image()
    data = iso19794.build(img)
    rec = iso19794.parse(data)
    assert rec.length == len(data) and len(rec.images) == 1
    assert rec.images[0] == img  # dataclass equality: every field, points and image bytes included


def test_header_and_lengths_are_the_standards():
    img = sample_image()
    data = iso19794.build(img)
    assert data[:4] == b"FAC\x00" and data[4:8] == b"010\x00"
    length, count = struct.unpack(">IH", data[8:14])
    assert length == len(data) == 14 + 20 + 8 * 6 + 12 + len(img.image) and count == 1
    (block,) = struct.unpack(">I", data[14:18])
    assert block == len(data) - 14
    # the first feature point: type 1 (MPEG-4), code 12.1 = 0xC1, x, y, reserved 0
    assert data[34:42] == bytes([1, 0xC1]) + struct.pack(">HHH", 150, 144, 0)
    # image information right before the image data
    info = data[34 + 48:34 + 48 + 12]
    assert struct.unpack(">BBHHBBHH", info) == (2, 1, 240, 320, 1, 2, 0x1234, 77)


def test_two_images_in_one_record():
    a, b = sample_image(), sample_image(image=b"\xff\xd8xyz", data_type=0, image_type=1, points=())
    rec = iso19794.parse(iso19794.build(a, b))
    assert rec.images == (a, b)


@pytest.mark.parametrize(("angle", "code"), [(None, 0), (-180, 1), (0, 91), (2, 92), (-3.2, 89), (180, 181)])
def test_pose_angle_encoding(angle, code):
    assert iso19794.pose_code(angle) == code
    if angle is not None:
        assert abs(iso19794.pose_angle(code) - angle) <= 1.0
    else:
        assert iso19794.pose_angle(0) is None


def test_point_codes():
    assert iso19794.point_code("12.1") == 0xC1 and iso19794.point_name(0xC1) == "12.1"
    assert iso19794.point_code("2.1") == 0x21
    with pytest.raises(ValueError):
        iso19794.point_code("16.1")


@pytest.mark.parametrize(("mutate", "needle"), [
    (lambda d: b"FIR\x00" + d[4:], "format identifier"),
    (lambda d: d[:4] + b"030\x00" + d[8:], "version"),
    (lambda d: d[:-1], "length field"),
    (lambda d: d[:8] + struct.pack(">I", len(d) + 4) + d[12:] + b"\0\0\0\0", "after its last image"),
    (lambda d: d[:14] + struct.pack(">I", 10) + d[18:], "block length"),
    (lambda d: d[:10], "too short"),
])
def test_malformed_records_are_refused(mutate, needle):
    data = iso19794.build(sample_image())
    with pytest.raises(RecordError, match=needle) as e:
        iso19794.parse(mutate(data))
    assert e.value.code == "chip.record_invalid"


def test_values_that_do_not_fit_are_refused_when_writing():
    with pytest.raises(ValueError):
        iso19794.build(sample_image(width=70000))
    with pytest.raises(ValueError):
        iso19794.build(sample_image(property_mask=1 << 24))


# -- DG2 ---------------------------------------------------------------------------------------------

def test_dg2_structure_and_round_trip():
    record = iso19794.build(sample_image())
    data = dg2.build(record)
    assert data[0] == 0x75
    g = dg2.parse(data)
    assert g.count == 1 and g.records == (record,)
    assert g.headers[0] == {0x80: b"\x01\x01", 0x81: b"\x02", 0x87: b"\x01\x01", 0x88: b"\x00\x08"}
    # the nesting, tag by tag: 75 { 7F61 { 02 01, 7F60 { A1 {...}, 5F2E record } } }
    tag, v75, _ = dg2.read_tlv(data, 0)
    tag, v61, end = dg2.read_tlv(v75, 0)
    assert tag == 0x7F61 and end == len(v75)
    tag, count, pos = dg2.read_tlv(v61, 0)
    assert (tag, count) == (0x02, b"\x01")
    tag, v60, _ = dg2.read_tlv(v61, pos)
    assert tag == 0x7F60
    tag, _, pos = dg2.read_tlv(v60, 0)
    assert tag == 0xA1
    tag, block, _ = dg2.read_tlv(v60, pos)
    assert tag == 0x5F2E and block == record


@pytest.mark.parametrize("n", [5, 127, 128, 255, 256, 70000])
def test_ber_lengths(n):
    t = dg2.tlv(0x5F2E, b"x" * n)
    tag, v, end = dg2.read_tlv(t, 0)
    assert tag == 0x5F2E and len(v) == n and end == len(t)
    assert t[2] == n if n < 128 else t[2] & 0x80


def test_dg2_with_two_records():
    r1, r2 = iso19794.build(sample_image()), iso19794.build(sample_image(gender=1))
    g = dg2.parse(dg2.build(r1, r2))
    assert g.count == 2 and g.records == (r1, r2)


@pytest.mark.parametrize(("data", "needle"), [
    (b"\x76\x00", "not a DG2"),
    (dg2.tlv(0x75, dg2.tlv(0x7F62, b"")), "7F61"),
    (dg2.tlv(0x75, dg2.tlv(0x7F61, dg2.tlv(0x02, b"\x02") + dg2.tlv(0x7F60, dg2.tlv(0xA1, b"") + dg2.tlv(0x5F2E, b"r")))),
     "2 instance"),
    (dg2.tlv(0x75, dg2.tlv(0x7F61, dg2.tlv(0x02, b"\x01") + dg2.tlv(0x7F60, dg2.tlv(0x5F2E, b"r")))), "A1"),
    (dg2.tlv(0x75, dg2.tlv(0x7F61, dg2.tlv(0x02, b"\x01") + dg2.tlv(0x7F60, dg2.tlv(0xA1, b"")))), "5F2E"),
    (b"\x75\x82\x10\x00abc", "runs past"),
])
def test_malformed_dg2_is_refused(data, needle):
    with pytest.raises(RecordError, match=needle):
        dg2.parse(data)
