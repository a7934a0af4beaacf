"""The pdfium PDF reader gives the rows of the pdfplumber reader, and is the default PDF reader.

pdfplumber (juesuan.readers.pdf, pure Python) stays the reference: for the real samples, the
synthetic disclosures and a handmade PDF with what those do not show (standard fonts, text rise,
character and word spacing, horizontal scaling, rules drawn as thin filled rectangles, stroked
rectangle grids, curves, a form XObject, runs of spaces), the pdfium reader must give the same
rows — cells, refs, pages — or, where rows cannot be equal, the same line items from
juesuan.parse. No sample needs that second assertion today; the first is asserted everywhere.
What the pdfium reader does not reproduce (rotated pages, slanted text) falls back to pdfplumber.
"""

from __future__ import annotations

import itertools
import logging
import re
import shutil
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from juesuan.ingest import ingest
from juesuan.parse import parse_source
from juesuan.parse_year import parse_stored
from juesuan.paths import SAMPLES_DIR
from juesuan.rawstore import RawStore
from juesuan.readers import (
    SourceDocument,
    UnreadableDocument,
    c_build,
    pdf,
    pdfium,
    pdfium_bulk,
    read_document,
)
from juesuan.synthetic import file_name, make_accounts, render, variants
from juesuan.synthetic.__main__ import document

SAMPLES = [
    "putuo-finance-bureau-2024-final-accounts.pdf",  # split tables, merged headers, prose
    "jiangsu-high-court-2018-budget.pdf",  # rectangles as rules, blank text objects
    "putuo-template-2024-final-accounts.pdf",  # a scaled text matrix, placeholders
]
PUTUO = SAMPLES_DIR / SAMPLES[0]
VARIANTS = variants()
RANDOM = 6  # random layouts of the benchmark's generator, on top of every named variant


def by_both(path: Path) -> tuple[SourceDocument, SourceDocument]:
    """(pdfplumber's document, pdfium's document); pdfium must not fall back."""
    reference = pdf._read_pdfplumber(path, ocr=True, max_pages=None)
    pages, page_count = pdfium.read_pages(path, pdf._MIN_TEXT_CHARS, ocr=True)
    return reference, pdf._with_ocr(path, pages, page_count)


def assert_same_rows(reference: SourceDocument, found: SourceDocument) -> None:
    assert found.page_count == reference.page_count
    expected = [(row.ref, row.page, row.cells) for row in reference.rows]
    rows = [(row.ref, row.page, row.cells) for row in found.rows]
    pairs = enumerate(zip(expected, rows, strict=False))
    first = next((i for i, (want, got) in pairs if want != got), min(len(rows), len(expected)))
    assert rows == expected, (
        f"{len(rows)} rows for {len(expected)}; first difference at {first}: "
        f"{rows[first : first + 1]} for {expected[first : first + 1]}"
    )


def line_items(source: SourceDocument) -> set[tuple]:
    return {
        (item.key, item.amount_yuan, item.source_ref) for item in parse_source(source).line_items
    }


# --- real samples --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def samples() -> dict[str, tuple[SourceDocument, SourceDocument]]:
    return {name: by_both(SAMPLES_DIR / name) for name in SAMPLES}


@pytest.mark.parametrize("name", SAMPLES)
def test_real_samples_give_the_same_rows(samples, name):
    assert_same_rows(*samples[name])


def test_the_same_line_items_from_putuo(samples):
    reference, found = samples[SAMPLES[0]]
    expected = line_items(reference)
    assert len(expected) > 500
    assert line_items(found) == expected


def test_merged_header_cells_keep_their_columns(samples):
    """A merged cell's text stands in its first column and "" in the others, as pdfplumber's
    None; rows of a table split over pages keep the same number of columns."""
    _, found = samples[SAMPLES[0]]
    widths = {len(row.cells) for row in found.rows if row.page in (10, 11) and " r" in row.ref}
    assert widths == {10}
    rows = {row.ref: row.cells for row in found.rows}
    assert rows["p10 r1"][:5] == ("项目", "", "", "", "本年支出合计")
    assert rows["p10 r3"][:4] == ("科目编码", "", "", "")
    assert rows["p11 r1"][:4] == ("208", "05", "99", "其他行政事业单位养老支出")


