"""Bad input never raises out of photo.check; photo.load raises InputError with stable codes."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

import photo
from photo.errors import InputError
from tests.photo_helpers import image, jpeg, path


def _png_header(w: int, h: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    data = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    idat = zlib.compress(b"\x00" * 64)
    data += struct.pack(">I", len(idat)) + b"IDAT" + idat + struct.pack(">I", zlib.crc32(b"IDAT" + idat))
    return data + struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))


def _gif(frames: int) -> bytes:
    ims = [Image.new("RGB", (64, 64), (i * 40 % 255, 0, 0)) for i in range(frames)]
    b = io.BytesIO()
    ims[0].save(b, "GIF", save_all=frames > 1, append_images=ims[1:], duration=100, loop=0)
    return b.getvalue()


BAD = {
    "empty": (b"", "input.empty"),
    "random": (np.random.default_rng(1).integers(0, 256, 4000, dtype=np.uint8).tobytes(), "input.not_image"),
    "text": ("これは写真ではありません\nnot a photo\n".encode() * 20, "input.not_image"),
    "truncated": (path("compliant_a").read_bytes()[:20000], "input.truncated"),
    "heic": (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200, "input.corrupt"),  # damaged
    "animated": (_gif(3), "input.animated"),
    "bomb": (_png_header(40000, 40000), "input.too_many_pixels"),
    "pdf": (b"%PDF-1.4\n%...\n", "input.not_image"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_gets_a_stable_code(name):
    data, code = BAD[name]
    with pytest.raises(InputError) as e:
        photo.load(data)
    assert e.value.code == code
    rep = photo.check(data)
    assert not rep.passed and rep.error["code"] == code and rep.error["message"]
    assert rep.checks == []
    assert rep.to_dict()["error"]["code"] == code


def test_text_file_named_jpg(tmp_path):
    p = tmp_path / "photo.jpg"
    p.write_text("hello, I am not a JPEG")
    rep = photo.check(p)
    assert rep.error["code"] == "input.not_image"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["photo.jpg"]  # nothing written beside it


def test_missing_file_and_folder(tmp_path):
    assert photo.check(tmp_path / "nope.jpg").error["code"] == "input.unreadable"
    assert photo.check(tmp_path).error["code"] == "input.unreadable"
    # paths the operating system refuses: a NUL, a name too long, a file used as a folder, a loop of links
    (tmp_path / "file.jpg").write_bytes(b"x")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    for bad in (f"{tmp_path}/a\x00b.jpg", tmp_path / ("x" * 5000 + ".jpg"), tmp_path / "file.jpg" / "x.jpg",
                tmp_path / "loop"):
        assert photo.check(bad).error["code"] == "input.unreadable", bad


def test_bomb_refused_before_decoding(monkeypatch):
    called = []
    monkeypatch.setattr(Image.Image, "load", lambda self: called.append(1))
    with pytest.raises(InputError) as e:
        photo.load(_png_header(40000, 40000))
    assert e.value.code == "input.too_many_pixels"
    assert called == []


def test_too_many_pixels_limit_is_a_parameter():
    with pytest.raises(InputError) as e:
        photo.load(path("compliant_a"), max_pixels=100_000)
    assert e.value.code == "input.too_many_pixels"


def test_file_too_large_limit(tmp_path):
    with pytest.raises(InputError) as e:
        photo.load(path("compliant_a"), max_file_bytes=1000)
    assert e.value.code == "input.file_too_large"


def test_single_frame_gif_is_decoded():
    d = photo.load(_gif(1))
    assert d.format == "GIF" and d.rgb.shape == (64, 64, 3)


def test_cmyk_keeps_its_mode_and_decodes_to_rgb():
    b = io.BytesIO()
    image("compliant_a").convert("CMYK").save(b, "JPEG", quality=90)
    d = photo.load(b.getvalue())
    assert d.mode == "CMYK" and d.is_cmyk and d.rgb.shape[2] == 3


def test_greyscale_file_decodes_to_three_channels():
    b = io.BytesIO()
    image("compliant_a").convert("L").save(b, "JPEG", quality=90)
    d = photo.load(b.getvalue())
    assert d.mode == "L" and d.rgb.shape == (720, 560, 3)


def test_exif_orientation_6_is_checked_upright():
    upright = image("compliant_a")
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # what a phone stores when held sideways
    exif = Image.Exif()
    exif[0x0112] = 6
    data = jpeg(stored, exif=exif.tobytes())
    d = photo.load(data)
    assert (d.width, d.height) == (560, 720) and d.exif_orientation == 6
    assert d.rgb.shape[:2] == (720, 560)
    rep = photo.check(data)
    assert abs(rep.face["roll"]) < 5
    assert rep.check("geometry.head_size").passed
    g = photo.face_geometry(data)
    assert g.eye_left[1] < g.chin[1]  # eyes above the chin: upright


def test_big_jpeg_uses_draft_and_keeps_original_facts():
    big = image("compliant_a").resize((2800, 3600))
    data = jpeg(big, q=90)
    d = photo.load(data)
    assert (d.width, d.height) == (2800, 3600)
    assert d.scale == 0.25 and d.rgb.shape[:2] == (900, 700) and d.block_px == 2
    assert d.byte_size == len(data) and d.format == "JPEG"


def test_pil_image_and_array_sources():
    im = image("compliant_a")
    d1 = photo.load(im)
    d2 = photo.load(np.asarray(im))
    assert d1.rgb.shape == d2.rgb.shape == (720, 560, 3)
    assert d2.format is None and d2.byte_size is None


def test_gps_metadata_is_detected():
    exif = Image.Exif()
    gps = {1: "N", 2: (35.0, 40.0, 0.0), 3: "E", 4: (139.0, 45.0, 0.0)}
    exif[0x8825] = gps
    d = photo.load(jpeg(image("compliant_a"), exif=exif.tobytes()))
    assert d.has_gps


def test_a_callers_pil_image_is_left_as_it_was(tmp_path):
    """Draft decoding shrank the caller's own PIL image: its second check saw a small picture."""
    from PIL import Image

    from tests.photo_helpers import image

    p = tmp_path / "big.jpg"
    image("compliant_a").resize((3500, 4500)).save(p, quality=90)
    im = Image.open(p)
    first = photo.check(im)
    assert im.size == (3500, 4500)
    second = photo.check(im)
    assert [c.value for c in second.checks] == [c.value for c in first.checks]
    assert first.to_dict()["checks"][[c.id for c in first.checks].index("image.dimensions")]["value"] == [3500, 4500]


