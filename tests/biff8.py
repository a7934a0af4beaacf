"""A tiny writer of real Excel 97-2003 (.xls) files, for tests only: xlrd reads, never writes.

Just enough BIFF8 (one font, number formats, cell XFs, shared strings, numbers, merged ranges,
hidden rows and sheets) in just enough OLE2 compound file (one FAT sector, the Workbook stream,
one directory sector) for xlrd to open it as Excel would have saved it.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass, field

_END, _FREE, _FAT = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
_SECTOR = 512


@dataclass
class Sheet:
    name: str
    # (row, col) -> str, or (float, format string); rows and columns 0-based
    cells: dict[tuple[int, int], str | tuple[float, str]] = field(default_factory=dict)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, r2, c1, c2
    hidden_rows: set[int] = field(default_factory=set)
    hidden: bool = False


def _record(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _text(value: str, length_bytes: int) -> bytes:
    size = struct.pack("<B" if length_bytes == 1 else "<H", len(value))
    return size + b"\x01" + value.encode("utf-16-le")  # 0x01: uncompressed UTF-16


def _bof(kind: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x06))


def workbook(sheets: Sequence[Sheet]) -> bytes:
    """The bytes of an .xls holding the sheets."""
    formats = sorted({c[1] for s in sheets for c in s.cells.values() if isinstance(c, tuple)})
    format_ids = {fmt: 164 + n for n, fmt in enumerate(formats)}
    xf_of = {fmt: 16 + n for n, fmt in enumerate(formats)}  # cell XFs after 16 style XFs
    strings = sorted({c for s in sheets for c in s.cells.values() if isinstance(c, str)})
    sst = {text: n for n, text in enumerate(strings)}

    def xf(format_id: int, style: bool) -> bytes:
        kind = 0xFFF5 if style else 0x0000  # style XF, or cell XF with parent 0
        return _record(
            0x00E0, struct.pack("<HHHBBBBIiH", 0, format_id, kind, 0x20, 0, 0, 0, 0, 0, 0x20C0)
        )

    globals_ = [_bof(0x0005), _record(0x0042, struct.pack("<H", 1200))]
    font = struct.pack("<HHHHHBBBB", 220, 0, 0x7FFF, 400, 0, 0, 0, 134, 0) + _text("宋体", 1)
    globals_ += [_record(0x0031, font)] * 5  # Excel skips font index 4: give it five
    globals_ += [_record(0x041E, struct.pack("<H", format_ids[f]) + _text(f, 2)) for f in formats]
    globals_ += [xf(0, True) for _ in range(16)]
    globals_ += [xf(format_ids[f], False) for f in formats] + [xf(0, False)]
    general_xf = 16 + len(formats)
    sheet_streams = [_sheet(s, sst, xf_of, general_xf) for s in sheets]
    sst_data = struct.pack("<ii", len(strings), len(strings)) + b"".join(
        _text(s, 2) for s in strings
    )
    tail = [_record(0x00FC, sst_data), _record(0x000A)]
    boundsheet_sizes = [4 + 6 + len(_text(s.name, 1)) for s in sheets]
    offset = sum(map(len, globals_)) + sum(boundsheet_sizes) + sum(map(len, tail))
    boundsheets = []
    for sheet, stream in zip(sheets, sheet_streams, strict=True):
        data = struct.pack("<iBB", offset, 1 if sheet.hidden else 0, 0) + _text(sheet.name, 1)
        boundsheets.append(_record(0x0085, data))
        offset += len(stream)
    stream = b"".join(globals_ + boundsheets + tail + sheet_streams)
    return ole2(stream)


def _sheet(sheet: Sheet, sst: dict[str, int], xf_of: dict[str, int], general_xf: int) -> bytes:
    rows = max((r for r, _c in sheet.cells), default=0) + 1
    cols = max((c for _r, c in sheet.cells), default=0) + 1
    out = [_bof(0x0010), _record(0x0200, struct.pack("<IIHHH", 0, rows, 0, cols, 0))]
    for row in sorted(sheet.hidden_rows):
        out.append(_record(0x0208, struct.pack("<HHHHHHI", row, 0, cols, 255, 0, 0, 0x120)))
    for (row, col), value in sorted(sheet.cells.items()):
        if isinstance(value, str):
            out.append(_record(0x00FD, struct.pack("<HHHi", row, col, general_xf, sst[value])))
        else:
            number, fmt = value
            out.append(_record(0x0203, struct.pack("<HHHd", row, col, xf_of[fmt], number)))
    if sheet.merged:
        ranges = b"".join(struct.pack("<HHHH", *m) for m in sheet.merged)
        out.append(_record(0x00E5, struct.pack("<H", len(sheet.merged)) + ranges))
    out.append(_record(0x000A))
    return b"".join(out)


def ole2(stream: bytes, name: str = "Workbook") -> bytes:
    """The stream as the only stream of a minimal OLE2 compound file (v3, 512-byte sectors)."""
    size = max(len(stream), 4096)  # below 4096 bytes a stream would live in the mini stream
    stream = stream.ljust(-(-size // _SECTOR) * _SECTOR, b"\x00")
    count = len(stream) // _SECTOR
    assert count + 2 <= 128, "one FAT sector only: keep test workbooks under 63 KB"
    fat = [_FAT, *range(2, count + 1), _END, _END]
    fat += [_FREE] * (128 - len(fat))
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, 1, count + 1, 0, 4096, _END, 0, _END, 0)
        + struct.pack("<109I", 0, *([_FREE] * 108))
    )
    directory = (
        _entry("Root Entry", 5, child=1, start=_END, size=0)
        + _entry(name, 2, child=_FREE, start=1, size=size)
        + bytes(256)
    )
    return header + struct.pack("<128I", *fat) + stream + directory


def _entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le")
    return (
        encoded.ljust(64, b"\x00")
        + struct.pack("<HBBIII", len(encoded), kind, 1, _FREE, _FREE, child)
        + bytes(16 + 4 + 16)
        + struct.pack("<III", start, size, 0)
    )
