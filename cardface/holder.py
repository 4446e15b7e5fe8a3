"""The card holder: validated data, derived dates and the romanized name.

``Holder.from_dict(data)`` validates one record; :func:`load_holders` reads a JSON list or a
CSV file. Invalid data raises one :class:`~cardface.errors.HolderError` listing every bad
field (with the record number in a file) and the reason in English and Japanese. Error
messages never repeat the values themselves: they are personal data.

Names are kept exactly as given (no Unicode normalisation, which would fold compatibility
ideographs and could alter registered characters); only surrounding whitespace is removed.
Readings are normalised to full-width katakana.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import re
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from cardface import dates, mynumber
from cardface.errors import ArgumentError, CardfaceError, FieldProblem, HolderError, InputFileError
from photo.textfile import DELIMITED_SUFFIXES, TextEncodingError, csv_rows, decode_text

log = logging.getLogger("cardface.holder")

FIELDS = (
    "surname", "given_name", "surname_kana", "given_name_kana", "romaji", "passport_romaji",
    "address", "birth_date", "sex", "my_number", "issue_date", "expiry_date", "issuer", "photo", "remarks",
    "card_serial", "security_code",
)
MAX_LEN = {
    "surname": 40, "given_name": 40, "surname_kana": 60, "given_name_kana": 60, "romaji": 80,
    "passport_romaji": 80, "address": 200, "issuer": 40, "remarks": 200,
}
MAX_REMARKS = 12
_REQUIRED_TEXT = frozenset({"surname", "given_name", "address", "issuer"})
# Unknown keys shaped like field names are repeated in errors (a typo: "surnme"); any other
# key may be a value (a CSV without its header row) and is not: errors never show values.
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_FIELD_LIKE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_EXTRA_COLUMN = re.compile(r"^\(column \d+, past the header\)$")  # parse_csv's key for a cell past the header
MAX_FILE_BYTES = 50 * 1024 * 1024
REMARKS_SEPARATOR = "|"  # in CSV cells

# Characters never accepted in any text field: controls, format characters (bidi marks,
# zero-width joiners...), surrogates, line/paragraph separators. Variation selectors are
# combining marks (Mn) and stay allowed, so IVS sequences survive.
_FORBIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}

_MESSAGES_JA = {
    "missing": "必須の項目がありません",
    "type": "文字列で指定してください",
    "empty": "空です",
    "too_long": "長すぎます",
    "control_character": "制御文字・書式文字（改行、双方向制御記号など）は使えません",
    "date": "実在する日付を YYYY-MM-DD で指定してください",
    "date_range": "日付の前後関係が正しくありません",
    "sex": "male、female または空欄で指定してください",
    "unknown_field": "未知の項目です",
    "extra_column": "見出し行より多い列に値があります（カンマを含む値は引用符で囲んでください）",
    "kana": "カナ以外の文字が含まれています",
    "mynumber": "個人番号が正しくありません",
    "romaji": "ローマ字の形式が正しくありません",
    "photo": "写真ファイルが見つかりません",
    "remarks": "追記は文字列のリストで指定してください",
    "card_serial": "カードのシリアル番号は英数字16文字で指定してください",
    "security_code": "セキュリティコードは数字4桁で指定してください",
}
# holder.type for a whole record (a list, a string...) rather than a field that is not text
_RECORD_NOT_OBJECT_JA = "保有者データは JSON のオブジェクトで指定してください"
_CARD_SERIAL = re.compile(r"^[0-9A-Z]{16}$", re.ASCII)
_SECURITY_CODE = re.compile(r"^[0-9]{4}$", re.ASCII)


def _check_text(value: Any, field: str) -> str | None:
    """Common validation of a text field; returns the stripped text (None when empty/absent)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"type: must be text, not {type(value).__name__}")
    text = value.strip()
    if not text:
        return None
    for ch in text:
        if unicodedata.category(ch) in _FORBIDDEN_CATEGORIES:
            raise ValueError(f"control_character: contains U+{ord(ch):04X} ({unicodedata.category(ch)})")
    limit = MAX_LEN.get(field)
    if limit and len(text) > limit:
        raise ValueError(f"too_long: {len(text)} characters, at most {limit}")
    return text


