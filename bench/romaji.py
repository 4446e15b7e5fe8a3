"""Passport Hepburn accuracy on the dev pairs, and what pykakasi gives on the same rows.

Reads ``shared/data/romaji/passport_pairs.dev.tsv`` beside the repository (not the copy
under tests/). Prints a Markdown table:

- spelling exact match, kana only and with the kanji the rule column names (松+浦);
- alternative-status accuracy: each alternative checked as "variant" (long-vowel spellings,
  the MOFA table's "(or BO)") or "non-hepburn" (the rest), as the rule column says;
- pykakasi 2.x's ``hepburn`` and ``passport`` outputs, exact match on the same rows;
- the time per ``to_passport`` and per ``check_passport_spelling``.
"""

from __future__ import annotations

import csv
import re
import sys
import time
from pathlib import Path

from cardface import romaji
from cardface.romaji import check_passport_spelling, passport_variants, to_passport

REPO = Path(__file__).resolve().parents[1]
# the shared folder beside the repository root (a worktree may sit deeper: look further up)
SHARED = next((p / "shared" for p in REPO.parents if (p / "shared").is_dir()), REPO.parent / "shared")
PAIRS = SHARED / "data" / "romaji" / "passport_pairs.dev.tsv"


def kanji_of(rule: str) -> str | None:
    m = re.search(r"\((\S+?)\+(\S+?)\)", rule)
    return m.group(1) + m.group(2) if m else None


def expected_status(alternative: str, rule: str) -> str:
    if re.search(rf"\b{re.escape(alternative)}\b[^;]*only as non-Hepburn", rule):
        return "non-hepburn"
    if re.search(r"\blong\b|\b(?:ou|oo|uu) omitted", rule) or "(or " in rule:
        return "variant"
    return "non-hepburn"


def pykakasi_spellings(kana: str) -> tuple[str, str]:
    import pykakasi

    kks = pykakasi.kakasi()
    parts = [kks.convert(p) for p in kana.split(" ")]
    hepburn = " ".join("".join(s["hepburn"] for s in p) for p in parts).upper()
    passport = " ".join("".join(s["passport"] for s in p) for p in parts).upper()
    return hepburn, passport


def main() -> int:
    if not PAIRS.exists():
        print(f"bench/romaji.py: {PAIRS} not found; the benchmark reads the shared data folder "
              "beside the repository (tests use their own copy)", file=sys.stderr)
        return 2
    with PAIRS.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))

    kana_only = with_kanji = kks_hep = kks_pass = 0
    alt_total = alt_right = variants_listed = 0
    misses, kana_misses, kks_examples = [], [], []
    for row in rows:
        kana, want, rule = row["kana"], row["passport"], row["rule"]
        kanji = kanji_of(rule)
        got_kana = to_passport(kana)
        got = to_passport(kana, kanji=kanji)
        kana_only += got_kana == want
        if got_kana != want:
            kana_misses.append(f"{kana} {got_kana} (passport {want})")
        with_kanji += got == want
        if got != want:
            misses.append(f"{kana}: {got} (want {want})")
        hep, pas = pykakasi_spellings(kana)
        kks_hep += hep == want
        kks_pass += pas == want
        if pas != want and len(kks_examples) < 8:
            kks_examples.append(f"{kana} {pas} (passport {want})")
        variants = passport_variants(kana, kanji=kanji)
        for alt in filter(None, row["alternatives"].split("|")):
            alt_total += 1
            status = check_passport_spelling(kana, alt, kanji=kanji).status
            alt_right += status == expected_status(alt, rule)
            variants_listed += (alt in variants) == (expected_status(alt, rule) == "variant")

    n = len(rows)
    reps = 20
    t0 = time.perf_counter()
    for _ in range(reps):
        romaji._part.cache_clear()  # time the rules, not the per-part cache
        for row in rows:
            to_passport(row["kana"])
    per_spell = (time.perf_counter() - t0) / (reps * n) * 1e6
    t0 = time.perf_counter()
    for _ in range(reps):
        romaji._part.cache_clear()
        for row in rows:
            check_passport_spelling(row["kana"], row["passport"])
    per_check = (time.perf_counter() - t0) / (reps * n) * 1e6

    def pct(a: int, b: int) -> str:
        return f"{a}/{b} ({100 * a / b:.1f}%)"

    print(f"Passport Hepburn on {PAIRS.name} ({n} rows, {alt_total} alternatives)\n")
    print("| measure | result |")
    print("| --- | --- |")
    print(f"| spelling exact match, kana only | {pct(kana_only, n)} |")
    print(f"| spelling exact match, with the kanji the rule names | {pct(with_kanji, n)} |")
    print(f"| alternative status (variant / non-hepburn) right | {pct(alt_right, alt_total)} |")
    print(f"| alternative in passport_variants() exactly when a variant | {pct(variants_listed, alt_total)} |")
    print(f"| pykakasi 2.x `hepburn`, exact match | {pct(kks_hep, n)} |")
    print(f"| pykakasi 2.x `passport`, exact match | {pct(kks_pass, n)} |")
    print(f"| time per to_passport (kana only, uncached) | {per_spell:.0f} µs |")
    print(f"| time per check_passport_spelling (uncached) | {per_check:.0f} µs |")
    print("\nkana-only misses (the kanji decide): " + ("; ".join(kana_misses) or "none"))
    print("misses with the kanji: " + ("; ".join(misses) or "none"))
    print("\npykakasi `passport` misses, e.g.: " + "; ".join(kks_examples))
    return 0


if __name__ == "__main__":
    sys.exit(main())
