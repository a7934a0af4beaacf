"""Word documents: paragraphs and real Word tables with merged header cells, A4 landscape.

Header rows are marked to repeat on every page (w:tblHeader), as the published .docx files do.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table

from juesuan.synthetic.printed import PageBreak, Paragraph, PrintedDocument, PrintedTable

_FONT = "SimSun"


def render_docx(doc: PrintedDocument, path: Path) -> None:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, margin, Mm(15))
    normal = document.styles["Normal"]
    normal.font.size = Pt(9)
    normal.font.name = _FONT
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), _FONT)
    for block in doc.blocks:
        if isinstance(block, PageBreak):
            document.add_page_break()
        elif isinstance(block, Paragraph):
            if block.role in {"cover", "heading"}:
                document.add_heading(block.text, level=1 if block.role == "cover" else 2)
            else:
                document.add_paragraph(block.text)
        else:
            _table(document, block)
    document.save(str(path))


def _table(document, table: PrintedTable) -> None:
    document.add_heading(table.title, level=3)
    for line in table.meta:
        document.add_paragraph(line)
    grid = table.grid
    word_table = document.add_table(rows=len(grid), cols=table.width)
    word_table.style = "Table Grid"
    for index, (row, texts) in enumerate(zip(word_table.rows, grid, strict=True)):
        if index < len(table.header):
            _repeat_as_header(row)
        for cell, text in zip(row.cells, texts, strict=True):
            if text:
                cell.text = text
    _merge(word_table, table)
    for note in table.notes:
        document.add_paragraph(note)


def _merge(word_table: Table, table: PrintedTable) -> None:
    rows = word_table.rows
    for merge in table.merges:
        # rows[i].cells, not table.cell(): the latter lays out the whole table on every call.
        top_left = rows[merge.row].cells[merge.col]
        bottom_right = rows[merge.row + merge.rowspan - 1].cells[merge.col + merge.colspan - 1]
        top_left.merge(bottom_right).text = table.grid[merge.row][merge.col]


def _repeat_as_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)