class Holder(BaseModel):
    """One card holder. Personal fields are hidden from ``repr`` so they cannot leak into logs."""

    model_config = ConfigDict(extra="forbid", frozen=False, hide_input_in_errors=True,
                              str_strip_whitespace=False)

    surname: str = Field(repr=False)
    given_name: str = Field(repr=False)
    surname_kana: str | None = Field(default=None, repr=False)
    given_name_kana: str | None = Field(default=None, repr=False)
    romaji: str | None = Field(default=None, repr=False)
    passport_romaji: str | None = Field(default=None, repr=False)
    address: str = Field(repr=False)
    birth_date: date = Field(repr=False)
    sex: Literal["male", "female"] | None = Field(default=None, repr=False)
    my_number: str = Field(repr=False)
    issue_date: date
    expiry_date: date | None = None
    issuer: str = Field(repr=False)
    photo: Path | None = Field(default=None, repr=False)
    remarks: list[str] = Field(default_factory=list, repr=False)
    # today's card only: the card's serial number and its 4-digit security code (bottom left of the front)
    card_serial: str | None = Field(default=None, repr=False)
    security_code: str | None = Field(default=None, repr=False)

    _warnings: list[str] = PrivateAttr(default_factory=list)
    _romanized: Any = PrivateAttr(default=None)

    # -- field validation ------------------------------------------------------------------

    @field_validator("surname", "given_name", "address", "issuer", "romaji", "passport_romaji",
                     "surname_kana", "given_name_kana", mode="before")
    @classmethod
    def _text(cls, v: Any, info) -> str | None:
        text = _check_text(v, info.field_name)
        if text is None and info.field_name in _REQUIRED_TEXT:
            raise ValueError("empty: must not be empty")
        return text

    @field_validator("surname_kana", "given_name_kana")
    @classmethod
    def _kana(cls, v: str | None) -> str | None:
        if v is None:
            return None
        from cardface.romaji import normalize_kana

        try:
            return normalize_kana(v)
        except CardfaceError as err:
            raise ValueError(f"kana: {err.message}") from None

    @field_validator("sex", mode="before")
    @classmethod
    def _sex(cls, v: Any) -> str | None:
        if v is None or (isinstance(v, str) and not v.strip()):
            return None
        if isinstance(v, str) and v.strip().lower() in ("male", "female"):
            return v.strip().lower()
        raise ValueError("sex: must be male, female or empty")

    @field_validator("my_number", mode="before")
    @classmethod
    def _my_number(cls, v: Any) -> str:
        if not isinstance(v, str):
            raise ValueError("type: write the My Number as text (a JSON number would lose leading zeros)")
        try:
            return mynumber.validate(v)
        except CardfaceError as err:
            raise ValueError(f"mynumber: {err.message}") from None

    @field_validator("card_serial", "security_code", mode="before")
    @classmethod
    def _card_codes(cls, v: Any, info) -> str | None:
        if v is None:
            return None
        if not isinstance(v, str):
            raise ValueError(f"{info.field_name}: write it as text")
        # full-width letters and digits (ＡＢ１２) are read as their ASCII forms; spaces and hyphens dropped
        text = unicodedata.normalize("NFKC", v).replace(" ", "").replace("-", "").upper()
        if not text:
            return None
        if info.field_name == "card_serial" and not _CARD_SERIAL.match(text):
            raise ValueError("card_serial: must be 16 letters A-Z or digits")
        if info.field_name == "security_code" and not _SECURITY_CODE.match(text):
            raise ValueError("security_code: must be 4 digits")
        return text

    @field_validator("birth_date", "issue_date", "expiry_date", mode="before")
    @classmethod
    def _iso_date(cls, v: Any) -> Any:
        if v is None or isinstance(v, date):
            return v
        if not isinstance(v, str):
            raise ValueError("date: must be an ISO date YYYY-MM-DD")
        text = v.strip()
        if not text:
            return None
        if not _ISO_DATE.match(text):  # date.fromisoformat also takes 19850614, 1985-W24-5, 1985-165
            raise ValueError("date: not a real date in the form YYYY-MM-DD")
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError("date: not a real date in the form YYYY-MM-DD") from None

    @field_validator("remarks", mode="before")
    @classmethod
    def _remarks(cls, v: Any) -> list[str]:
        if v is None:
            return []
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, list):
            raise ValueError("remarks: must be a list of text")
        out = []
        for item in v:
            text = _check_text(item, "remarks")
            if text:
                out.append(text)
        if len(out) > MAX_REMARKS:
            raise ValueError(f"too_long: {len(out)} remarks, at most {MAX_REMARKS}")
        return out

    @field_validator("photo", mode="before")
    @classmethod
    def _photo(cls, v: Any) -> Any:
        if v is None or (isinstance(v, str) and not v.strip()):
            return None
        if isinstance(v, Path):
            return v
        if not isinstance(v, str):
            raise ValueError("type: must be a file path")
        return Path(v.strip())

    @model_validator(mode="after")
    def _consistency(self) -> Holder:
        problems = []
        if self.birth_date < dates.EARLIEST:
            problems.append("date_range: birth_date is before 1868-10-23 (明治)")
        if self.issue_date < self.birth_date:
            problems.append("date_range: issue_date is before birth_date")
        if self.expiry_date is not None and self.expiry_date <= self.issue_date:
            problems.append("date_range: expiry_date is not after issue_date")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # -- derived values --------------------------------------------------------------------

    @property
    def warnings(self) -> list[str]:
        """Guesses made while loading (e.g. readings taken from kanji); shown to the user."""
        return list(self._warnings)

    @property
    def age_at_issue(self) -> int:
        return dates.age_on(self.birth_date, self.issue_date)

    @property
    def expiry_current(self) -> date:
        """Card expiry by today's rule (10th birthday after issue; 5th if under 18 at issue)."""
        return self.expiry_date or dates.expiry_current(self.birth_date, self.issue_date)

    @property
    def expiry_next(self) -> date:
        """Card expiry by the next card's rule (one month after that birthday)."""
        return self.expiry_date or dates.expiry_next(self.birth_date, self.issue_date)

    def expiry(self, rule: str) -> date:
        """Expiry by ``rule`` ("current" or "next"); a given ``expiry_date`` wins."""
        if rule == "current":
            return self.expiry_current
        if rule == "next":
            return self.expiry_next
        raise ValueError(f"unknown expiry rule {rule!r}")

    @property
    def birth_date_era(self) -> str:
        """Birth date in the Japanese era, e.g. 平成2年4月1日."""
        return dates.format_era(self.birth_date)

    @property
    def birth_date_western(self) -> str:
        """Birth date in the Western calendar, e.g. 1990年4月1日."""
        return dates.format_western(self.birth_date)

    @property
    def name(self) -> str:
        """The name in kanji (or as registered), surname first, one ideographic space."""
        return f"{self.surname}\u3000{self.given_name}"

    @property
    def name_kana(self) -> str:
        return f"{self.surname_kana or ''}\u3000{self.given_name_kana or ''}".strip()

    @property
    def romanized(self):
        """The romanized name printed on the card (a ``cardface.romaji.RomanizedName``)."""
        if self._romanized is None:
            from cardface.romaji import romanize_name

            self._romanized = romanize_name(
                self.surname_kana, self.given_name_kana,
                surname_kanji=self.surname, given_name_kanji=self.given_name,
                passport=self.passport_romaji, override=self.romaji,
            )
        return self._romanized

    @property
    def romanized_name(self) -> str:
        """``SURNAME GIVEN`` in capitals, as printed on the next card."""
        return self.romanized.text

    # -- construction ----------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Any, *, base_dir: Path | None = None, guess_readings: bool = False,
                  record: int | None = None) -> Holder:
        """Validate one record. ``base_dir`` resolves a relative ``photo`` path and checks it exists.

        With ``guess_readings``, a missing reading is taken from the kanji (pykakasi) and a
        warning is recorded; otherwise a missing reading is an error.
        """
        result = _validate(data, base_dir=base_dir, guess_readings=guess_readings, record=record)
        if isinstance(result, Holder):
            return result
        raise HolderError(_summary(result), problems=result)


