"""Plain text: UTF-8 (with or without BOM) or GB18030, decoded explicitly, never guessed silently.

Tabs separate table cells (as in text exported from PDFs and spreadsheets) and are kept as cell
boundaries, blanks included; a form feed starts a new page.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from juesuan.readers import Row, SourceDocument, UnreadableDocument, limits

_FALLBACKS = ("utf-8", "gb18030")
_COUNT_EVERY = 4096
# A byte-order mark is the strongest evidence there is (Excel's "Unicode text" is UTF-16LE).
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Labels web pages declare for GB2312/GBK (WHATWG's "gbk" family): GB18030 is their superset,
# and pages labelled gb2312 routinely hold GBK-only characters.
_GB_LABELS = frozenset(
    {
        "gb2312", "gb_2312", "gb_2312-80", "gbk", "x-gbk", "gb18030", "cp936", "ms936",
        "windows-936", "chinese", "csgb2312", "csiso58gb231280", "iso-ir-58", "euc-cn",
    }
)  # fmt: skip
# Only Unicode and Chinese declarations are obeyed. Western single-byte labels (iso-8859-1,
# windows-1252) are server or editor defaults on Chinese pages, never the truth, and decode any
# bytes without error: trusting them would turn Chinese into mojibake silently. A page that
# declares utf-16 without a byte-order mark is UTF-8 in practice (the HTML standard says so too).
_TRUSTED_CODECS = frozenset({"utf-8", "gb18030", "big5", "big5hkscs", "cp950"})


def codec_for(label: str | None) -> str | None:
    """The Python codec for a declared charset label, or None when it is unknown or not trusted."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _GB_LABELS:
        return "gb18030"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return name if name in _TRUSTED_CODECS else None


def decode(data: bytes, name: str, declared: str | None = None) -> str:
    """Decode by BOM, then the declared charset (if any), then strict UTF-8, then GB18030.

    A declared charset that does not fit the bytes is passed over, not obeyed: the fallbacks
    still decide. Anything else is refused with the file's name.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                break  # a BOM followed by other bytes: not text we can trust
    else:
        candidates = [c for c in (codec_for(declared), *_FALLBACKS) if c]
        for encoding in dict.fromkeys(candidates):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    raise UnreadableDocument(
        f"{name}: text is neither UTF-8 nor GB18030; convert it to UTF-8 and ingest it again"
    )


def read(path: Path, max_rows: int | None = None) -> SourceDocument:
    """Read a text file; `max_rows` stops after that many rows (`page_count` the page reached).

    Cells are counted against the limit a few thousand at a time, and before each new page
    (so that a document over both limits is refused for the one it went over first)."""
    text = decode(Path(path).read_bytes(), Path(path).name)
    rows: list[Row] = []
    page = 1
    counted = 0  # cells not yet counted against the limit
    # split("\n"), not splitlines(): splitlines() also breaks on form feeds and other controls.
    for number, line in enumerate(text.split("\n"), start=1):
        if max_rows is not None and len(rows) >= max_rows:
            break
        if "\f" in line:
            page += line.count("\f")
            line = line.replace("\f", "")
            limits.checkpoint(cells=counted)
            counted = 0
            limits.checkpoint(page=page)
        if "\t" in line:  # strip() takes the line's "\r" off its last cell
            cells = tuple([cell.strip() for cell in line.split("\t")])
            counted += len(cells)
            if any(cells):
                rows.append(Row(cells, f"L{number}", page))
        else:
            counted += 1
            if cell := line.strip():
                rows.append(Row((cell,), f"L{number}", page))
        if counted >= _COUNT_EVERY:
            limits.checkpoint(cells=counted)
            counted = 0
    limits.checkpoint(cells=counted)
    return SourceDocument(path=Path(path), format="txt", rows=tuple(rows), page_count=page)
