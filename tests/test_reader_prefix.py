"""Reading only a document's first rows (`max_rows`), and the fast readers' agreement with the
libraries they stand in for.

- `read_document(path, max_rows=k)` gives exactly the first rows of the whole reading (at least
  k of them, or all), for every format, on synthetic disclosures and on the documents of the
  office reader tests.
- The .xlsx reader reads the package with lxml; openpyxl (`_read_openpyxl`, the reading it
  replaces) must give the same rows for every workbook, including workbooks written here XML by
  XML with what openpyxl handles its own way (rich text, dates, merged ranges, formulas...). A
  workbook the lxml reading does not cover goes to openpyxl.
- The .docx reader parses the main part with lxml (python-docx is no longer loaded) and reads
  plain tables in one pass; python-docx's tree and the general table reading must agree.
- The .html reader parses with lxml; a page nested deeper than libxml2 goes is parsed by
  BeautifulSoup.

Every input is SYNTHETIC, built here in tmp_path, marked so in its name and in its content.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import docx as python_docx
import openpyxl
import pytest
from lxml import etree

from juesuan.readers import UnreadableDocument, limits, read_document
from juesuan.readers import docx as docx_reader
from juesuan.readers import html as html_reader
from juesuan.readers import xlsx as xlsx_reader
from juesuan.synthetic.__main__ import document as synthetic_document
from juesuan.synthetic.render import render

MARK = "SYNTHETIC test file, not a disclosure"
FORMATS = ("txt", "html", "xlsx", "docx")


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> list[Path]:
    """Four synthetic disclosures (random layouts) in each format but PDF."""
    folder = tmp_path_factory.mktemp("synthetic-prefix")
    paths = []
    for n in range(4):
        accounts, layout = synthetic_document(7, n)
        for fmt in FORMATS:
            paths.append(render(accounts, layout, fmt, folder / f"synthetic-{n}.{fmt}"))
    return paths


def assert_prefixes(path: Path) -> None:
    """Every prefix reading is the start of the whole reading, and long enough."""
    whole = read_document(path)
    count = len(whole.rows)
    for wanted in sorted({0, 1, 2, 3, 5, 12, 40, count // 2, count - 1, count, count + 1}):
        if wanted < 0:
            continue
        part = read_document(path, max_rows=wanted)
        assert part.format == whole.format
        assert part.rows == whole.rows[: len(part.rows)], (path.name, wanted)
        assert len(part.rows) >= min(wanted, count), (path.name, wanted)


def test_prefixes_of_synthetic_disclosures(synthetic: list[Path]) -> None:
    for path in synthetic:
        assert_prefixes(path)


@pytest.mark.parametrize("fmt", ["html", "xlsx", "docx"])
def test_a_cover_reading_stops_early(synthetic: list[Path], fmt: str) -> None:
    for path in (p for p in synthetic if p.suffix == f".{fmt}"):
        whole = read_document(path)
        cover = read_document(path, max_rows=40)
        assert 40 <= len(cover.rows) < len(whole.rows) / 2, path.name


def test_prefixes_of_office_documents(tmp_path: Path) -> None:
    """The documents of the office reader tests: merged cells, hidden rows and sheets, nested
    tables, page breaks, spans."""
    from test_readers_office import PAGE

    (tmp_path / "SYNTHETIC-page.html").write_text(PAGE, encoding="utf-8")
    for path in [
        tmp_path / "SYNTHETIC-page.html",
        write_openpyxl_workbook(tmp_path / "SYNTHETIC-book.xlsx"),
        write_python_docx(tmp_path / "SYNTHETIC-doc.docx"),
    ]:
        assert_prefixes(path)
    text = tmp_path / "SYNTHETIC-text.txt"
    text.write_text(f"{MARK}\n\na\t\tb\n\f第二页\n" * 5, encoding="utf-8")
    assert_prefixes(text)


def test_a_pdf_ignores_max_rows(tmp_path: Path) -> None:
    from bad_inputs.corpus import pdf_bytes

    path = tmp_path / "SYNTHETIC-prefix.pdf"
    path.write_bytes(pdf_bytes([[MARK, "第一页"], ["第二页"]]))
    assert read_document(path, max_rows=1).rows == read_document(path).rows


def test_a_prefix_of_a_disguised_file_goes_to_its_reader(tmp_path: Path) -> None:
    path = tmp_path / "SYNTHETIC-page.xls"
    path.write_text("".join(f"<p>{MARK} {n}</p>" for n in range(50)), encoding="utf-8")
    part = read_document(path, max_rows=3)
    assert (part.format, len(part.rows)) == ("html", 3)


# --- xlsx: lxml against openpyxl ----------------------------------------------------------------


def write_openpyxl_workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "表1"
    sheet["A1"] = f"收入决算表 {MARK}"
    sheet.merge_cells("A1:D1")
    sheet["A3"], sheet["B3"] = "项目", "金额"
    sheet.merge_cells("A3:A4")
    sheet.merge_cells("B3:C3")
    sheet["B4"], sheet["C4"] = "本年\n合计", "上年"
    for row in range(5, 60):
        sheet.cell(row, 1, f"科目{row}")
        sheet.cell(row, 3, row * 1.1).number_format = "#,##0.00"
    sheet.row_dimensions[6].hidden = True
    other = book.create_sheet("Sheet 2")
    other["A1"] = dt.datetime(2024, 9, 30)
    other["B1"] = 7
    other["C1"] = True
    other["D1"] = dt.date(2024, 1, 2)
    other["E1"] = 0.1234
    other["E1"].number_format = "0.00%"
    hidden = book.create_sheet("hidden")
    hidden["A1"] = "不读"
    hidden.sheet_state = "hidden"
    book.save(path)
    return path


def assert_same_as_openpyxl(path: Path, lxml_reads_it: bool = True) -> None:
    data = path.read_bytes()

    def outcome(reader):
        try:
            document = reader(path, data, None)
        except UnreadableDocument as exc:
            return str(exc)
        return document.rows, document.page_count

    expected = outcome(xlsx_reader._read_openpyxl)
    if lxml_reads_it:
        assert outcome(xlsx_reader._read_lxml) == expected
    else:
        with pytest.raises(Exception):  # noqa: B017 - whatever it is, openpyxl reads the file
            xlsx_reader._read_lxml(path, data, None)
    assert outcome(lambda path, _data, _rows: read_document(path)) == expected


def test_xlsx_workbooks_of_openpyxl(tmp_path: Path, synthetic: list[Path]) -> None:
    assert_same_as_openpyxl(write_openpyxl_workbook(tmp_path / "SYNTHETIC-book.xlsx"))
    for path in (p for p in synthetic if p.suffix == ".xlsx"):
        assert_same_as_openpyxl(path)


def test_xlsx_chart_sheet_is_no_page(tmp_path: Path) -> None:
    """A chart sheet is not a worksheet: the sheets after it keep their pages. (openpyxl 3.1.5
    cannot load back a chart sheet it wrote without a chart; the lxml reading passes it over.)"""
    book = openpyxl.Workbook()
    book.active["A1"] = MARK
    book.create_chartsheet("图表")
    book.create_sheet("后")["A1"] = "第二页"
    path = tmp_path / "SYNTHETIC-chart.xlsx"
    book.save(path)
    source = read_document(path)
    assert [(r.ref, r.page) for r in source.rows] == [("Sheet!A1", 1), ("后!A1", 2)]
    assert source.page_count == 2


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STYLES = (
    f'<styleSheet xmlns="{_MAIN}"><numFmts count="3">'
    '<numFmt numFmtId="164" formatCode="#,##0.00;[Red]-#,##0.00"/>'
    '<numFmt numFmtId="165" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>'
    '<numFmt numFmtId="166" formatCode="[h]:mm:ss"/></numFmts>'
    '<cellXfs count="7"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/>'
    '<xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="10"/><xf/></cellXfs></styleSheet>'
)
_STRINGS = (
    f'<sst xmlns="{_MAIN}"><si><t>{MARK}</t></si>'
    "<si><r><rPr><b/></rPr><t>本年</t></r><r><t xml:space='preserve'> 收入</t></r>"
    '<rPh sb="0" eb="1"><t>ほん</t></rPh></si>'
    "<si><t>A_x005F_x000D_B</t></si><si><t/></si><si><t>项 目\n合计</t></si></sst>"
)


def write_xlsx(
    path: Path,
    sheets: list[str],
    states: list[str] | None = None,
    workbook_pr: str = "",
    styles: str = _STYLES,
) -> Path:
    """A workbook from the XML of each sheet's <sheetData> and what follows it."""
    states = states or ["visible"] * len(sheets)
    entries = "".join(
        f'<sheet name="S{n}" sheetId="{n}" state="{state}" r:id="rId{n}"/>'
        for n, state in enumerate(states, start=1)
    )
    rels = "".join(
        f'<Relationship Id="rId{n}" Target="worksheets/sheet{n}.xml" Type="'
        'http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
        for n in range(1, len(sheets) + 1)
    )
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{sheet_type}"/>'
        for n in range(1, len(sheets) + 1)
    )
    base = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{base}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{base}.styles+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{base}.sharedStrings+xml"/>'
            f"{overrides}</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
            "</Relationships>",
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_R}">{workbook_pr}<sheets>{entries}</sheets>'
            "</workbook>",
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{rels}</Relationships>",
        )
        archive.writestr("xl/styles.xml", styles)
        archive.writestr("xl/sharedStrings.xml", _STRINGS)
        for n, body in enumerate(sheets, start=1):
            if not body.startswith("<?xml"):  # the sheet's whole XML
                body = f'<worksheet xmlns="{_MAIN}">{body}'
            archive.writestr(f"xl/worksheets/sheet{n}.xml", body)
    return path


