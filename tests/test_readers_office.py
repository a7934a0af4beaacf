"""The office readers (.xlsx, .xls, .docx, .html) give the rows the parser expects.

Every input is SYNTHETIC, built here in tmp_path (openpyxl, python-docx, tests/biff8.py, literal
HTML), marked so in its file name and in a cell or paragraph. The integration tests carry the
seed's table 02 into each format and require the same 21 amounts as the text seed.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import biff8
import docx
import openpyxl
import pytest
from docx.enum.text import WD_BREAK

from juesuan.parse import parse_source
from juesuan.readers import UnreadableDocument, limits, read_document
from juesuan.records import ParsedDocument

MARK = "SYNTHETIC test file, not a disclosure"


def cells_of(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    return [(row.ref, row.cells) for row in read_document(path).rows]


# --- the seed's table 02 in every format --------------------------------------------------------


def seed_lines(seed_path: Path) -> list[list[str]]:
    """Cover lines 1-8 and the table 02 block (收入决算表 up to 支出决算表), as cells."""
    lines = seed_path.read_text(encoding="utf-8").split("\n")
    start = lines.index("收入决算表")
    end = lines.index("支出决算表", start)
    return [[cell.strip() for cell in line.split("\t")] for line in lines[:8] + lines[start:end]]


def is_amount(cell: str) -> bool:
    return bool(re.fullmatch(r"-?[\d,]+\.\d\d", cell))


def amounts_02(parsed: ParsedDocument) -> dict[tuple, Decimal]:
    return {item.key: item.amount_yuan for item in parsed.line_items if item.table_no == "02"}


def header_rows(lines: list[list[str]]) -> tuple[int, int]:
    """Indexes of the two header rows (项 目 … / 功能分类 科目编码 …)."""
    first = next(i for i, cells in enumerate(lines) if cells[0] == "项 目")
    return first, first + 1


def assert_same_02(path: Path, seed: ParsedDocument) -> ParsedDocument:
    parsed = parse_source(read_document(path))
    expected = amounts_02(seed)
    assert len(expected) == 21
    assert amounts_02(parsed) == expected
    assert parsed.tables["02"].status == "data"
    assert parsed.department_name == seed.department_name
    return parsed


def test_xlsx_seed_table_02(tmp_path: Path, seed_path: Path, seed: ParsedDocument) -> None:
    lines = seed_lines(seed_path)
    first, _second = header_rows(lines)
    book = openpyxl.Workbook()
    sheet = book.active
    for number, cells in enumerate(lines, start=1):
        for column, cell in enumerate(cells, start=1):
            if is_amount(cell):
                target = sheet.cell(number, column, float(cell.replace(",", "")))
                target.number_format = "#,##0.00"
            elif cell.isdigit():
                sheet.cell(number, column, int(cell))  # codes and 栏次 as numbers
            elif cell:
                sheet.cell(number, column, cell)
    title = next(n for n, cells in enumerate(lines, start=1) if cells == ["收入决算表"])
    sheet.merge_cells(start_row=title, start_column=1, end_row=title, end_column=9)
    sheet.merge_cells(start_row=first + 1, start_column=1, end_row=first + 1, end_column=2)
    for column in range(3, 10):
        sheet.merge_cells(start_row=first + 1, start_column=column, end_row=first + 2,
                          end_column=column)  # fmt: skip
    sheet.cell(len(lines) + 2, 1, MARK)
    path = tmp_path / "SYNTHETIC-seed-02.xlsx"
    book.save(path)

    parsed = assert_same_02(path, seed)
    check = openpyxl.load_workbook(path)["Sheet"]
    for item in parsed.line_items:
        if item.table_no == "02":
            assert re.fullmatch(r"Sheet![C-I]\d+", item.source_ref), item.source_ref
            value = check[item.source_ref.split("!")[1]].value
            assert Decimal(str(value)) * 10000 == item.amount_yuan


def test_xls_seed_table_02(tmp_path: Path, seed_path: Path, seed: ParsedDocument) -> None:
    lines = seed_lines(seed_path)
    first, _second = header_rows(lines)
    sheet = biff8.Sheet("Sheet1")
    for row, cells in enumerate(lines):
        for column, cell in enumerate(cells):
            if is_amount(cell):
                sheet.cells[row, column] = (float(cell.replace(",", "")), "#,##0.00")
            elif cell:
                sheet.cells[row, column] = cell
    sheet.merged = [(first, first, 0, 1)] + [(first, first + 1, c, c) for c in range(2, 9)]
    sheet.cells[len(lines) + 1, 0] = MARK
    path = tmp_path / "SYNTHETIC-seed-02.xls"
    path.write_bytes(biff8.workbook([sheet]))

    parsed = assert_same_02(path, seed)
    refs = [item.source_ref for item in parsed.line_items if item.table_no == "02"]
    assert all(re.fullmatch(r"Sheet1![C-I]\d+", ref) for ref in refs), refs


def test_docx_seed_table_02(tmp_path: Path, seed_path: Path, seed: ParsedDocument) -> None:
    lines = seed_lines(seed_path)
    first, _second = header_rows(lines)
    document = docx.Document()
    grid = [cells for cells in lines if len(cells) > 1]
    for cells in lines:
        if len(cells) == 1:
            document.add_paragraph(cells[0])
        elif cells is grid[0]:
            table = document.add_table(rows=len(grid), cols=9)
            for r, row in enumerate(grid):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
            table.cell(0, 0).merge(table.cell(0, 1))
            for c in range(2, 9):
                table.cell(0, c).merge(table.cell(1, c))
    document.add_paragraph(MARK)
    path = tmp_path / "SYNTHETIC-seed-02.docx"
    document.save(path)
    assert lines[first] is grid[0]

    parsed = assert_same_02(path, seed)
    refs = [item.source_ref for item in parsed.line_items if item.table_no == "02"]
    assert all(re.fullmatch(r"t1r[4-6]c[3-9]", ref) for ref in refs), refs


def seed_html(lines: list[list[str]]) -> str:
    first, second = header_rows(lines)
    parts = ["<html><head><meta charset='utf-8'><title>不读</title></head><body>"]
    in_table = False
    for index, cells in enumerate(lines):
        if len(cells) == 1:
            if in_table:
                parts.append("</table>")
                in_table = False
            parts.append(f"<p>{cells[0]}</p>")
            continue
        if not in_table:
            parts.append("<table border='1'>")
            in_table = True
        if index == first:
            tds = [f"<td colspan='2'>{cells[0]}</td>"]
            tds += [f"<td rowspan='2'>{cell}</td>" for cell in cells[2:]]
        elif index == second:
            tds = [f"<td>{cell}</td>" for cell in cells[:2]]  # the rest covered by rowspans
        else:
            tds = [f"<td>{cell}</td>" for cell in cells]
        parts.append("<tr>" + "".join(tds) + "</tr>")
    parts.append(f"<p>{MARK}</p></body></html>")
    return "\n".join(parts)


def test_html_seed_table_02(tmp_path: Path, seed_path: Path, seed: ParsedDocument) -> None:
    path = tmp_path / "SYNTHETIC-seed-02.html"
    path.write_text(seed_html(seed_lines(seed_path)), encoding="utf-8")
    parsed = assert_same_02(path, seed)
    refs = [item.source_ref for item in parsed.line_items if item.table_no == "02"]
    assert all(re.fullmatch(r"t1r[4-6]c[3-9]", ref) for ref in refs), refs


# --- xlsx ---------------------------------------------------------------------------------------


def test_xlsx_rows_merges_blanks_and_refs(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "表1"
    sheet["A1"] = "收入决算表 SYNTHETIC"
    sheet.merge_cells("A1:D1")
    sheet["A3"], sheet["B3"] = "项目", "金额"
    sheet.merge_cells("A3:A4")  # vertical
    sheet.merge_cells("B3:C3")  # horizontal
    sheet["B4"], sheet["C4"] = "本年", "上年"
    sheet["A5"], sheet["C5"] = "合计", "text"
    sheet["A6"] = "隐藏行"
    sheet.row_dimensions[6].hidden = True
    sheet["B7"] = "第二列"
    other = book.create_sheet("Sheet 2")
    other["A1"] = dt.datetime(2024, 9, 30)
    other["B1"] = 7
    other["C1"] = True
    hidden = book.create_sheet("hidden")
    hidden["A1"] = "不读"
    hidden.sheet_state = "hidden"
    path = tmp_path / "SYNTHETIC-merges.xlsx"
    book.save(path)

    source = read_document(path)
    assert source.format == "xlsx"
    assert source.page_count == 3
    assert [(r.ref, r.cells, r.page) for r in source.rows] == [
        ("表1!A1", ("收入决算表 SYNTHETIC",), 1),  # merged A1:D1: text in A1, no trailing ""
        ("表1!A3", ("项目", "金额"), 1),  # B3:C3 merged: C3 is a trailing blank
        ("表1!A4", ("", "本年", "上年"), 1),  # A3:A4 merged: "" under 项目
        ("表1!A5", ("合计", "", "text"), 1),  # blank kept in place
        ("表1!A7", ("", "第二列"), 1),  # hidden row 6 skipped, leading blank kept
        ("'Sheet 2'!A1", ("2024-09-30", "7", "TRUE"), 2),  # hidden sheet 3 skipped
    ]
    assert source.rows[3].cell_refs == ("表1!A5", "表1!B5", "表1!C5")


@pytest.mark.parametrize(
    ("value", "number_format", "shown"),
    [
        (2413.52, "#,##0.00", "2,413.52"),
        (2413.52, "0.00", "2413.52"),
        (0, "0.00", "0.00"),
        (0, "#,##0.00", "0.00"),
        (0.1 + 0.2, "General", "0.3"),
        (2413.5200000001, "General", "2413.52"),
        (2084.48 + 329.04, "General", "2413.52"),
        (-4.547473508864641e-13, "General", "0"),  # Excel's zero difference
        (1234567890123.45, "General", "1234567890123.45"),  # 元 with cents keep their cents
        (12, "General", "12"),
        (12.0, "General", "12"),
        (-5, "#,##0.00;[Red]#,##0.00", "-5.00"),  # the sign kept, whatever the colour
        (-5, '_ * #,##0.00_ ;_ * -#,##0.00_ ;_ * "-"??_ ;_ @_ ', "-5.00"),  # 会计专用
        (0.1234, "0.00%", "12.34%"),
        (1.005, "0.00", "1.01"),  # half up, as Excel shows it
        (2413.52, "0", "2414"),
        ("2,413.52", "@", "2,413.52"),  # a number stored as text stays as printed
        (" 本年收入\n合计 ", "General", "本年收入 合计"),
    ],
)
def test_xlsx_numbers_as_shown(tmp_path: Path, value, number_format: str, shown: str) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = MARK
    sheet["A2"] = value
    sheet["A2"].number_format = number_format
    path = tmp_path / "SYNTHETIC-number.xlsx"
    book.save(path)
    assert read_document(path).rows[1].cells == (shown,)  # A1 is the mark


def test_xlsx_formulas_read_as_saved_results_or_refused(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active["A1"] = MARK
    book.active["B1"] = "=SUM(1,2)"  # openpyxl saves no result: never calculated
    path = tmp_path / "SYNTHETIC-formula.xlsx"
    book.save(path)
    with pytest.raises(UnreadableDocument, match=r"SYNTHETIC-formula\.xlsx.*saved result.*B1"):
        read_document(path)


def test_xlsx_corrupt_and_foreign_files_are_refused(tmp_path: Path) -> None:
    truncated = tmp_path / "SYNTHETIC-truncated.xlsx"
    truncated.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(UnreadableDocument, match=r"SYNTHETIC-truncated\.xlsx.*corrupt"):
        read_document(truncated)
    not_a_workbook = tmp_path / "SYNTHETIC-other.xlsx"
    with zipfile.ZipFile(not_a_workbook, "w") as archive:
        archive.writestr("readme.txt", MARK)
    with pytest.raises(UnreadableDocument, match=r"SYNTHETIC-other\.xlsx.*not a readable"):
        read_document(not_a_workbook)
    encrypted = tmp_path / "SYNTHETIC-encrypted.xlsx"
    encrypted.write_bytes(biff8.ole2(MARK.encode(), name="EncryptedPackage"))
    with pytest.raises(UnreadableDocument, match=r"SYNTHETIC-encrypted\.xlsx.*password"):
        read_document(encrypted)
    empty = tmp_path / "SYNTHETIC-empty.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(UnreadableDocument, match=r"SYNTHETIC-empty\.xlsx.*empty"):
        read_document(empty)


@pytest.mark.parametrize("suffix", ["xlsx", "docx"])
def test_zip_bombs_are_refused_unopened(tmp_path: Path, suffix: str) -> None:
    bomb = tmp_path / f"SYNTHETIC-bomb.{suffix}"
    member = "xl/worksheets/sheet1.xml" if suffix == "xlsx" else "word/document.xml"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, MARK.encode() + b" " * 5_000_000)
    with pytest.raises(UnreadableDocument, match=rf"SYNTHETIC-bomb\.{suffix}.*zip bomb"):
        read_document(bomb)


def test_archives_too_large_when_inflated_are_refused(tmp_path: Path, monkeypatch) -> None:
    book = openpyxl.Workbook()
    book.active["A1"] = MARK
    path = tmp_path / "SYNTHETIC-large.xlsx"
    book.save(path)
    monkeypatch.setattr(limits, "MAX_UNCOMPRESSED_BYTES", 1000)
    with pytest.raises(UnreadableDocument, match=r"SYNTHETIC-large\.xlsx.*inflate"):
        read_document(path)


# --- xls ----------------------------------------------------------------------------------------


def test_xls_biff_rows_merges_formats_and_refs(tmp_path: Path) -> None:
    sheet = biff8.Sheet(
        "表1",
        cells={
            (0, 0): MARK,
            (2, 0): "项目",
            (2, 1): "被合并的文字",  # inside a merged range: not printed
            (2, 2): "金额",
            (3, 0): "合计",
            (3, 2): (2413.52, "#,##0.00"),
            (4, 0): "零",
            (4, 2): (0.0, "0.00"),
            (5, 0): "浮点",
            (5, 2): (0.1 + 0.2, "General"),
            (6, 0): "隐藏行",
        },
        merged=[(2, 2, 0, 1)],
        hidden_rows={6},
    )
    hidden = biff8.Sheet("hidden", cells={(0, 0): "不读"}, hidden=True)
    path = tmp_path / "SYNTHETIC-biff.xls"
    path.write_bytes(biff8.workbook([sheet, hidden]))

    source = read_document(path)
    assert source.format == "xls"
    assert [(r.ref, r.cells) for r in source.rows] == [
        ("表1!A1", (MARK,)),
        ("表1!A3", ("项目", "", "金额")),  # B3 inside the merged A3:B3: its text not printed
        ("表1!A4", ("合计", "", "2,413.52")),
        ("表1!A5", ("零", "", "0.00")),
        ("表1!A6", ("浮点", "", "0.3")),
    ]
    assert source.rows[2].cell_refs[2] == "表1!C4"


def test_xls_that_is_a_web_page_is_read_as_html(tmp_path: Path) -> None:
    path = tmp_path / "SYNTHETIC-page.xls"
    page = f"<html><head><meta charset='gbk'></head><body><p>{MARK}</p><table>"
    page += "<tr><td>合计</td><td>2,413.52</td></tr></table></body></html>"
    path.write_bytes(page.encode("gbk"))
    source = read_document(path)
    assert source.format == "html"
    assert [(r.ref, r.cells) for r in source.rows] == [
        ("p1", (MARK,)),
        ("t1r1", ("合计", "2,413.52")),
    ]


def test_xls_that_is_an_xlsx_or_text_is_read_as_such(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active["A1"] = MARK
    book.active["B1"] = 2413.52
    book.active["B1"].number_format = "0.00"
    disguised = tmp_path / "SYNTHETIC-workbook.xls"
    book.save(disguised)
    source = read_document(disguised)
    assert (source.format, source.rows[0].cells) == ("xlsx", (MARK, "2413.52"))
    assert source.rows[0].cell_refs == ("Sheet!A1", "Sheet!B1")

    exported = tmp_path / "SYNTHETIC-export.xls"
    exported.write_bytes(f"{MARK}\n合计\t\t2,413.52\n".encode("gb18030"))
    source = read_document(exported)
    assert (source.format, [r.cells for r in source.rows]) == (
        "txt",
        [(MARK,), ("合计", "", "2,413.52")],
    )


def test_xls_corrupt_or_foreign_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "SYNTHETIC-broken.xls"
    broken.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(UnreadableDocument, match=r"SYNTHETIC-broken\.xls.*Excel 97-2003"):
        read_document(broken)
    word = tmp_path / "SYNTHETIC-word.xls"
    word.write_bytes(biff8.ole2(MARK.encode(), name="WordDocument"))
    with pytest.raises(UnreadableDocument, match=r"SYNTHETIC-word\.xls.*Word 97-2003.*\.docx"):
        read_document(word)
    binary = tmp_path / "SYNTHETIC-binary.xls"
    binary.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(UnreadableDocument, match=r"SYNTHETIC-binary\.xls.*unknown kind"):
        read_document(binary)


# --- docx ---------------------------------------------------------------------------------------


def test_docx_paragraphs_and_tables_in_order(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph(MARK)
    document.add_paragraph("")  # empty: no row, but counted in p<n>
    document.add_paragraph("收入决算表")
    table = document.add_table(rows=4, cols=4)
    table.cell(0, 0).text = "项目"
    table.cell(0, 1).text = "金额"
    table.cell(1, 1).text = "本年"
    table.cell(1, 2).text = "上年"
    table.cell(2, 0).text = "合计"
    table.cell(2, 1).text = "2,413.52"
    table.cell(2, 3).text = "0.00"
    table.cell(0, 0).merge(table.cell(1, 0))  # vertical: vMerge restart / continue
    table.cell(0, 1).merge(table.cell(0, 2))  # horizontal: gridSpan 2
    nested = table.cell(3, 0).add_table(rows=1, cols=2)
    nested.cell(0, 0).text = "嵌套"
    nested.cell(0, 1).text = "表格"
    paragraph = document.add_paragraph("注：第一页")
    paragraph.add_run().add_break(WD_BREAK.PAGE)
    paragraph.add_run("第二页")
    document.add_paragraph("第二页的段落\t带制表符")
    path = tmp_path / "SYNTHETIC-order.docx"
    document.save(path)

    source = read_document(path)
    assert source.format == "docx"
    assert [(r.ref, r.cells, r.page) for r in source.rows] == [
        ("p1", (MARK,), 1),
        ("p3", ("收入决算表",), 1),
        ("t1r1", ("项目", "金额", "", ""), 1),
        ("t1r2", ("", "本年", "上年", ""), 1),
        ("t1r3", ("合计", "2,413.52", "", "0.00"), 1),
        ("t1r4", ("嵌套 表格", "", "", ""), 1),  # nested table flattened into its cell
        ("p4", ("注：第一页 第二页",), 1),
        ("p5", ("第二页的段落 带制表符",), 2),
    ]
    assert source.rows[4].cell_refs == ("t1r3c1", "t1r3c2", "t1r3c3", "t1r3c4")
    assert source.page_count == 2


def test_docx_corrupt_or_foreign_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "SYNTHETIC-broken.docx"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("word/document.xml", "<w:document>" + MARK)
    with pytest.raises(UnreadableDocument, match=r"SYNTHETIC-broken\.docx.*not a readable"):
        read_document(broken)
    old = tmp_path / "SYNTHETIC-old.docx"
    old.write_bytes(biff8.ole2(MARK.encode(), name="WordDocument"))
    with pytest.raises(UnreadableDocument, match=r"SYNTHETIC-old\.docx.*Word 97-2003.*\.docx"):
        read_document(old)


def test_docx_that_is_a_web_page_is_read_as_html(tmp_path: Path) -> None:
    path = tmp_path / "SYNTHETIC-page.docx"
    path.write_text(f"<html><body><p>{MARK}</p></body></html>", encoding="utf-8")
    source = read_document(path)
    assert (source.format, [r.cells for r in source.rows]) == ("html", [(MARK,)])


# --- html ---------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>标题不读</title>
<style>p { color: red }</style><script>var title = "收入决算表";</script></head>
<body>
<!-- 注释不读 -->
<h1>SYNTHETIC 测试页</h1>
<p>第一行<br>第二行</p>
<div>块<span>内</span>文字&nbsp;&nbsp;<b>2,413</b>.52</div>
<noscript>不读</noscript><template><p>不读</p></template>
<p style="display: none">隐藏</p>
<table>
<caption>收入决算表</caption>
<tr><th rowspan="2">项目</th><th colspan="2">金额</th><td></td></tr>
<tr><th>本年</th><th>上年</th><td>x</td></tr>
<tr style="display:none"><td>隐藏行</td><td>1</td><td>2</td><td>3</td></tr>
<tr><td>合计</td><td>2,413.52</td><td></td><td>0.00</td></tr>
</table>
<ul><li>一</li><li>二</li></ul>
<table><tr><td><p>版式表格</p><table><tr><td>a</td><td>b</td></tr></table></td></tr></table>
</body></html>
"""


