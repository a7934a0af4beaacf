"""Plain text like the seed (text extracted from a PDF): one line per paragraph, table rows as
tab-separated cells with blanks kept in place, a form feed between pages.

Text cannot hold two lines in one cell, so a wrapped header cell prints its pieces separated by a
space (`本年收入合 计`, as extraction does) and a wrapped row name continues on the next line in
its own column, with no amounts, as in extracted disclosures.
"""

from __future__ import annotations

from pathlib import Path

from juesuan.synthetic.printed import PageBreak, Paragraph, PrintedDocument, PrintedTable


def text_lines(doc: PrintedDocument) -> list[str]:
    lines: list[str] = []
    for block in doc.blocks:
        if isinstance(block, PageBreak):
            lines.append("\f")
        elif isinstance(block, Paragraph):
            lines += [block.text, ""]
        else:
            lines += _table_lines(block)
    return lines


def _table_lines(table: PrintedTable) -> list[str]:
    lines = [table.title, ""]
    for meta in table.meta:
        lines += [meta, ""]
    for row in table.header:
        lines.append("\t".join(cell.replace("\n", " ") for cell in row))
    for row in table.data:
        first = [cell.split("\n", 1)[0] for cell in row]
        lines.append("\t".join(first))
        if any("\n" in cell for cell in row):
            lines.append("\t".join(cell.split("\n", 1)[1] if "\n" in cell else "" for cell in row))
    lines.append("")
    for note in table.notes:
        lines += [note, ""]
    return lines


def render_text(doc: PrintedDocument, path: Path) -> None:
    Path(path).write_text("\n".join(text_lines(doc)) + "\n", encoding="utf-8")