# --- synthetic disclosures -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Callable[[int], Path]:
    directory = tmp_path_factory.mktemp("synthetic-pdfium")
    cache: dict[int, Path] = {}

    def get(index: int) -> Path:
        if index not in cache:
            if index < len(VARIANTS):
                layout = VARIANTS[index]
                accounts = make_accounts(
                    1000 + index,
                    2023 if layout.classes == 26 else 2018,
                    classes=layout.classes,
                    government_fund=index % 2 == 0,
                    state_capital=index % 3 == 0,
                )
            else:
                accounts, layout = document(5, index - len(VARIANTS))
            path = directory / file_name(accounts, layout, "pdf")
            cache[index] = render(accounts, layout, "pdf", path)
        return cache[index]

    return get


def synthetic_ids() -> list[str]:
    return [layout.name for layout in VARIANTS] + [f"random-{n}" for n in range(RANDOM)]


@pytest.mark.parametrize("index", range(len(VARIANTS) + RANDOM), ids=synthetic_ids())
def test_synthetic_pdfs_give_the_same_rows(synthetic, index):
    assert_same_rows(*by_both(synthetic(index)))


# --- a handmade PDF: what the samples do not show ------------------------------------------------


def handmade(path: Path, form: bool = True) -> Path:
    """Standard (non-embedded) fonts, text rise, Tc, Tw, Tz, rules of every kind, a form."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    y = 800
    for font in ("Helvetica", "Times-Roman", "Courier", "Helvetica-Bold"):
        c.setFont(font, 11)
        c.drawString(60, y, "Total 12,345.67 and 890.12 in 2024 (yuan)")
        y -= 14
    text = c.beginText(60, y - 20)  # figures set lower than their sentence
    text.setFont("STSong-Light", 12)
    text.textOut("年初预算为")
    text.setRise(-3)
    text.textOut("123.45")
    text.setRise(0)
    text.textOut("万元，支出决算为")
    c.drawText(text)
    for offset, setting, line in (
        (50, "setCharSpace", "spaced out text 1 2 3"),
        (70, "setHorizScale", "condensed text 45.60"),
        (90, "setWordSpace", "word spaced text here"),
    ):
        text = c.beginText(60, y - offset)
        text.setFont("Helvetica", 10)
        getattr(text, setting)(70 if setting == "setHorizScale" else 4)
        text.textOut(line)
        getattr(text, setting)(100 if setting == "setHorizScale" else 0)
        c.drawText(text)
    c.setLineWidth(0.5)
    columns, rows = [60, 160, 260, 360], [500, 480, 460, 440]
    for x in columns:  # a merged header cell: no rule at x=160 in the first row
        c.line(x, rows[0] if x != 160 else rows[1], x, rows[-1])
    for row in rows:
        c.line(columns[0], row, columns[-1], row)
    c.setFont("STSong-Light", 9)
    for x, y_, value in ((65, 486, "合并表头"), (265, 486, "金额"), (65, 466, "一般公共预算"),
                         (165, 466, "12.50"), (265, 466, "1,000.00"), (65, 446, "合计"),
                         (165, 446, "3.5")):  # fmt: skip
        c.drawString(x, y_, value)
    for row in (400, 380, 360):  # rules as thin filled rectangles
        c.rect(60, row, 300, 0.5, stroke=0, fill=1)
    for x in (60, 210, 360):
        c.rect(x, 360, 0.5, 40, stroke=0, fill=1)
    for x, y_, value in ((65, 386, "项目"), (215, 386, "决算数"), (65, 366, "基本支出"),
                         (215, 366, "88.00")):  # fmt: skip
        c.drawString(x, y_, value)
    for r in range(3):  # a grid of stroked rectangles
        for k in range(3):
            c.rect(60 + k * 80, 300 - r * 18, 80, 18, stroke=1, fill=0)
            c.drawString(64 + k * 80, 305 - r * 18, f"r{r}c{k}")
    c.setDash(2, 2)
    c.line(60, 250, 300, 250)
    c.setDash()
    c.bezier(60, 200, 100, 240, 140, 160, 180, 200)
    c.circle(300, 200, 20)
    if form:
        _form(c)
    c.showPage()
    c.setFont("Helvetica", 10)
    c.drawString(60, 800, "a    b      c")
    c.drawString(60, 780, " ")
    c.drawString(60, 760, "line after blank")
    c.showPage()
    c.save()
    return path


def _form(c) -> None:
    """A form XObject drawn twice: text and rules, its matrix scaled the second time."""
    c.beginForm("box")
    c.setFont("Helvetica", 9)
    c.drawString(10, 10, "in a form 3.14")
    for x0, y0, x1, y1 in ((0, 0, 120, 0), (0, 25, 120, 25), (0, 0, 0, 25), (120, 0, 120, 25),
                           (60, 0, 60, 25)):  # fmt: skip
        c.line(x0, y0, x1, y1)
    c.endForm()
    for dx, scale in ((60, 1.0), (300, 1.5)):
        c.saveState()
        c.translate(dx, 100)
        c.scale(scale, scale)
        c.doForm("box")
        c.restoreState()


def test_a_handmade_pdf_gives_the_same_rows(tmp_path):
    assert_same_rows(*by_both(handmade(tmp_path / "synthetic-handmade.pdf")))


# --- the grouping on whole columns, against pdfplumber's own functions -------------------------
#
# The reader finds tables and groups text on numpy columns rather than pdfplumber's per-object
# loops; these draw random edges and chars (coordinates in halves, so that both do exact
# arithmetic) and compare with pdfplumber itself.

HALVES = st.integers(0, 240).map(lambda n: n / 2)


def edge(orientation: str, x0: float, top: float, length: float) -> dict:
    x1, bottom = (x0 + length, top) if orientation == "h" else (x0, top + length)
    return {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "width": x1 - x0,
            "height": bottom - top, "orientation": orientation, "object_type": "line"}  # fmt: skip


@st.composite
def ruled(draw) -> list[dict]:
    """A grid of rules with gaps, nudges, overhangs and duplicates, and stray rules."""
    xs = sorted(draw(st.sets(st.integers(0, 60).map(lambda n: n * 6.5), min_size=2, max_size=7)))
    ys = sorted(draw(st.sets(st.integers(0, 60).map(lambda n: n * 5.5), min_size=2, max_size=8)))
    nudge = st.sampled_from([0, 0, 0, 0.5, 1.5, 3, 3.5, -2])
    edges = []
    for x in xs:
        for top, bottom in itertools.pairwise(ys):
            if draw(st.integers(0, 9)):
                edges.append(edge("v", x + draw(nudge), top + draw(nudge),
                                  bottom - top + draw(nudge)))  # fmt: skip
    for y in ys:
        for left, right in itertools.pairwise(xs):
            if draw(st.integers(0, 9)):
                edges.append(edge("h", left + draw(nudge), y + draw(nudge),
                                  right - left + draw(nudge)))  # fmt: skip
    edges += draw(st.lists(st.builds(edge, st.sampled_from("vh"), HALVES, HALVES, HALVES),
                           max_size=4))  # fmt: skip
    if edges and draw(st.booleans()):
        edges += draw(st.lists(st.sampled_from(edges), max_size=3))
    return [e for e in edges if e["width"] >= 0 and e["height"] >= 0]


@settings(max_examples=300, deadline=None)
@given(st.lists(ruled(), min_size=1, max_size=3))
def test_tables_are_pdfplumbers(pages):
    """The tables of several pages found at once, as pdfplumber finds those of each page."""
    from pdfplumber import table, utils

    def as_edge(e: dict) -> tuple:
        return (e["x0"], e["top"], e["x1"], e["bottom"],
                e["width"] if e["orientation"] == "h" else e["height"])  # fmt: skip

    edges_of_pages = [
        ([as_edge(e) for e in edges if e["orientation"] == "v"],
         [as_edge(e) for e in edges if e["orientation"] == "h"])
        for edges in pages
    ]  # fmt: skip
    found = pdfium.find_tables(edges_of_pages)
    for edges, tables in zip(pages, found, strict=True):
        prefiltered = utils.filter_edges(edges, min_length=pdfium.EDGE_MIN_LENGTH_PREFILTER)
        merged = utils.filter_edges(
            table.merge_edges(prefiltered, 3, 3, 3, 3), min_length=pdfium.EDGE_MIN_LENGTH
        )
        expected = table.cells_to_tables(
            table.intersections_to_cells(table.edges_to_intersections(merged, 3, 3))
        )
        assert [sorted(t) for t in tables.tables()] == [sorted(t) for t in expected]


CHAR_TEXTS = st.sampled_from([*"ab1.,", "一", "二", " ", "\u3000", "\ufb01"])


@st.composite
def page_chars(draw) -> pdfium._Chars:
    """Chars on a few lines (tops a little apart), some touching, some spaced, some blank."""
    rows = []
    for _ in range(draw(st.integers(0, 24))):
        top = draw(st.sampled_from([100.0, 101.5, 103.0, 104.5, 107.0, 112.0, 130.0]))
        x0 = draw(st.integers(0, 50)) * 1.5
        width = draw(st.sampled_from([4.0, 5.5, 10.0]))
        rows.append((x0, x0 + width, top, top + 10.0, 10.0, ord(draw(CHAR_TEXTS))))
    columns = list(zip(*rows, strict=True)) or [()] * 6
    floats = [np.array(c, np.float64) for c in columns[:5]]
    return pdfium._Chars(*floats, np.array(columns[5], np.uint32), np.arange(len(rows)))


def char_dicts(chars: pdfium._Chars) -> list[dict]:
    keys = ("x0", "x1", "top", "bottom", "size", "text")
    dicts = [dict(zip(keys, char, strict=False)) for char in chars.tuples(list(range(len(chars))))]
    for d in dicts:
        d.update(doctop=d["top"], upright=True, height=d["bottom"] - d["top"],
                 width=d["x1"] - d["x0"])  # fmt: skip
    return dicts


@settings(max_examples=400, deadline=None)
@given(page_chars(), st.integers(1, 3), st.randoms())
def test_cell_texts_are_pdfplumbers(chars, count, random):
    from pdfplumber.utils import extract_text

    cell = np.array([random.randrange(count) for _ in range(len(chars))], np.int64)
    found = pdfium._cell_texts(count, chars, chars.blank(), np.arange(len(chars)), cell)
    dicts = char_dicts(chars)
    expected = [pdf._clean(extract_text([d for d, c in zip(dicts, cell, strict=True) if c == k]))
                for k in range(count)]  # fmt: skip
    assert found.tolist() == expected


@settings(max_examples=400, deadline=None)
@given(page_chars(), st.lists(st.sampled_from([3.0, 5.0]), min_size=1, max_size=3), st.randoms())
def test_text_lines_are_pdfplumbers(chars, tolerances, random):
    """Lines of the chars of several pages at once (each page with its tolerance), as
    pdfplumber's extract_text_lines of each page."""
    from pdfplumber.utils import chars_to_textmap

    page = np.array(sorted(random.randrange(len(tolerances)) for _ in range(len(chars))), int)
    tolerance = np.array(tolerances)[page]
    found = pdfium._text_lines(chars, np.arange(len(chars)), chars.blank(), tolerance, page)
    dicts = char_dicts(chars)
    expected = []
    for k, y_tolerance in enumerate(tolerances):
        on_page = [d for d, p in zip(dicts, page, strict=True) if p == k]
        if on_page:  # pdfplumber needs a char for the box of its text map
            lines = chars_to_textmap(on_page, y_tolerance=y_tolerance, keep_blank_chars=False)
            expected += [(k, line["text"], line["top"]) for line in lines.extract_text_lines()]
    assert [(k, text.strip(), top) for k, text, top in found if text.strip()] == [
        (k, text, top) for k, text, top in expected if text
    ]


