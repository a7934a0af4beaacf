"""Word documents (.docx): body paragraphs and tables in reading order.

The main part (word/document.xml) is parsed with lxml and the parser settings python-docx uses,
without loading the rest of the package (styles, numbering, themes: python-docx parses them, this
reader never uses them). A package whose main part cannot be found that way (no relationship to
it, another content type, a missing part) goes to python-docx, which reads it or says what is
wrong with it.

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

`max_rows` stops after the paragraph or table that brings the rows to at least that many: the
rows are the first rows of the whole document, and `page_count` the page reached.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from juesuan.readers import Row, SourceDocument, UnreadableDocument, limits, sniff
from juesuan.readers.limits import check_zip

_EXPECTED = "a Word document (.docx)"
_WML = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_W = {
    name: f"{{{_WML}}}{name}"
    for name in (
        "document", "body", "p", "tbl", "tr", "tc", "r", "t", "tab", "br", "cr",
        "noBreakHyphen", "sdt", "sdtContent", "customXml", "del", "moveFrom", "tcPr", "trPr",
        "gridSpan", "vMerge", "hMerge", "gridBefore", "pPr", "pageBreakBefore", "sectPr", "type",
        "val", "lastRenderedPageBreak", "tcW",
    )
}  # fmt: skip
_SPACES = re.compile(r"\s+")
# The packaging python-docx requires (docx.opc.constants).
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)
_MAIN_CONTENT_TYPE = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
)
# python-docx's parser (docx.oxml.parser): the same tree, without its element classes.
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)


def read(path: Path, max_rows: int | None = None) -> SourceDocument:
    """Read a .docx; a file whose bytes are another format goes to the reader of that format."""
    path = Path(path)
    kind = sniff.kind_of(path)
    if kind not in {"docx", "zip"}:
        return sniff.read_by_content(path, kind, _EXPECTED, max_rows=max_rows)
    return read_package(path, max_rows=max_rows)


def read_package(path: Path, max_rows: int | None = None) -> SourceDocument:
    """Read a file known to be a zip archive as a .docx."""
    path = Path(path)
    check_zip(path)
    data = path.read_bytes()
    try:
        main = _main_part(data)
    except Exception:
        main = None
    if main is not None and max_rows is not None:
        try:
            with limits.attempt():
                rows, pages = _first_rows(main, max_rows)
            return SourceDocument(path=path, format="docx", rows=tuple(rows), page_count=pages)
        except UnreadableDocument:  # over a limit
            raise
        except Exception:
            pass  # the whole main part is read
    try:
        body = None if main is None else _body(main)
    except Exception:
        body = None
    if body is None:  # python-docx reads it, or says what is wrong with the package
        body = _python_docx_body(path, data)
    try:
        rows, pages = _rows(body, max_rows)
    except UnreadableDocument:
        raise
    except Exception as exc:  # a malformed document: say so, never a library traceback
        raise UnreadableDocument(
            f"{path.name}: the document is damaged ({type(exc).__name__}: {exc}); open it in "
            "Word or LibreOffice, save it again and ingest that"
        ) from exc
    return SourceDocument(path=path, format="docx", rows=tuple(rows), page_count=pages)


def _python_docx_body(path: Path, data: bytes) -> Any:
    try:
        import docx

        return docx.Document(io.BytesIO(data)).element.body
    except Exception as exc:
        raise UnreadableDocument(
            f"{path.name}: not a readable Word document ({type(exc).__name__}: {exc}); open it "
            "in Word or LibreOffice, save it as .docx and ingest that"
        ) from exc


def _main_body(data: bytes) -> Any:
    """The w:body of the package's main document part, found as python-docx finds it; None when
    the package is not plainly a Word document (python-docx then decides)."""
    main = _main_part(data)
    return None if main is None else _body(main)


def _body(main: bytes) -> Any:
    """The w:body of the main part, None if it has none."""
    root = etree.fromstring(main, _PARSER)
    if root.tag != _W["document"]:
        return None
    return root.find(_W["body"])


class _NotSure(Exception):
    """The first blocks alone cannot give the first rows exactly: the whole part is read."""


def _first_rows(main: bytes, max_rows: int) -> tuple[list[Row], int]:
    """`_rows(body, max_rows)` from the document's first blocks alone (`_first_blocks`), as many
    as it takes to make `max_rows` rows; _NotSure when that cannot be done exactly."""
    blocks = max_rows + 8
    while True:
        root = _first_blocks(main, blocks)
        if root is None or root.tag != _W["document"]:
            raise _NotSure
        body = root.find(_W["body"])
        if body is None:
            raise _NotSure
        rows, pages = _rows(body, max_rows)
        if len(rows) >= max_rows:
            return rows, pages
        blocks *= 4


_PARAGRAPH_BYTES = re.compile(rb"<w:p[\s>/]")
_TABLE_BYTES = re.compile(rb"<w:tbl[\s>]")
_TABLE_END_BYTES = re.compile(rb"</w:tbl\s*>")
_BODY_END = b"</w:body></w:document>"


def _first_blocks(main: bytes, blocks: int) -> Any:
    """The main part's root as far as the start of its body's block number `blocks + 1` (a
    paragraph or table); None when that cannot be done exactly, or the body has no more blocks.

    XML before a point of the body parses the same whether the rest follows or the body ends
    there: the blocks before it are the document's first blocks. A point inside a table, a
    content control or a text box leaves elements open, and the part up to it does not parse:
    the next point is tried. The page a row is on depends only on what is before it, except in a
    document where Word recorded its layout (w:lastRenderedPageBreak anywhere: then the whole
    document is read)."""
    if b"lastRenderedPageBreak" in main or not main.rstrip().endswith(_BODY_END):
        return None
    tables = [match.start() for match in _TABLE_BYTES.finditer(main)]
    ends = [match.end() for match in _TABLE_END_BYTES.finditer(main)]
    spans = _outer_spans(tables, ends)
    if spans is None:
        return None
    # The starts of paragraphs and tables outside any table, in order: the places to cut at.
    cuts: list[int] = []
    span = 0
    for match in _PARAGRAPH_BYTES.finditer(main):
        at = match.start()
        while span < len(spans) and spans[span][1] <= at:
            cuts.append(spans[span][0])
            span += 1
        if span < len(spans) and spans[span][0] < at:
            continue  # inside a table
        cuts.append(at)
        if len(cuts) > blocks + 4:
            break
    for cut in cuts[blocks : blocks + 4]:
        try:
            return etree.fromstring(main[:cut] + _BODY_END, _PARSER)
        except etree.XMLSyntaxError:
            continue  # not a point of the body
    return None


def _outer_spans(starts: list[int], ends: list[int]) -> list[tuple[int, int]] | None:
    """(start, end) of the tables not inside another, from the tables' start and end tags; None
    when they do not pair up."""
    if len(starts) != len(ends):
        return None
    events = sorted([(at, 1) for at in starts] + [(at, -1) for at in ends])
    spans = []
    depth = 0
    begin = 0
    for at, step in events:
        if depth == 0 and step == 1:
            begin = at
        depth += step
        if depth < 0:
            return None
        if depth == 0 and step == -1:
            spans.append((begin, at))
    return spans


def _main_part(data: bytes) -> bytes | None:
    """The main document part's XML, found as python-docx finds it; None when the package is not
    plainly a Word document (python-docx then decides)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        types = etree.fromstring(archive.read("[Content_Types].xml"), _PARSER)
        overrides = {
            o.get("PartName", "").lower(): o.get("ContentType")
            for o in types.iter(f"{_CT}Override")
        }
        defaults = {
            d.get("Extension", "").lower(): d.get("ContentType")
            for d in types.iter(f"{_CT}Default")
        }
        package_rels = list(etree.fromstring(archive.read("_rels/.rels"), _PARSER).iter(_RELS))
        if not _targets_present(package_rels, "/", names):
            return None
        main = [rel for rel in package_rels if rel.get("Type") == _OFFICE_DOCUMENT]
        if len(main) != 1 or main[0].get("TargetMode") == "External":
            return None
        partname = posixpath.abspath(posixpath.join("/", main[0].get("Target") or ""))
        extension = posixpath.splitext(partname)[1].lstrip(".").lower()
        content_type = overrides.get(partname.lower(), defaults.get(extension))
        if content_type != _MAIN_CONTENT_TYPE or partname[1:] not in names:
            return None
        # Every part the main part refers to is there (python-docx refuses a package without).
        rels_name = posixpath.join(
            posixpath.dirname(partname), "_rels", posixpath.basename(partname) + ".rels"
        )[1:]
        if rels_name in names:
            rels = list(etree.fromstring(archive.read(rels_name), _PARSER).iter(_RELS))
            if not _targets_present(rels, posixpath.dirname(partname), names):
                return None
        return archive.read(partname[1:])


