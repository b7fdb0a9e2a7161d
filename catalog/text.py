"""Vietnamese-aware text normalisation for search: diacritics folded, case and spacing ignored."""

from __future__ import annotations

import unicodedata

# NFKD splits every Vietnamese letter into a base letter and combining marks except đ/Đ,
# which is a letter of its own (a stroke, not a mark); fold it by hand.
_STROKED = str.maketrans({"đ": "d", "Đ": "D"})


def _fold_once(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_STROKED))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def fold(text: str) -> str:
    """`text` as a search key: no diacritics, đ as d, lower case, single spaces, stripped.

    `fold("  Dân  SỐ\\tĐông ")` is `"dan so dong"`.
    """
    # One pass is enough for Vietnamese. A few other letters need more: casefolding "ΐ"
    # yields combining marks again and NFKD of "㎒" yields capitals; repeat until stable
    # so that fold(fold(x)) == fold(x) for any input, not just Vietnamese.
    folded = _fold_once(text)
    while (again := _fold_once(folded)) != folded:
        folded = again
    return " ".join(folded.split())


def matches(query: str, text: str) -> bool:
    """Whether every word of `query` occurs in `text`, both folded (`dan so` finds `Dân số`).

    Words match anywhere, so a prefix finds the longer word; an empty query matches everything.
    """
    haystack = fold(text)
    return all(word in haystack for word in fold(query).split())