def test_the_pixel_limit_is_ours_not_pillows(monkeypatch):
    # Pillow warns past 89.5 MP; a photo header under MAX_PIXELS (120 MP) is opened, one over is refused
    from photo import intake

    seen = []
    monkeypatch.setattr(intake, "_decode", lambda pil: seen.append(pil.size))  # the header is enough
    with pytest.raises(InputError) as e:
        photo.load(_png_header(11000, 11000))  # 121 MP
    assert e.value.code == "input.too_many_pixels" and "120000000" in str(e.value)
    try:
        photo.load(_png_header(9800, 9800))  # 96 MP: past Pillow's warning, inside ours
    except InputError as err:
        assert err.code != "input.too_many_pixels", err
    except Exception:  # the stub decoded nothing: what follows the guards may fail, the guards did not
        pass
    assert seen == [(9800, 9800)]


def test_a_turned_decode_gives_its_full_image_turned_the_same_way(tmp_path):
    from photo.intake import full_image, turned

    img = Image.open(path("compliant_a")).convert("RGB").resize((1600, 2000))  # bigger than the working image
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=95)
    d = photo.load(buf.getvalue(), keep_bytes=True)
    for k in (1, 2, 3):
        t = turned(d, k)
        assert (t.width, t.height) == ((2000, 1600) if k % 2 else (1600, 2000)) and t.turn == k and t.block_px is None
        assert t.rgb.shape[:2] == np.rot90(d.rgb, k).shape[:2]
        assert np.array_equal(np.asarray(full_image(t)), np.rot90(np.asarray(full_image(d)), k))
    arr = np.asarray(img)
    da = photo.load(arr)
    assert np.array_equal(np.asarray(full_image(turned(da, 1), arr)), np.rot90(arr, 1))
