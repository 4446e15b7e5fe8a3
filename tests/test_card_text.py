"""Fonts, glyph checks and text fitting (cardface.fonts, cardface.textfit)."""

from __future__ import annotations

import pytest

from cardface.errors import FitError, FontError, GlyphError
from cardface.fonts import FontSet, clusters, configured_paths, default_fonts, describe, packaged_font
from cardface.geometry import MM_PER_PT
from cardface.textfit import assign_fonts, break_paragraph, fit
from tests.card_support import needs_mj

IVS_KUZU = "葛\U000E0100"  # Adobe-Japan1 sequence, in IPAex
YOSHI = "\U00020BB7"  # 𠮷, outside the BMP


def gothic_chain(fonts=None):
    fonts = fonts or default_fonts()
    return fonts.chain("gothic", ["mj", "mincho"])


def test_clusters_keep_selectors_with_their_base():
    assert clusters(f"{IVS_KUZU}城") == [IVS_KUZU, "城"]
    assert clusters("か\u3099") == ["か\u3099"]
    assert describe(IVS_KUZU) == "U+845B U+E0100"


def test_packaged_fonts_cover_jis_text_but_not_yoshi():
    g = default_fonts().face("gothic")
    assert g.covers("髙") and g.covers("東")
    assert not g.covers(YOSHI)
    # the variation sequence is covered only when the font lists it (cmap format 14)
    assert g.covers(IVS_KUZU)
    assert not g.covers("葛\U000E0105")
    assert g.glyph(IVS_KUZU) != g.glyph("葛")


@needs_mj
def test_ipamj_draws_yoshi_and_moji_joho_sequences():
    mj = default_fonts().face("mj")
    assert mj.covers(YOSHI)
    assert mj.covers("葛\U000E0105") and mj.glyph("葛\U000E0105") != mj.glyph("葛")
    units = assign_fonts(f"{YOSHI}田", gothic_chain(), "name")
    assert units[0].face.role == "mj" and units[1].face.role == "gothic"


def test_missing_glyph_names_the_character_and_the_field():
    no_mj = default_fonts().without("mj")
    with pytest.raises(GlyphError) as e:
        assign_fonts(f"{YOSHI}田", no_mj.chain("gothic", ["mj", "mincho"]), "surname")
    assert "U+20BB7" in str(e.value) and "surname" in str(e.value)
    assert e.value.code == "glyph.missing"
    assert e.value.problems[0].field == "surname"
    assert "fonts-ipamj-mincho" in e.value.message  # tells how to fix it


def test_unknown_variation_sequence_is_an_error_not_the_base_glyph():
    with pytest.raises(GlyphError) as e:
        assign_fonts("葛\U000E01EF", default_fonts().without("mj").chain("gothic", ["mincho"]), "given_name")
    assert "U+845B U+E01EF" in str(e.value)


def test_unassigned_character_is_a_glyph_error():
    with pytest.raises(GlyphError):
        assign_fonts("a\U000E0FFF", gothic_chain(), "address")  # unassigned plane-14 code point


def test_fonts_env_adds_and_validates_roles(tmp_path, monkeypatch):
    paths = configured_paths(f"extra={packaged_font('ipaexm.ttf')}")
    assert paths["extra"].name == "ipaexm.ttf" and paths["gothic"].name == "ipaexg.ttf"
    with pytest.raises(FontError):
        configured_paths("no-equals-sign")
    bad = tmp_path / "bad.ttf"
    bad.write_bytes(b"not a font")
    fs = FontSet.of({"gothic": bad})
    with pytest.raises(FontError) as e:
        fs.face("gothic").cmap  # noqa: B018 - loading is what fails
    assert e.value.code == "font.unusable"
    with pytest.raises(FontError):
        FontSet.of({"gothic": tmp_path / "missing.ttf"}).face("gothic")
    with pytest.raises(FontError) as e:
        default_fonts().chain("nonexistent-role")
    assert e.value.code == "font.role"


def test_fit_uses_the_largest_size_that_fits_one_line():
    f = fit("大野　太郎", chain=gothic_chain(), field="name", width_mm=50, height_mm=5, size_range=(7, 11), wrap=False)
    assert f.size_pt == 11 and len(f.lines) == 1 and not f.wrapped
    # a narrower box shrinks the text, never below the minimum
    f2 = fit("大野　太郎", chain=gothic_chain(), field="name", width_mm=18, height_mm=5, size_range=(7, 11),
             wrap=False)
    assert 7 <= f2.size_pt < 11
    assert f2.lines[0].width_em * f2.size_mm <= 18 + 1e-6


