"""OCR of a PDF page without a text layer (a scan), with tesseract and its chi_sim data.

The page is rendered at 300 dpi. Scanned tables keep their ruling lines, and those lines are
used twice: removed from the image before OCR (tesseract reads them as `|` and `[`, and they
swallow the decimal points next to them), and kept as the table's grid, so that every word is
placed in the cell that contains it — a scanned table row becomes a row of cells in the same
columns as a ruled PDF table (merged cells: text in the first column, "" in the others).
Words outside the tables become lines of text. `--psm 4` as measured in STACK.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from juesuan.readers import Row, UnreadableDocument, limits

RESOLUTION = 300
LANGUAGE = "chi_sim"
CONFIG = "--psm 4"
# A second pass for figures: chi_sim confuses 6/0 and 5/3 in some fonts; English with a digit
# whitelist read every number of the Putuo pages right.
DIGITS_LANGUAGE = "eng"
DIGITS_CONFIG = "--psm 4 -c tessedit_char_whitelist=0123456789.,-"
_CJK = re.compile(r"[\u3400-\u9fff]")
DARK = 160  # grey level below which a pixel is ink
RULE = 60  # a straight run of ink longer than this (px at 300 dpi) is a ruling line
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff（）、：:])\s+(?=[\u3400-\u9fff（）、：:])")


@dataclass(frozen=True)
class Word:
    text: str
    left: int
    top: int
    width: int
    height: int
    line: tuple[int, int, int]

    @property
    def center(self) -> tuple[float, float]:
        return self.left + self.width / 2, self.top + self.height / 2


def _runs(ink, span: int, axis: int):
    """Pixels covered by a window of `span` consecutive ink pixels along `axis`."""
    import numpy as np

    ink = ink if axis == 1 else ink.T
    height, width = ink.shape
    if width < span:
        mask = np.zeros_like(ink)
    else:
        padded = np.zeros((height, width + 1), dtype=np.int32)
        np.cumsum(ink, axis=1, out=padded[:, 1:])
        full = (padded[:, span:] - padded[:, :-span]) == span  # window starting at x is all ink
        starts = np.zeros((height, width + 1), dtype=np.int32)
        np.cumsum(np.pad(full, ((0, 0), (0, span - 1))), axis=1, out=starts[:, 1:])
        lower = np.clip(np.arange(width) - span + 1, 0, None)
        mask = (starts[:, 1:] - starts[:, lower]) > 0
    return mask if axis == 1 else mask.T


def _positions(profile, minimum: int) -> list[int]:
    """Centres of the runs of consecutive indices whose profile reaches `minimum`."""
    positions, run = [], []
    for index, value in enumerate(profile):
        if value >= minimum:
            run.append(index)
        elif run:
            positions.append(sum(run) // len(run))
            run = []
    if run:
        positions.append(sum(run) // len(run))
    return positions


@dataclass
class Grid:
    """The ruled grid of a scanned table: row lines, column lines, and which lines are drawn."""

    rows: list[int]
    cols: list[int]
    vertical: object  # boolean mask of vertical rule pixels

    def boundaries(self, top: int, bottom: int) -> list[int]:
        """Column lines drawn across the band between two row lines (merged cells lack some)."""
        band = self.vertical[top:bottom]
        height = max(bottom - top, 1)
        return [
            x for x in self.cols if band[:, max(x - 3, 0) : x + 4].any(axis=1).sum() > 0.6 * height
        ]


def find_grid(image) -> tuple[object, Grid | None]:
    """The image without its rules, and the grid they drew (None when there is no table)."""
    import numpy as np
    from PIL import Image

    gray = np.asarray(image.convert("L"))
    ink = gray < DARK
    horizontal = _runs(ink, RULE, axis=1)
    vertical = _runs(ink, RULE, axis=0)
    rules = horizontal | vertical
    # Glyphs touching a rule (numbers top-aligned under a line) lose their strokes with it:
    # keep rule pixels that continue a glyph's ink on both sides across the rule's thickness.
    strokes = ink & ~rules
    keep = np.zeros_like(rules)
    for shift in (2, 3, 4):
        keep |= (np.roll(strokes, shift, axis=0) & np.roll(strokes, -shift, axis=0)) & horizontal
        keep |= (np.roll(strokes, shift, axis=1) & np.roll(strokes, -shift, axis=1)) & vertical
    cleaned = gray.copy()
    cleaned[rules & ~keep] = 255
    rows = _positions(horizontal.sum(axis=1), 4 * RULE)
    cols = _positions(vertical.sum(axis=0), 2 * RULE)
    grid = Grid(rows, cols, vertical) if len(rows) >= 2 and len(cols) >= 2 else None
    return Image.fromarray(cleaned), grid


def _join(words: list[Word]) -> str:
    words = sorted(words, key=lambda w: (w.line, w.left))
    return _CJK_GAP.sub("", " ".join(w.text for w in words)).strip()


def _in(words: list[Word], left: int, top: int, right: int, bottom: int) -> list[Word]:
    return [w for w in words if left <= w.center[0] < right and top <= w.center[1] < bottom]


def _table_rows(grid: Grid, words: list[Word], digits: list[Word], number: int) -> list[Row]:
    rows: list[Row] = []
    for top, bottom in pairwise(grid.rows):
        inside = [w for w in words if top <= w.center[1] < bottom]
        if not inside:
            continue
        drawn = grid.boundaries(top, bottom)
        cells = [""] * (len(grid.cols) - 1)
        for left, right in pairwise(drawn):
            text = _join(_in(inside, left, top, right, bottom))
            figures = _join(_in(digits, left, top, right, bottom))
            if text and not _CJK.search(text) and figures:
                text = figures  # a number: the digit pass reads it better
            if text:
                cells[grid.cols.index(left)] = text
        if any(cells):
            rows.append(Row(tuple(cells), "", page=number))
    return rows


def _words(data) -> list[Word]:
    words = []
    for i, text in enumerate(data["text"]):
        if text.strip() and float(data["conf"][i]) >= 0:
            words.append(
                Word(
                    text.strip(),
                    data["left"][i],
                    data["top"][i],
                    data["width"][i],
                    data["height"][i],
                    (data["block_num"][i], data["par_num"][i], data["line_num"][i]),
                )
            )
    return words


def ocr_page(page, number: int, file_name: str) -> list[Row]:
    """The rows of a scanned page; refs `p3 o7` (page 3, 7th row read by OCR)."""
    import pytesseract

    limits.checkpoint(page=number)  # seconds a page: the time budget is checked before each
    image, grid = find_grid(page.to_image(resolution=RESOLUTION).original)
    try:
        data = pytesseract.image_to_data(
            image, lang=LANGUAGE, config=CONFIG, output_type=pytesseract.Output.DICT
        )
        digits = (
            _words(
                pytesseract.image_to_data(
                    image,
                    lang=DIGITS_LANGUAGE,
                    config=DIGITS_CONFIG,
                    output_type=pytesseract.Output.DICT,
                )
            )
            if grid
            else []
        )
    except pytesseract.TesseractNotFoundError:
        raise UnreadableDocument(
            f"{file_name}: page {number} is a scan without a text layer and OCR is not "
            "available: install tesseract (Debian: tesseract-ocr tesseract-ocr-chi-sim)"
        ) from None
    except pytesseract.TesseractError as exc:
        raise UnreadableDocument(
            f"{file_name}: OCR failed on page {number} ({str(exc).strip()}); is the chi_sim "
            "language data installed (Debian: tesseract-ocr-chi-sim)?"
        ) from None
    words = _words(data)
    in_table = [w for w in words if grid.rows[0] <= w.center[1] < grid.rows[-1]] if grid else []
    outside = [w for w in words if w not in in_table]
    counter = [0]
    placed: list[tuple[float, Row]] = []
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for word in outside:
        lines.setdefault(word.line, []).append(word)
    for line_words in lines.values():
        top = min(w.top for w in line_words)
        placed.append((top, Row((_join(line_words),), "", page=number)))
    if grid:
        for row in _table_rows(grid, in_table, digits, number):
            placed.append((grid.rows[0] + 0.5, row))
    placed.sort(key=lambda item: item[0])
    rows = []
    for _top, row in placed:
        counter[0] += 1
        rows.append(Row(row.cells, f"p{number} o{counter[0]}", page=number))
    return rows
