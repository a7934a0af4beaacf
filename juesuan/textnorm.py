"""Normalising printed Chinese text for matching, without losing it.

NFKC folds full-width digits, letters and brackets to their ordinary forms (（ → (, ２ → 2) while
keeping Chinese characters; spaces inside labels are extraction debris (`因 公 出 国`, `本年收入合
计`) and are dropped for matching. Quotes are dropped because PDF fonts split them off titles.

The same cells and labels come back many times in a document (and across documents: headers,
row names, `-`), so the normal forms are memoised: pure functions of a string, bounded caches.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_QUOTES = re.compile(r"[\"'“”‘’「」『』]")
# 一、 十二、 (一) （一） 1. 1、 1) ① — a row or section number printed before the label.
_ENUMERATION = re.compile(
    r"^(?:[-•·]\s*)?"
    r"(?:[一二三四五六七八九十百]+[、.．]"
    r"|\([一二三四五六七八九十]+\)[、.]?"
    r"|\d{1,2}[、.．)](?!\d)"
    r"|\(\d{1,2}\)"
    r"|[①-⑳])"
)
# Entries per memo of this module and of the parser's per-cell memos: the distinct strings of a
# document or two. Labels and headers recur in every document and stay; amounts pass through.
MEMO_SIZE = 4096
_normalize = unicodedata.normalize


def nfkc(text: str) -> str:
    return _normalize("NFKC", text)


@lru_cache(maxsize=MEMO_SIZE)
def compact(text: str) -> str:
    """NFKC with every space removed: the form labels are compared in."""
    text = _normalize("NFKC", text)
    # The only space a printable text can hold is " " (the others are separators, which are
    # not printable); str.split() and the regex \s split on the same (Unicode) whitespace.
    if text.isprintable():
        return text.replace(" ", "")
    return "".join(text.split())


@lru_cache(maxsize=MEMO_SIZE)
def strip_enumeration(text: str) -> str:
    return _ENUMERATION.sub("", text, count=1)


@lru_cache(maxsize=MEMO_SIZE)
def label_key(text: str) -> str:
    """The matching key of a row label or header cell: compact, unquoted, unnumbered."""
    return strip_enumeration(_QUOTES.sub("", compact(text)))


@lru_cache(maxsize=MEMO_SIZE)
def printed_name(text: str) -> str:
    """The `name` of a line item: NFKC, spaces and leading enumeration removed (TABLES.md)."""
    return strip_enumeration(compact(text))