# --- the switch ----------------------------------------------------------------------------------


def test_pdfium_is_the_default(monkeypatch):
    monkeypatch.delenv(pdf.ENGINE_VARIABLE, raising=False)
    monkeypatch.setattr(pdf, "_read_pdfplumber", _must_not_run)
    assert read_document(PUTUO).page_count == 25


def test_the_environment_forces_pdfplumber(monkeypatch):
    monkeypatch.setenv(pdf.ENGINE_VARIABLE, "pdfplumber")
    monkeypatch.setattr(pdfium, "read_pages", _must_not_run)
    assert read_document(PUTUO, max_pages=2).page_count == 25


def test_a_pdf_is_opened_once_to_check_and_to_read(monkeypatch):
    """read_document hands the document `limits.checked_pdf` opened (by pdfium's own calls,
    not pypdfium2's PdfDocument) to the reader: the rows of the long way (checked, then opened
    again by the reader through pypdfium2), one opening instead of two."""
    import pypdfium2

    from juesuan.readers import limits

    monkeypatch.delenv(pdf.ENGINE_VARIABLE, raising=False)
    limits.check_pdf(PUTUO)
    reference = pdf.read(PUTUO)  # the reader opening the file itself
    opened = []
    original, load = pypdfium2.PdfDocument, limits.OpenedPdf.load

    def counted(*args, **kwargs):
        opened.append(args)
        return original(*args, **kwargs)

    def loaded(path):
        opened.append(path)
        return load(path)

    monkeypatch.setattr(pypdfium2, "PdfDocument", counted)
    monkeypatch.setattr(limits.OpenedPdf, "load", loaded)
    assert read_document(PUTUO) == reference
    assert opened == [PUTUO]