def _validate(data: Any, *, base_dir: Path | None, guess_readings: bool,
              record: int | None) -> Holder | list[FieldProblem]:
    """A Holder, or the list of every problem found in ``data``."""
    if not isinstance(data, dict):
        return [_problem("(record)", "type", f"a holder must be an object, not {type(data).__name__}", record,
                         message_ja=_RECORD_NOT_OBJECT_JA)]
    data = dict(data)
    problems: list[FieldProblem] = []
    warnings: list[str] = []
    # Readings: missing ones are errors unless the caller accepts guesses.
    for part, kana_field in (("surname", "surname_kana"), ("given_name", "given_name_kana")):
        kana = data.get(kana_field)
        if kana is None or (isinstance(kana, str) and not kana.strip()):
            if guess_readings and isinstance(data.get(part), str) and data[part].strip():
                from cardface.romaji import read_kanji

                guessed, confident = read_kanji(data[part].strip())
                if guessed:
                    data[kana_field] = guessed
                    warnings.append(f"{kana_field} guessed from the kanji"
                                    + ("" if confident else " (low confidence)") + "; please confirm it")
                else:
                    problems.append(_problem(kana_field, "missing", "missing reading, and none could be "
                                             "guessed from the kanji", record))
            else:
                problems.append(_problem(kana_field, "missing", "missing reading (furigana)", record))
    try:
        holder = Holder.model_validate(data)
    except ValidationError as err:
        problems.extend(_from_pydantic(err, record))
        holder = None
    if holder is not None and not problems:
        if holder.photo is not None and base_dir is not None and not holder.photo.is_absolute():
            holder.photo = (base_dir / holder.photo).resolve()
        if holder.photo is not None and base_dir is not None and not holder.photo.is_file():
            what = "is a folder, not a photo file" if holder.photo.is_dir() else "photo file not found"
            problems.append(_problem("photo", "photo", what, record))
        try:
            rom = holder.romanized
        except CardfaceError as err:
            field = "romaji" if holder.romaji else "passport_romaji" if holder.passport_romaji else "surname_kana"
            problems.append(_problem(field, "romaji", err.message, record))
        else:
            for part in rom.parts:
                if part.status == "non-hepburn":
                    warnings.append(f"passport spelling of the {part.part.replace('_', ' ')} does not follow "
                                    "from the reading (non-Hepburn)")
    if problems:
        return problems
    holder._warnings = warnings
    return holder


