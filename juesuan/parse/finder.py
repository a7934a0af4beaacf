"""Finding the nine tables in a document by their titles, not by printed number or order.

A title is only a table when a grid follows it: the table of contents names every table too,
but no rows of cells follow its entries.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from juesuan.catalogue import TableSpec, match_title
from juesuan.parse.lines import lines
from juesuan.readers import Row
from juesuan.textnorm import compact

_SECTION = re.compile(r"^第[一二三四五六七八九十]+部分")
NO_DATA = re.compile(r"无数据|本表为空|空表")
_MAX_TITLE_LENGTH = 80


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
    titles = [
        (index, spec)
        for index, key in enumerate(keys)
        if len(filled[index]) <= 2
        and len(key) <= _MAX_TITLE_LENGTH
        and (spec := match_title(texts[index]))
    ]  # is_title, on the text worked out once
    blocks: dict[str, TableBlock] = {}
    duplicates: list[tuple[Row, str]] = []
    for position, (start, spec) in enumerate(titles):
        end = titles[position + 1][0] if position + 1 < len(titles) else len(rows)
        stop = start + 1
        while stop < end and not _SECTION.match(keys[stop]):
            stop += 1
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
