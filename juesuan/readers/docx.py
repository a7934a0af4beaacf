"""Word documents (.docx) with python-docx: body paragraphs and tables in reading order.

The body's children are walked in document order (w:p and w:tbl, content controls unwrapped),
not `doc.paragraphs` then `doc.tables`, so a table stays between its title and its notes.

- A paragraph is a one-cell row; tabs and line breaks inside it become spaces.
- A table row is a row of the table's grid: a cell spanning columns (gridSpan) gives its text
  once and "" for the other columns, a cell continuing a vertical merge (vMerge without
  "restart") gives "", as a text extraction prints a merged header once. A table nested in a cell
  is flattened into that cell's text.
- Deleted revisions and the fallback copies of drawings are not read: the text is the text a
  person sees with changes accepted. Headers, footers and footnotes are not read.
- Page numbers are Word's last layout when the file records one (lastRenderedPageBreak), else
  the explicit breaks (page breaks, page-break-before, section breaks); a row's page is where
  its first text stands.
- `ref`: `p<n>` for the n-th paragraph of the body (1-based, empty ones counted), `t<k>r<r>`
  for row r of the k-th body table; `cell_refs`: `t<k>r<r>c<c>`, c the grid column (1-based).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
from docx.oxml.ns import qn

from juesuan.readers import Row, SourceDocument, UnreadableDocument, limits, sniff
from juesuan.readers.limits import check_zip

_EXPECTED = "a Word document (.docx)"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_W = {
    name: qn(f"w:{name}")
    for name in (
        "p", "tbl", "tr", "tc", "r", "t", "tab", "br", "cr", "noBreakHyphen", "sdt",
        "sdtContent", "customXml", "del", "moveFrom", "tcPr", "trPr", "gridSpan", "vMerge",
        "hMerge", "gridBefore", "pPr", "pageBreakBefore",
        "sectPr", "type", "val", "lastRenderedPageBreak",
    )
}  # fmt: skip
_SPACES = re.compile(r"\s+")


def read(path: Path) -> SourceDocument:
    """Read a .docx; a file whose bytes are another format goes to the reader of that format."""
    path = Path(path)
    kind = sniff.kind_of(path)
    if kind not in {"docx", "zip"}:
        return sniff.read_by_content(path, kind, _EXPECTED)
    return read_package(path)


def read_package(path: Path) -> SourceDocument:
    """Read a file known to be a zip archive as a .docx."""
    path = Path(path)
    check_zip(path)
    try:
        body = docx.Document(io.BytesIO(path.read_bytes())).element.body
    except Exception as exc:
        raise UnreadableDocument(
            f"{path.name}: not a readable Word document ({type(exc).__name__}: {exc}); open it "
            "in Word or LibreOffice, save it as .docx and ingest that"
        ) from exc
    try:
        rows, pages = _rows(body)
    except UnreadableDocument:
        raise
    except Exception as exc:  # a malformed document: say so, never a library traceback
        raise UnreadableDocument(
            f"{path.name}: the document is damaged ({type(exc).__name__}: {exc}); open it in "
            "Word or LibreOffice, save it again and ingest that"
        ) from exc
    return SourceDocument(path=path, format="docx", rows=tuple(rows), page_count=pages)


def _rows(body: Any) -> tuple[list[Row], int]:
    for tag in (_MC_FALLBACK, _W["del"], _W["moveFrom"]):
        for element in list(body.iter(tag)):
            element.getparent().remove(element)
    rendered = next(body.iter(_W["lastRenderedPageBreak"]), None) is not None
    rows: list[Row] = []
    page = 1
    paragraphs = tables = 0
    for block in _children(body, {_W["p"], _W["tbl"]}):
        if block.tag == _W["p"]:
            paragraphs += 1
            before, after = _breaks(block, rendered)
            page += before
            limits.checkpoint(page=page)
            if text := _text(block):
                rows.append(Row(cells=(text,), ref=f"p{paragraphs}", page=page))
            page += after
            continue
        tables += 1
        for number, tr, cells in _table_rows(block):
            before, after = _breaks(tr, rendered)
            page += before
            ref = f"t{tables}r{number}"
            limits.checkpoint(cells=len(cells))
            if any(cells):
                refs = tuple(f"{ref}c{column}" for column in range(1, len(cells) + 1))
                rows.append(Row(cells=tuple(cells), ref=ref, page=page, cell_refs=refs))
            page += after
    return rows, page


def _children(parent: Any, tags: set[str]) -> Iterator[Any]:
    """Children with one of the tags, looking through content controls and custom XML."""
    for child in parent.iterchildren():
        if child.tag in tags:
            yield child
        elif child.tag == _W["sdt"]:
            content = child.find(_W["sdtContent"])
            if content is not None:
                yield from _children(content, tags)
        elif child.tag == _W["customXml"]:
            yield from _children(child, tags)


def _table_rows(table: Any) -> list[tuple[int, Any, list[str]]]:
    """(row number, w:tr, cells on the table's grid) for every row of a table.

    Every row is as wide as the table's rightmost filled cell: empty grid columns at the right
    edge would read as more columns of the last merged header.
    """
    rows: list[tuple[int, Any, list[str]]] = []
    for number, tr in enumerate(_children(table, {_W["tr"]}), start=1):
        cells = [""] * _grid_value(tr.find(_W["trPr"]), "gridBefore", 0)
        for tc in _children(tr, {_W["tc"]}):
            properties = tc.find(_W["tcPr"])
            span = max(_grid_value(properties, "gridSpan", 1), 1)
            continued = _continues(properties, "vMerge") or _continues(properties, "hMerge")
            cells.append("" if continued else _text(tc))
            cells.extend([""] * (span - 1))
        rows.append((number, tr, cells))
    width = max(
        (i + 1 for _n, _tr, cells in rows for i, cell in enumerate(cells) if cell), default=0
    )
    return [(number, tr, (cells + [""] * width)[:width]) for number, tr, cells in rows]


def _grid_value(properties: Any, name: str, default: int) -> int:
    element = properties.find(_W[name]) if properties is not None else None
    try:
        return int(element.get(_W["val"])) if element is not None else default
    except (TypeError, ValueError):
        return default


def _continues(properties: Any, name: str) -> bool:
    """A cell continuing a merge: vMerge/hMerge present without val="restart"."""
    element = properties.find(_W[name]) if properties is not None else None
    return element is not None and element.get(_W["val"], "continue") != "restart"


def _text(element: Any) -> str:
    """The visible text of a paragraph or cell; paragraphs (also nested ones) joined by spaces."""
    parts: list[str] = []
    for node in element.iter(_W["t"], _W["tab"], _W["br"], _W["cr"], _W["noBreakHyphen"], _W["p"]):
        if node.tag == _W["t"]:
            parts.append(node.text or "")
        elif node.tag == _W["noBreakHyphen"]:
            parts.append("-")
        elif node.tag == _W["p"] or node.getparent().tag == _W["r"]:
            parts.append(" ")  # not the tab stops of paragraph properties
    return _SPACES.sub(" ", "".join(parts)).strip()


def _breaks(element: Any, rendered: bool) -> tuple[int, int]:
    """Page breaks in an element: (before its first text, after it)."""
    before = after = 0
    seen_text = False
    for node in element.iter():
        if node.tag == _W["t"] and node.text and node.text.strip():
            seen_text = True
        elif _is_break(node, rendered):
            if seen_text or node.tag == _W["sectPr"]:  # a section ends after its paragraph
                after += 1
            else:
                before += 1
    return before, after


def _is_break(node: Any, rendered: bool) -> bool:
    tag = node.tag
    if rendered:
        return tag == _W["lastRenderedPageBreak"]
    if tag == _W["br"]:
        return node.get(_W["type"]) == "page"
    if tag == _W["pageBreakBefore"]:
        return node.get(_W["val"], "true") not in {"0", "false", "off"}
    if tag == _W["sectPr"] and node.getparent().tag == _W["pPr"]:
        kind = node.find(_W["type"])
        return kind is None or kind.get(_W["val"]) != "continuous"
    return False
