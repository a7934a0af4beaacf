"""What a document is: kind (final accounts or budget), fiscal year, department, unit."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from juesuan.readers import Row
from juesuan.textnorm import compact

_COVER_ROWS = 15
_TITLE = re.compile(
    r"^(?P<before>.*?)(?P<year>(?:19|20)\d{2})年度?(?P<after>.*?)(?P<kind>决算|预算)"
)
_DEPARTMENT_SUFFIX = re.compile(r"(部门|单位)$")


@dataclass(frozen=True)
class Cover:
    title: str | None
    kind: str  # final_accounts | budget | unknown
    fiscal_year: int | None
    department_name: str | None


def read_cover(rows: Sequence[Row]) -> Cover:
    """The document's own title: the first lines up to the first that says 决算 or 预算.

    Covers print the title over several lines (`2023 年度` / `郑州…管委会` /
    `政务服务中心部门决算`), so the lines are joined before matching.
    """
    joined = ""
    for row in rows[:_COVER_ROWS]:
        if len(row.filled) > 2:
            break
        joined += compact(row.text)
        match = _TITLE.search(joined)
        if match:
            kind = "final_accounts" if match.group("kind") == "决算" else "budget"
            department = (match.group("before") + match.group("after")).strip()
            department = _DEPARTMENT_SUFFIX.sub("", department) or None
            return Cover(joined, kind, int(match.group("year")), department)
    return Cover(None, "unknown", None, None)


def most_common(values: Sequence[str | None]) -> str | None:
    counted = Counter(value for value in values if value)
    return counted.most_common(1)[0][0] if counted else None
