"""What a document is: kind (final accounts or budget), fiscal year, department, unit."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from juesuan.readers import Row
from juesuan.textnorm import compact

COVER_ROWS = 12
_KIND = re.compile(r"(决算|预算)")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年度?")
_BARE_YEAR = re.compile(r"^((?:19|20)\d{2})$")
# What surrounds the department's name in a title: the year, 年度, and 部门决算 / 单位预算公开 …
_TITLE_WORDS = re.compile(
    r"(?:19|20)\d{2}(?:年度?)?|年度|(?:部门|单位)?(?:决算|预算)(?:公开|报告)?"
)
_NOISE = re.compile(r"^(合成测试文件|SYNTHETIC)", re.IGNORECASE)
# A template's placeholders where the department's name should be (上海市 XX 局, ×××单位).
_PLACEHOLDER = re.compile(r"[XＸ×*＊]{2,}|X+[局委办院所]")


@dataclass(frozen=True)
class Cover:
    title: str | None
    kind: str  # final_accounts | budget | template | unknown
    fiscal_year: int | None
    department_name: str | None


def read_cover(rows: Sequence[Row]) -> Cover:
    """The document's own title: its first lines, up to the one that says 决算 or 预算.

    Covers print the title over several lines (`2023 年度` / `郑州…管委会` / `政务服务中心部门决算`)
    and PDFs may put the year in a run of its own after the rest (`…年度部门决算` / `2024`), so the
    lines are joined, a bare year right after the title line included.
    """
    lines, found, _ = _title(rows)
    if found is None:
        return Cover(None, "unknown", None, None)
    title = "".join(lines)
    kinds = _KIND.findall(title)
    kind = "final_accounts" if "决算" in kinds else "budget"
    year = _YEAR.search(title) or re.search(r"((?:19|20)\d{2})", title)
    department = _TITLE_WORDS.sub("", title).strip() or None
    if department and _PLACEHOLDER.search(department):
        kind = "template"
    return Cover(title, kind, int(year.group(1)) if year else None, department)


def cover_rows(rows: Sequence[Row]) -> int:
    """How many first rows `read_cover(rows)` depends on: where these rows are the first of a
    longer document and at least that many, `read_cover` gives the same for the whole document
    (identification may read the first page only, ingest.identify)."""
    return _title(rows)[2]


def _title(rows: Sequence[Row]) -> tuple[list[str], int | None, int]:
    """The title's lines, the index of the row saying 决算 or 预算 (None: no title), and how
    many first rows decided that (the rows looked at, and the one after the title line that
    may hold its year)."""
    lines: list[str] = []
    for index, row in enumerate(rows[:COVER_ROWS]):
        if len(row.filled) > 2:
            return lines, None, index + 1
        text = compact(row.text)
        if _NOISE.match(text):
            continue
        lines.append(text)
        if _KIND.search(text):
            following = rows[index + 1] if index + 1 < len(rows) else None
            if following is not None and _BARE_YEAR.match(compact(following.text)):
                lines.append(compact(following.text))
            return lines, index, index + 2
    return lines, None, COVER_ROWS


def most_common(values: Sequence[str | None]) -> str | None:
    counted = Counter(value for value in values if value)
    return counted.most_common(1)[0][0] if counted else None