def test_html_blocks_tables_spans_and_refs(tmp_path: Path) -> None:
    path = tmp_path / "SYNTHETIC-page.html"
    path.write_text(PAGE, encoding="utf-8")
    source = read_document(path)
    assert source.format == "html"
    assert cells_of(path) == [
        ("p1", ("SYNTHETIC 测试页",)),
        ("p2", ("第一行",)),
        ("p3", ("第二行",)),
        ("p4", ("块内文字 2,413.52",)),
        ("t1caption", ("收入决算表",)),
        ("t1r1", ("项目", "金额", "", "")),  # colspan: text once, then ""; the empty <td> kept
        ("t1r2", ("", "本年", "上年", "x")),  # rowspan from above: ""
        ("t1r4", ("合计", "2,413.52", "", "0.00")),  # r3 hidden, still counted
        ("p5", ("一",)),
        ("p6", ("二",)),
        ("p7", ("版式表格",)),  # a table holding a table is layout: read as blocks
        ("t3r1", ("a", "b")),
    ]
    assert source.rows[7].cell_refs == ("t1r4c1", "t1r4c2", "t1r4c3", "t1r4c4")


def test_html_table_ends_at_its_rightmost_filled_column(tmp_path: Path) -> None:
    path = tmp_path / "SYNTHETIC-wide.html"
    page = f"<p>{MARK}</p><table><tr><td>项目</td><td></td><td>金额</td><td></td><td></td></tr>"
    page += "<tr><td>合计</td><td></td><td>1.00</td><td></td><td></td></tr></table>"
    path.write_text(page, encoding="utf-8")
    assert [r.cells for r in read_document(path).rows][1:] == [
        ("项目", "", "金额"),
        ("合计", "", "1.00"),
    ]


