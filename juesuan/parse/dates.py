"""The date a disclosure prints for itself, which orders re-publications of the same accounts.

Covers and closing pages print the month of publication on a line of its own, in Arabic or
Chinese numerals: `2024年9月`, `2024 年 09 月 20 日`, `二〇二四年九月`. A line holding anything
else (`2023 年度`, a sentence with a date in it) is not the document's date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from juesuan.readers import Row
from juesuan.textnorm import compact

# Where the date is printed: the cover (first rows) or the signature at the end.
_HEAD_ROWS = 15
_TAIL_ROWS = 10
_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "O": 0, "o": 0}
_ARABIC = re.compile(r"((?:19|20)\d{2})年(\d{1,2})月(?:(\d{1,2})日)?")
_CHINESE = re.compile(
    r"([〇零Oo一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月(?:([一二三四五六七八九十]{1,3})日)?"
)
# What may stand before the date on its line.
_LEAD = re.compile(r"^(?:(?:公开|发布|编制|印发|报送)(?:日期|时间)[:：]?)?")


def _chinese_number(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 二十三 → 23."""
    if "十" not in text:
        return _DIGITS[text]
    tens, _, ones = text.partition("十")
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)


def parse_printed_date(text: str) -> str | None:
    """The date of a line that is only a date (with an optional 公开日期： lead), else None."""
    line = compact(text)
    line = line[_LEAD.match(line).end() :]
    if m := _ARABIC.fullmatch(line):
        year, month, day = int(m[1]), int(m[2]), int(m[3]) if m[3] else None
    elif m := _CHINESE.fullmatch(line):
        year = int("".join(str(_DIGITS[c]) for c in m[1]))
        month, day = _chinese_number(m[2]), _chinese_number(m[3]) if m[3] else None
    else:
        return None
    try:
        printed = date(year, month, day or 1)
    except ValueError:
        return None
    return printed.isoformat() if day else printed.isoformat()[:7]


def printed_date(rows: Sequence[Row]) -> str | None:
    """The first date line of the cover, else the last one of the closing rows."""
    for row in rows[:_HEAD_ROWS]:
        if found := parse_printed_date(row.text):
            return found
    for row in reversed(rows[-_TAIL_ROWS:]):
        if found := parse_printed_date(row.text):
            return found
    return None
