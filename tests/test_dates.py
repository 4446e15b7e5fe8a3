"""Japanese era and card expiry rules."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cardface import dates


@pytest.mark.parametrize(("d", "text"), [
    (date(2019, 5, 1), "令和元年5月1日"),
    (date(2019, 4, 30), "平成31年4月30日"),
    (date(1989, 1, 8), "平成元年1月8日"),
    (date(1989, 1, 7), "昭和64年1月7日"),
    (date(1926, 12, 25), "昭和元年12月25日"),
    (date(1926, 12, 24), "大正15年12月24日"),
    (date(1912, 7, 30), "大正元年7月30日"),
    (date(1912, 7, 29), "明治45年7月29日"),
    (date(2026, 11, 26), "令和8年11月26日"),
])
def test_era_boundaries(d, text):
    assert dates.format_era(d) == text


def test_before_meiji_is_refused():
    with pytest.raises(ValueError):
        dates.to_era(date(1868, 10, 22))


def test_western_formats():
    assert dates.format_western(date(1990, 4, 1)) == "1990年4月1日"
    assert dates.format_western(date(1990, 4, 1), "en") == "1 APR 1990"


@pytest.mark.parametrize(("born", "issued", "current", "nxt"), [
    # adult: 10th birthday after issue; next rule: one month after it
    (date(1990, 4, 1), date(2024, 3, 1), date(2033, 4, 1), date(2033, 5, 1)),
    # issued on the birthday: that day is not "after" the issue date
    (date(1990, 4, 1), date(2024, 4, 1), date(2034, 4, 1), date(2034, 5, 1)),
    # under 18 at issue: 5th birthday
    (date(2010, 4, 2), date(2024, 3, 1), date(2028, 4, 2), date(2028, 5, 2)),
    # turns 18 the day after issue: still a minor at issue
    (date(2006, 3, 2), date(2024, 3, 1), date(2028, 3, 2), date(2028, 4, 2)),
    # 18 on the issue date: adult
    (date(2006, 3, 1), date(2024, 3, 1), date(2034, 3, 1), date(2034, 4, 1)),
    # 29 February: 28 February in a common year
    (date(2000, 2, 29), date(2024, 3, 1), date(2034, 2, 28), date(2034, 3, 28)),
    # month clamping: 31 January + 1 month = 28/29 February
    (date(1980, 1, 31), date(2024, 3, 1), date(2034, 1, 31), date(2034, 2, 28)),
])
def test_expiry_rules(born, issued, current, nxt):
    assert dates.expiry_current(born, issued) == current
    assert dates.expiry_next(born, issued) == nxt


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 1, 1)),
       st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 1, 1)))
def test_expiry_properties(born, issued):
    if issued < born:
        return
    exp = dates.expiry_current(born, issued)
    years = dates.years_valid(born, issued)
    assert exp > issued
    assert (exp.month, exp.day) in ((born.month, born.day), (2, 28))
    # the expiry is the years-th birthday strictly after the issue date
    assert dates.age_on(born, exp) - dates.age_on(born, issued) == years
    assert 0 < (dates.expiry_next(born, issued) - exp).days <= 31