def data(rows: str, after: str = "", before: str = "") -> str:
    return f"{before}<sheetData>{rows}</sheetData>{after}</worksheet>"


VALUES = data(
    '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    '<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="s"><v>2</v></c><c r="C2" t="s"><v>3</v>'
    '</c><c r="D2" t="s"><v>4</v></c></row>'
    '<row r="3"><c r="A3" s="1"><v>-2413.5200000000001</v></c><c r="B3" s="1"><v>0</v></c>'
    '<c r="C3" s="2"><v>45565</v></c><c r="D3" s="3"><v>45565.5</v></c><c r="E3" s="4">'
    '<v>1.5</v></c><c r="F3" s="5"><v>0.123456</v></c><c r="G3" s="2"><v>1e300</v></c></row>'
    '<row r="4"><c r="A4" t="b"><v>1</v></c><c r="B4" t="e"><v>#REF!</v></c>'
    '<c r="C4" t="str"><f>A1</f><v>公式结果</v></c><c r="D4" t="d"><v>2024-09-30T00:00:00</v>'
    '</c><c r="E4" t="inlineStr"><is><r><t>内联</t></r><r><t>富文本</t></r></is></c>'
    '<c r="F4" t="inlineStr"><is><t>x</t><t>后一个</t></is></c><c r="G4" t="inlineStr"/>'
    '<c r="H4"><v></v></c><c r="I4" s="6"><v>12</v></c></row>'
    "<row><c><v>7</v></c><c/><c><v>8.25</v></c><c r='F5'><v>9</v></c><c><v>10</v></c></row>"
    '<row r="8" spans="1:2"><c r="B8"><v>3</v></c></row>'
)