def test_long_text_shrinks_then_wraps_then_fails():
    text = "北海道札幌市中央区北一条西二十一丁目三番地四十五 札幌見本中央ビルディング第二別館"
    f = fit(text, chain=gothic_chain(), field="address", width_mm=45, height_mm=7, size_range=(5.5, 8.5), wrap=True,
            line_spacing=1.15, max_lines=3)
    assert f.wrapped and 2 <= len(f.lines) <= 3
    for line in f.lines:
        assert line.width_em * f.size_mm <= 45 + 1e-6
    assert "".join(line.text for line in f.lines).replace(" ", "") == text.replace(" ", "")
    with pytest.raises(FitError) as e:
        fit(text * 3, chain=gothic_chain(), field="address", width_mm=45, height_mm=7, size_range=(5.5, 8.5),
            wrap=True, max_lines=3)
    assert e.value.code == "text.overflow" and "address" in str(e.value)
    with pytest.raises(FitError):
        fit(text, chain=gothic_chain(), field="address", width_mm=45, height_mm=7, size_range=(5.5, 8.5), wrap=False)


def test_a_one_line_field_may_be_condensed_to_its_minimum_scale_never_below_its_minimum_size():
    text = "WWWWWWWWWWWWWWWW 8888"  # the widest 16-letter serial and a code
    kw = {"chain": gothic_chain(), "field": "card_serial", "width_mm": 24.2, "height_mm": 2.6,
          "size_range": (5, 6), "wrap": False}
    with pytest.raises(FitError):  # not condensed: too wide even at 5 pt
        fit(text, **kw)
    f = fit(text, **kw, min_scale_x=0.75)
    assert f.size_pt == 5 and not f.wrapped and len(f.lines) == 1
    assert 0.75 <= f.scale_x < 0.8  # just enough: 24.2 mm / 31.1 mm
    assert f.lines[0].width_em * f.size_mm * f.scale_x <= 24.2 + 1e-6
    assert f.lines[0].width_em * f.size_mm * (f.scale_x + 0.01) > 24.2  # no narrower than it must be
    # text that fits at the minimum size is never condensed
    assert fit("ABC 1234", **kw, min_scale_x=0.75).scale_x == 1.0
    with pytest.raises(FitError) as e:  # past the minimum scale: still an overflow, saying so
        fit(text, **kw, min_scale_x=0.9)
    assert e.value.code == "text.overflow" and "condensed to 90%" in str(e.value)


def test_line_breaking_rules():
    chain = gothic_chain()
    units = assign_fonts("あいうえお、かきくけこ。さしすせそ「たちつ」てと", chain, "t")
    # 5 em per line: 、 may not start a line, so it stays with お
    lines = ["".join(u.text for u in line) for line in break_paragraph(units, 5.0)]
    assert not any(line[0] in "、。」" for line in lines)
    assert not any(line[-1] == "「" for line in lines)
    # Latin words and numbers stay whole; spaces are dropped at breaks
    units = assign_fonts("OHNO TARO 1-2-345", chain, "t")
    width = sum(u.advance_em for u in assign_fonts("OHNO TARO", chain, "t"))
    lines = ["".join(u.text for u in line) for line in break_paragraph(units, width + 0.1)]
    assert lines == ["OHNO TARO", "1-2-345"]


def test_prefers_breaking_at_a_space_but_not_at_the_cost_of_a_line():
    chain = gothic_chain()
    units = assign_fonts("東京都千代田区霞が関一丁目9番99号 見本ハイツ101", chain, "address")
    lines = ["".join(u.text for u in line) for line in break_paragraph(units, 22.0)]
    assert lines == ["東京都千代田区霞が関一丁目9番99号", "見本ハイツ101"]


def test_multiple_paragraphs_are_separate_lines():
    f = fit("一行目\n二行目", chain=gothic_chain(), field="remarks", width_mm=50, height_mm=10, size_range=(6, 8),
            wrap=True)
    assert [line.text for line in f.lines] == ["一行目", "二行目"]
    assert f.size_mm * (1 + 1.2) <= 10 + 1e-6
    assert MM_PER_PT == pytest.approx(0.3527777)
