"""What the card says: the template values of one holder, with the My Number masked in previews.

Every value a layout's ``{placeholder}`` can use is computed here, once per render. In a
preview without ``show_number`` the number (and today's card's security code) is replaced
by mask characters and the QR code payload by the layout's sample payload, so no preview
output carries the real number.
"""

from __future__ import annotations

from cardface import dates, mynumber
from cardface.holder import Holder
from cardface.layout import PLACEHOLDER, Layout, placeholders

SEX_JA = {"male": "男", "female": "女"}
SEX_EN = {"male": "M", "female": "F"}


def values(holder: Holder, layout: Layout, *, show_number: bool) -> dict[str, str]:
    """Template values for ``holder`` on ``layout`` (``show_number`` False masks the number)."""
    expiry = holder.expiry(layout.card.expiry_rule)
    if show_number:
        number = mynumber.format(holder.my_number)
        qr = holder.my_number
    else:
        number = mynumber.mask(holder.my_number, char=layout.mask.char)
        qr = layout.mask.qr_payload
    v = {
        "name": holder.name,
        "surname": holder.surname,
        "given_name": holder.given_name,
        "name_kana": holder.name_kana,
        "surname_kana": holder.surname_kana or "",
        "given_name_kana": holder.given_name_kana or "",
        "address": holder.address,
        "birth_date_era": holder.birth_date_era,
        "birth_date_western": holder.birth_date_western,
        "birth_date_en": dates.format_western(holder.birth_date, "en"),
        "sex": SEX_JA.get(holder.sex or "", ""),
        "sex_en": SEX_EN.get(holder.sex or "", ""),
        "expiry": dates.format_western(expiry),
        "expiry_en": dates.format_western(expiry, "en"),
        "expiry_era": dates.format_era(expiry),
        "issuer": holder.issuer,
        "issue_date": dates.format_western(holder.issue_date),
        "my_number": number,
        "my_number_qr": qr,
        "remarks": "\n".join(holder.remarks),
        "card_serial": holder.card_serial or "",
        "security_code": (holder.security_code if show_number else layout.mask.code_char * len(holder.security_code))
        if holder.security_code else "",
        "romanized_name": holder.romanized_name if "romanized_name" in needs(layout) else "",
    }
    return v


def needs(layout: Layout) -> set[str]:
    """The placeholders a layout uses (so the romanized name is computed only when printed)."""
    keys: set[str] = set()
    for side in (layout.front, layout.back):
        for f in side.fields:
            keys.update(placeholders(f.text))
        if side.qr:
            keys.update(placeholders(side.qr.data))
    return keys


def fill(template: str, vals: dict[str, str]) -> str:
    """Replace ``{key}`` placeholders (no attribute access, no format specs: layouts are data)."""
    return PLACEHOLDER.sub(lambda m: vals[m.group(1)], template)


def all_empty(template: str, vals: dict[str, str]) -> bool:
    """True when every placeholder of ``template`` is empty (the field is left out)."""
    return all(not vals[k].strip() for k in placeholders(template))
