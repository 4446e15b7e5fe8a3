"""Layouts as data: loading, validation errors, and the lint findings (cardface.layout, cardface.lint)."""

from __future__ import annotations

import copy
import tomllib

import pytest

from cardface.errors import LayoutError
from cardface.layout import layout_path, load_layout, parse_layout
from cardface.lint import ISO_7816_CONTACTS, lint_layout


def raw(name: str) -> dict:
    return tomllib.loads(layout_path(name).read_text(encoding="utf-8"))


def codes(findings) -> set[str]:
    return {f.code for f in findings}


def find(data: dict, side: str, kind: str, item_id: str) -> dict:
    return next(x for x in data[side][kind] if x["id"] == item_id)


@pytest.mark.parametrize("name", ["current", "next"])
def test_packaged_layouts_load_and_are_clean(name):
    lay = load_layout(name)
    assert lay.name == name
    assert lay.card.width_mm == 85.60 and lay.card.height_mm == 53.98 and lay.card.corner_radius_mm == 3.18
    assert lay.card.expiry_rule == name
    assert lint_layout(lay) == []


def test_layout_contents_follow_the_two_designs():
    cur, nxt = load_layout("current"), load_layout("next")
    cur_front = {f.text for f in cur.front.fields}
    nxt_front = {f.text for f in nxt.front.fields}
    assert "{sex}" in cur_front and not any("{sex" in t for t in nxt_front)
    assert "{birth_date_era}生" in cur_front and "{birth_date_western}生" in nxt_front
    assert {"{name_kana}", "{romanized_name}"} <= nxt_front
    assert any(lab.text == "日本国 JAPAN" for lab in nxt.front.labels)
    assert any(s.id == "fuji" for s in nxt.front.shapes)
    assert any(f.text == "{remarks}" for f in cur.front.fields)  # today: remarks on the front
    assert any(f.text == "{remarks}" for f in nxt.back.fields)  # next: on the back, enlarged
    cur_rem = next(f for f in cur.front.fields if f.id == "remarks").box
    nxt_rem = next(f for f in nxt.back.fields if f.id == "remarks").box
    assert nxt_rem.w * nxt_rem.h > cur_rem.w * cur_rem.h
    for lay in (cur, nxt):
        assert lay.back.chip.contacts.contains(ISO_7816_CONTACTS)
        assert any(f.text == "{my_number}" for f in lay.back.fields)
        assert lay.back.qr is not None and lay.front.photo is not None
    # next: marks on both faces with quiet zones, and a 3 mm band with no text
    assert nxt.card.edge_band_mm == 3.0
    for side in (nxt.front, nxt.back):
        kinds = sorted(s.kind for s in side.shapes if s.quiet_zone_mm > 0)
        assert kinds == ["frame", "polygon"]  # the capture frame and the orientation mark
        for item in side.text_items():
            assert nxt.safe_area.contains(item.box)


def test_invalid_layouts_list_every_problem(tmp_path):
    data = raw("next")
    find(data, "front", "fields", "name")["text"] = "{nme}"
    find(data, "front", "labels", "japan")["size"] = [9, 8]
    find(data, "front", "shapes", "fuji")["fill"] = "blue"
    with pytest.raises(LayoutError) as e:
        parse_layout(data, "edited.toml")
    fields = " ".join(p.field for p in e.value.problems)
    assert len(e.value.problems) == 3
    assert "front.fields" in fields and "front.labels" in fields and "front.shapes" in fields
    assert e.value.code == "layout.invalid"
    data = raw("next")
    data["front"]["fields"].append(copy.deepcopy(find(data, "front", "fields", "issuer")))
    with pytest.raises(LayoutError, match="duplicate ids: issuer"):
        parse_layout(data, "edited.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[card\nname=", encoding="utf-8")
    with pytest.raises(LayoutError) as e:
        load_layout(bad)
    assert e.value.code == "layout.syntax"
    with pytest.raises(LayoutError) as e:
        load_layout("nonexistent")
    assert e.value.code == "layout.not_found"


def lint_of(data: dict) -> set[str]:
    return codes(lint_layout(parse_layout(data, "edited")))


def test_lint_safe_area_and_card_edges():
    data = raw("next")
    find(data, "front", "fields", "name")["box"] = [1.0, 11.2, 45.5, 5.4]  # into the 3 mm edge band
    assert "layout.outside_safe_area" in lint_of(data)
    data = raw("current")
    find(data, "front", "fields", "sex")["box"] = [80.0, 13.7, 10.0, 2.8]  # past the right edge
    assert "layout.outside_card" in lint_of(data)


def test_lint_overlaps_and_small_text():
    data = raw("current")
    find(data, "front", "fields", "issuer")["box"] = [31.0, 18.4, 13.5, 2.4]  # onto the birth date
    found = lint_layout(parse_layout(data, "edited"))
    assert any(f.code == "layout.overlap" and f.item in ("birth_date", "issuer") for f in found)
    data = raw("current")
    find(data, "front", "fields", "address")["size"] = [4.5, 8]
    assert "layout.text_too_small" in lint_of(data)


