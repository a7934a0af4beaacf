"""Plain text: UTF-8 (with or without BOM) or GB18030, decoded explicitly, never guessed silently.

Tabs separate table cells (as in text exported from PDFs and spreadsheets) and are kept as cell
boundaries, blanks included; a form feed starts a new page.
"""

from __future__ import annotations

from pathlib import Path

from juesuan.readers import Row, SourceDocument, UnreadableDocument

_ENCODINGS = ("utf-8-sig", "gb18030")


def decode(data: bytes, name: str) -> str:
    """UTF-8 first (strict), then GB18030 (a superset of GBK and GB2312); else a clear refusal."""
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableDocument(
        f"{name}: text is neither UTF-8 nor GB18030; convert it to UTF-8 and ingest it again"
    )


def read(path: Path) -> SourceDocument:
    text = decode(Path(path).read_bytes(), Path(path).name)
    rows: list[Row] = []
    page = 1
    # split("\n"), not splitlines(): splitlines() also breaks on form feeds and other controls.
    for number, line in enumerate(text.split("\n"), start=1):
        if "\f" in line:
            page += line.count("\f")
            line = line.replace("\f", "")
        cells = tuple(cell.strip() for cell in line.rstrip("\r").split("\t"))
        if any(cells):
            rows.append(Row(cells=cells, ref=f"L{number}", page=page))
    return SourceDocument(path=Path(path), format="txt", rows=tuple(rows), page_count=page)
