"""The zip-bomb guard of the zip-based formats (.xlsx, .docx), checked before any library opens one.

An .xlsx or .docx is a zip archive that openpyxl and python-docx inflate in memory. A file from a
web site can claim gigabytes in a few kilobytes; the central directory says so before anything
is inflated, so the archive is refused on its own declaration. Real disclosures are far below
both limits (a 20,000-row sheet is about 7 MB and compresses about 17 to 1).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from juesuan.readers import UnreadableDocument

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100


def check_zip(path: Path) -> None:
    """Refuse a corrupt archive, or one that would inflate past the limits; else return."""
    name = Path(path).name
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableDocument(
            f"{name}: not a readable zip archive ({exc}); the file is corrupt or truncated: "
            "download it again, or open it in its office program and save it anew"
        ) from exc
    total = sum(member.file_size for member in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise UnreadableDocument(
            f"{name}: refused unopened: the archive would inflate to {total / 2**20:.0f} MB, "
            f"more than the {MAX_UNCOMPRESSED_BYTES // 2**20} MB limit (a zip bomb, or not a "
            "disclosure); check the file by hand"
        )
    for member in members:
        if member.file_size and member.file_size > MAX_COMPRESSION_RATIO * max(
            member.compress_size, 1
        ):
            ratio = member.file_size / max(member.compress_size, 1)
            raise UnreadableDocument(
                f"{name}: refused unopened: member {member.filename} is compressed {ratio:.0f} "
                f"to 1, more than the limit of {MAX_COMPRESSION_RATIO} (a zip bomb); check the "
                "file by hand"
            )
