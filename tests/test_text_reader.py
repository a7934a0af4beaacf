"""Plain text in UTF-8, UTF-8 with BOM and GB18030 reads the same; undecodable bytes are refused."""

from __future__ import annotations

import pytest

from juesuan.parse import parse_source
from juesuan.readers import UnreadableDocument, read_document


@pytest.mark.parametrize(
    ("encoding", "name"),
    [("utf-8-sig", "bom.txt"), ("gb18030", "gbk.txt"), ("utf-8", "plain.txt")],
)
def test_encodings_read_alike(tmp_path, seed_path, seed, encoding, name):
    copy = tmp_path / name
    copy.write_bytes(seed_path.read_text(encoding="utf-8").encode(encoding))
    parsed = parse_source(read_document(copy))
    assert parsed.department_name == seed.department_name
    assert [(i.key, i.amount_yuan, i.source_ref) for i in parsed.line_items] == [
        (i.key, i.amount_yuan, i.source_ref) for i in seed.line_items
    ]


def test_undecodable_text_is_refused_with_the_file_name(tmp_path):
    bad = tmp_path / "broken.txt"
    bad.write_bytes(b"\xff\xfe\x00\xd8 not text \x81")
    with pytest.raises(UnreadableDocument, match=r"broken\.txt"):
        read_document(bad)


def test_unsupported_format_names_the_file(tmp_path):
    odd = tmp_path / "report.odt"
    odd.write_bytes(b"whatever")
    with pytest.raises(UnreadableDocument, match=r"report\.odt.*not supported"):
        read_document(odd)


def test_rows_keep_blank_cells_and_line_numbers(tmp_path):
    text = tmp_path / "t.txt"
    text.write_text("标题\n\na\t\tb\n\f第二页\n", encoding="utf-8")
    rows = read_document(text).rows
    assert [(r.cells, r.ref, r.page) for r in rows] == [
        (("标题",), "L1", 1),
        (("a", "", "b"), "L3", 1),
        (("第二页",), "L4", 2),
    ]