def test_pdfium_opens_as_pypdfium2_does(tmp_path):
    """`limits.OpenedPdf` opens what pypdfium2's PdfDocument opens, with its page count, and
    says why where it cannot (a password, a file that is not a PDF)."""
    import pypdfium2

    from juesuan.readers import limits
    from tests.bad_inputs.corpus import corrupt_pdf, encrypted_pdf

    garbage, locked = tmp_path / "garbage.pdf", tmp_path / "locked.pdf"
    garbage.write_bytes(b"%PDF-1.4\nnot really\n%%EOF\n")
    locked.write_bytes(encrypted_pdf())
    (tmp_path / "corrupt.pdf").write_bytes(corrupt_pdf())
    for path in (PUTUO, garbage, locked, tmp_path / "corrupt.pdf"):
        try:
            expected = len(pypdfium2.PdfDocument(str(path)))
        except pypdfium2.PdfiumError as exc:
            expected = exc.err_code
        found = limits.OpenedPdf.load(path)
        assert (len(found) if isinstance(found, limits.OpenedPdf) else found) == expected
        if isinstance(found, limits.OpenedPdf):
            found.close()
            found.close()  # closing twice is harmless
    with limits.checked_pdf(garbage) as document:
        assert document is None


def test_a_document_pdfium_cannot_read_goes_to_pdfplumber(monkeypatch, caplog):
    monkeypatch.delenv(pdf.ENGINE_VARIABLE, raising=False)

    def unsupported(*args, **kwargs):
        raise pdfium.Unsupported("for the test")

    monkeypatch.setattr(pdfium, "read_pages", unsupported)
    with caplog.at_level(logging.INFO, logger="juesuan.readers.pdf"):
        found = read_document(PUTUO, max_pages=3)
    assert "read with pdfplumber (Unsupported: for the test)" in caplog.text
    reference = pdf._read_pdfplumber(PUTUO, ocr=True, max_pages=3)
    assert found.rows == reference.rows