def _problem(field: str, code: str, message: str, record: int | None, *,
             message_ja: str | None = None) -> FieldProblem:
    return FieldProblem(field=field, code=f"holder.{code}", message=message,
                        message_ja=message_ja or _MESSAGES_JA.get(code, ""), record=record)


def _from_pydantic(err: ValidationError, record: int | None) -> list[FieldProblem]:
    out = []
    for e in err.errors(include_input=False, include_url=False):
        field = ".".join(str(p) for p in e.get("loc", ())) or "(record)"
        kind = e.get("type", "")
        msg = str(e.get("msg", ""))
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        if field == "(record)" and msg.startswith("date_range: "):
            # the cross-field date checks: one problem per date, named by its field
            for part in msg.split("; "):
                text = part.removeprefix("date_range: ")
                out.append(_problem(text.split(" ", 1)[0], "date_range", text, record))
            continue
        if kind == "missing":
            code, text = "missing", "required field is missing"
        elif kind == "extra_forbidden" and _EXTRA_COLUMN.match(field):  # a CSV row longer than its header
            code, text = "extra_column", ("a row has more values than the header names (quote a value that holds "
                                          "a comma)")
        elif kind == "extra_forbidden":
            code, text = "unknown_field", f"unknown field (known: {', '.join(FIELDS)})"
            if not _FIELD_LIKE.match(field):  # a key that may be personal data is not repeated
                field = "(unknown field)"
        elif ": " in msg and msg.split(": ", 1)[0] in _MESSAGES_JA:
            code, text = msg.split(": ", 1)
        elif kind == "literal_error":
            code, text = "sex", "must be male, female or empty"
        elif kind.startswith(("string_type", "list_type")):
            code, text = "type", "wrong type"
        elif kind.startswith("date"):
            code, text = "date", "not a real date in the form YYYY-MM-DD"
        else:
            code, text = "invalid", msg
        out.append(_problem(field, code, text, record))
    return out


def _summary(problems: list[FieldProblem]) -> str:
    fields = sorted({p.field if p.record is None else f"{p.record}:{p.field}" for p in problems})
    return f"invalid holder data: {len(problems)} problem(s) in {', '.join(fields)}"


# -- files -----------------------------------------------------------------------------------


