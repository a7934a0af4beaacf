"""Web pages (.html, .htm, and the many ".xls" files that are web pages) with lxml's HTML parser.

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
- The markup is parsed by libxml2 (lxml), mostly as a browser parses it: a cell or paragraph
  left open ends where the next one begins, a table put in <head> is shown in the body, a
  <textarea> or <title> holds text only, a NUL character reads as U+FFFD. A page libxml2 gives
  up on (elements nested more than 2,048 deep) is parsed by BeautifulSoup's html.parser
  instead, which nests elements as they come.

`max_rows` stops after the block or table that brings the rows to at least that many: they are
the first rows of the whole page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import repeat
from pathlib import Path

from lxml import etree

from juesuan.readers import Row, SourceDocument, limits, sniff, text

Element = etree._Element

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
_BREAK = object()
_MAX_COLSPAN = 1000  # the HTML limit
_COUNT_EVERY = 1000  # cells counted against the limit a thousand at a time, and at each row
_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)"""
    rb"""|<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)""",
    re.IGNORECASE,
)
_CHARSET_WINDOW = 65536  # Word's saved pages put a lot of <head> before their meta tags
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_INVISIBLE_SEARCH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_NONE: frozenset[int] = frozenset()
_NO_SPANS = (None, None)
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
    root = _parse(markup)
    rows: list[Row] = []
    if root is None:  # no markup at all
        return SourceDocument(path=path, format="html", rows=(), page_count=1)
    tables = {table: number for number, table in enumerate(root.iter("table"), start=1)}
    buffer: list[str] = []
    lines = 0

    def flush() -> None:
        nonlocal lines
        line = _collapse("".join(buffer))
        buffer.clear()
        if line:
            lines += 1
            rows.append(Row(cells=(line,), ref=f"p{lines}"))

    for event in _events(root, tables=True, enter=True):
        if isinstance(event, str):
            buffer.append(event)
            continue
        flush()
        if max_rows is not None and len(rows) >= max_rows:
            break
        if event is not _BREAK:
            rows.extend(_grid(event, tables[event]))
    else:
        flush()
    return SourceDocument(path=path, format="html", rows=tuple(rows), page_count=1)


def _parse(markup: str) -> Element | None:
    """The page's <html> element, None for a page without any markup or text."""
    # The text is decoded already: the parser reads it as UTF-8 whatever the page declares.
    parser = etree.HTMLParser(encoding="utf-8", huge_tree=True, default_doctype=False)
    try:
        root = etree.fromstring(markup.encode("utf-8", "surrogatepass"), parser)
    except etree.XMLSyntaxError:
        root = None
    if any(error.level_name == "FATAL" for error in parser.error_log):
        return _soup_tree(markup)  # libxml2 stopped midway
    return root


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# What the reading looks at in an element: its name when it is one of these, and these attributes.
_NAMES = _SKIP | _BLOCK | {"br", "table", "tr", "td", "th", "caption"}
_ATTRIBUTES = ("hidden", "style", "colspan", "rowspan")


def _soup_tree(markup: str) -> Element:
    """The page parsed by BeautifulSoup's html.parser, as an lxml tree of what the reading looks
    at: the elements it knows by name (others become <span>), their hidden, style and span
    attributes, and the text (characters XML cannot hold become U+FFFD)."""
    from bs4 import BeautifulSoup, NavigableString, Tag
    from bs4.element import PreformattedString, Script, Stylesheet, TemplateString

    soup = BeautifulSoup(markup, "html.parser")
    root = etree.Element("span")
    elements: dict[int, Element] = {id(soup): root}
    for node in soup.descendants:
        parent = elements.get(id(node.parent))
        if parent is None:
            continue  # inside what is not converted
        if isinstance(node, Tag):
            element = etree.SubElement(parent, node.name if node.name in _NAMES else "span")
            for name in _ATTRIBUTES:
                if node.has_attr(name):
                    element.set(name, _NOT_XML.sub("\ufffd", str(node.get(name))))
            elements[id(node)] = element
        elif isinstance(node, NavigableString) and not isinstance(
            node, PreformattedString | Script | Stylesheet | TemplateString
        ):
            string = _NOT_XML.sub("\ufffd", str(node))
            if len(parent):
                parent[-1].tail = (parent[-1].tail or "") + string
            else:
                parent.text = (parent.text or "") + string
    return root


def declared_charset(data: bytes) -> str | None:
    """The charset the page declares for itself in <meta> or an XML declaration, if any."""
    match = _CHARSET.search(data[:_CHARSET_WINDOW])
    if match is None:
        return None
    return (match.group(1) or match.group(2)).decode("ascii")