@pytest.mark.parametrize("kind", ["rotated page", "slanted text"])
def test_what_pdfium_does_not_reproduce_falls_back(tmp_path, kind):
    from reportlab.pdfgen import canvas

    path = tmp_path / f"synthetic-{kind.replace(' ', '-')}.pdf"
    c = canvas.Canvas(str(path))
    if kind == "rotated page":
        c.setPageRotation(90)
    else:
        c.transform(1, 0, 0.3, 1, 0, 0)
    c.setFont("Helvetica", 12)
    c.drawString(100, 700, "Total 1,234.50 in a page pdfium would read otherwise")
    c.showPage()
    c.save()
    with pytest.raises(pdfium.Unsupported, match=kind):
        pdfium.read_pages(path, pdf._MIN_TEXT_CHARS)
    assert read_document(path).rows == pdf._read_pdfplumber(path, True, None).rows


def test_an_unreadable_file_is_still_explained(tmp_path):
    path = tmp_path / "synthetic-truncated.pdf"
    path.write_bytes(PUTUO.read_bytes()[:2000])
    with pytest.raises(UnreadableDocument, match=path.name):
        read_document(path)


def test_max_pages_reads_only_the_first_pages():
    document = read_document(PUTUO, max_pages=2)
    assert document.page_count == 25
    assert {row.page for row in document.rows} == {1, 2}


def _must_not_run(*args, **kwargs):
    raise AssertionError("this reader should not have been called")


# --- the per-character calls: compiled (pdfium_bulk.c), or through ctypes ------------------------


def bulk_pages(path: Path):
    """Each page's handles, for comparing the two ways of making pdfium's calls."""
    import pypdfium2 as pdfium_py

    document = pdfium_py.PdfDocument(str(path))
    try:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            yield pdfium._handle(page.raw), pdfium._handle(textpage.raw)
            textpage.close()
            page.close()
    finally:
        document.close()


def test_the_compiled_calls_are_built():
    """Where there is a C compiler (CI, scripts/setup), the reader uses the compiled calls."""
    if not (shutil.which("cc") or shutil.which("gcc")):
        pytest.skip("no C compiler here: the ctypes calls are used")
    assert pdfium_bulk.compiled() is not None
    assert isinstance(pdfium._bulk(), pdfium_bulk.Compiled)


