"""Property tests: whatever the holder data, rendering returns bytes or one of the project's errors."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cardface
from cardface.errors import CardfaceError
from photo.errors import PhotoError
from tests.card_support import sample_records

# Characters worth throwing at the renderer: JIS kanji, registered-name characters, kana,
# Latin, full-width forms, variation selectors (valid and not), non-BMP ideographs,
# unassigned and private-use code points, combining marks, odd spaces.
ALPHABET = st.one_of(
    st.sampled_from(list("大野太郎髙𠮷葛城辻󠄀邊渡齋藤ーヴァ・　 ABCxyz0123456789-'.,（）「」、。")),
    st.sampled_from(["\U000E0100", "\U000E0101", "\U000E0105", "\U000E01EF", "\ufe00", "\u3099", "\u0301"]),
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cf", "Cs", "Zl", "Zp")),
)
text = st.text(ALPHABET, min_size=1, max_size=40)


@st.composite
def holder_dicts(draw):
    base = dict(sample_records()[draw(st.integers(0, len(sample_records()) - 1))])
    for key in ("surname", "given_name", "address", "issuer"):
        if draw(st.booleans()):
            base[key] = draw(st.text(ALPHABET, min_size=0, max_size=80 if key == "address" else 30))
    if draw(st.booleans()):
        base["remarks"] = draw(st.lists(text, max_size=4))
    if draw(st.booleans()):
        base["romaji"] = draw(st.text(st.sampled_from(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ '-")), max_size=30))
    return base


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=holder_dicts(), side=st.sampled_from(["front", "back"]), layout=st.sampled_from(["current", "next"]),
       fmt=st.sampled_from(["png", "pdf"]), preview=st.booleans())
def test_render_returns_bytes_or_a_project_error(data, side, layout, fmt, preview):
    try:
        out = cardface.render(data, side, layout, fmt, dpi=40, preview=preview)
    except (CardfaceError, PhotoError) as err:
        assert err.code and err.message
        return
    assert isinstance(out, bytes)
    assert out.startswith(b"\x89PNG" if fmt == "png" else b"%PDF")
