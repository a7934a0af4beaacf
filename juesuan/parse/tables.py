"""Turning the entries of one table into canonical line items (TABLES.md)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from decimal import Context, Decimal, Inexact, InvalidOperation
from functools import cache, lru_cache, partial

from juesuan.amounts import (
    CENT,
    MAX_YUAN,
    UNIT_FACTORS,
    AmountError,
    is_blank,
    parse_amount,
    to_yuan,
)
from juesuan.catalogue import function_class_codes, lookup_item, parent_items
from juesuan.parse.grid import PLAIN_AMOUNT, Entry, Segment
from juesuan.records import Finding, LineItem, LineItemFields
from juesuan.textnorm import MEMO_SIZE, label_key, printed_name


def line_items(
    table_no: str, entries: Sequence[Entry], unit: str
) -> tuple[list[LineItem], list[Finding]]:
    """Every amount of the entries, keyed; a blank cell in a labelled row is a printed zero."""
    entries = join_wrapped_names(table_no, entries)
    items: list[LineItem] = []
    findings: list[Finding] = []
    seen: set[tuple] = set()
    parent: dict[str | None, str | None] = {}
    parents = parent_items()
    in_yuan = _converter(unit)
    append = items.append
    for entry in entries:
        segment = entry.segment
        side = segment.side
        # _keys(table_no, entry, parent.get(side)), inline: this runs for every row
        if segment.columns_are_items:
            code = item = None
        elif entry.code:
            code, item = entry.code, None
        else:
            keys = _label_keys(table_no, segment, entry.label, parent.get(side))
            if keys is None:
                if entry.printed:
                    label = entry.label or "(no label)"
                    findings.append(Finding(entry.ref, f"row not recognised: {label!r}", table_no))
                continue
            code, item = keys
        if item in parents:
            parent[side] = item
        elif not (item and parent.get(side) and item.startswith(f"{parent[side]}_")):
            parent[side] = None
        name = printed_name(entry.label) if entry.label else None
        refs, ref = entry.cell_refs, entry.ref
        for column, cell in entry.cells:
            yuan = in_yuan(cell)
            if type(yuan) is str:  # why the cell is no amount
                findings.append(Finding(ref, yuan, table_no))
                continue
            if code:
                row_item = None
            else:
                row_item = column.item or item
                if code is None and row_item is None:
                    findings.append(
                        Finding(ref, f"column {column.header!r} names no category", table_no)
                    )
                    continue
            key = (table_no, side, code, row_item, column.measure)  # the LineItem's key
            if key in seen:
                findings.append(
                    Finding(ref, f"a second amount for {key}; the first is kept", table_no)
                )
                continue
            seen.add(key)
            record = LineItemFields(
                table_no,
                side,
                code,
                row_item,
                column.header if name is None else name,
                column.measure,
                yuan,
                unit,
                refs.get(column.index, ref) if refs else ref,  # entry.ref_of(column)
            )
            record.__class__ = LineItem  # new_line_item, inline: this runs for every amount
            append(record)
    return items, findings


_ZERO = parse_amount("0")
_EXACT = Context(prec=64, traps=[Inexact, InvalidOperation])  # to_yuan's, flags kept apart
_TOTAL_LABELS = {"合计", "总计"}


def _in_yuan(cell: str, unit: str) -> Decimal | str:
    """The cell's amount in yuan (a blank is zero), or why it is none."""
    if PLAIN_AMOUNT.fullmatch(cell) and (factor := UNIT_FACTORS.get(unit)) is not None:
        # parse_amount and to_yuan, for the amount as most cells print it: the same Decimal
        value = Decimal(cell.replace(",", ""))
        if not abs(value) * factor > MAX_YUAN:
            try:
                return _EXACT.quantize(_EXACT.multiply(value, factor), CENT)
            except (Inexact, InvalidOperation):
                pass  # not a whole number of fen: to_yuan says so below
    try:
        amount = parse_amount(cell) if not is_blank(cell) else _ZERO
        return to_yuan(amount, unit)
    except AmountError as exc:
        return str(exc)