@pytest.mark.parametrize("name", ["handmade", *SAMPLES])
def test_compiled_calls_return_what_the_ctypes_calls_return(tmp_path, name):
    compiled = pdfium_bulk.compiled()
    if compiled is None:
        pytest.skip("no C compiler here")
    path = (
        handmade(tmp_path / "synthetic-handmade.pdf") if name == "handmade" else SAMPLES_DIR / name
    )
    by_ctypes = pdfium._CtypesBulk()
    seen = {"chars": 0, "paths": 0, "texts": 0, "fonts": 0}
    for page, textpage in bulk_pages(path):
        handles, kinds = compiled.objects(page)
        for a, b in zip((handles, kinds), by_ctypes.objects(page), strict=True):
            np.testing.assert_array_equal(a, b)
        texts, paths = handles[kinds == 1], handles[kinds == 2]
        np.testing.assert_array_equal(compiled.matrices(texts), by_ctypes.matrices(texts))
        (*fonts, names), (*expected_fonts, expected_names) = (
            compiled.fonts(texts),
            by_ctypes.fonts(texts),
        )
        for a, b in zip(fonts, expected_fonts, strict=True):
            np.testing.assert_array_equal(a, b)
        assert names == expected_names
        for a, b in zip(compiled.segments(paths), by_ctypes.segments(paths), strict=True):
            np.testing.assert_array_equal(a, b)
        count = pdfium._C.count_chars(textpage)
        codes, _ = pdfium._codes(textpage, count)
        found = compiled.chars(textpage, count, codes, texts)
        for a, b in zip(found, by_ctypes.chars(textpage, count, codes, texts), strict=True):
            np.testing.assert_array_equal(a, b)
        assert (found[0] >= 0).sum() > 0.5 * count or not count
        seen["fonts"] += len(names)
        seen["chars"] += count
        seen["paths"] += len(paths)
        seen["texts"] += len(texts)
    assert all(seen.values()), seen  # something of each kind was compared


def read_both_ways(path: Path, capacity: int | None = None):
    """A document's page numbers, chars and edges read by jb_document (pdfium_bulk.c, arrays
    of `capacity` to start with), and by `read_page` through ctypes; the first `None` where the
    document is read page by page."""
    import pypdfium2 as pdfium_py

    compiled = pdfium_bulk.compiled()
    if capacity is not None:
        compiled._thread.state = pdfium_bulk.Pages(capacity)
    document = pdfium_py.PdfDocument(str(path))
    try:
        handle, count = pdfium._handle(document.raw), len(document)
        found = pdfium._read_compiled(compiled, handle, count, pdf._MIN_TEXT_CHARS, True)
        pages, by_ctypes = [], pdfium._CtypesBulk()
        for index in range(count):
            page = pdfium._C.load_page(handle, index)
            pages.append(pdfium.read_page(page, index + 1, pdf._MIN_TEXT_CHARS, True, by_ctypes))
            pdfium._C.close_page(page)
    finally:
        document.close()
        compiled._thread.state = None
    return found, pdfium._read_by_page(pages)


def assert_same_read(found, expected) -> None:
    """The same pages, chars (each page's, blanks put back after them) and edges."""
    assert found.numbers == expected.numbers
    np.testing.assert_array_equal(found.char_page, expected.char_page)
    assert found.char_page.dtype == expected.char_page.dtype
    for a, b in zip(found.edges, expected.edges, strict=True):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)
    for name in ("x0", "x1", "top", "bottom", "size", "codes", "order"):
        a, b = getattr(found.chars, name), getattr(expected.chars, name)
        assert a.dtype == b.dtype, name
        np.testing.assert_array_equal(a, b, err_msg=name)


def beyond_the_bmp(path: Path) -> Path:
    """A page whose font's ToUnicode maps a code to a char outside the BMP (U+20000: two chars
    in pdfium's text page, a surrogate pair; one char in pdfminer's)."""
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /T def "
        b"1 begincodespacerange <00> <FF> endcodespacerange "
        b"1 beginbfchar <41> <D840DC00> endbfchar "
        b"endcmap CMapName currentdict /CMap defineresource pop end end"
    )
    content = b"BT /F1 12 Tf 50 100 Td (A total 12.50 A) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
        *(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(s), s) for s in (content, cmap)),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for k, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (k, body)
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        start,
    )
    path.write_bytes(bytes(out))
    return path