def _targets_present(rels: list[Any], base: str, names: set[str]) -> bool:
    for rel in rels:
        if rel.get("TargetMode") == "External":
            continue
        target = posixpath.abspath(posixpath.join(base, rel.get("Target") or ""))
        if target[1:] not in names:
            return False
    return True


def _rows(body: Any, max_rows: int | None = None) -> tuple[list[Row], int]:
    for tag in (_MC_FALLBACK, _W["del"], _W["moveFrom"]):
        for element in list(body.iter(tag)):
            element.getparent().remove(element)
    rendered = next(body.iter(_W["lastRenderedPageBreak"]), None) is not None
    # The elements holding a page break: only their breaks are counted (most hold none).
    breaking: set[Any] = set()
    tags = (
        (_W["lastRenderedPageBreak"],)
        if rendered
        else (_W["br"], _W["pageBreakBefore"], _W["sectPr"])
    )
    for node in body.iter(*tags):
        if _is_break(node, rendered):
            breaking.update(node.iterancestors())
    rows: list[Row] = []
    page = 1
    paragraphs = tables = 0
    for block in _children(body, {_W["p"], _W["tbl"]}):
        if max_rows is not None and len(rows) >= max_rows:
            break
        if block.tag == _W["p"]:
            paragraphs += 1
            before, after = _breaks(block, rendered) if block in breaking else (0, 0)
            page += before
            limits.checkpoint(page=page)
            if text := _text(block):
                rows.append(Row(cells=(text,), ref=f"p{paragraphs}", page=page))
            page += after
            continue
        tables += 1
        for number, tr, cells in _table_rows(block):
            before, after = _breaks(tr, rendered) if tr in breaking else (0, 0)
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
    rows = _plain_table_rows(table)
    return _wrapped_table_rows(table) if rows is None else rows