@cache
def _converter(unit: str) -> Callable[[str], Decimal | str]:
    """`_in_yuan` for one unit, memoised: the same amounts come back in several tables of a
    document (and `-`, `0.00` in every one)."""
    return lru_cache(maxsize=MEMO_SIZE)(partial(_in_yuan, unit=unit))


def _resolves(table_no: str, entry: Entry, label: str) -> bool:
    """Whether `label` alone, without a code, names a row (`_keys` of the entry so labelled)."""
    return _label_keys(table_no, entry.segment, label, None) is not None


def join_wrapped_names(table_no: str, entries: Sequence[Entry]) -> list[Entry]:
    """Rejoin row names that text extraction wrapped onto a line of their own.

    A line holding only a piece of a name (no code, no amount) continues the name above it
    (`机关事业单位基本养老保险` / `缴费支出`) or, when the row below has no name, starts it. A
    label-only line that names a row by itself (a balance printed blank) is left alone.
    """
    joined: list[Entry] = []
    pending: Entry | None = None  # a name piece waiting for the numbers below it
    for index, entry in enumerate(entries):
        # a label only (no code, no amount) that names no row by itself
        if (
            entry.label
            and not entry.code
            and not entry.printed
            and not _resolves(table_no, entry, entry.label)
        ):
            if label_key(entry.label or "") in _TOTAL_LABELS:
                joined.append(entry)
                continue
            previous = next((e for e in reversed(joined) if e.segment is entry.segment), None)
            following = next(  # the entries after it looked at, not copied
                (
                    entries[i]
                    for i in range(index + 1, len(entries))
                    if entries[i].segment is entry.segment
                ),
                None,
            )
            starts_next = (
                following is not None
                and not following.label
                and bool(following.code or following.printed)
            )
            if (
                not starts_next
                and previous is not None
                and previous.label
                and (previous.code or not _resolves(table_no, previous, previous.label))
            ):
                # joined.index(previous): the first entry equal to it (the same ref, as a rule)
                at = next(
                    i
                    for i, e in enumerate(joined)
                    if e is previous or (e.ref == previous.ref and e == previous)
                )
                joined[at] = replace(previous, label=previous.label + (entry.label or ""))
                continue
            pending = entry
            continue
        if pending is not None and pending.segment is entry.segment:
            if not entry.label:
                entry = replace(entry, label=pending.label)
            elif not _resolves(table_no, entry, entry.label) and _resolves(
                table_no, entry, (pending.label or "") + entry.label
            ):
                entry = replace(entry, label=(pending.label or "") + entry.label)
            pending = None
        joined.append(entry)
    return joined


def _keys(table_no: str, entry: Entry, parent: str | None) -> tuple[str | None, str | None] | None:
    """(code, item) of an entry, or None when its label means nothing canonical."""
    if entry.segment.columns_are_items:
        return None, None  # each column names its own item (三公)
    if entry.code:
        return entry.code, None
    return _label_keys(table_no, entry.segment, entry.label, parent)


def _label_keys(
    table_no: str, segment: Segment, label: str | None, parent: str | None
) -> tuple[str | None, str | None] | None:
    """`_keys` of an entry without a code."""
    if segment.columns_are_items:
        return None, None
    if not label:
        return None
    return _named(table_no, segment.side, label, parent)


@lru_cache(maxsize=MEMO_SIZE)
def _named(
    table_no: str, side: str | None, label: str, parent: str | None
) -> tuple[str | None, str | None] | None:
    """(code, item) a row label names, under the current parent row: a pure function of the
    reference data, memoised (every document of a template prints the same labels)."""
    alias = lookup_item(table_no, side, label, parent)
    if alias:
        return None, alias.item
    if side == "expenditure":
        code = function_class_codes().get(label_key(label))
        if code:
            return code, None
    return None
