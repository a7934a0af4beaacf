"""Numbers in a sentence: which digits are stated values, and which are dates or parts of names.

`2023年度` is a date, `单位价值50万元以上通用设备` a name, `(1)` an enumeration; `2413.52万元`,
`29.37%`, `0辆` and a bare `86.37` after 占 are values. Everything here works on `matching_form`
text (see vocab), so full-width digits are ordinary digits already.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from juesuan.narrative.vocab import phrase, unit_pattern

_NUMBER = r"[-−]?\d+(?:,\d{3})*(?:\.\d+)?"
# After a number: a date (2023年, 12月31日) or a threshold inside a name (50万元以上).
_DATE_AFTER = re.compile(r"^(?:年|月|日|时|号|周岁|岁)")
_NAME_AFTER = re.compile(r"^(?:\(含\))?(?:以上|以下|及以上|以内|以外)")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
# , ; : 、 end a clause; a comma between digits with three after it is a thousands separator.
_CLAUSE_DELIMITER = re.compile(r"(?<!\d),|,(?!\d{3}(?!\d))|[;:、]")


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    number: str  # as printed (matching form)
    unit: str  # "" when none was printed

    @property
    def value(self) -> Decimal:
        return Decimal(self.number.replace(",", "").replace("−", "-"))

    @property
    def printed(self) -> str:
        return self.number + self.unit


@dataclass(frozen=True, slots=True)
class Clause:
    text: str
    part: bool  # follows 其中 / 主要用于以下方面: names a part of what came before


@cache
def _mention_pattern() -> re.Pattern[str]:
    return re.compile(rf"(?<![\d.])(?P<number>{_NUMBER})(?P<unit>{unit_pattern()})?")


def mentions(text: str) -> list[Mention]:
    """The stated values of a clause, in order."""
    found: list[Mention] = []
    for match in _mention_pattern().finditer(text):
        number, unit = match.group("number"), match.group("unit") or ""
        before, after = text[: match.start()], text[match.end() :]
        if not unit and _DATE_AFTER.match(after):
            continue
        if unit in ("万元", "元", "亿元") and _NAME_AFTER.match(after):
            continue
        if before.endswith("第") or (before.endswith("(") and after.startswith(")")):
            continue
        if not unit and _YEAR.match(number):
            continue  # a bare 2024 is a year (a heading fragment), never an amount
        found.append(Mention(match.start(), match.end(), number, unit))
    return found


def clauses(sentence: str) -> list[Clause]:
    """Cut at , ; : 、 and at 其中: the smallest units a number and its subject share."""
    part_marker = phrase("part")
    result: list[Clause] = []
    part = False
    for piece in _CLAUSE_DELIMITER.split(sentence):
        if not piece:
            continue
        pieces = part_marker.split(piece)
        for index, text in enumerate(pieces):
            if index > 0:
                part = True
            if text:
                result.append(Clause(text, part))
        if len(pieces) > 1 and not pieces[-1]:
            part = True
    return result
