"""What personal data looks like, for the privacy tests: every sample holder's secrets in every
form they could be written, and a scanner that finds them in a text (a log, stderr)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from tests.conftest import SAMPLES

WINDOW = 8  # address fragments of this many characters count as a leak


@dataclass(frozen=True)
class Secret:
    kind: str  # "number", "name", "reading", "romanized", "address"
    text: str
    pattern: re.Pattern


def _literal(kind: str, text: str) -> Secret:
    return Secret(kind, text, re.compile(re.escape(text)))


def _word(kind: str, text: str) -> Secret:
    """Latin text as a whole word (OHNO, not the ONO inside MONO)."""
    return Secret(kind, text, re.compile(r"(?<![A-Za-z])" + re.escape(text) + r"(?![A-Za-z])"))


def number_forms(number: str) -> list[str]:
    groups = (number[:4], number[4:8], number[8:])
    wide = "".join(chr(0xFF10 + int(c)) for c in number)
    return [number, " ".join(groups), "-".join(groups), "\u3000".join(groups), wide,
            " ".join((wide[:4], wide[4:8], wide[8:]))]


@cache
def secrets() -> tuple[Secret, ...]:
    from cardface.holder import load_holders

    out: list[Secret] = []
    for h in load_holders(SAMPLES / "applicants.json"):
        out += [_literal("number", f) for f in number_forms(h.my_number)]
        for name in (h.surname, h.given_name, h.name, h.surname + h.given_name, f"{h.surname} {h.given_name}"):
            out.append(_literal("name", name))
        for kana in (h.surname_kana, h.given_name_kana, h.name_kana, (h.surname_kana or "") + (h.given_name_kana or "")):
            if kana:
                out.append(_literal("reading", kana))
                out.append(_literal("reading", "".join(chr(ord(c) - 0x60) if 0x30A1 <= ord(c) <= 0x30F6 else c
                                                       for c in kana)))  # as hiragana
        rom = h.romanized
        out.append(_word("romanized", rom.text))
        for part in rom.parts:
            out.append(_word("romanized", part.spelling))
            out.append(_word("romanized", part.spelling.capitalize()))
        if h.passport_romaji:
            out.append(_word("romanized", h.passport_romaji))
        out.append(_literal("address", h.address))
        for segment in h.address.split():
            for i in range(max(1, len(segment) - WINDOW + 1)):
                out.append(_literal("address", segment[i:i + WINDOW]))
    unique = {(s.kind, s.text): s for s in out if s.text.strip()}
    return tuple(unique.values())


def find_leaks(text: str) -> list[tuple[str, str, str]]:
    """(kind, secret, the line) for every secret found in ``text``; also any redacted number."""
    found = []
    for line in text.splitlines():
        if "[number redacted]" in line:
            found.append(("number", "[number redacted]", line))
        for s in secrets():
            if s.pattern.search(line):
                found.append((s.kind, s.text, line))
    return found