@pytest.mark.parametrize(
    ("name", "sheets", "options"),
    [
        ("values", [VALUES], {}),
        ("date1904", [VALUES], {"workbook_pr": '<workbookPr date1904="1"/>'}),
        (
            "merged",
            [
                data(
                    "".join(
                        f'<row r="{r}">'
                        + "".join(f'<c r="{col}{r}"><v>{r}</v></c>' for col in "ABCDE")
                        + "</row>"
                        for r in range(1, 9)
                    ),
                    '<mergeCells count="4"><mergeCell ref="A1:C1"/><mergeCell ref="B1:B3"/>'
                    '<mergeCell ref="D2:E3"/><mergeCell ref="A5:CV80"/></mergeCells>',
                )
            ],
            {},
        ),
        (
            "hidden",
            [
                data(
                    '<row r="1" hidden="1"><c r="A1"><v>1</v></c></row>'
                    '<row r="2" hidden="true" customHeight="1" ht="3"><c r="A2"><v>2</v></c></row>'
                    '<row r="3" hidden="0" ht="20" customHeight="1"><c r="A3"><v>3</v></c></row>'
                    '<row r="4" hidden="false"><c r="A4"><v>4</v></c></row>'
                    '<row r="5" ht="20"><c r="A5"><v>5</v></c></row>'
                ),
                data('<row r="1"><c r="A1"><v>6</v></c></row>'),
                data('<row r="1"><c r="A1"><v>7</v></c></row>'),
            ],
            {"states": ["visible", "hidden", "veryHidden"]},
        ),
        (
            "formula-computed",
            [data('<row r="1"><c r="A1"><f>1+1</f></c><c r="B1"><f>2+2</f><v>4</v></c></row>')],
            {},
        ),
        (
            "formula-uncomputed",
            [
                data('<row r="1"><c r="A1"><v>1</v></c></row>'),
                data('<row r="3"><c r="C3"><f>1+1</f></c><c r="D3" t="str"><f>""</f></c></row>'),
            ],
            {"states": ["visible", "hidden"]},
        ),
        (
            "formula-outside-dimension",  # openpyxl's read-only reading stops at <dimension>
            [
                data(
                    '<row r="1"><c r="A1"><f>1+1</f></c></row>'
                    '<row r="3"><c r="C3"><f>2+2</f><v>4</v></c></row>',
                    before='<dimension ref="A1:B2"/>',
                )
            ],
            {},
        ),
        (
            "formula-merged",  # a merged cell's saved result is not read
            [
                data(
                    '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f>1+1</f><v>2</v></c></row>',
                    '<mergeCells><mergeCell ref="A1:B1"/></mergeCells>',
                )
            ],
            {},
        ),
    ],
)
def test_xlsx_written_by_hand_reads_as_openpyxl_reads_it(
    tmp_path: Path, name: str, sheets: list[str], options: dict
) -> None:
    path = write_xlsx(tmp_path / f"SYNTHETIC-{name}.xlsx", sheets, **options)
    assert_same_as_openpyxl(path)


