"""From rows to canonical records: find the tables, read their grids, key every amount."""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter

from juesuan.catalogue import TABLE_NUMBERS
from juesuan.parse.finder import NO_DATA, TableBlock, find_tables
from juesuan.parse.grid import columns, read_rows, split_header, split_meta_lines
from juesuan.parse.lines import lines
from juesuan.parse.metadata import most_common, read_cover
from juesuan.parse.tables import line_items
from juesuan.readers import Row, SourceDocument
from juesuan.records import Finding, ParsedDocument, TableRecord

__all__ = ["parse_rows", "parse_source"]

_CELLS = attrgetter("cells")


def parse_source(source: SourceDocument) -> ParsedDocument:
    return parse_rows(source.rows, page_count=source.page_count)


def parse_rows(rows: Sequence[Row], page_count: int = 1) -> ParsedDocument:
    """Parse a document's rows. Budgets and unknown documents come back with no tables read."""
    rows = tuple(rows)  # the text of the rows is worked out once (parse.lines), for this tuple
    cover = read_cover(rows)
    blocks, duplicates = find_tables(rows)
    findings = [
        Finding(row.ref, f"table {table_no} printed again; the first one is used", table_no)
        for row, table_no in duplicates
    ]
    kind = cover.kind
    if kind == "unknown" and len(blocks) >= 3:
        kind = "final_accounts"  # no title, but the tables say what it is
    parsed = ParsedDocument(
        kind=kind,
        fiscal_year=cover.fiscal_year,
        department_name=cover.department_name,
        published_unit=None,
        page_count=page_count,
        findings=findings,
    )
    if kind != "final_accounts":
        return parsed

    text = lines(rows)
    metas = {
        block.spec.table_no: split_meta_lines(
            block.rows,
            text.filled[block.start : block.start + len(block.rows)],
            text.keys[block.start : block.start + len(block.rows)],
        )
        for block in blocks
    }
    document_unit = most_common([meta.unit for meta, _rows in metas.values()])
    parsed.published_unit = document_unit
    parsed.department_name = (
        most_common([meta.department_name for meta, _rows in metas.values()])
        or cover.department_name
    )
    for block in blocks:
        meta, table_rows = metas[block.spec.table_no]
        unit = meta.unit or document_unit
        if unit is None:
            parsed.findings.append(
                Finding(block.title_row.ref, "no unit (单位：万元/元) stated", block.spec.table_no)
            )
            continue
        parsed.tables[block.spec.table_no] = _read_table(block, table_rows, unit, meta, parsed)
    for table_no in TABLE_NUMBERS:
        parsed.tables.setdefault(table_no, TableRecord(table_no=table_no, status="missing"))
    parsed.tables = dict(sorted(parsed.tables.items()))
    return parsed


def _read_table(
    block: TableBlock, rows: Sequence[Row], unit: str, meta, parsed: ParsedDocument
) -> TableRecord:
    table_no = block.spec.table_no
    header, data = split_header(rows)
    width = max(map(len, map(_CELLS, rows)), default=0)
    segments = columns(table_no, header, width)
    record = dict(
        table_no=table_no,
        printed_title=block.title_row.text,
        printed_label=meta.printed_label,
        published_unit=unit,
        source_ref=block.title_row.ref,
    )
    if not segments:
        # A title with only a 本表无数据 note is a table printed empty; a grid whose header
        # cannot be read is not found in any usable form: missing, with a finding.
        if not rows and any(NO_DATA.search(note) for note in meta.notes):
            return TableRecord(status="empty", **record)
        parsed.findings.append(
            Finding(block.title_row.ref, "no column header recognised", table_no)
        )
        return TableRecord(status="missing", **record)
    entries = read_rows(segments, data)
    if not any(entry.printed for entry in entries):
        return TableRecord(status="empty", **record)
    items, findings = line_items(table_no, entries, unit)
    parsed.line_items.extend(items)
    parsed.findings.extend(findings)
    return TableRecord(status="data", row_count=len(items), **record)