def remapped(source: Path, path: Path, chars: dict[str, str]) -> Path:
    """The PDF (reportlab's: classic xref, objects 1..n) with its fonts' ToUnicode maps giving
    other chars for some (`chars`: BMP char -> any char), as a PDF with names the font does
    not have can map them."""
    data = source.read_bytes()
    found = re.finditer(rb"(\d+) 0 obj\n(.*?)\nendobj\n", data, re.S)
    objects = {int(m.group(1)): m.group(2) for m in found}
    assert sorted(objects) == list(range(1, len(objects) + 1))
    for k, body in objects.items():
        stream = re.fullmatch(
            rb"<<\n/Filter \[ /FlateDecode \] /Length \d+\n>>\nstream\n(.*)endstream", body, re.S
        )
        cmap = zlib.decompress(stream.group(1)) if stream else b""
        if b"begincmap" not in cmap:
            continue
        for old, new in chars.items():
            units = new.encode("utf-16-be").hex().upper().encode()
            cmap = cmap.replace(b"<%04X>" % ord(old), b"<%s>" % units)
        packed = zlib.compress(cmap)
        objects[k] = b"<< /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream" % (
            len(packed),
            packed,
        )
    trailer = re.search(rb"trailer\s*<<(.*?)>>", data, re.S).group(1)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for k in sorted(objects):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (k, objects[k])
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<<%s>>\nstartxref\n%d\n%%%%EOF\n" % (trailer, start)
    path.write_bytes(bytes(out))
    return path


def test_a_lone_surrogate_is_the_replacement_char():
    """A broken ToUnicode map can give half a pair: no UTF-8 file (raw store record, Parquet,
    CSV) could hold it, so the text has U+FFFD instead, and a pair still decodes whole."""
    codes = np.array([0x41, 0xD840, 0x42, 0xDC00, 0x20000], np.uint32)
    assert pdfium._decode(codes) == "A\ufffdB\ufffd\U00020000"
    pdfium._decode(codes).encode("utf-8")


@pytest.mark.parametrize("mode", ["compiled", "ctypes"])
def test_a_char_beyond_the_bmp_is_one_char(tmp_path, monkeypatch, mode):
    """pdfium's surrogate pair is read as the char itself (pdfplumber's text), compiled or not:
    lone surrogates cannot be written as UTF-8."""
    if mode == "ctypes":
        monkeypatch.setenv(pdfium_bulk.MODE_VARIABLE, "ctypes")
    elif pdfium_bulk.compiled() is None:
        pytest.skip("no C compiler here")
    reference, found = by_both(beyond_the_bmp(tmp_path / "synthetic-beyond-the-bmp.pdf"))
    assert [row.cells for row in found.rows] == [("\U00020000 total 12.50 \U00020000",)]
    assert_same_rows(reference, found)


def test_names_beyond_the_bmp_are_ingested_parsed_and_written(tmp_path, synthetic):
    """A disclosure whose department and an item are named with chars outside the BMP (CJK
    Extension B: personal and place names): identified, parsed, its rows fit the schemas (lone
    surrogates, which are not UTF-8, stopped the ingest and quarantined the document)."""
    source = synthetic(0)
    department = parse_source(read_document(source)).department_name
    assert department and "\u517b" not in department
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    chars = {department[-1]: "\U00020000", "\u517b": "\U00020001"}  # 养
    path = remapped(source, inbox / source.name, chars)
    store = RawStore(tmp_path / "raw")
    ingest(store, [inbox])
    (doc,) = store.all()
    assert doc.department_name == department[:-1] + "\U00020000"
    outcome = parse_stored(store, doc)
    row = outcome.documents[0]
    assert row["status"] != "quarantined", row["status_reason"]
    assert row["department_name"] == doc.department_name
    assert outcome.tables  # every resource's rows fit its Arrow schema
    names = outcome.tables["line_items"].column("name").to_pylist()
    assert any("\U00020001" in name for name in names)
    assert outcome.packed().batches["line_items"]
    reference, found = by_both(path)
    assert_same_rows(reference, found)


@pytest.mark.parametrize(
    "name", ["handmade", "handmade-without-form", *SAMPLES, "synthetic", "beyond-the-bmp"]
)
def test_the_document_call_reads_what_the_ctypes_calls_read(tmp_path, synthetic, name):
    """jb_document and jb_char_columns against read_page and document_chars through ctypes:
    the same chars (to the bit) and edges, page by page."""
    if pdfium_bulk.compiled() is None:
        pytest.skip("no C compiler here")
    if name.startswith("handmade"):
        path = handmade(tmp_path / "synthetic-handmade.pdf", form=name == "handmade")
    elif name == "beyond-the-bmp":
        path = beyond_the_bmp(tmp_path / "synthetic-beyond-the-bmp.pdf")
    else:
        path = synthetic(0) if name == "synthetic" else SAMPLES_DIR / name
    found, expected = read_both_ways(path)
    assert_same_read(found, expected)
    if name == "beyond-the-bmp":  # a surrogate pair is one char: its code point
        assert found.chars.codes[found.char_page == 0].tolist().count(0x20000) == 2
        assert (found.char_page == 0).sum() == 15  # as pdfplumber's chars
        return
    assert len(found.chars) > 100
    assert len(found.edges[0]) + len(found.edges[2]) > 10


