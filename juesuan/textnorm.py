"""Normalising printed Chinese text for matching, without losing it.

NFKC folds full-width digits, letters and brackets to their ordinary forms (（ → (, ２ → 2) while
keeping Chinese characters; spaces inside labels are extraction debris (`因 公 出 国`, `本年收入合
计`) and are dropped for matching. Quotes are dropped because PDF fonts split them off titles.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
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


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def compact(text: str) -> str:
    """NFKC with every space removed: the form labels are compared in."""
    return _SPACES.sub("", nfkc(text))


def strip_enumeration(text: str) -> str:
    return _ENUMERATION.sub("", text, count=1)


def label_key(text: str) -> str:
    """The matching key of a row label or header cell: compact, unquoted, unnumbered."""
    return strip_enumeration(_QUOTES.sub("", compact(text)))


def printed_name(text: str) -> str:
    """The `name` of a line item: NFKC, spaces and leading enumeration removed (TABLES.md)."""
    return strip_enumeration(compact(text))
