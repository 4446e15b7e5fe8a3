"""Checking a given passport spelling against a reading: hepburn, variant or non-hepburn.

The given spelling is matched against the tokens of ``cardface.hepburn`` by a dynamic
programme that picks, token by token, the cheapest option that lets the rest match
(Hepburn and accepted variants cost nothing, a recognised non-Hepburn option costs 1). The
labels on the chosen path say why a spelling is a variant (OH for オウ ...) or what makes
it non-Hepburn (kunrei SI, N before B/M/P, V, a long vowel written a way passports do not
accept ...). A spelling no path matches is a foreign spelling (GEORGE) or a typo; either
way the reason shows a compact diff of the Hepburn spelling against the given one.
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass

from cardface.hepburn import Option, Token

# label -> (English, Japanese); {kana} is the token's kana, {letters} the letters given
LABEL_TEXT: dict[str, tuple[str, str]] = {
    "variant:OH": ("OH for the long vowel {kana}", "長音{kana}を OH とする表記"),
    "variant:OO": ("OO for the long vowel {kana}", "長音{kana}を OO とする表記"),
    "variant:OU": ("OU for the long vowel {kana}", "長音{kana}を OU とする表記"),
    "variant:UU": ("UU for the long vowel {kana}", "長音{kana}を UU とする表記"),
    "variant:vu": ("{letters} for {kana} (the MOFA table allows both)", "{kana}を {letters} とする表記（外務省の表で可）"),
    "other:kunrei": ("{letters} for {kana} is kunrei/Nihon-shiki, not Hepburn",
                     "{kana}の {letters} は訓令式・日本式でヘボン式ではありません"),
    "other:n_bmp": ("ン before B, M or P is written M, not N", "B・M・P の前の「ン」は N ではなく M と書きます"),
    "other:v": ("the letter V is not used ({kana} is written with B)", "V は使いません（{kana}は B で書きます）"),
    "other:sokuon": ("ッ before CH is written T (TCH), not C", "CH の前の「ッ」は C ではなく T と書きます（TCH）"),
    "other:long": ("the long vowel {kana} with an extra {letters} is not a passport spelling",
                   "長音{kana}に「{letters}」を足す表記は旅券では認められていません"),
    "other:final_oo": ("a final オオ is written OO", "語末の「オオ」は OO と書きます"),
    "other:kept_vowel": ("both vowels of {kana} are written (only O and U long vowels are dropped)",
                         "{kana}の母音は省略しません（省略するのは O・U の長音だけです）"),
    "other:kanji_boundary": ("in {kana} the second vowel starts a new kanji, so it is written (not a long vowel)",
                             "{kana}の二つ目の母音は次の漢字の読みなので長音ではなく、省略しません"),
}
_GENERIC = ("a foreign spelling or a typo", "外国式の綴りか誤記")


@dataclass(frozen=True)
class Match:
    """A path through the tokens: the chosen option per token, or None if nothing matched."""

    chosen: tuple[tuple[Token, Option], ...] | None

    @property
    def labels(self) -> list[tuple[Token, Option]]:
        return [(t, o) for t, o in (self.chosen or ()) if o.label != "hepburn"]


def match(toks: list[Token], spelling: str) -> Match:
    """Cheapest way to read ``spelling`` as the tokens' options (letters only, no spaces)."""
    n = len(toks)

    @functools.cache
    def best(i: int, p: int) -> tuple[float, tuple[int, ...] | None]:
        if i == n:
            return (0.0, ()) if p == len(spelling) else (float("inf"), None)
        result: tuple[float, tuple[int, ...] | None] = (float("inf"), None)
        for k, opt in enumerate(toks[i].options):
            if not spelling.startswith(opt.letters, p):
                continue
            cost = 0.0 if opt.label == "hepburn" else (0.001 if opt.accepted else 1.0)
            rest, path = best(i + 1, p + len(opt.letters))
            if path is not None and cost + rest < result[0]:
                result = (cost + rest, (k, *path))
        return result

    _, path = best(0, 0)
    best.cache_clear()
    if path is None:
        return Match(None)
    return Match(tuple((t, t.options[k]) for t, k in zip(toks, path, strict=True)))


def compact_diff(expected: str, given: str) -> str:
    """``S[-H]IMADA``: the expected spelling with [-removed], [+added], [old→new] marks."""
    out = []
    for op, a0, a1, b0, b1 in difflib.SequenceMatcher(None, expected, given, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(expected[a0:a1])
        elif op == "delete":
            out.append(f"[-{expected[a0:a1]}]")
        elif op == "insert":
            out.append(f"[+{given[b0:b1]}]")
        else:
            out.append(f"[{expected[a0:a1]}→{given[b0:b1]}]")
    return "".join(out)


def explain(m: Match) -> tuple[list[str], list[str]]:
    """English and Japanese phrases for the non-Hepburn labels on a matched path."""
    en, ja = [], []
    for tok, opt in m.labels:
        e, j = LABEL_TEXT.get(opt.label, _GENERIC)
        letters = opt.letters or "(nothing)"
        e, j = e.format(kana=tok.display, letters=letters), j.format(kana=tok.display, letters=opt.letters or "（なし）")
        if e not in en:
            en.append(e)
            ja.append(j)
    return en, ja
