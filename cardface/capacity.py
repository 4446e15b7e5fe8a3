"""The widest text a fixed-format field can print: what ``mynacard card lint`` fits into each field.

Some holder data has a bounded format, so in a given font it has a widest value: the card's
serial number (16 of A-Z and 0-9), its security code (4 digits), the My Number (12 digits
spaced 4-4-4, or the preview's mask), the sex, and the dates (Japanese era, Western ja and en;
years 1868-2100). A field whose placeholders are all of these can be checked when the layout is
designed: its widest text (each placeholder at its widest: widths add) must fit the box at the
field's minimum size, condensed no further than the layout allows. A name, an address, an
issuer or remarks have no widest value: fields with them are fitted, or refused with
``text.overflow``, when a card is rendered.
"""

from __future__ import annotations

import calendar
import string
from collections.abc import Callable

from cardface import mynumber
from cardface.dates import ERAS
from cardface.fonts import FontFace
from cardface.layout import Layout, placeholders
from cardface.textfit import assign_fonts

YEARS = range(1868, 2101)  # every year a holder's dates can fall in (明治 1868 to 2100)


def width_em(text: str, chain: list[FontFace]) -> float:
    """Advance of ``text`` in em with the faces ``chain`` gives each character (GlyphError when none can)."""
    return sum(u.advance_em for u in assign_fonts(text, chain, "capacity"))


def _widest(options, chain: list[FontFace]) -> str:
    return max(options, key=lambda s: width_em(s, chain))


def _era_years(chain: list[FontFace]) -> str:
    """The widest era name with its year (元 for the first), over the eras' spans within :data:`YEARS`."""
    out = []
    for i, (name, _initial, start) in enumerate(ERAS):
        end = YEARS.stop - 1 if i == 0 else ERAS[i - 1][2].year
        out += [f"{name}{'元' if y == 1 else y}年" for y in range(1, end - start.year + 2)]
    return _widest(out, chain)


def _dates(style: str, chain: list[FontFace]) -> str:
    """The widest date of ``style`` ("era", "ja", "en": as :mod:`cardface.dates` writes them), built
    from its widest year, month and day (the parts are written one after another, so widths add)."""
    day = _widest([str(d) for d in range(1, 32)], chain)
    if style == "en":
        month = _widest([calendar.month_abbr[m].upper() for m in range(1, 13)], chain)
        return f"{day} {month} {_widest([str(y) for y in YEARS], chain)}"
    month = _widest([str(m) for m in range(1, 13)], chain)
    year = _era_years(chain) if style == "era" else _widest([f"{y}年" for y in YEARS], chain)
    return f"{year}{month}月{day}日"


def widest_values(layout: Layout, chain: list[FontFace]) -> dict[str, Callable[[], list[str]]]:
    """Placeholder -> the widest values it can print with ``chain`` (shown and, for the number and
    the security code, masked as in previews); only the placeholders of bounded format."""
    def digit() -> str:
        return _widest(list(string.digits), chain)

    return {
        "card_serial": lambda: [_widest(list(string.ascii_uppercase + string.digits), chain) * 16],
        "security_code": lambda: [digit() * 4, layout.mask.code_char * 4],
        "my_number": lambda: [mynumber.format(digit() * 12), mynumber.mask("0" * 12, char=layout.mask.char)],
        "sex": lambda: [_widest(["男", "女"], chain)],
        "sex_en": lambda: [_widest(["M", "F"], chain)],
        "birth_date_era": lambda: [_dates("era", chain)],
        "expiry_era": lambda: [_dates("era", chain)],
        "birth_date_western": lambda: [_dates("ja", chain)],
        "expiry": lambda: [_dates("ja", chain)],
        "issue_date": lambda: [_dates("ja", chain)],
        "birth_date_en": lambda: [_dates("en", chain)],
        "expiry_en": lambda: [_dates("en", chain)],
    }


def widest_texts(template: str, layout: Layout, chain: list[FontFace]) -> list[str] | None:
    """The widest texts a field of ``template`` can print (one per combination of shown and masked
    values), or None when a placeholder has no widest value (a name, an address ...)."""
    bounded = widest_values(layout, chain)
    keys = placeholders(template)
    if not keys or any(k not in bounded for k in keys):
        return None
    texts = [template]
    for key in dict.fromkeys(keys):
        texts = [t.replace("{" + key + "}", v) for t in texts for v in bounded[key]()]
    return list(dict.fromkeys(texts))
