"""The resolved scene: what each face says, masking, marks, photo box, errors (cardface.scene)."""

from __future__ import annotations

import sys

import pytest

import cardface
from cardface.errors import FitError, GlyphError, PhotoRefused
from cardface.fonts import default_fonts
from cardface.layout import load_layout
from cardface.scene import ImageElement, QRElement, SampleMark, TextRun, build_scene
from tests.card_support import holder, holders, needs_mj


def texts(scene) -> str:
    return "\n".join(r.text for r in scene.runs())


def test_next_front_says_what_the_task_force_asked():
    h = holder(1)
    s = build_scene(h, "front", "next")
    assert s.text_of("name") == "大野\u3000太郎"
    assert s.text_of("name_kana") == "オオノ\u3000タロウ"
    assert s.text_of("romanized_name") == "OHNO TARO"  # passport spelling, surname first, capitals
    assert s.text_of("birth_date") == "1985年6月14日生"  # Western calendar
    assert s.text_of("birth_date_en") == "14 JUN 1985"
    assert s.text_of("expiry") == f"{h.expiry_next.year}年{h.expiry_next.month}月{h.expiry_next.day}日まで有効"
    assert s.text_of("japan") == "日本国 JAPAN"
    assert "男" not in texts(s)  # no sex printed
    assert s.text_of("address").replace("\n", "") == h.address


def test_current_front_uses_the_era_and_prints_sex():
    h = holder(1)
    s = build_scene(h, "front", "current")
    assert s.text_of("birth_date") == "昭和60年6月14日生"
    assert s.text_of("sex") == "男"
    assert s.text_of("expiry").startswith(f"{h.expiry_current.year}年")
    assert s.text_of("remarks") == h.remarks[0]
    # a holder without sex: the field is left out, nothing else changes
    assert build_scene(holder(22), "front", "current").text_of("sex") == ""


def test_preview_masks_the_number_and_the_qr_code():
    h = holder(1)
    s = build_scene(h, "back", "next")
    assert h.my_number not in texts(s).replace(" ", "")
    assert s.text_of("my_number") == "＊＊＊＊ ＊＊＊＊ ＊＊＊＊"
    qr = next(e for e in s.elements if isinstance(e, QRElement))
    other = next(e for e in build_scene(holder(2), "back", "next").elements if isinstance(e, QRElement))
    assert qr.modules == other.modules  # the same sample payload for everyone
    shown = build_scene(h, "back", "next", show_number=True)
    assert shown.text_of("my_number") == f"{h.my_number[:4]} {h.my_number[4:8]} {h.my_number[8:]}"
    qr_shown = next(e for e in shown.elements if isinstance(e, QRElement))
    assert qr_shown.modules != qr.modules


def test_current_front_prints_serial_and_masks_the_security_code_in_previews():
    h = holder(1)
    assert h.card_serial and h.security_code
    preview = build_scene(h, "front", "current")
    assert preview.text_of("card_serial") == f"{h.card_serial} ****"
    assert h.security_code not in texts(preview)
    shown = build_scene(h, "front", "current", show_number=True)
    assert shown.text_of("card_serial") == f"{h.card_serial} {h.security_code}"
    nxt = build_scene(h, "front", "next", show_number=True)
    assert h.card_serial not in texts(nxt) and h.security_code not in texts(nxt)  # the next card has no such line
    # a holder without them: the line is left out
    bare = h.model_copy(update={"card_serial": None, "security_code": None})
    assert build_scene(bare, "front", "current").text_of("card_serial") == ""


def test_a_serial_of_wide_letters_is_condensed_into_its_box_at_the_minimum_size():
    """The current card's serial box holds 16 letters and 4 digits at 5 pt, but not 16 W or M:
    those are condensed (長体) within the box, never set below 5 pt nor refused."""
    h = holder(1).model_copy(update={"card_serial": "WWWWMMMMWWWWMMMM", "security_code": "8888"})
    lay = load_layout("current")
    box = next(f for f in lay.front.fields if f.id == "card_serial").box
    runs = [r for r in build_scene(h, "front", "current", show_number=True).runs() if r.item == "card_serial"]
    assert "".join(r.text for r in runs) == "WWWWMMMMWWWWMMMM 8888"
    assert all(r.size_pt == 5 and 0.75 <= r.scale_x < 1 for r in runs)
    assert min(r.x_mm for r in runs) >= box.x - 1e-6 and max(r.x_mm + r.width_mm for r in runs) <= box.x1 + 1e-6
    # a serial that fits is set as before
    plain = [r for r in build_scene(holder(1), "front", "current").runs() if r.item == "card_serial"]
    assert all(r.scale_x == 1.0 for r in plain)