UNORDERED = '<row r="2"><c r="A2"><v>2</v></c></row><row r="1"><c r="A1"><v>1</v></c></row>'


@pytest.mark.parametrize(
    ("name", "sheets", "options"),
    [
        (
            "rows-out-of-order",
            [data(UNORDERED)],
            {},
        ),
        (
            "cell-in-another-row",
            [data('<row r="1"><c r="A1"><v>1</v></c><c r="B3"><v>3</v></c></row>')],
            {},
        ),
        ("duplicate-cell", [data('<row r="1"><c r="A1"><v>1</v></c><c r="A1"></c></row>')], {}),
        ("absolute-reference", [data('<row r="1"><c r="$A$1"><v>1</v></c></row>')], {}),
        (
            "format-missing",
            [data('<row r="1"><c r="A1" s="1"><v>1.5</v></c></row>')],
            {
                "styles": f'<styleSheet xmlns="{_MAIN}"><cellXfs><xf/><xf numFmtId="170"/>'
                "</cellXfs></styleSheet>"
            },
        ),
        ("style-out-of-range", [data('<row r="1"><c r="A1" s="9"><v>1</v></c></row>')], {}),
        ("string-out-of-range", [data('<row r="1"><c r="A1" t="s"><v>99</v></c></row>')], {}),
        ("not-a-number", [data('<row r="1"><c r="A1"><v>abc</v></c></row>')], {}),
    ],
)
def test_xlsx_the_lxml_reading_does_not_cover_goes_to_openpyxl(
    tmp_path: Path, name: str, sheets: list[str], options: dict
) -> None:
    path = write_xlsx(tmp_path / f"SYNTHETIC-{name}.xlsx", sheets, **options)
    assert_same_as_openpyxl(path, lxml_reads_it=False)


LONG = "".join(
    f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c><c r="B{r}"><v>{r}</v></c></row>'
    for r in range(1, 120)
)