_TABLE_TAGS = (
    _W["tbl"], _W["tr"], _W["tc"], _W["p"], _W["t"], _W["tab"], _W["br"], _W["cr"],
    _W["noBreakHyphen"], _W["gridSpan"], _W["vMerge"], _W["hMerge"], _W["gridBefore"],
)  # fmt: skip
# What may stand only inside a cell (or be the table's rows and cells).
_IN_CELLS = (
    _W["tbl"], _W["tr"], _W["tc"], _W["p"], _W["t"], _W["tab"], _W["br"], _W["cr"],
    _W["noBreakHyphen"],
)  # fmt: skip


def _plain_table_rows(table: Any) -> list[tuple[int, Any, list[str]]] | None:
    """`_table_rows` in one pass through the table, for a plain table: its rows are its own
    children, their cells theirs, no table nested in a cell, and no text outside the cells.
    None for any other table (then `_wrapped_table_rows` reads it).

    The pass meets the cells' text in document order: each text node is in the cell begun last,
    and a cell's text is what `_text` gives for it."""
    tbl, tr, tc, p, t = _W["tbl"], _W["tr"], _W["tc"], _W["p"], _W["t"]
    hyphen, run, grid_span, grid_before = (
        _W["noBreakHyphen"],
        _W["r"],
        _W["gridSpan"],
        _W["gridBefore"],
    )
    rows: list[tuple[int, Any, list[str]]] = []
    width = number = 0
    row: Any = None
    cell: Any = None
    cells: list[str] = []
    parts: list[str] | None = None  # the text of the cell being read
    before = span = 0
    continued = False
    tcs = 0  # cells of the row being read

    def end_cell() -> None:
        nonlocal parts
        if parts is not None:
            cells.append("" if continued else " ".join("".join(parts).split()))
            if span > 1:
                cells.extend([""] * (span - 1))
            parts = None

    def end_row() -> bool:
        nonlocal width, cells
        end_cell()
        if row is None:
            return True
        if len(row) != tcs and not _outside_cells_is_empty(row, tc):
            return False
        shown = [""] * before + cells if before > 0 else cells
        for index in range(len(shown), width, -1):
            if shown[index - 1]:
                width = index
                break
        rows.append((number, row, shown))
        cells = []
        return True

    for node in table.iter(*_TABLE_TAGS):
        tag = node.tag
        if tag == t:
            if parts is None:
                return None
            parts.append(node.text or "")
        elif tag == p:
            if parts is None:
                return None
            parts.append(" ")
        elif tag == tc:
            if row is None or node.getparent() is not row:
                return None
            end_cell()
            cell, parts, span, continued = node, [], 1, False
            tcs += 1
        elif tag == tr:
            if node.getparent() is not table or not end_row():
                return None
            row, cell, before, tcs = node, None, 0, 0
            number += 1
        elif tag == tbl:
            if node is not table:
                return None  # a table nested in a cell
        elif tag == grid_before:
            properties = node.getparent()
            if row is None or cell is not None or not _first(row, _W["trPr"], properties, node):
                return None
            before = _int_value(node, 0)
        elif tag in (grid_span, _W["vMerge"], _W["hMerge"]):
            properties = node.getparent()
            if cell is None or not _first(cell, _W["tcPr"], properties, node):
                return None
            if tag == grid_span:
                span = max(_int_value(node, 1), 1)
            elif node.get(_W["val"], "continue") != "restart":
                continued = True
        else:  # w:tab, w:br, w:cr, w:noBreakHyphen
            if parts is None:
                return None
            if tag == hyphen:
                parts.append("-")
            elif node.getparent().tag == run:
                parts.append(" ")  # not the tab stops of paragraph properties
    if not end_row() or (len(table) != number and not _outside_cells_is_empty(table, tr)):
        return None
    return [(number, tr, (cells + [""] * width)[:width]) for number, tr, cells in rows]