@pytest.mark.parametrize(
    "declaration",
    [
        '<meta charset="gbk">',
        '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
        '<meta charset="iso-8859-1">',  # a server default, not the truth: the fallbacks decide
        "",
    ],
)
def test_html_in_gbk_decodes(tmp_path: Path, declaration: str) -> None:
    page = f"<html><head>{declaration}</head><body><p>{MARK}</p>"
    page += "<p>部门：朱镕基喆研究中心</p></body></html>"  # 镕 and 喆 are GBK, not GB2312
    path = tmp_path / "SYNTHETIC-gbk.htm"
    path.write_bytes(page.encode("gbk"))
    assert [r.cells for r in read_document(path).rows] == [(MARK,), ("部门：朱镕基喆研究中心",)]


def test_html_declared_utf8_that_is_gbk_still_decodes(tmp_path: Path) -> None:
    path = tmp_path / "SYNTHETIC-mislabelled.html"
    path.write_bytes(f"<meta charset='utf-8'><p>{MARK} 单位：万元</p>".encode("gbk"))
    assert [r.cells for r in read_document(path).rows] == [(f"{MARK} 单位：万元",)]


def test_html_undecodable_is_refused_with_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "SYNTHETIC-garbage.html"
    path.write_bytes(b"<html><body><p>SYNTHETIC \xff\xfe\x81\x30\xff</p></body></html>")
    with pytest.raises(UnreadableDocument, match=r"SYNTHETIC-garbage\.html.*UTF-8"):
        read_document(path)


def test_xlsx_same_number_shown_through_each_cells_own_format(tmp_path: Path) -> None:
    """The reader shows a number once per workbook and style: the same text in other styles
    (or a date style) still shows through its own format; and reading leaves no reference
    cycle for the garbage collector (a book and its parsed sheets are let go when read)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = MARK
    for row, number_format in enumerate(("0.00", "#,##0.0", "0.00", "yyyy-mm-dd", "General"), 2):
        sheet.cell(row, 1, 2413.5).number_format = number_format
    sheet["B2"] = 2413.5
    sheet["B2"].number_format = "0.00"
    path = tmp_path / "SYNTHETIC-styles.xlsx"
    book.save(path)

    gc.collect()
    gc.disable()
    try:
        rows = read_document(path).rows
        assert gc.collect() == 0
    finally:
        gc.enable()
    assert [row.cells for row in rows[1:]] == [
        ("2413.50", "2413.50"),
        ("2,413.5",),
        ("2413.50",),
        ("1906-08-09 12:00:00",),
        ("2413.5",),
    ]
