"""The text of a document's rows, worked out once per document.

Finding the tables, splitting their metadata lines and finding the narrative's parts all look at
each row's filled cells, its text and that text compacted; `Row` works them out again at every
access. `lines(rows)` works them out once, and keeps those of the last document read (its rows
are an immutable tuple), so that the narrative reader, given the same rows after the parser,
does not work them out again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from itertools import compress
from operator import attrgetter

from juesuan.readers import Row
from juesuan.textnorm import compact


@dataclass(frozen=True, slots=True)
class Lines:
    """Row by row: `filled` is `row.filled`, `texts` is `row.text`, `keys` is compact(text);
    `parts`, the indices of the rows that head a part (第三部分): the table finder ends tables
    there and the narrative reader looks for its parts among them."""

    filled: list[tuple[str, ...]]
    texts: list[str]
    keys: list[str]
    parts: list[int]


PART = re.compile(r"^第([一二三四五六七八九十]+)部分")  # a part's heading, its numeral
_CELLS = attrgetter("cells")
_filled = partial(filter, str.strip)  # Row.filled
_nonempty = partial(filter, None)  # the cells Row.text joins
_last: tuple[Sequence[Row], Lines] | None = None


def lines(rows: Sequence[Row]) -> Lines:
    global _last
    last = _last
    if last is not None and last[0] is rows:
        return last[1]
    cells = list(map(_CELLS, rows))
    texts = list(map(" ".join, map(_nonempty, cells)))
    keys = list(map(compact, texts))
    found = Lines(
        filled=list(map(tuple, map(_filled, cells))),
        texts=texts,
        keys=keys,
        parts=list(compress(range(len(keys)), map(PART.match, keys))),
    )
    if type(rows) is tuple:  # a list could change before the next call: not kept
        _last = (rows, found)
    return found
