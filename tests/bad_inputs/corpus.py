"""The bad-input corpus: every file is made here, at test time, from the seed disclosure and a
few lines of reportlab, PIL and zipfile — no binary is committed.

Each `Case` writes its file(s) into a folder and says what must become of them: the outcome
(`parsed`, `parsed with findings`, `quarantined`, `refused`, `skipped`) and a pattern of the
message. tests/test_bad_inputs.py runs every case alone and the whole corpus through one build,
and writes the table of README.md from what it saw.

Some inputs are small stand-ins for large ones: with the limits lowered for the test (LIMITS),
41 pages stand for a thousand and 50,000 cells for two million.
"""

from __future__ import annotations

import io
import os
import re
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from juesuan.paths import SAMPLES_DIR

SEED = SAMPLES_DIR / "zhengzhou-hitech-government-service-center-2023-final-accounts.txt"
SEED_DEPARTMENT = "郑州高新技术产业开发区管委会政务服务中心"

# The limits of juesuan.readers.limits while the corpus is read (small stand-ins, see above).
LIMITS = {"MAX_PAGES": 40, "MAX_CELLS": 50_000}

# File names a web site or an unpacked archive can give: path separators of another system,
# spaces, control characters, emoji, markup, SQL, a right-to-left override, a very long name.
ODD = {
    "etc\\..\\..\\passwd.txt": "path traversal (Windows separators)",
    "name with  spaces .txt": "spaces",
    "line\nbreak.txt": "a newline",
    "tab\tand\rcarriage return.txt": "a tab and a carriage return",
    "emoji 📊 决算.txt": "emoji",
    "'; DROP TABLE documents; --.txt": "SQL",
    "[bold]markup[red] <img src=x onerror=alert(1)> | pipe.txt": "Rich markup, HTML, a pipe",
    "report\u202efdp.txt": "a right-to-left override (shows as reporttxt.pdf)",
    "很长的文件名" * 13 + ".txt": "238 bytes (the limit is 255)",
}
ODD_NAMES = tuple(ODD)
# A name in GBK bytes (a zip made on a Chinese Windows, unpacked on Linux): not UTF-8.
GBK_NAME_BYTES = "财政局决算2023".encode("gbk") + b".txt"
GBK_NAME = "财政局决算2023.txt"


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def seed_variant(note: str) -> str:
    """The seed with one more line of prose: the same disclosure, other bytes."""
    return seed_text().rstrip("\n") + f"\n\n{note}\n"


def without_tables(text: str, first: str, until: str) -> str:
    """The text without the tables from the title line `first` up to the title line `until`."""
    lines = text.split("\n")
    start = lines.index(first, 60)  # after the table of contents
    end = lines.index(until, start)
    return "\n".join(lines[:start] + lines[end:])


# Printed amounts replaced by what no parser can read as an amount (a letter l for a 1, two
# decimal points, words, a spreadsheet error, more decimals than a fen, digits run together).
BAD_NUMBERS = {
    "1\t2,413.52\t一、一般公共服务支出\t32\t2,413.52": (
        "1\t2,4l3.52\t一、一般公共服务支出\t32\t2.413.52"
    ),
    "合计\t\t2,413.52\t2,084.48\t329.04\t0.00\t0.00\t0.00": (
        "合计\t\t贰仟肆佰壹拾叁\t#REF!\t329.04\t0.00\t0.00\t0.00"
    ),
    "30199\t其他工资福利支出\t25.28": "30199\t其他工资福利支出\t25.2812345",
    "30214\t租赁费\t1,113.69": "30214\t租赁费\t111369111369111369.00",  # cells run together
    # A number in the prose too large for any amount (the year's files would not take it).
    "完成年初预算的 79.88%": "完成年初预算的 7988888888888888888888.88%",
}


def bad_numbers(text: str) -> str:
    for printed, broken in BAD_NUMBERS.items():
        assert printed in text, printed
        text = text.replace(printed, broken, 1)
    return text