@pytest.mark.parametrize(
    ("name", "sheet"),
    [
        ("long", data(LONG, '<mergeCells count="1"><mergeCell ref="A1:B2"/></mergeCells>')),
        ("prefixed", data(LONG).replace("<", "<x:").replace("<x:/", "</x:")),
        (
            "late-duplicate-row",  # openpyxl puts its cells in row 2
            data(LONG + '<row r="2"><c r="C2"><v>9</v></c></row>'),
        ),
        ("late-cell-above", data(LONG + '<row r="121"><c r="C3"><v>9</v></c></row>')),
        ("late-entity", data(LONG + '<row r="121"><c r="&#67;3"><v>9</v></c></row>')),
        ("late-hidden", data(LONG + '<row r="3" hidden="1"/>')),
        (
            "late-merge-in-ext",
            data(LONG, '<extLst><mergeCells><mergeCell ref="A1:B1"/></mergeCells></extLst>'),
        ),
        (
            "merge-before-rows",
            data(LONG, before='<mergeCells><mergeCell ref="B1:B4"/></mergeCells>'),
        ),
    ],
)
def test_xlsx_first_rows_of_a_long_sheet(tmp_path: Path, name: str, sheet: str) -> None:
    """The first rows are read from the sheet's start alone only when nothing after them can
    change them: each prefix is the start of openpyxl's reading of the whole sheet."""
    if name == "prefixed":
        sheet = f'<?xml version="1.0"?><x:worksheet xmlns:x="{_MAIN}">' + sheet
    path = write_xlsx(tmp_path / f"SYNTHETIC-{name}.xlsx", [sheet])
    data_ = path.read_bytes()
    try:
        expected = xlsx_reader._read_openpyxl(path, data_, None).rows
    except UnreadableDocument:
        with pytest.raises(UnreadableDocument):
            read_document(path)
        return
    assert read_document(path).rows == expected
    for wanted in (1, 2, 5, 40, 118, 119, 200):
        part = read_document(path, max_rows=wanted).rows
        assert part == expected[: len(part)] and len(part) >= min(wanted, len(expected))


def test_xlsx_prefixed_formulas_are_found(tmp_path: Path) -> None:
    sheet = (
        (
            f'<?xml version="1.0"?><x:worksheet xmlns:x="{_MAIN}"><x:sheetData>{LONG}'
            '<x:row r="200"><x:c r="A200"><x:f>1+1</x:f></x:c></x:row></x:sheetData></x:worksheet>'
        )
        .replace('<row r="', '<x:row r="')
        .replace("</row>", "</x:row>")
    )
    sheet = sheet.replace("<c ", "<x:c ").replace("</c>", "</x:c>")
    sheet = sheet.replace("<v>", "<x:v>").replace("</v>", "</x:v>")
    path = write_xlsx(tmp_path / "SYNTHETIC-prefixed-formula.xlsx", [sheet])
    with pytest.raises(UnreadableDocument, match=r"saved result.*S1!A200"):
        read_document(path, max_rows=2)


def test_xlsx_prefix_still_refuses_uncomputed_formulas(tmp_path: Path) -> None:
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 100))
    path = write_xlsx(
        tmp_path / "SYNTHETIC-late-formula.xlsx",
        [data(rows), data('<row r="1"><c r="B1"><f>1+1</f></c></row>')],
    )
    with pytest.raises(UnreadableDocument, match=r"no formula has a saved result.*S2!B1"):
        read_document(path, max_rows=3)


def test_xlsx_cells_over_the_limit_are_refused(tmp_path: Path, monkeypatch) -> None:
    wide = "".join(f'<c r="{col}1"><v>1</v></c>' for col in ("A", "Z", "AZ"))
    path = write_xlsx(tmp_path / "SYNTHETIC-wide.xlsx", [data(f'<row r="1">{wide}</row>')])
    monkeypatch.setattr(limits, "MAX_CELLS", 51)
    with pytest.raises(limits.LimitExceeded, match="more than 51 cells"):
        read_document(path)
    monkeypatch.setattr(limits, "MAX_CELLS", 52)
    assert read_document(path).rows[0].cells[-1] == "1"


def test_xlsx_cells_counted_before_openpyxl_takes_over_are_not_counted_twice(
    tmp_path: Path, monkeypatch
) -> None:
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 31))
    path = write_xlsx(tmp_path / "SYNTHETIC-late-problem.xlsx", [data(rows), data(UNORDERED)])
    monkeypatch.setattr(limits, "MAX_CELLS", 40)  # 31 cells: read twice, 62
    assert len(read_document(path).rows) == 32


# --- docx: lxml against python-docx --------------------------------------------------------------