def test_qr_code_holds_the_number_when_shown():
    cv2 = pytest.importorskip("cv2")
    import numpy as np

    from cardface.backends.png import draw

    h = holder(3)
    for show, expected in ((True, h.my_number), (False, "SAMPLE")):
        img = draw(build_scene(h, "back", "current", show_number=show), 300)
        rgb = np.asarray(img.convert("RGB"))
        x0, y0 = int(65.0 / 25.4 * 300), int(32.5 / 25.4 * 300)
        crop = np.ascontiguousarray(rgb[y0:y0 + 240, x0:x0 + 240])
        value, _pts, _ = cv2.QRCodeDetector().detectAndDecode(crop)
        assert value == expected


def test_sample_mark_only_in_previews_and_number_always_in_production():
    h = holder(1, photo=None)
    s = build_scene(h, "back", "next")
    marks = [e for e in s.elements if isinstance(e, SampleMark)]
    assert len(marks) == 1 and marks[0].text == "見本 SAMPLE" and marks[0].angle_deg != 0
    assert s.preview
    # production needs the photo on the front, but the back can be checked on its own
    p = build_scene(h, "back", "next", preview=False)
    assert not [e for e in p.elements if isinstance(e, SampleMark)]
    assert p.text_of("my_number").replace(" ", "") == h.my_number


def test_missing_photo_is_a_marked_box_in_previews_and_an_error_in_production():
    h = holder(2, photo=None)
    s = build_scene(h, "front", "next")
    assert s.text_of("photo") == "写真 PHOTO"
    assert not [e for e in s.elements if isinstance(e, ImageElement)]
    with pytest.raises(PhotoRefused) as e:
        build_scene(h, "front", "next", preview=False)
    assert e.value.code == "card.photo_missing"


@needs_mj
def test_registered_characters_are_kept_exactly():
    yoshida = build_scene(holder(15), "front", "next")
    assert yoshida.text_of("name") == "\U00020BB7田\u3000幸子"
    assert any(r.font.role == "mj" and "\U00020BB7" in r.text for r in yoshida.runs())
    katsuragi = build_scene(holder(16), "back", "current")
    assert katsuragi.text_of("name").startswith("葛\U000E0100城")
    assert build_scene(holder(14), "front", "next").text_of("name").startswith("髙橋")


def test_a_character_no_font_has_is_an_error_naming_it():
    h = holder(15)
    with pytest.raises(GlyphError) as e:
        build_scene(h, "front", "next", fonts=default_fonts().without("mj"))
    assert "U+20BB7" in str(e.value) and "name" in str(e.value)
    with pytest.raises(GlyphError) as e:
        build_scene(holder(2, given_name="優\u0378子"), "front", "next")  # an unassigned code point
    assert "U+0378" in str(e.value)


def test_long_address_wraps_and_too_long_text_is_a_fit_error():
    s = build_scene(holder(18), "front", "next")
    assert s.text_of("address").count("\n") >= 1
    too_long = "東京都" + "千代田区霞が関一丁目" * 12
    with pytest.raises(FitError) as e:
        build_scene(holder(2, address=too_long[:200]), "front", "next")
    assert [p.field for p in e.value.problems] == ["address"]


def test_every_run_stays_inside_its_box():
    for lay_name in ("current", "next"):
        lay = load_layout(lay_name)
        for side in ("front", "back"):
            boxes = {t.id: t.box for t in lay.side(side).text_items()}
            for h in holders():
                for r in build_scene(h, side, lay).elements:
                    if isinstance(r, TextRun) and r.item in boxes:
                        b = boxes[r.item]
                        assert b.x - 1e-6 <= r.x_mm and r.x_mm + r.width_mm <= b.x1 + 1e-6, (lay_name, side, r.item)
                        top = r.baseline_mm - r.size_pt * 25.4 / 72 * r.font.ascent
                        assert b.y - 0.05 <= top and r.baseline_mm <= b.y1 + 1e-6, (lay_name, side, r.item)


def test_holder_dicts_are_validated():
    from cardface.errors import HolderError

    with pytest.raises(HolderError):
        build_scene({"surname": "x"}, "front", "next")


def test_cardface_import_is_light():
    import subprocess

    code = ("import cardface, sys; "
            "heavy = [m for m in ('PIL', 'reportlab', 'qrcode', 'fontTools', 'cv2', 'mediapipe') if m in sys.modules]; "
            "print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""
    assert callable(cardface.render) and callable(cardface.build_scene)