def _events(parent: Element, tables: bool, enter: bool = False) -> Iterator[str | Element | object]:
    """Visible text in document order, _BREAK at block edges and <br>, and (when `tables`) each
    data table as its element instead of its text. The content of `parent` (and, when `enter`,
    `parent` itself as one of its elements). Iterative: bad pages nest thousands deep."""
    stack: list[tuple[Iterator[Element], bool, Element | None]]
    if enter:
        stack = [(iter((parent,)), False, None)]
    else:
        stack = [(iter(parent), False, None)]
        if parent.text:
            yield parent.text
    while stack:
        children, is_block, element = stack[-1]
        node = next(children, None)
        if node is None:
            stack.pop()
            if is_block:
                yield _BREAK
            if element is not None and element.tail:
                yield element.tail
            continue
        name = node.tag
        if not isinstance(name, str) or name in _SKIP or _hidden(node):
            pass  # a comment, processing instruction, or what a browser does not show
        elif name == "br":
            yield _BREAK
        elif tables and name == "table" and next(node.iterdescendants("table"), None) is None:
            yield node
        else:
            block = name in _BLOCK
            if block:
                yield _BREAK
            if node.text:
                yield node.text
            stack.append((iter(node), block, node))
            continue
        if node.tail:  # the text after an element is its parent's
            yield node.tail


def _grid(table: Element, number: int) -> list[Row]:
    """The rows of a data table on its grid, spans expanded with "" outside their top-left."""
    rows: list[Row] = []
    caption = next(table.iterdescendants("caption"), None)
    if caption is not None and (title := _cell_text(caption)):
        rows.append(Row(cells=(title,), ref=f"t{number}caption"))
    trs = list(table.iterdescendants("tr"))
    grid: list[tuple[int, dict[int, str]]] = []
    below: dict[int, int] = {}  # column -> rows still covered by a rowspan from above
    counted = 0  # cells not yet counted against the limit (counted a thousand at a time)
    # As wide as the table's rightmost filled cell: empty columns at the right edge (Excel's
    # saved pages carry them) would read as more columns of the last merged header.
    width = 0
    for index, tr in enumerate(trs):
        covered: set[int] | frozenset[int] = _NONE
        cells: dict[int, str] = {}
        if below:
            covered = set(below)
            cells = dict.fromkeys(covered, "")
            below = {column: left - 1 for column, left in below.items() if left > 1}
        column = filled = 0
        for cell in tr:  # its <td> and <th> (a loop is faster than iterchildren's filter)
            name = cell.tag
            if name != "td" and name != "th":
                continue
            while column in covered:
                column += 1
            if len(cell):
                text = _cell_text(cell)
            else:
                text = cell.text
                text = _collapse(text) if text else ""
            spans = cell.get("colspan"), cell.get("rowspan")
            if spans == _NO_SPANS:  # most cells: one position
                counted += 1
                cells[column] = text
                column += 1
                if text:
                    filled = column
            else:
                colspan = _span(spans[0], _MAX_COLSPAN)
                rowspan = _span(spans[1], len(trs) - index)
                counted += colspan  # a span of a thousand columns is a thousand cells
                cells[column] = text
                if text:
                    filled = max(filled, column + 1)
                for offset in range(colspan):
                    if offset:
                        cells.setdefault(column + offset, "")
                    if rowspan > 1:
                        below[column + offset] = max(below.get(column + offset, 0), rowspan - 1)
                column += colspan
            if counted >= _COUNT_EVERY:
                limits.checkpoint(cells=counted)
                counted = 0
        if counted:
            limits.checkpoint(cells=counted)
            counted = 0
        if not _hidden(tr):  # still laid out above: a rowspan counts it
            grid.append((index + 1, cells))
            width = max(width, filled)
    suffixes = [f"c{column}" for column in range(1, width + 1)]
    for index, cells in grid:
        values = tuple(map(cells.get, range(width), repeat("")))
        if any(values):
            ref = f"t{number}r{index}"
            refs = tuple([ref + suffix for suffix in suffixes])
            rows.append(Row(cells=values, ref=ref, cell_refs=refs))
    return rows


def _cell_text(cell: Element) -> str:
    """A cell's text on one line; a table nested in it is flattened into it."""
    if not len(cell):
        return _collapse(cell.text or "")
    return _collapse("".join(e if isinstance(e, str) else " " for e in _events(cell, False)))


def _span(text: str | None, limit: int) -> int:
    """A colspan or rowspan attribute as browsers take it: 1 unless a number, within 1..limit."""
    if text is None:
        return 1
    try:
        value = int(text.strip())
    except ValueError:
        return 1
    return min(max(value, 1), max(limit, 1))


def _hidden(element: Element) -> bool:
    attributes = element.attrib
    if not attributes:
        return False
    if "hidden" in attributes:
        return True
    style = attributes.get("style")
    return style is not None and _DISPLAY_NONE.search(style) is not None


def _collapse(line: str) -> str:
    # split() and re's \s agree on what a space is (str.isspace); ASCII has no invisible
    # character, and a search finds one faster than translate() removes none.
    if not line.isascii() and _INVISIBLE_SEARCH.search(line):
        line = line.translate(_INVISIBLE)
    return " ".join(line.split())