def test_lint_fits_the_widest_value_of_each_fixed_format_field():
    """A field of bounded format (serial, code, number, sex, dates) must hold its widest value at its
    minimum size: the serial box without its condensing, or a number box too narrow, is a finding."""
    data = raw("current")
    del find(data, "front", "fields", "card_serial")["min_scale_x"]
    found = lint_layout(parse_layout(data, "edited"))
    hit = [f for f in found if f.code == "layout.field_overflow"]
    assert [(f.side, f.item) for f in hit] == [("front", "card_serial")]
    assert "WWWWWWWWWWWWWWWW" in hit[0].message and "5 pt" in hit[0].message
    for name, side, item, box in (("next", "back", "my_number", [4.0, 10.0, 20.0, 5.0]),
                                  ("next", "front", "birth_date", [31.0, 27.0, 14.0, 3.0]),
                                  ("current", "front", "expiry", [55.5, 18.5, 18.0, 2.5])):
        data = raw(name)
        find(data, side, "fields", item)["box"] = box
        assert "layout.field_overflow" in lint_of(data), (name, item)
    # fields with no widest value (a name, an address) are fitted when a card is rendered, not here
    data = raw("next")
    find(data, "front", "fields", "address")["size"] = [5, 5]
    find(data, "front", "fields", "address")["wrap"] = False
    assert "layout.field_overflow" not in lint_of(data)


def test_widest_values_are_the_widest_the_formats_allow():
    import datetime

    from cardface import dates, mynumber
    from cardface.capacity import widest_texts, width_em
    from cardface.fonts import default_fonts

    lay = load_layout("next")
    chain = default_fonts().chain("gothic")
    assert widest_texts("{name}", lay, chain) is None and widest_texts("{expiry} {issuer}", lay, chain) is None
    (serial,) = widest_texts("{card_serial}", lay, chain)
    assert len(serial) == 16 and set(serial) == {"W"}  # W is the widest of A-Z and 0-9 in IPAex Gothic
    assert widest_texts("{my_number}", lay, chain)[1] == mynumber.mask("0" * 12, char=lay.mask.char)
    for key, fmt in (("expiry", dates.format_western), ("birth_date_era", dates.format_era),
                     ("birth_date_en", lambda d: dates.format_western(d, "en"))):
        (widest,) = widest_texts("{" + key + "}", lay, chain)
        every_year = (datetime.date(y, m, d) for y in range(1869, 2101, 7) for m in (1, 5, 11, 12) for d in (8, 28))
        assert width_em(widest, chain) >= max(width_em(fmt(x), chain) for x in every_year) - 1e-9, key


def test_lint_chip_contacts():
    data = raw("current")
    find(data, "back", "fields", "name")["box"] = [12.0, 20.0, 50.0, 3.8]  # over the contacts
    assert "layout.over_chip" in lint_of(data)
    data = raw("next")
    data["back"]["shapes"].append({"id": "logo", "kind": "circle", "center": [15.0, 24.0], "radius_mm": 2.0,
                                   "fill": "#ff0000"})
    assert "layout.over_chip" in lint_of(data)
    data = raw("next")
    data["back"]["chip"]["contacts"] = [40.0, 19.23, 9.62, 9.32]
    data["back"]["chip"]["module"] = [38.5, 17.5, 13.2, 12.6]
    assert "layout.chip_position" in lint_of(data)


def test_lint_quiet_zones_of_marks():
    data = raw("next")
    find(data, "front", "labels", "japan")["box"] = [2.4, 3.6, 28.0, 3.8]  # inside the frame's quiet zone
    found = lint_layout(parse_layout(data, "edited"))
    assert any(f.code == "layout.quiet_zone" and f.item == "japan" for f in found)
    data = raw("next")
    # a decorative shape next to the orientation mark (bottom-left of the front)
    data["front"]["shapes"].append({"id": "deco", "kind": "rect", "box": [8.0, 46.0, 3.0, 1.5], "fill": "#cccccc"})
    found = lint_layout(parse_layout(data, "edited"))
    assert any(f.code == "layout.quiet_zone" and f.item == "deco" for f in found)
    # a frame's quiet zone is its band, not its inside
    data = raw("next")
    data["front"]["shapes"].append({"id": "frame", "kind": "frame", "box": [1.0, 1.0, 83.6, 51.98],
                                    "stroke": "#14213d", "stroke_width_mm": 0.6, "radius_mm": 2.2,
                                    "quiet_zone_mm": 0.5})
    found = lint_layout(parse_layout(data, "edited"))
    assert {f.item for f in found if f.code == "layout.quiet_zone"} >= {"frame", "capture-frame"}
    data["front"]["shapes"] = [s for s in data["front"]["shapes"] if s["id"] != "frame"]
    assert lint_layout(parse_layout(data, "edited")) == []
    find(data, "front", "labels", "japan")["box"] = [1.5, 3.6, 28.0, 3.8]
    assert any(f.code == "layout.quiet_zone" and f.item == "japan"
               for f in lint_layout(parse_layout(data, "edited")))


def test_lint_label_overflow():
    data = raw("next")
    find(data, "front", "labels", "japan")["text"] = "日本国 JAPAN " * 4
    assert "layout.label_overflow" in lint_of(data)


def test_a_designer_copy_renders_without_touching_code(tmp_path):
    import cardface
    from tests.card_support import holder

    text = layout_path("next").read_text(encoding="utf-8")
    mine = tmp_path / "mine.toml"
    mine.write_text(text.replace('text = "日本国 JAPAN"', 'text = "日本国 JAPAN 試作"')
                    .replace('name = "next"', 'name = "mine"'), encoding="utf-8")
    assert lint_layout(str(mine)) == []
    scene = cardface.build_scene(holder(1), "front", str(mine))
    assert scene.text_of("japan") == "日本国 JAPAN 試作" and scene.layout == "mine"