def load_holders(path: str | Path, *, guess_readings: bool = False, encoding: str | None = None) -> list[Holder]:
    """Load and validate every holder in a JSON (a list of objects) or CSV file.

    The text is UTF-8 (with or without a BOM) or CP932 as Excel saves it in Japanese,
    detected by :func:`photo.textfile.decode_text`; ``encoding`` names it instead.
    Raises :class:`InputFileError` when the file cannot be read or parsed, and one
    :class:`HolderError` listing every bad field of every record otherwise; a ``path`` that is
    not a path or text, or an ``encoding`` that is not text, is an :class:`ArgumentError`.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise ArgumentError(f"path must be a file path (str or Path), not {type(path).__name__}")
    if encoding is not None and not isinstance(encoding, str):
        raise ArgumentError(f"encoding must be the name of a text encoding or None, not {type(encoding).__name__}")
    path = Path(path)
    records = read_records(path, encoding=encoding)
    holders: list[Holder] = []
    problems: list[FieldProblem] = []
    for i, rec in enumerate(records, 1):
        res = _validate(rec, base_dir=path.parent.resolve(), guess_readings=guess_readings, record=i)
        if isinstance(res, Holder):
            holders.append(res)
        else:
            problems.extend(res)
    log.debug("holders file: %d record(s), %d valid, %d problem(s)", len(records), len(holders), len(problems))
    if problems:
        raise HolderError(_summary(problems), problems=problems)
    return holders


def read_records(path: Path, *, encoding: str | None = None) -> list[dict]:
    """The raw records of a holders file (JSON list or CSV with a header row).

    ``encoding`` overrides the detection of UTF-8 (BOM or not) and CP932.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputFileError(f"no such file: {path}", code="holder.file_not_found") from None
    except OSError as err:
        raise InputFileError(f"cannot read {path}: {err.strerror}", code="holder.file_unreadable") from None
    if not path.is_file():
        raise InputFileError(f"not a file: {path}", code="holder.file_unreadable")
    if size > MAX_FILE_BYTES:
        raise InputFileError(f"{path} is {size} bytes; at most {MAX_FILE_BYTES}", code="holder.file_too_large")
    try:
        text, used = decode_text(path.read_bytes(), str(path), encoding)
    except TextEncodingError as err:
        code = "holder.file_encoding_unknown" if err.unknown else "holder.file_encoding"
        raise InputFileError(err.message, code=code) from None
    log.debug("holders file read as %s", used)
    suffix = path.suffix.lower()
    if suffix == ".json":
        return parse_json(text, str(path))
    if suffix in DELIMITED_SUFFIXES:
        return parse_csv(text, str(path))
    raise InputFileError(f"{path}: holders files are .json, .csv (or Excel's Unicode text, .txt)",
                         code="holder.file_format")


def parse_json(text: str, name: str = "input") -> list[dict]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputFileError(f"{name} is not valid JSON: {err.msg} at line {err.lineno} column {err.colno}",
                             code="holder.file_json") from None
    except RecursionError:
        raise InputFileError(f"{name}: the JSON is nested too deeply", code="holder.file_json") from None
    except ValueError:  # e.g. an integer of more than 4,300 digits
        raise InputFileError(f"{name}: the JSON holds a number too long to read", code="holder.file_json") from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise InputFileError(f"{name}: expected a list of holder objects", code="holder.file_shape")
    return data


def parse_csv(text: str, name: str = "input") -> list[dict]:
    try:
        rows = csv_rows(text)
    except csv.Error as err:
        raise InputFileError(f"{name} is not valid CSV: {err}", code="holder.file_csv") from None
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise InputFileError(f"{name} is empty", code="holder.file_shape")
    header = [h.strip() for h in rows[0]]
    if not set(header) & set(FIELDS):
        raise InputFileError(f"{name}: the first row must be the header row naming the fields "
                             f"({', '.join(FIELDS)})", code="holder.file_header")
    header = [h if _FIELD_LIKE.match(h) else f"(column {i + 1})" for i, h in enumerate(header)]
    records = []
    for row in rows[1:]:
        rec: dict[str, Any] = {}
        for i, cell in enumerate(row):
            key = header[i] if i < len(header) else f"(column {i + 1}, past the header)"
            if not cell.strip():
                continue
            rec[key] = cell.split(REMARKS_SEPARATOR) if key == "remarks" else cell
        records.append(rec)
    return records