def _outside_cells_is_empty(parent: Any, kept: str) -> bool:
    """No text, row or cell in the children of `parent` other than those tagged `kept`."""
    for child in parent.iterchildren():
        tag = child.tag
        if tag == kept or not isinstance(tag, str):
            continue
        if tag in _IN_CELLS or next(child.iter(*_IN_CELLS), None) is not None:
            return False
    return True


def _first(owner: Any, properties_tag: str, properties: Any, node: Any) -> bool:
    """`properties` is the first child of `owner` tagged `properties_tag`, and `node` the first
    child of `properties` with its tag: the element `_grid_value` and `_continues` find."""
    return (
        properties.getparent() is owner
        and _child(owner, properties_tag) is properties
        and _child(properties, node.tag) is node
    )


def _int_value(element: Any, default: int) -> int:
    try:
        return int(element.get(_W["val"]))
    except (TypeError, ValueError):
        return default


def _wrapped_table_rows(table: Any) -> list[tuple[int, Any, list[str]]]:
    rows: list[tuple[int, Any, list[str]]] = []
    width = 0
    for number, tr in enumerate(_children(table, {_W["tr"]}), start=1):
        cells = [""] * _grid_value(tr.find(_W["trPr"]), "gridBefore", 0)
        for tc in _children(tr, {_W["tc"]}):
            properties = tc.find(_W["tcPr"])
            if properties is None or not len(properties):
                cells.append(_text(tc))
                continue
            span = max(_grid_value(properties, "gridSpan", 1), 1)
            continued = _continues(properties, "vMerge") or _continues(properties, "hMerge")
            cells.append("" if continued else _text(tc))
            cells.extend([""] * (span - 1))
        for index in range(len(cells), width, -1):
            if cells[index - 1]:
                width = index
                break
        rows.append((number, tr, cells))
    return [(number, tr, (cells + [""] * width)[:width]) for number, tr, cells in rows]


def _child(element: Any, tag: str) -> Any:
    """The first child with the tag (`element.find(tag)`, without lxml's ElementPath)."""
    if len(element) and element[0].tag == tag:
        return element[0]
    return next(element.iterchildren(tag), None)


def _grid_value(properties: Any, name: str, default: int) -> int:
    element = _child(properties, _W[name]) if properties is not None else None
    try:
        return int(element.get(_W["val"])) if element is not None else default
    except (TypeError, ValueError):
        return default


def _continues(properties: Any, name: str) -> bool:
    """A cell continuing a merge: vMerge/hMerge present without val="restart"."""
    element = _child(properties, _W[name]) if properties is not None else None
    return element is not None and element.get(_W["val"], "continue") != "restart"


_TEXT_TAGS = (_W["t"], _W["tab"], _W["br"], _W["cr"], _W["noBreakHyphen"], _W["p"])


def _text(element: Any) -> str:
    """The visible text of a paragraph or cell; paragraphs (also nested ones) joined by spaces."""
    parts: list[str] = []
    t, p, r, hyphen = _W["t"], _W["p"], _W["r"], _W["noBreakHyphen"]
    for node in element.iter(*_TEXT_TAGS):
        tag = node.tag
        if tag == t:
            parts.append(node.text or "")
        elif tag == hyphen:
            parts.append("-")
        elif tag == p or node.getparent().tag == r:
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