def write_python_docx(path: Path) -> Path:
    from docx.enum.text import WD_BREAK

    document = python_docx.Document()
    document.add_paragraph(MARK)
    document.add_paragraph("")
    for n in range(3):
        document.add_paragraph(f"收入决算表 {n}")
        table = document.add_table(rows=6, cols=5)
        for r in range(6):
            for c in range(5):
                if (r + c) % 3:
                    table.cell(r, c).text = f"{r}-{c}"
        table.cell(0, 0).merge(table.cell(1, 0))
        table.cell(0, 1).merge(table.cell(0, 3))
        if n == 1:
            nested = table.cell(5, 4).add_table(rows=1, cols=2)
            nested.cell(0, 0).text, nested.cell(0, 1).text = "嵌套", "表格"
        paragraph = document.add_paragraph("注：")
        paragraph.add_run().add_break(WD_BREAK.PAGE)
        paragraph.add_run("下一页\t制表")
    document.save(path)
    return path


def _with_odd_tables(path: Path) -> Path:
    """The document with tables python-docx does not write: a row in a content control, a stray
    paragraph in a row, a page break in a cell, tcPr with gridSpan and hMerge, gridBefore."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    root = etree.fromstring(parts["word/document.xml"])
    tables = [t for t in root.iter(f"{{{w}}}tbl") if t.getparent().tag == f"{{{w}}}body"]

    def q(tag: str) -> str:
        return f"{{{w}}}{tag}"

    rows = list(tables[0].iterchildren(q("tr")))
    sdt = etree.SubElement(tables[0], q("sdt"))
    etree.SubElement(sdt, q("sdtContent")).append(rows[2])
    stray = etree.SubElement(list(tables[2].iterchildren(q("tr")))[1], q("p"))
    etree.SubElement(etree.SubElement(stray, q("r")), q("t")).text = "行外"
    cell = next(tables[2].iter(q("tc")))
    run = next(cell.iter(q("r")))
    etree.SubElement(run, q("br")).set(q("type"), "page")
    properties = next(tables[1].iter(q("tcPr")))
    etree.SubElement(properties, q("gridSpan")).set(q("val"), "2")
    etree.SubElement(properties, q("hMerge")).set(q("val"), "restart")
    row_properties = etree.SubElement(next(tables[1].iter(q("tr"))), q("trPr"))
    etree.SubElement(row_properties, q("gridBefore")).set(q("val"), "1")
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    odd = path.with_name("SYNTHETIC-odd.docx")
    with zipfile.ZipFile(odd, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return odd


def test_docx_main_part_is_the_tree_python_docx_gives(tmp_path: Path, synthetic) -> None:
    paths = [write_python_docx(tmp_path / "SYNTHETIC-doc.docx")]
    paths += [p for p in synthetic if p.suffix == ".docx"]
    for path in paths:
        data = path.read_bytes()
        ours = docx_reader._main_body(data)
        theirs = python_docx.Document(io.BytesIO(data)).element.body
        assert etree.tostring(ours) == etree.tostring(theirs)


def test_docx_tables_read_in_one_pass_as_in_general(tmp_path: Path, synthetic, monkeypatch):
    paths = [write_python_docx(tmp_path / "SYNTHETIC-doc.docx")]
    paths += [p for p in synthetic if p.suffix == ".docx"]
    paths.append(_with_odd_tables(paths[0]))
    one_pass = 0
    for path in paths:
        body = docx_reader._main_body(path.read_bytes())
        for table in body.iter(f"{{{docx_reader._WML}}}tbl"):
            fast = docx_reader._plain_table_rows(table)
            if fast is not None:
                one_pass += 1
                assert fast == docx_reader._wrapped_table_rows(table)
        whole = read_document(path)
        monkeypatch.setattr(docx_reader, "_plain_table_rows", lambda table: None)
        assert read_document(path) == whole
        monkeypatch.undo()
    assert one_pass > 20


def test_docx_prefixes_of_odd_documents(tmp_path: Path) -> None:
    """Content controls, text boxes and Word's recorded layout where a prefix reading would cut
    the body: each prefix is still the start of the whole reading."""
    path = write_python_docx(tmp_path / "SYNTHETIC-doc.docx")
    odd = _with_odd_tables(path)
    with zipfile.ZipFile(odd) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts["word/document.xml"].decode("utf-8")
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    assert w in xml
    box = (
        "<w:p><w:r><w:pict><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>第二段</w:t></w:r></w:p></w:txbxContent></w:pict></w:r></w:p>"
    )
    control = "<w:sdt><w:sdtContent>" + "<w:p><w:r><w:t>控件</w:t></w:r></w:p>" * 3
    control += "</w:sdtContent></w:sdt>"
    body = xml.index("<w:body>") + len("<w:body>")
    variants = {
        "boxes": xml[:body] + (box + control) * 6 + xml[body:],
        "rendered": xml.replace("<w:t>下一页", "<w:lastRenderedPageBreak/><w:t>下一页", 1),
    }
    for name, text in variants.items():
        parts["word/document.xml"] = text.encode("utf-8")
        variant = tmp_path / f"SYNTHETIC-{name}.docx"
        with zipfile.ZipFile(variant, "w") as archive:
            for part, content in parts.items():
                archive.writestr(part, content)
        assert_prefixes(variant)
    assert_prefixes(odd)


def test_docx_odd_tables_read(tmp_path: Path) -> None:
    source = read_document(_with_odd_tables(write_python_docx(tmp_path / "SYNTHETIC-doc.docx")))
    rows = {r.ref: r for r in source.rows}
    # The third row, put in a content control at the end of its table, is read there.
    assert rows["t1r6"].cells == ("2-0", "", "2-2", "2-3", "")
    assert not [r for r in source.rows if "行外" in r.text]  # a paragraph outside the cells
    assert rows["t2r1"].cells[:3] == ("", "1-0", "")  # gridBefore 1, then a span of 2
    assert (rows["t3r1"].page, rows["t3r2"].page) == (3, 4)  # a break after its cell's text


def test_docx_package_python_docx_must_read(tmp_path: Path) -> None:
    """A main part reached through another content type: python-docx reads it or refuses it."""
    path = write_python_docx(tmp_path / "SYNTHETIC-doc.docx")
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"document.main+xml", b"template.main+xml"
    )
    odd = tmp_path / "SYNTHETIC-template.docx"
    with zipfile.ZipFile(odd, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    assert docx_reader._main_body(odd.read_bytes()) is None
    with pytest.raises(UnreadableDocument, match=r"SYNTHETIC-template\.docx.*not a Word file"):
        read_document(odd)


# --- html: lxml, and BeautifulSoup past libxml2's depth -----------------------------------------


def test_html_left_open_cells_end_where_the_next_begins(tmp_path: Path) -> None:
    path = tmp_path / "SYNTHETIC-open.html"
    path.write_text(
        f"<p>{MARK}<table><tr><td>项目<td>金额<tr><td>合计<td>2,413.52</table>", encoding="utf-8"
    )
    assert [(r.ref, r.cells) for r in read_document(path).rows] == [
        ("p1", (MARK,)),
        ("t1r1", ("项目", "金额")),
        ("t1r2", ("合计", "2,413.52")),
    ]


def test_html_nested_past_libxml2s_depth_is_read(tmp_path: Path) -> None:
    path = tmp_path / "SYNTHETIC-deep.html"
    depth = 3000
    path.write_text(
        f"<html><body><p>{MARK}</p>" + "<div>" * depth + "<p>深处</p>" + "</div>" * depth
        + "<table><tr><td>合计</td><td>1.00</td></tr></table><p>之后\x00</p></body></html>",
        encoding="utf-8",
    )  # fmt: skip
    assert [(r.ref, r.cells) for r in read_document(path).rows] == [
        ("p1", (MARK,)),
        ("p2", ("深处",)),
        ("t1r1", ("合计", "1.00")),
        ("p3", ("之后\ufffd",)),
    ]


def test_html_beautifulsoup_reads_sane_pages_alike(tmp_path: Path, synthetic, monkeypatch):
    from test_readers_office import PAGE

    page = tmp_path / "SYNTHETIC-page.html"
    page.write_text(PAGE, encoding="utf-8")
    for path in [page, *(p for p in synthetic if p.suffix == ".html")]:
        lxml_rows = read_document(path).rows
        monkeypatch.setattr(html_reader, "_parse", html_reader._soup_tree)
        assert read_document(path).rows == lxml_rows
        monkeypatch.undo()


def test_html_empty_page_has_no_rows(tmp_path: Path) -> None:
    path = tmp_path / "SYNTHETIC-empty.html"
    path.write_text("  \n", encoding="utf-8")
    assert read_document(path).rows == ()