def test_the_document_call_grows_its_arrays(tmp_path):
    """Arrays of one entry to start with, grown page after page: the same read."""
    if pdfium_bulk.compiled() is None:
        pytest.skip("no C compiler here")
    for path in (handmade(tmp_path / "synthetic-handmade.pdf"), PUTUO):
        assert_same_read(*read_both_ways(path, capacity=1))


@pytest.mark.parametrize("name", ["handmade", SAMPLES[0]])
def test_the_ctypes_calls_give_the_same_rows(tmp_path, monkeypatch, name):
    """Without a C compiler the reader is slower, not different."""
    path = (
        handmade(tmp_path / "synthetic-handmade.pdf") if name == "handmade" else SAMPLES_DIR / name
    )
    monkeypatch.setenv(pdfium_bulk.MODE_VARIABLE, "ctypes")
    assert isinstance(pdfium._bulk(), pdfium._CtypesBulk)
    assert_same_rows(*by_both(path))


def test_without_a_compiler_the_reader_says_so_and_reads(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(c_build, "folders", lambda: [tmp_path / "compiled"])
    monkeypatch.setenv("CC", str(tmp_path / "no-such-compiler"))
    pdfium_bulk.compiled.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="juesuan.readers.pdfium_bulk"):
            assert isinstance(pdfium._bulk(), pdfium._CtypesBulk)
        assert "through ctypes instead" in caplog.text
        assert read_document(PUTUO).rows  # read all the same
    finally:
        pdfium_bulk.compiled.cache_clear()


def test_rows_made_slot_by_slot_are_the_rows_their_init_makes():
    """`made_rows` (the PDF reader's rows) against Row's own __init__: equal, the same hash,
    fields and pickled bytes."""
    import pickle

    from juesuan.readers import Row, made_rows

    cells = [("a", "", "1.00"), ("第一部分",), ()]
    refs = ["p1 r1", "p1 l1", "p2 l1"]
    pages = [1, 1, 2]
    made = made_rows(cells, refs, pages)
    expected = [Row(c, r, p) for c, r, p in zip(cells, refs, pages, strict=True)]
    assert made == expected
    assert [hash(row) for row in made] == [hash(row) for row in expected]
    assert [(r.cells, r.ref, r.page, r.cell_refs) for r in made] == [
        (r.cells, r.ref, r.page, r.cell_refs) for r in expected
    ]
    assert pickle.dumps(made) == pickle.dumps(expected)


def test_reading_a_pdf_imports_no_other_format_s_reader():
    """Each format's reader is imported when a file of that format is read: a PDF does not
    import the office formats' libraries (a pool worker of a PDF build spent ~0.3 s on them)."""
    import subprocess
    import sys

    from juesuan.readers import supported_formats

    assert supported_formats() == ["docx", "html", "pdf", "txt", "xls", "xlsx"]
    code = (
        "import sys; from juesuan.readers import read_document; "
        f"read_document({str(PUTUO)!r}, max_pages=2); "
        "print(sorted(m for m in ('openpyxl', 'docx', 'lxml', 'juesuan.readers.xlsx', "
        "'juesuan.readers.docx', 'juesuan.readers.html') if m in sys.modules))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"


def test_a_few_tops_round_as_many_do(monkeypatch):
    """`_rounded` of a few values (by Python at once) is its numpy way's, to the bit: ties
    either side, values past the integers a float holds, NaN and infinities."""
    tricky = [
        0.05, 0.15, 0.25, 0.35, 1.45, 2.675, 123.45, 700.05, -0.05, -1.25, 0.0, -0.0, 1e17,
        -3.3e20, 2.0**52 / 10 + 0.05, float("nan"), float("inf"), float("-inf"), 841.9,
        612.000000001, 99.94999999999999, 1 / 3,
    ]  # fmt: skip
    rng = np.random.default_rng(9)
    samples = [np.array(tricky[k : k + 16]) for k in range(0, len(tricky), 7)]
    samples += [rng.uniform(-1000, 1000, size) for size in (1, 5, 16)]
    samples += [np.round(rng.uniform(0, 800, 16), 2) + 0.05, np.empty(0)]
    for values in samples:
        few = pdfium._rounded(values)
        with monkeypatch.context() as patched:
            patched.setattr(pdfium, "_FEW", -1)
            many = pdfium._rounded(values)
        assert few.dtype == many.dtype and few.tobytes() == many.tobytes(), values
