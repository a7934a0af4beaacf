"""What a file is by its first bytes, whatever its extension says.

Government sites serve web pages and tab-separated exports named .xls, .xlsx files named .xls,
and Word 97 documents named .docx. A reader asks here first and hands a file whose bytes are
something else to the reader those bytes call for, or refuses it with the advice that fits.
"""

from __future__ import annotations

import codecs
import zipfile
from pathlib import Path

from juesuan.readers import SourceDocument, UnreadableDocument

_HEAD = 4096
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_PDF_HEADER_WINDOW = 1024
# BOF record of a bare BIFF2-BIFF8 stream (Excel 2.x-4.0 files are not wrapped in OLE2).
_BIFF_BOFS = {(0x09, 0x00), (0x09, 0x02), (0x09, 0x04), (0x09, 0x08)}
_HTML_MARKS = ("<html", "<!doctype html", "<head", "<body", "<table", "<meta", "<div", "<p")
_SPREADSHEET_ML = "urn:schemas-microsoft-com:office:spreadsheet"

_DESCRIPTIONS = {
    "empty": "empty (0 bytes)",
    "xlsx": "an Excel workbook (.xlsx)",
    "docx": "a Word document (.docx)",
    "zip": "a zip archive holding neither a workbook nor a Word document",
    "ole2-workbook": "an Excel 97-2003 workbook (.xls)",
    "ole2-word": "a Word 97-2003 document (.doc)",
    "ole2-encrypted": "a password-protected (encrypted) Office file",
    "ole2": "an OLE2 compound file of an unknown kind",
    "biff": "an Excel 2.x-4.0 workbook (.xls)",
    "spreadsheetml": "an Excel 2003 XML spreadsheet",
    "html": "a web page (HTML)",
    "pdf": "a PDF",
    "text": "plain text",
    "unknown": "of an unknown kind",
}
_ADVICE = {
    "empty": "download it again",
    "ole2-encrypted": "ask the publisher for a copy without a password, or remove it in the "
    "office program, and ingest that",
    "ole2-word": "this format is not read yet: save it as .docx in Word or LibreOffice and "
    "ingest that",
    "spreadsheetml": "open it in Excel or LibreOffice, save it as .xlsx and ingest that",
}


def kind_of(path: Path) -> str:
    """One of the keys of _DESCRIPTIONS, from the file's first bytes (and zip/OLE2 entry names)."""
    path = Path(path)
    with path.open("rb") as file:
        head = file.read(_HEAD)
    if not head:
        return "empty"
    if head.startswith(_ZIP):
        return _zip_kind(path)
    if head.startswith(_OLE2):
        return _ole2_kind(path.read_bytes())
    if b"%PDF-" in head[:_PDF_HEADER_WINDOW]:  # readers accept junk before the header
        return "pdf"
    if (
        len(head) >= 4
        and (head[0], head[1]) in _BIFF_BOFS
        and head[2] in {4, 6, 8, 16}
        and not head[3]
    ):
        return "biff"
    text = _sniffable_text(head)
    if text is not None:
        start = text.lstrip().lower()
        if start.startswith("<") and _SPREADSHEET_ML in start and "<workbook" in start:
            return "spreadsheetml"
        if start.startswith("<") and any(mark in start for mark in _HTML_MARKS):
            return "html"
        if _is_text(head):
            return "text"
    return "unknown"


def describe(kind: str) -> str:
    return _DESCRIPTIONS.get(kind, _DESCRIPTIONS["unknown"])


def refusal(path: Path, kind: str, expected: str) -> UnreadableDocument:
    """The error for a file that is `kind` where `expected` was wanted, with what to do."""
    advice = _ADVICE.get(
        kind, f"save it as {expected} or give it the extension its content has, and ingest it again"
    )
    return UnreadableDocument(
        f"{Path(path).name}: cannot be read as {expected}: the file is {describe(kind)}; {advice}"
    )


def read_by_content(
    path: Path, kind: str, expected: str, max_rows: int | None = None
) -> SourceDocument:
    """Read a file with the reader its bytes call for; refuse what no reader can take.
    `max_rows` goes to that reader (see `read_document`)."""
    from juesuan.readers import docx, html, read_pdf, text, xls, xlsx

    readers = {
        "xlsx": xlsx.read_workbook,
        "docx": docx.read_package,
        "ole2-workbook": xls.read_biff,
        "biff": xls.read_biff,
        "html": html.read_page,
        "pdf": read_pdf,
        "text": text.read,
    }
    reader = readers.get(kind)
    if reader is None:
        raise refusal(path, kind, expected)
    return reader(path) if max_rows is None else reader(path, max_rows=max_rows)


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = {name.replace("\\", "/").lower() for name in archive.namelist()}
    except (zipfile.BadZipFile, OSError, ValueError):
        return "zip"  # the reader's own checks name the corruption
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    return "zip"


def _ole2_kind(data: bytes) -> str:
    # Directory entry names are UTF-16LE; finding them by bytes avoids parsing the container.
    def has(name: str) -> bool:
        return name.encode("utf-16-le") in data

    if has("EncryptedPackage") or has("EncryptionInfo"):
        return "ole2-encrypted"
    if has("WordDocument"):
        return "ole2-word"
    if has("Workbook") or has("Book"):
        return "ole2-workbook"
    return "ole2"


def _sniffable_text(head: bytes) -> str | None:
    """The head as text good enough to look for markup: UTF-16 by its BOM, else byte for byte."""
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, errors="ignore")
    if b"\x00" in head:
        return None
    # Latin-1 maps every byte, so the ASCII of markup shows through UTF-8 and GBK alike.
    return head.removeprefix(codecs.BOM_UTF8).decode("latin-1")


def _is_text(head: bytes) -> bool:
    """Text in UTF-16 (by BOM), UTF-8 or GB18030; the head may end inside a character."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    for cut in range(4):
        chunk = head[: len(head) - cut] if cut else head
        for encoding in ("utf-8", "gb18030"):
            try:
                chunk.decode(encoding)
            except UnicodeDecodeError:
                continue
            return True
    return False
