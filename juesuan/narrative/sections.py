"""Finding 第三部分 (情况说明) and 第五部分 (附件), and cutting the explanation into text units.

The table of contents names every part too, so a part heading counts only when content follows it
before the next part (prose with 。 or an amount, or a table row). PDF text arrives one printed line
per row, wrapped mid-sentence, so lines are joined into paragraphs and paragraphs split into
sentences; each sentence keeps the ref of the row it starts on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from juesuan.narrative.records import Heading
from juesuan.narrative.vocab import topic_of
from juesuan.parse.lines import PART, lines
from juesuan.readers import Row
from juesuan.textnorm import compact

_PART = PART  # the rows that head a part: worked out once per document, by parse.lines
_SECTION = re.compile(r"^([一二三四五六七八九十]+)\s*[、.．]\s*")
_SUBSECTION = re.compile(r"^[(（]\s*([一二三四五六七八九十]+)\s*[)）]\s*")
# A numbered item inside a section: 1. / 1、 / (1) / ①. `1.87%` is a number, not an item.
_ITEM = re.compile(r"^\s*(?:(\d{1,2})\s*[、.．](?!\d)|[(（](\d{1,2})[)）]|([①-⑳]))\s*")
# Page numbers and headers that PDF extraction leaves between the lines of a paragraph.
_DEBRIS = re.compile(r"^[-–—\s]*(?:\d{1,4}|第\s*\d+\s*页.*|\d+\s*/\s*\d+)[-–—\s]*$")
_PARAGRAPH_END = re.compile(r"[。！？!?]\s*$")
_SENTENCE_END = "。；;！？!?"
_TITLE_END = re.compile(r"[。:：]")
_AMOUNT = re.compile(r"\d\s*(?:万元|元|%|％)")
_CONTENT = re.compile(rf"。|{_AMOUNT.pattern}")
_GLOSSARY = re.compile(r"^第[一二三四五六七八九十]+部分|^名词解释")


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str  # as printed, wrapped lines joined
    ref: str  # the row the sentence starts on
    terminator: str  # 。 ； … or "" when the paragraph ended without one


@dataclass(frozen=True, slots=True)
class Paragraph:
    section: str  # "五(三)"; "" before the first heading
    topic: str
    item: str | None  # the numbered item in force ("1"), carried until the next item or heading
    item_start: bool  # the paragraph starts that item (its first words are the item's title)
    sentences: tuple[Sentence, ...]
    ref: str


@dataclass(frozen=True)
class Explanation:
    headings: tuple[Heading, ...]
    paragraphs: tuple[Paragraph, ...]


def _is_content(row: Row) -> bool:
    return len(row.filled) >= 2 or bool(_CONTENT.search(row.text))


def part_rows(rows: Sequence[Row], numeral: str) -> tuple[Row, ...] | None:
    """The rows of part `numeral` (三, 五 …) after its heading, or None when it has no content.

    Among several headings of the part (table of contents, running headers), the first one with
    content before the next part heading is the part.
    """
    span = part_span(rows, numeral)
    return None if span is None else tuple(rows[span.start : span.stop])


def part_span(rows: Sequence[Row], numeral: str) -> range | None:
    """`part_rows` as the indices of the rows."""
    text = lines(rows)
    keys, filled, texts, parts = text.keys, text.filled, text.texts, text.parts
    for position, start in enumerate(parts):
        if _PART.match(keys[start]).group(1) != numeral:  # type: ignore[union-attr]
            continue
        body = range(start + 1, parts[position + 1] if position + 1 < len(parts) else len(keys))
        if any(len(filled[i]) >= 2 or _CONTENT.search(texts[i]) for i in body):  # _is_content
            return body
    return None


def _explanation_rows(rows: Sequence[Row]) -> tuple[Row, ...]:
    """第三部分, or failing its heading, from the first 一、…总体情况 heading to the glossary."""
    found = part_rows(rows, "三")
    if found is not None:
        return found
    text = lines(rows)
    keys, filled, texts = text.keys, text.filled, text.texts
    for start, text_of_row in enumerate(texts):
        stripped = text_of_row.strip()
        if len(filled[start]) == 1 and _SECTION.match(stripped) and topic_of(stripped) == "overall":
            stop = start
            while stop < len(rows) and not _GLOSSARY.match(keys[stop]):
                stop += 1
            if any(
                len(filled[i]) >= 2 or _CONTENT.search(texts[i]) for i in range(start + 1, stop)
            ):
                return tuple(rows[start:stop])
    return ()


def _split_title(text: str) -> tuple[str, str]:
    """A heading's title and the prose printed on its line: all of it when the title states an
    amount itself (（一）人员经费 531.08 万元。), else what follows the title's 。 or ：."""
    match = _TITLE_END.search(text)
    title = text[: match.start()].strip() if match else text.strip()
    if _AMOUNT.search(title):
        return title, text.strip()
    return title, text[match.end() :].strip() if match else ""


def _sentences(parts: list[tuple[str, str]]) -> tuple[Sentence, ...]:
    """Join wrapped lines and cut at 。；: each sentence with the ref of its first character."""
    text, starts = "", []
    for line, ref in parts:
        starts.append((len(text), ref))
        text += line

    def ref_at(offset: int) -> str:
        return [ref for start, ref in starts if start <= offset][-1]

    sentences: list[Sentence] = []
    begin = 0
    for index, char in enumerate(text + "\0"):
        if char not in _SENTENCE_END and index < len(text):
            continue
        chunk = text[begin : index + 1] if index < len(text) else text[begin:]
        stripped = chunk.strip()
        if stripped:
            offset = begin + (len(chunk) - len(chunk.lstrip()))
            terminator = stripped[-1] if stripped[-1] in _SENTENCE_END else ""
            sentences.append(Sentence(stripped, ref_at(offset), terminator))
        begin = index + 1
    return tuple(sentences)


def explanation(rows: Sequence[Row]) -> Explanation:
    """Headings and paragraphs of 第三部分; tables printed inside it are not prose and skipped."""
    headings: list[Heading] = []
    paragraphs: list[Paragraph] = []
    section, topic, section_topic = "", "unclassified", "unclassified"
    item: str | None = None
    item_start = False
    buffer: list[tuple[str, str]] = []

    def flush() -> None:
        nonlocal item_start
        if buffer:
            sentences = _sentences(buffer)
            if sentences:
                paragraphs.append(
                    Paragraph(section, topic, item, item_start, sentences, buffer[0][1])
                )
            buffer.clear()
        item_start = False

    for row in _explanation_rows(rows):
        if len(row.filled) != 1:
            continue
        text = row.filled[0].strip()
        if _DEBRIS.match(text) or _PART.match(compact(text)):
            continue
        if match := _SECTION.match(text):
            flush()
            title, rest = _split_title(text[match.end() :])
            section, item = match.group(1), None
            topic = section_topic = topic_of(title) or "unclassified"
            headings.append(Heading(section, title, topic, row.ref))
        elif match := _SUBSECTION.match(text):
            flush()
            title, rest = _split_title(text[match.end() :])
            section = f"{section.split('(')[0]}({match.group(1)})"
            item = None
            topic = topic_of(title) or section_topic
            headings.append(Heading(section, title, topic, row.ref))
        elif match := _ITEM.match(text):
            flush()
            item, item_start = next(g for g in match.groups() if g), True
            rest = text
        else:
            rest = text
        if rest:
            buffer.append((rest, row.ref))
            if _PARAGRAPH_END.search(rest):
                flush()
    flush()
    return Explanation(tuple(headings), tuple(paragraphs))
