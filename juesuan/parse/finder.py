"""Finding the nine tables in a document by their titles, not by printed number or order.

A title is only a table when a grid follows it: the table of contents names every table too,
but no rows of cells follow its entries.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import compress
from operator import and_

from juesuan.catalogue import TableSpec, match_title
from juesuan.parse.lines import lines
from juesuan.readers import Row
from juesuan.textnorm import compact

NO_DATA = re.compile(r"无数据|本表为空|空表")
_MAX_TITLE_LENGTH = 80
_AT_MOST_TWO = (3).__gt__  # len(row.filled) <= 2
_NOT_TOO_LONG = (_MAX_TITLE_LENGTH + 1).__gt__


@dataclass(frozen=True)
class TableBlock:
    spec: TableSpec
    title_row: Row
    rows: tuple[Row, ...]  # everything between this title and the next table or section
    start: int = field(default=0, compare=False, repr=False)  # index of rows[0] in the document


def is_title(row: Row) -> TableSpec | None:
    if len(row.filled) > 2:
        return None
    text = row.text
    if len(compact(text)) > _MAX_TITLE_LENGTH:
        return None
    return match_title(text)


def find_tables(rows: Sequence[Row]) -> tuple[list[TableBlock], list[tuple[Row, str]]]:
    """The table blocks, first occurrence per table, and the titles seen again (as duplicates)."""
    found = lines(rows)
    filled, texts, keys = found.filled, found.texts, found.keys
    # is_title, on the text worked out once: at most two cells, not too long, a title's words
    short = compress(
        range(len(keys)),
        map(and_, map(_AT_MOST_TWO, map(len, filled)), map(_NOT_TOO_LONG, map(len, keys))),
    )
    titles = [(index, spec) for index in short if (spec := match_title(texts[index]))]
    sections = found.parts
    blocks: dict[str, TableBlock] = {}
    duplicates: list[tuple[Row, str]] = []
    for position, (start, spec) in enumerate(titles):
        end = titles[position + 1][0] if position + 1 < len(titles) else len(rows)
        # the body ends at the next title, or at a part heading (第三部分) before it
        after = bisect_right(sections, start)
        stop = min(end, sections[after]) if after < len(sections) else end
        body = range(start + 1, stop)
        if not any(len(filled[i]) >= 2 for i in body) and not any(
            NO_DATA.search(texts[i]) for i in body
        ):
            continue  # a table-of-contents entry or a mention in prose
        if spec.table_no in blocks:
            duplicates.append((rows[start], spec.table_no))
            continue
        blocks[spec.table_no] = TableBlock(
            spec=spec, title_row=rows[start], rows=tuple(rows[start + 1 : stop]), start=start + 1
        )
    return sorted(blocks.values(), key=lambda b: b.spec.table_no), duplicates
