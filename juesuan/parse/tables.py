"""Turning the entries of one table into canonical line items (TABLES.md)."""

from __future__ import annotations

from collections.abc import Sequence

from juesuan.amounts import AmountError, is_blank, parse_amount, to_yuan
from juesuan.catalogue import function_class_codes, lookup_item, parent_items
from juesuan.parse.grid import Entry
from juesuan.records import Finding, LineItem
from juesuan.textnorm import label_key, printed_name


def line_items(
    table_no: str, entries: Sequence[Entry], unit: str
) -> tuple[list[LineItem], list[Finding]]:
    """Every amount of the entries, keyed; a blank cell in a labelled row is a printed zero."""
    items: list[LineItem] = []
    findings: list[Finding] = []
    seen: set[tuple] = set()
    parent: dict[str | None, str | None] = {}
    for entry in entries:
        side = entry.segment.side
        keys = _keys(table_no, entry, parent.get(side))
        if keys is None:
            if entry.printed:
                label = entry.label or "(no label)"
                findings.append(Finding(entry.ref, f"row not recognised: {label!r}", table_no))
            continue
        code, item = keys
        if item in parent_items():
            parent[side] = item
        elif not (item and parent.get(side) and item.startswith(f"{parent[side]}_")):
            parent[side] = None
        for column, cell in entry.cells:
            try:
                amount = parse_amount(cell) if not is_blank(cell) else _ZERO
                yuan = to_yuan(amount, unit)
            except AmountError as exc:
                findings.append(Finding(entry.ref, str(exc), table_no))
                continue
            row_item = None if code else (column.item or item)
            if code is None and row_item is None:
                findings.append(
                    Finding(entry.ref, f"column {column.header!r} names no category", table_no)
                )
                continue
            record = LineItem(
                table_no=table_no,
                side=side,
                code=code,
                item=row_item,
                name=printed_name(entry.label) if entry.label else column.header,
                measure=column.measure,
                amount_yuan=yuan,
                published_unit=unit,
                source_ref=entry.ref_of(column),
            )
            if record.key in seen:
                findings.append(
                    Finding(
                        entry.ref, f"a second amount for {record.key}; the first is kept", table_no
                    )
                )
                continue
            seen.add(record.key)
            items.append(record)
    return items, findings


_ZERO = parse_amount("0")


def _keys(table_no: str, entry: Entry, parent: str | None) -> tuple[str | None, str | None] | None:
    """(code, item) of an entry, or None when its label means nothing canonical."""
    if entry.segment.columns_are_items:
        return None, None  # each column names its own item (三公)
    if entry.code:
        return entry.code, None
    if not entry.label:
        return None
    alias = lookup_item(table_no, entry.segment.side, entry.label, parent)
    if alias:
        return None, alias.item
    if entry.segment.side == "expenditure":
        code = function_class_codes().get(label_key(entry.label))
        if code:
            return code, None
    return None