def as_html(text: str, head: str = "", body_start: str = "") -> str:
    """A web page of a text disclosure: tab-separated lines as table rows, others as <p>."""
    parts = [f"<!DOCTYPE html><html><head>{head}<title>部门决算</title></head><body>{body_start}"]
    in_table = False
    for line in text.split("\n"):
        if "\t" in line:
            if not in_table:
                parts.append("<table border=1>")
                in_table = True
            cells = "".join(f"<td>{_esc(cell)}</td>" for cell in line.split("\t"))
            parts.append(f"<tr>{cells}</tr>")
            continue
        if in_table:
            parts.append("</table>")
            in_table = False
        if line.strip():
            parts.append(f"<p>{_esc(line)}</p>")
    parts.append("</table></body></html>" if in_table else "</body></html>")
    return "\n".join(parts)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# Script, style and noscript content that must never become rows: a fake cover, a fake total.
SCRIPT_MARK = "假冒"
SCRIPTS = (
    "<script>var title = '2099年度假冒部门决算'; "
    "document.write('<table><tr><td>合计</td><td>9,999.99</td></tr></table>');</script>"
    "<style>td::before { content: '2099年度假冒部门决算 9,999.99'; }</style>"
)
BODY_SCRIPTS = (
    "<script type='text/javascript'>\n2099年度假冒部门决算\n合计\t9,999.99\n</script>"
    "<noscript>2099年度假冒部门决算 请启用 JavaScript</noscript>"
    "<template><p>2099年度假冒部门决算</p></template>"
)


def pdf_bytes(pages: list[list[str]], encrypt: object = None, ruled: bool = False) -> bytes:
    """A PDF with a text layer (CJK text in the built-in STSong-Light font), one list of lines
    per page; `ruled` draws a grid under tab-separated lines, as tables are printed."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, encrypt=encrypt, invariant=1)
    for lines in pages:
        pdf.setFont("STSong-Light", 10)
        y = 800
        for line in lines:
            if ruled and "\t" in line:
                cells = line.split("\t")
                for i, cell in enumerate(cells):
                    pdf.rect(40 + 110 * i, y - 4, 110, 16)
                    pdf.drawString(44 + 110 * i, y, cell)
            else:
                pdf.drawString(40, y, line)
            y -= 16
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def scanned_pdf() -> bytes:
    """A page with no text layer: an image of a page (as a scanner makes), nothing else."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("L", (600, 800), 255)
    draw = ImageDraw.Draw(image)
    for y in range(100, 700, 40):
        draw.rectangle((60, y, 540, y + 12), fill=40)  # lines of "ink"
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=1)
    pdf.drawImage(ImageReader(image), 0, 0, width=595, height=842)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    from reportlab.lib import pdfencrypt

    cover = [["2023年度", "某市财政局部门决算"]]
    return pdf_bytes(cover, encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))


def cover_pdf() -> bytes:
    """A real PDF of a cover and one ruled table (to be named .xlsx)."""
    table = [
        "收入决算表",
        "公开 02 表",
        "单位：万元",
        "项目\t本年收入合计\t财政拨款收入",
        "合计\t2,413.52\t2,413.52",
    ]
    return pdf_bytes([["2023年度", "某市统计局部门决算"], table], ruled=True)


def zip_bomb(kind: str) -> bytes:
    """An .xlsx or .docx whose main part inflates a thousandfold (8 MB of zeros in 8 kB)."""
    main = {"xlsx": "xl/workbook.xml", "docx": "word/document.xml"}[kind]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main, b"<" + b"\x20" * (8 << 20) + b"/>")
    return buffer.getvalue()


