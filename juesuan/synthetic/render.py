"""One entry point for every format: render(accounts, layout, fmt, path)."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path

from juesuan.synthetic.accounts import SyntheticAccounts
from juesuan.synthetic.layout import Layout
from juesuan.synthetic.printed import PrintedDocument, build

FORMATS = ("txt", "html", "xlsx", "docx", "pdf")


def _renderer(fmt: str) -> Callable[[PrintedDocument, Path], None]:
    # Imported on demand: reportlab and python-docx take a while to import and a text-only run
    # should not pay for them.
    module = import_module(f"juesuan.synthetic.render_{_MODULES[fmt]}")
    return getattr(module, f"render_{_MODULES[fmt]}")


_MODULES = {"txt": "text", "html": "html", "xlsx": "xlsx", "docx": "docx", "pdf": "pdf"}


def file_name(accounts: SyntheticAccounts, layout: Layout, fmt: str) -> str:
    """`synthetic-…`: a synthetic document says what it is in its name as well as its content."""
    return f"synthetic-{accounts.seed}-{layout.name}.{fmt}"


def render(accounts: SyntheticAccounts, layout: Layout, fmt: str, path: Path) -> Path:
    """Write the document in one format; the file name must start with `synthetic-`."""
    path = Path(path)
    if not path.name.startswith("synthetic-"):
        raise ValueError(f"{path.name}: synthetic documents are named synthetic-…")
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    _renderer(fmt)(build(accounts, layout), path)
    return path
