"""HTML as finance bureaus publish it: paragraphs, and one <table> per disclosure table with the
merged header cells as colspan/rowspan (the positions a merge covers are simply not written).
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from juesuan.synthetic.printed import Merge, PageBreak, Paragraph, PrintedDocument, PrintedTable

_TAGS = {"cover": "h1", "heading": "h2"}


def html_text(doc: PrintedDocument) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{escape(doc.accounts.department_name)} {doc.accounts.fiscal_year} 年度部门决算"
        "（合成测试文件）</title>",
        "<style>table{border-collapse:collapse}td,th{border:1px solid #000;padding:2px 4px}"
        "</style></head><body>",
    ]
    for block in doc.blocks:
        if isinstance(block, PageBreak):
            parts.append('<hr class="page-break">')
        elif isinstance(block, Paragraph):
            tag = _TAGS.get(block.role, "p")
            parts.append(f"<{tag}>{escape(block.text)}</{tag}>")
        else:
            parts += _table(block)
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _cell_html(text: str) -> str:
    return "<br>".join(escape(line) for line in text.split("\n"))


def _table(table: PrintedTable) -> list[str]:
    parts = [f"<h3>{escape(table.title)}</h3>"]
    parts += [f"<p>{escape(line)}</p>" for line in table.meta]
    parts.append("<table>")
    starts = {(m.row, m.col): m for m in table.merges}
    covered = _covered(table.merges)
    header_rows = len(table.header)
    for index, row in enumerate(table.grid):
        if index == 0:
            parts.append("<thead>")
        if index == header_rows:
            parts.append("</thead><tbody>")
        tag = "th" if index < header_rows else "td"
        cells = []
        for col, text in enumerate(row):
            if (index, col) in covered:
                continue
            merge = starts.get((index, col))
            span = ""
            if merge and merge.rowspan > 1:
                span += f' rowspan="{merge.rowspan}"'
            if merge and merge.colspan > 1:
                span += f' colspan="{merge.colspan}"'
            cells.append(f"<{tag}{span}>{_cell_html(text)}</{tag}>")
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table>" if len(table.grid) > header_rows else "</thead></table>")
    parts += [f"<p>{escape(note)}</p>" for note in table.notes]
    return parts


def _covered(merges: list[Merge]) -> set[tuple[int, int]]:
    """The grid positions hidden under a merged cell (all but its top-left one)."""
    return {
        (m.row + r, m.col + c)
        for m in merges
        for r in range(m.rowspan)
        for c in range(m.colspan)
        if (r, c) != (0, 0)
    }


def render_html(doc: PrintedDocument, path: Path) -> None:
    Path(path).write_text(html_text(doc), encoding="utf-8")
