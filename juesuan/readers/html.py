"""Web pages (.html, .htm, and the many ".xls" files that are web pages) with BeautifulSoup.

- Decoded explicitly (`text.decode`): byte-order mark, then the page's own <meta charset> or
  http-equiv content type (gb2312 and gbk read as GB18030, their superset), then strict UTF-8,
  then GB18030; else refused with the file's name. Never guessed silently.
- What a browser shows, in document order: <head>, <script>, <style>, <noscript>, <template>,
  <select>, comments and elements hidden by `hidden` or `display:none` are dropped.
- Text outside tables becomes one-cell rows: a row per block (p, div, h1-h6, li, …) and per
  <br>-separated line.
- A <table> becomes grid rows, colspan and rowspan expanded: a spanning cell's text stands at
  its top-left position only, "" in the other positions it covers, as a text extraction prints
  a merged header once. A table holding another table is layout, not data: its cells are read
  as blocks and the tables inside it as grids.
- `page` is 1 (a page has no pages). `ref`: `p<n>` for the n-th text row, `t<k>r<r>` for row r
  (the r-th <tr>, hidden ones counted) of the k-th <table> in the document (layout tables
  counted), `t<k>caption` for its caption; `cell_refs`: `t<k>r<r>c<c>`, c the grid column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString, Script, Stylesheet, TemplateString

from juesuan.readers import Row, SourceDocument, limits, sniff, text

_SKIP = frozenset(
    {"head", "title", "script", "style", "noscript", "template", "select", "iframe", "object",
     "embed", "svg", "canvas"}
)  # fmt: skip
_BLOCK = frozenset(
    {"address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
     "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
     "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li", "main",
     "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th",
     "thead", "tr", "ul"}
)  # fmt: skip
_NOT_TEXT = (PreformattedString, Script, Stylesheet, TemplateString)  # comments, doctype, …
_BREAK = object()
_MAX_COLSPAN = 1000  # the HTML limit
_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)"""
    rb"""|<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)""",
    re.IGNORECASE,
)
_CHARSET_WINDOW = 65536  # Word's saved pages put a lot of <head> before their meta tags
_SPACES = re.compile(r"\s+")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_DISPLAY_NONE = re.compile(r"display\s*:\s*none", re.IGNORECASE)


def read(path: Path, max_rows: int | None = None) -> SourceDocument:
    """Read a web page; a file whose bytes are a workbook or a Word file goes to that reader."""
    path = Path(path)
    kind = sniff.kind_of(path)
    if kind not in {"html", "text", "unknown"}:
        return sniff.read_by_content(path, kind, "a web page (HTML)", max_rows=max_rows)
    return read_page(path, max_rows=max_rows)


def read_page(path: Path, max_rows: int | None = None) -> SourceDocument:
    path = Path(path)
    data = path.read_bytes()
    markup = text.decode(data, path.name, declared=declared_charset(data))
    soup = BeautifulSoup(markup, "html.parser")
    tables = {id(table): number for number, table in enumerate(soup.find_all("table"), start=1)}
    rows: list[Row] = []
    buffer: list[str] = []
    lines = 0

    def flush() -> None:
        nonlocal lines
        line = _collapse("".join(buffer))
        buffer.clear()
        if line:
            lines += 1
            rows.append(Row(cells=(line,), ref=f"p{lines}"))

    for event in _events(soup, tables=True):
        if isinstance(event, str):
            buffer.append(event)
            continue
        flush()
        if isinstance(event, Tag):
            rows.extend(_grid(event, tables[id(event)]))
    flush()
    return SourceDocument(path=path, format="html", rows=tuple(rows), page_count=1)


def declared_charset(data: bytes) -> str | None:
    """The charset the page declares for itself in <meta> or an XML declaration, if any."""
    match = _CHARSET.search(data[:_CHARSET_WINDOW])
    if match is None:
        return None
    return (match.group(1) or match.group(2)).decode("ascii")


def _events(root: Tag, tables: bool) -> Iterator[str | Tag | object]:
    """Visible text in document order, _BREAK at block edges and <br>, and (when `tables`) each
    data table as its Tag instead of its text. Iterative: bad pages nest thousands deep."""
    stack: list[tuple[Iterator[object], bool]] = [(iter(root.children), False)]
    while stack:
        children, is_block = stack[-1]
        node = next(children, None)
        if node is None:
            stack.pop()
            if is_block:
                yield _BREAK
            continue
        if isinstance(node, NavigableString):
            if not isinstance(node, _NOT_TEXT):
                yield str(node)
            continue
        if not isinstance(node, Tag) or node.name in _SKIP or _hidden(node):
            continue
        if node.name == "br":
            yield _BREAK
        elif tables and node.name == "table" and node.find("table") is None:
            yield node
        else:
            block = node.name in _BLOCK
            if block:
                yield _BREAK
            stack.append((iter(node.children), block))


def _grid(table: Tag, number: int) -> list[Row]:
    """The rows of a data table on its grid, spans expanded with "" outside their top-left."""
    rows: list[Row] = []
    caption = table.find("caption")
    if caption is not None and (title := _cell_text(caption)):
        rows.append(Row(cells=(title,), ref=f"t{number}caption"))
    trs = table.find_all("tr")
    grid: list[tuple[int, dict[int, str]]] = []
    below: dict[int, int] = {}  # column -> rows still covered by a rowspan from above
    for index, tr in enumerate(trs):
        covered = set(below)
        cells: dict[int, str] = dict.fromkeys(covered, "")
        below = {column: left - 1 for column, left in below.items() if left > 1}
        column = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            while column in covered:
                column += 1
            colspan = _span(cell, "colspan", _MAX_COLSPAN)
            rowspan = _span(cell, "rowspan", len(trs) - index)
            limits.checkpoint(cells=colspan)  # a span of a thousand columns is a thousand cells
            cells[column] = _cell_text(cell)
            for offset in range(colspan):
                if offset:
                    cells.setdefault(column + offset, "")
                if rowspan > 1:
                    below[column + offset] = max(below.get(column + offset, 0), rowspan - 1)
            column += colspan
        if not _hidden(tr):  # still laid out above: a rowspan counts it
            grid.append((index + 1, cells))
    # As wide as the table's rightmost filled cell: empty columns at the right edge (Excel's
    # saved pages carry them) would read as more columns of the last merged header.
    width = max(
        (column + 1 for _index, cells in grid for column, v in cells.items() if v), default=0
    )
    for index, cells in grid:
        values = tuple(cells.get(column, "") for column in range(width))
        if any(values):
            ref = f"t{number}r{index}"
            refs = tuple(f"{ref}c{column}" for column in range(1, width + 1))
            rows.append(Row(cells=values, ref=ref, cell_refs=refs))
    return rows


def _cell_text(cell: Tag) -> str:
    """A cell's text on one line; a table nested in it is flattened into it."""
    return _collapse("".join(e if isinstance(e, str) else " " for e in _events(cell, False)))


def _span(cell: Tag, name: str, limit: int) -> int:
    try:
        value = int(str(cell.get(name, "1")).strip())
    except ValueError:
        return 1
    return min(max(value, 1), max(limit, 1))


def _hidden(tag: Tag) -> bool:
    return tag.has_attr("hidden") or bool(_DISPLAY_NONE.search(str(tag.get("style", ""))))


def _collapse(line: str) -> str:
    return _SPACES.sub(" ", _INVISIBLE.sub("", line)).strip()
