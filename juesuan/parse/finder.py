"""Finding the nine tables in a document by their titles, not by printed number or order.

A title is only a table when a grid follows it: the table of contents names every table too,
but no rows of cells follow its entries.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from juesuan.catalogue import TableSpec, match_title
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


def is_title(row: Row) -> TableSpec | None:
    if len(row.filled) > 2:
        return None
    text = row.text
    if len(compact(text)) > _MAX_TITLE_LENGTH:
        return None
    return match_title(text)


def _is_grid(row: Row) -> bool:
    return len(row.filled) >= 2


def find_tables(rows: Sequence[Row]) -> tuple[list[TableBlock], list[tuple[Row, str]]]:
    """The table blocks, first occurrence per table, and the titles seen again (as duplicates)."""
    titles = [(index, spec) for index, row in enumerate(rows) if (spec := is_title(row))]
    blocks: dict[str, TableBlock] = {}
    duplicates: list[tuple[Row, str]] = []
    for position, (start, spec) in enumerate(titles):
        end = titles[position + 1][0] if position + 1 < len(titles) else len(rows)
        body: list[Row] = []
        for row in rows[start + 1 : end]:
            if _SECTION.match(compact(row.text)):
                break
            body.append(row)
        if not any(_is_grid(row) for row in body) and not any(
            NO_DATA.search(row.text) for row in body
        ):
            continue  # a table-of-contents entry or a mention in prose
        if spec.table_no in blocks:
            duplicates.append((rows[start], spec.table_no))
            continue
        blocks[spec.table_no] = TableBlock(spec=spec, title_row=rows[start], rows=tuple(body))
    return sorted(blocks.values(), key=lambda b: b.spec.table_no), duplicates
