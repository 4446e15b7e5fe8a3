"""Holder model: loading JSON/CSV, normalisation, derived fields, every bad field reported."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cardface import load_holders
from cardface.errors import HolderError, InputFileError
from cardface.holder import Holder
from tests.conftest import SAMPLES

GOOD = {
    "surname": "大野", "given_name": "太郎", "surname_kana": "オオノ", "given_name_kana": "タロウ",
    "address": "東京都千代田区霞が関一丁目9番99号", "birth_date": "1985-06-14", "sex": "male",
    "my_number": "123456789018", "issue_date": "2024-03-01", "issuer": "千代田区長",
}


def test_samples_load_and_cover_the_hard_cases():
    holders = load_holders(SAMPLES / "applicants.json")
    assert len(holders) >= 20
    names = "".join(h.surname + h.given_name for h in holders)
    assert "\U00020BB7" in names and "髙" in names and "\U000E0100" in names
    assert any(h.age_at_issue < 18 for h in holders)
    assert any(len(h.address) > 80 for h in holders)
    assert any(h.passport_romaji and "OH" in h.passport_romaji for h in holders)
    csv_holders = load_holders(SAMPLES / "applicants.csv")
    assert [h.my_number for h in csv_holders] == [h.my_number for h in holders[:len(csv_holders)]]


def test_names_are_kept_exactly_including_non_bmp_and_ivs():
    h = Holder.from_dict({**GOOD, "surname": "\U00020BB7田", "given_name": "葛\U000E0100"})
    assert h.surname == "\U00020BB7田"
    assert h.given_name == "葛\U000E0100"


def test_readings_are_normalised_to_katakana():
    h = Holder.from_dict({**GOOD, "surname_kana": "おおの", "given_name_kana": "ﾀﾛｳ"})
    assert (h.surname_kana, h.given_name_kana) == ("オオノ", "タロウ")


def test_derived_fields():
    h = Holder.from_dict(GOOD)
    assert h.birth_date_era == "昭和60年6月14日"
    assert h.birth_date_western == "1985年6月14日"
    assert h.expiry_current == date(2033, 6, 14)
    assert h.expiry_next == date(2033, 7, 14)
    assert h.romanized_name == "ONO TARO"
    assert h.my_number == "123456789018"


def test_passport_spelling_is_printed_with_its_status():
    h = Holder.from_dict({**GOOD, "passport_romaji": "OHNO TARO"})
    assert h.romanized_name == "OHNO TARO"
    assert [p.status for p in h.romanized.parts] == ["variant", "hepburn"]
    g = Holder.from_dict({**GOOD, "given_name_kana": "ジョウジ", "passport_romaji": "ONO GEORGE"})
    assert g.romanized_name == "ONO GEORGE"
    assert g.romanized.parts[1].status == "non-hepburn"
    assert any("non-Hepburn" in w for w in g.warnings)


def test_every_bad_field_is_listed_in_one_error():
    bad = {**GOOD, "birth_date": "2001-02-30", "my_number": "123456789019", "sex": "x",
           "surname_kana": "", "issuer": "", "unexpected": 1}
    with pytest.raises(HolderError) as e:
        Holder.from_dict(bad)
    fields = {p.field for p in e.value.problems}
    assert {"birth_date", "my_number", "sex", "surname_kana", "issuer", "unexpected"} <= fields
    codes = {p.field: p.code for p in e.value.problems}
    assert codes["birth_date"] == "holder.date"
    assert codes["my_number"] == "holder.mynumber"
    assert codes["surname_kana"] == "holder.missing"
    assert all(p.message_ja for p in e.value.problems)
    # values are personal data: never echoed
    assert "123456789019" not in str(e.value) and "2001-02-30" not in str(e.value)


@pytest.mark.parametrize(("patch", "field", "code"), [
    ({"surname": "大\u202e野"}, "surname", "holder.control_character"),
    ({"given_name": "太\n郎"}, "given_name", "holder.control_character"),
    ({"surname": "大" * 5000}, "surname", "holder.too_long"),
    ({"my_number": 123456789018}, "my_number", "holder.type"),
    ({"surname": 42}, "surname", "holder.type"),
    ({"surname_kana": "Ohno"}, "surname_kana", "holder.kana"),
    ({"issue_date": "1980-01-01"}, "issue_date", "holder.date_range"),
    ({"birth_date": "1860-01-01"}, "birth_date", "holder.date_range"),
    ({"expiry_date": "2020-01-01"}, "expiry_date", "holder.date_range"),
    ({"remarks": "one remark"}, None, None),
    ({"card_serial": "AB12"}, "card_serial", "holder.card_serial"),
    ({"card_serial": "AB12CD34EF56GH7!"}, "card_serial", "holder.card_serial"),
    ({"card_serial": 1234567890123456}, "card_serial", "holder.card_serial"),
    ({"security_code": "12345"}, "security_code", "holder.security_code"),
    ({"security_code": "12a4"}, "security_code", "holder.security_code"),
])
def test_bad_fields(patch, field, code):
    if code is None:
        assert Holder.from_dict({**GOOD, **patch}).remarks == ["one remark"]
        return
    with pytest.raises(HolderError) as e:
        Holder.from_dict({**GOOD, **patch})
    assert (field, code) in {(p.field, p.code) for p in e.value.problems}, e.value.problems


def test_card_serial_and_security_code_are_normalised():
    h = Holder.from_dict({**GOOD, "card_serial": "ｘｋ２ｄ-eg0d 9pcf-43es", "security_code": "０１２３"})
    assert (h.card_serial, h.security_code) == ("XK2DEG0D9PCF43ES", "0123")  # leading zero kept
    assert Holder.from_dict({**GOOD, "card_serial": "", "security_code": " "}).card_serial is None
    assert "0123" not in repr(h) and "XK2DEG0D9PCF43ES" not in repr(h)


def test_missing_reading_is_an_error_unless_guessing_is_asked():
    data = {k: v for k, v in GOOD.items() if k != "given_name_kana"}
    with pytest.raises(HolderError):
        Holder.from_dict(data)
    h = Holder.from_dict(data, guess_readings=True)
    assert h.given_name_kana
    assert any("guessed" in w for w in h.warnings)


def test_photo_is_resolved_relative_to_the_data_file(tmp_path):
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "a.jpg").write_bytes(b"x")
    f = tmp_path / "h.json"
    f.write_text(json.dumps([{**GOOD, "photo": "photos/a.jpg"}]), encoding="utf-8")
    (h,) = load_holders(f)
    assert h.photo == (tmp_path / "photos" / "a.jpg").resolve()
    f.write_text(json.dumps([{**GOOD, "photo": "photos/missing.jpg"}]), encoding="utf-8")
    with pytest.raises(HolderError) as e:
        load_holders(f)
    assert e.value.problems[0].field == "photo" and e.value.problems[0].message == "photo file not found"
    f.write_text(json.dumps([{**GOOD, "photo": "photos"}]), encoding="utf-8")  # a folder: said so
    with pytest.raises(HolderError) as e:
        load_holders(f)
    assert e.value.problems[0].field == "photo" and e.value.problems[0].message == "is a folder, not a photo file"


def test_file_errors_have_codes(tmp_path):
    cases = {
        "missing.json": None,
        "bad.json": "{not json",
        "shape.json": '"a string"',
        "data.xlsx": "x",
        "latin1.csv": None,
    }
    (tmp_path / "bad.json").write_text(cases["bad.json"])
    (tmp_path / "shape.json").write_text(cases["shape.json"])
    (tmp_path / "data.xlsx").write_text("x")
    (tmp_path / "latin1.csv").write_bytes("surname\n\xe9\n".encode("latin-1"))
    expected = {"missing.json": "holder.file_not_found", "bad.json": "holder.file_json",
                "shape.json": "holder.file_shape", "data.xlsx": "holder.file_format",
                "latin1.csv": "holder.file_encoding"}
    for name, code in expected.items():
        with pytest.raises(InputFileError) as e:
            load_holders(tmp_path / name)
        assert e.value.code == code


def test_errors_in_a_file_name_the_record(tmp_path):
    f = tmp_path / "h.json"
    f.write_text(json.dumps([GOOD, {**GOOD, "my_number": "1"}, {**GOOD, "sex": "?"}]), encoding="utf-8")
    with pytest.raises(HolderError) as e:
        load_holders(f)
    assert {(p.record, p.field) for p in e.value.problems} == {(2, "my_number"), (3, "sex")}


def test_a_csv_row_longer_than_its_header_names_the_extra_columns(tmp_path):
    """A comma inside an unquoted address splits it: the cells past the header are named by
    column, with what to do, not as unknown fields (and never by their text)."""
    f = tmp_path / "h.csv"
    head = list(GOOD)
    row = [GOOD[k] for k in head]
    row[head.index("address")] = "東京都千代田区霞が関一丁目9番99号,見本ビル"  # unquoted: one cell too many
    f.write_text(",".join(head) + "\n" + ",".join(row) + "\n", encoding="utf-8")
    with pytest.raises(HolderError) as e:
        load_holders(f)
    extra = [p for p in e.value.problems if p.code == "holder.extra_column"]
    assert [p.field for p in extra] == [f"(column {len(head) + 1}, past the header)"]
    assert "quote" in extra[0].message and extra[0].message_ja
    assert not any(p.code == "holder.unknown_field" for p in e.value.problems)
    assert all("見本ビル" not in p.message and "見本ビル" not in p.field for p in e.value.problems)


def test_repr_hides_personal_data():
    h = Holder.from_dict(GOOD)
    text = repr(h) + str(h)
    for secret in ("大野", "太郎", "123456789018", "霞が関", "オオノ"):
        assert secret not in text


holder_values = st.fixed_dictionaries({}, optional={
    k: st.one_of(st.none(), st.text(max_size=60), st.integers(), st.lists(st.text(max_size=5), max_size=3))
    for k in ("surname", "given_name", "surname_kana", "given_name_kana", "romaji", "passport_romaji", "address",
              "birth_date", "sex", "my_number", "issue_date", "expiry_date", "issuer", "remarks")
})


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(holder_values, st.builds(lambda d: {**GOOD, **d}, holder_values)))
def test_any_record_gives_a_holder_or_a_holder_error(data):
    try:
        h = Holder.from_dict(data)
    except HolderError as e:
        assert e.problems
    else:
        assert h.romanized_name.replace(" ", "").replace("-", "").isalpha()


def test_cli_holders_check(run_cli, tmp_path):
    ok = run_cli("holders", "check", str(SAMPLES / "applicants.json"))
    assert ok.exit_code == 0, ok.output
    assert "OHNO TARO" in ok.stdout and "SENOO KENICHI" in ok.stdout
    assert "holder(s) valid" in ok.stdout
    # the table's columns line up on a terminal, era dates with 元年 included (kanji take two columns)
    import unicodedata

    def col(line: str) -> int:
        head = line[: line.index("expires")]
        return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in head)

    rows = [ln for ln in ok.stdout.splitlines() if "expires" in ln]
    assert len(rows) == 24 and len({col(ln) for ln in rows}) == 1
    f = tmp_path / "bad.json"
    f.write_text(json.dumps([{**GOOD, "birth_date": "2001-02-30"}]), encoding="utf-8")
    bad = run_cli("holders", "check", str(f))
    assert bad.exit_code == 1
    assert "birth_date" in bad.stderr and "Traceback" not in bad.output
    missing = run_cli("holders", "check", str(tmp_path / "nope.json"))
    assert missing.exit_code == 2
    assert "holder.file_not_found" in missing.stderr and "Traceback" not in missing.output


@pytest.mark.parametrize("record", [["a", "list"], "text", 42])
def test_a_record_that_is_not_an_object_says_so_in_both_languages(record):
    with pytest.raises(HolderError) as e:
        Holder.from_dict(record)
    (p,) = e.value.problems
    assert p.code == "holder.type" and p.field == "(record)"
    assert "must be an object" in p.message
    assert "オブジェクト" in p.message_ja and "文字列" not in p.message_ja