def size_bomb(declared: int = 300 << 20) -> bytes:
    """An .xlsx whose central directory declares a 300 MB member (the zip is 1 kB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    data = bytearray(buffer.getvalue())
    # The uncompressed size of the central directory's entry for xl/workbook.xml (offset 24).
    entry = data.rindex(b"PK\x01\x02")
    struct.pack_into("<I", data, entry + 24, declared)
    return bytes(data)


def colspan_bomb(rows: int = 60, span: int = 1000) -> str:
    """A page of a few kB whose table spreads to rows × 1000 cells (the HTML colspan limit)."""
    row = f'<tr><td colspan="{span}">x</td><td>1.00</td></tr>'
    return "<html><body><p>2023年度某局部门决算</p><table>" + row * rows + "</table></body></html>"


def truncated_pdf() -> bytes:
    """A three-page PDF cut off at 60 % of its bytes, as a failed download leaves it."""
    whole = pdf_bytes([["2023年度", "某市财政局部门决算"], ["第二页"], ["第三页"]])
    return whole[: int(len(whole) * 0.6)]


def corrupt_pdf() -> bytes:
    """A PDF header and end marker around bytes that are no PDF at all."""
    noise = bytes((i * 7919 + 13) % 251 for i in range(4000))
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + noise + b"\nstartxref\n9\n%%EOF\n"


def many_pages(count: int = LIMITS["MAX_PAGES"] + 1) -> bytes:
    return pdf_bytes([["2023年度某局部门决算", f"第 {n} 页"] for n in range(1, count + 1)])


def garbage(tag: str) -> bytes:
    """Bytes no text encoding reads (refused by the text reader), distinct per tag."""
    return b"\x80\x80\xff\xff garbage " + tag.encode("utf-8", errors="surrogateescape")


@dataclass(frozen=True)
class Case:
    key: str  # test id
    input: str  # what the input is (for the table)
    files: dict[str, bytes | str] = field(default_factory=dict)  # name -> content
    outcome: str = "parsed"  # parsed | parsed with findings | quarantined | refused | skipped
    message: str = ""  # a regex the status reason (or skip reason) must match
    note: str = ""  # what else the test checks (for the table)

    def write(self, folder: Path) -> list[Path]:
        written = []
        for name, content in self.files.items():
            path = folder / name
            data = content.encode("utf-8") if isinstance(content, str) else content
            path.write_bytes(data)
            written.append(path)
        return written

    @property
    def names(self) -> list[str]:
        return list(self.files)


def cases() -> list[Case]:
    seed = seed_text()
    html_seed = as_html(seed_variant("（网页版）"))
    gbk_page = as_html(seed_variant("（网页版，GBK）"), head='<meta charset="utf-8">')
    scripted = as_html(seed_variant("（网页版，脚本）"), head=SCRIPTS, body_start=BODY_SCRIPTS)
    missing = without_tables(
        seed_variant("（缺表）"), "财政拨款收入支出决算总表", "政府性基金预算财政拨款收入支出决算表"
    )
    duplicate = seed_variant("（同一文件，两个名字）")
    odd = [
        Case(
            f"odd-name-{i}",
            f"file name with {what}",
            {name: garbage(name)},
            "quarantined",
            "text is neither UTF-8 nor GB18030",
            "the reason starts with the name, control characters escaped; stored by sha256 only",
        )
        for i, (name, what) in enumerate(ODD.items(), start=1)
    ]
    return [
        Case("seed", "the seed disclosure (baseline)", {"seed-2023.txt": seed}),
        Case("empty-pdf", "zero-byte PDF", {"empty-2023.pdf": b""}, "quarantined",
             r"cannot be read as a PDF: the file is empty \(0 bytes\); download it again"),
        Case("truncated-pdf", "PDF cut off at 60 % of its bytes",
             {"truncated-2023.pdf": truncated_pdf()}, "quarantined",
             r"the PDF is truncated \(it does not end with %%EOF\)"),
        Case("corrupt-pdf", "PDF header and trailer around noise",
             {"corrupt-2023.pdf": corrupt_pdf()}, "quarantined", r"not a readable PDF \("),
        Case("encrypted-pdf", "PDF encrypted with a user password (reportlab)",
             {"encrypted-2023.pdf": encrypted_pdf()}, "quarantined",
             "the PDF is encrypted with a password"),
        Case("scanned-pdf", "image-only PDF, tesseract missing",
             {"scanned-2023.pdf": scanned_pdf()}, "quarantined",
             "page 1 is a scan without a text layer and OCR is not available"),
        Case("pdf-as-xlsx", "a PDF named .xlsx", {"statistics-2023.xlsx": cover_pdf()}, "parsed",
             "",
             "read as a PDF: department and table 02 found"),
        Case("html-as-xls", "a web page named .xls", {"page-2023.xls": html_seed}, "parsed", "",
             "read as HTML"),
        Case("html-as-pdf", "an error page (HTML) named .pdf",
             {"download-2023.pdf": "<html><body><h1>404 Not Found</h1></body></html>"}, "refused",
             "not a final-accounts disclosure"),
        Case("text-as-docx", "tab-separated text named .docx",
             {"export-2023.docx": seed_variant("（文本，误作 docx）")}, "parsed", "",
             "read as text"),
        Case("gbk-as-utf8", "GBK page declaring <meta charset=utf-8>",
             {"gbk-2023.html": gbk_page.encode("gbk")}, "parsed", "",
             "department name read right, not mojibake"),
        Case("scripts-html", "web page with <script>, <style>, <noscript>, <template>",
             {"scripted-2023.html": scripted}, "parsed", "",
             "no row holds script text (a fake 2099 cover, a fake total)"),
        Case("xlsx-bomb", "xlsx zip bomb (8 MB of blanks in 8 kB)", {"bomb.xlsx": zip_bomb("xlsx")},
             "quarantined", r"refused unopened: member 'xl/workbook.xml' is compressed \d+ to 1, "
             r"more than the limit of 100 \(a zip bomb\)"),
        Case("docx-bomb", "docx zip bomb", {"bomb.docx": zip_bomb("docx")}, "quarantined",
             r"refused unopened: member 'word/document.xml' is compressed \d+ to 1"),
        Case("xlsx-size-bomb", "xlsx declaring a 300 MB member", {"huge.xlsx": size_bomb()},
             "quarantined", r"refused unopened: the archive would inflate to 300 MB, more than "
             r"the 200 MB limit"),
        Case("many-pages", f"PDF of {LIMITS['MAX_PAGES'] + 1} pages (limit {LIMITS['MAX_PAGES']})",
             {"many-pages-2023.pdf": many_pages()}, "quarantined",
             rf"refused: {LIMITS['MAX_PAGES'] + 1} pages \(or sheets\), more than the limit of "
             rf"{LIMITS['MAX_PAGES']} per document"),
        Case("colspan-bomb", "6 kB page whose colspans make 60,000 cells",
             {"colspan-2023.html": colspan_bomb()}, "quarantined",
             r"refused: more than 50,000 cells"),
        Case("wide-row", "text of one row of 60,000 cells", {"wide-2023.txt": "\t" * 60_000},
             "quarantined", r"refused: more than 50,000 cells"),
        Case("unsupported-doc", "Word 97 .doc", {"old-2023.doc": b"\xd0\xcf\x11\xe0 not read"},
             "quarantined", r"format 'doc' is not supported yet"),
        *odd,
        Case("gbk-bytes-name", "file name in GBK bytes (not UTF-8)",
             {os.fsdecode(GBK_NAME_BYTES): seed_variant("（GBK 文件名）")}, "parsed", "",
             f"recorded as {GBK_NAME!r}"),
        Case("duplicate", "same bytes under two names",
             {"duplicate-a.txt": duplicate, "duplicate b (copy).txt": duplicate}, "parsed", "",
             "one document, both names in the raw store"),
        Case("missing-tables", "the seed without tables 04-06",
             {"missing-tables-2023.txt": missing}, "parsed", "",
             "a lower score than the seed's"),
        Case("bad-numbers", "the seed with amounts that do not parse",
             {"bad-numbers-2023.txt": bad_numbers(seed_variant("（坏数字）"))},
             "parsed with findings", r"not an amount: '2,4l3\.52'",
             "no crash; the findings name the cells"),
        Case("hidden", "hidden files (names starting with a dot)",
             {"..\\..\\etc\\passwd.txt": garbage("hidden"), "._statistics-2023.pdf": b"\0\5\26\7"},
             "skipped", r"hidden file \(its name starts with a dot\)"),
        Case("not-a-document", "notes and an archive in the source folder",
             {"notes.md": "# notes", "archive.zip": b"PK\x05\x06" + b"\0" * 18}, "skipped",
             r"not a document format \(\.(md|zip)\)"),
    ]  # fmt: skip


def readable(text: str, code: bool = False) -> str:
    """For the table: a name or message on one line; pipes escaped, and outside a code span
    angle brackets too (not read as HTML)."""
    from juesuan.rawstore import display_name

    return re.sub(r"([|])" if code else r"([|<>])", r"\\\1", display_name(text))
