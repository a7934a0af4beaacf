"""PDF like the published ones: A4 landscape, a CJK font embedded, ruled tables (GRID lines),
merged header cells (SPAN), long tables split across pages with the header repeated
(repeatRows), and the title, label, department and unit lines as paragraphs above each table.

With page-number debris, every page carries a page number "- n -" in its footer, where real
documents have it; elsewhere the page numbers of the printed model are not drawn as text.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import PageBreak as PdfPageBreak
from reportlab.platypus import Paragraph as PdfParagraph
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from juesuan.synthetic.printed import PageBreak, Paragraph, PrintedDocument, PrintedTable

FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
FONT = "WenQuanYiZenHei"
_SIZE = 8
_PAGE = landscape(A4)
_MARGIN = 15 * mm
_WIDTH = _PAGE[0] - 2 * _MARGIN
_PADDING = 8


@cache
def _register_font() -> str:
    pdfmetrics.registerFont(TTFont(FONT, FONT_PATH, subfontIndex=0))
    return FONT


@cache
def _styles() -> dict[str, ParagraphStyle]:
    font = _register_font()
    base = ParagraphStyle("body", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
    return {
        "body": base,
        "cover": ParagraphStyle("cover", base, fontSize=20, leading=30, alignment=TA_CENTER),
        "heading": ParagraphStyle("heading", base, fontSize=14, leading=22, spaceBefore=6),
        "title": ParagraphStyle("title", base, fontSize=14, leading=22, alignment=TA_CENTER),
        "text_cell": ParagraphStyle("text_cell", base, fontSize=_SIZE, leading=_SIZE + 2),
        "cell": ParagraphStyle(
            "cell", base, fontSize=_SIZE, leading=_SIZE + 2, alignment=TA_CENTER
        ),
    }


def render_pdf(doc: PrintedDocument, path: Path) -> None:
    styles = _styles()
    story: list[Flowable] = []
    for block in doc.blocks:
        if isinstance(block, PageBreak):
            story.append(PdfPageBreak())
        elif isinstance(block, Paragraph):
            if block.role != "page_number":  # drawn in the footer instead
                style = styles.get(block.role, styles["body"])
                story.append(PdfParagraph(_markup(block.text), style))
        else:
            story += _table(block, styles)
    footer = _page_number if doc.layout.debris == "page_numbers" else _no_footer
    template = SimpleDocTemplate(
        str(path),
        pagesize=_PAGE,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN,
        bottomMargin=_MARGIN,
        title=f"{doc.accounts.department_name} {doc.accounts.fiscal_year} 年度部门决算（合成）",
        author="juesuan.synthetic",
        subject="SYNTHETIC TEST DOCUMENT",
        invariant=True,  # no timestamps or random ids: the same document gives the same bytes
    )
    template.build(story, onFirstPage=footer, onLaterPages=footer)


def _markup(text: str) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace("\n", "<br/>")


def _page_number(canvas, template) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 9)
    canvas.drawCentredString(_PAGE[0] / 2, _MARGIN / 2, f"- {template.page} -")
    canvas.restoreState()


def _no_footer(canvas, template) -> None:
    return None


def _table(table: PrintedTable, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    flowables: list[Flowable] = [PdfParagraph(_markup(table.title), styles["title"])]
    flowables += [PdfParagraph(_markup(line), styles["body"]) for line in table.meta]
    flowables.append(Spacer(1, 4))
    widths, wrap_text = _column_widths(table)
    header_rows = len(table.header)
    cells: list[list[object]] = []
    for index, row in enumerate(table.grid):
        printed: list[object] = []
        for col, text in enumerate(row):
            if index < header_rows and text:
                printed.append(PdfParagraph(_markup(text), styles["cell"]))
            elif wrap_text and text and not _is_amount(table, index, col):
                printed.append(PdfParagraph(_markup(text), styles["text_cell"]))
            else:
                printed.append(text)
        cells.append(printed)
    commands: list[tuple] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), _SIZE),
        ("LEADING", (0, 0), (-1, -1), _SIZE + 2),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    for index in range(header_rows, len(table.grid)):
        for col in range(table.width):
            if _is_amount(table, index, col):
                commands.append(("ALIGN", (col, index), (col, index), "RIGHT"))
    for merge in table.merges:
        end = (merge.col + merge.colspan - 1, merge.row + merge.rowspan - 1)
        commands.append(("SPAN", (merge.col, merge.row), end))
    flowables.append(
        Table(cells, colWidths=widths, repeatRows=header_rows, style=TableStyle(commands))
    )
    flowables.append(Spacer(1, 4))
    flowables += [PdfParagraph(_markup(note), styles["body"]) for note in table.notes]
    return flowables


def _is_amount(table: PrintedTable, index: int, col: int) -> bool:
    data_index = index - len(table.header)
    if data_index < 0:
        return False
    return table.values[data_index][col] is not None or table.data[data_index][col] == "-"


def _column_widths(table: PrintedTable) -> tuple[list[float], bool]:
    """Widths from the data (headers wrap); scaled to the page, text wrapping, when too wide."""
    font = _register_font()
    widths = [30.0] * table.width
    for row in table.data:
        for col, text in enumerate(row):
            for line in text.split("\n"):
                width = pdfmetrics.stringWidth(line, font, _SIZE) + _PADDING
                widths[col] = max(widths[col], width)
    total = sum(widths)
    if total <= _WIDTH:
        return [w * _WIDTH / total for w in widths], False
    return [w * _WIDTH / total for w in widths], True
