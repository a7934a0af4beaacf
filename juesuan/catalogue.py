"""The nine tables as data: titles, row labels and column headers mapped to canonical keys.

Documents differ in wording; the differences live in the CSV files of juesuan/data/, not in code
branches. Everything is compared in `label_key` form (see textnorm).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from juesuan.textnorm import MEMO_SIZE, label_key

TABLE_NUMBERS = ("01", "02", "03", "04", "05", "06", "07", "08", "09")
TWO_SIDED_TABLES = frozenset({"01", "04"})
# Tables whose amount columns are the categories themselves (三公: one column per category).
ITEM_COLUMN_TABLES = frozenset({"09"})


@dataclass(frozen=True)
class TableSpec:
    table_no: str
    key: str
    usual_title: str
    title_pattern: re.Pattern[str]


@dataclass(frozen=True)
class ItemAlias:
    table_no: str
    side: str | None
    item: str
    label: str  # in label_key form
    parent: str | None


@dataclass(frozen=True)
class MeasureAlias:
    table_no: str
    side: str | None
    measure: str
    alias: str  # in label_key form


def _rows(name: str) -> list[dict[str, str]]:
    with resources.files("juesuan.data").joinpath(name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@cache
def table_specs() -> tuple[TableSpec, ...]:
    """In matching order: the most specific titles first (05 before 03, 04 before 01)."""
    # A title may carry the department's name and the year before it (…2023年度收入决算表).
    return tuple(
        TableSpec(
            table_no=row["table_no"],
            key=row["key"],
            usual_title=row["usual_title"],
            title_pattern=re.compile(rf"^(?:.*?\d{{4}}年度?)?(?:{row['title_pattern']})$"),
        )
        for row in _rows("tables.csv")
    )


@cache
def usual_titles() -> dict[str, str]:
    return {spec.table_no: spec.usual_title for spec in table_specs()}


@cache
def item_aliases() -> tuple[ItemAlias, ...]:
    return tuple(
        ItemAlias(
            table_no=row["table_no"],
            side=row["side"] or None,
            item=row["item"],
            label=label_key(row["label"]),
            parent=row["parent"] or None,
        )
        for row in _rows("items.csv")
    )


@cache
def measure_aliases(table_no: str, side: str | None) -> tuple[MeasureAlias, ...]:
    """The aliases of one table (and side), longest first so the most specific header wins."""
    found = [
        MeasureAlias(row["table_no"], row["side"] or None, row["measure"], label_key(row["alias"]))
        for row in _rows("measures.csv")
        if row["table_no"] == table_no and (row["side"] or None) == side
    ]
    return tuple(sorted(found, key=lambda a: -len(a.alias)))


@cache
def function_class_codes() -> dict[str, str]:
    """Every name a functional class (类) was printed under, current and earlier, to its code."""
    names: dict[str, str] = {}
    for row in _rows("function_classes.csv"):
        for name in [row["name"], *row["earlier_names"].split(";")]:
            if name.strip():
                names[label_key(name)] = row["code"]
    return names


@cache
def function_class_names() -> dict[str, str]:
    return {row["code"]: row["name"] for row in _rows("function_classes.csv")}


_LABEL_IN_TITLE = re.compile(r"公开\d+表|表[一二三四五六七八九]$")


@lru_cache(maxsize=MEMO_SIZE)
def match_title(text: str) -> TableSpec | None:
    key = label_key(text)
    key = _LABEL_IN_TITLE.sub("", key)
    for spec in table_specs():
        if spec.title_pattern.match(key):
            return spec
    return None


@cache
def parent_items() -> frozenset[str]:
    """Items whose children are printed right after them (04: opening balance by fund)."""
    return frozenset(alias.parent for alias in item_aliases() if alias.parent)


@cache
def _aliases_by_label() -> dict[tuple[str, str | None, str], tuple[ItemAlias, ...]]:
    """The item aliases by (table, side, label), in the order of items.csv."""
    found: dict[tuple[str, str | None, str], list[ItemAlias]] = {}
    for alias in item_aliases():
        found.setdefault((alias.table_no, alias.side, alias.label), []).append(alias)
    return {key: tuple(aliases) for key, aliases in found.items()}


def lookup_item(
    table_no: str, side: str | None, label: str, parent: str | None
) -> ItemAlias | None:
    """The canonical item of a row label; children of the current parent row are tried first."""
    candidates = _aliases_by_label().get((table_no, side, label_key(label)), ())
    for alias in candidates:
        if parent is not None and alias.parent == parent:
            return alias
    for alias in candidates:
        if alias.parent is None:
            return alias
    return None


@lru_cache(maxsize=MEMO_SIZE)
def match_measure(table_no: str, side: str | None, header: str) -> str | None:
    key = label_key(header)
    if not key:
        return None
    for alias in measure_aliases(table_no, side):
        if alias.alias in key:
            return alias.measure
    return None


@lru_cache(maxsize=MEMO_SIZE)
def match_item_in_header(table_no: str, header: str) -> str | None:
    """For tables whose columns are items (三公): the most specific item alias in the header."""
    key = label_key(header)
    if not key:
        return None
    aliases = sorted(
        (a for a in item_aliases() if a.table_no == table_no), key=lambda a: -len(a.label)
    )
    for alias in aliases:
        if alias.label in key:
            return alias.item
    return None
