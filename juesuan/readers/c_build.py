"""Compiling the readers' C helpers (`juesuan/readers/*.c`) on first use.

Why: the PDF reader's inner loops (pdfium's per-character calls, issue 9) cost Python several
times what they cost in C, and no well-kept library does them. Each C file is compiled with the
system C compiler (`cc`, or `$CC`) into `juesuan/readers/_compiled/` (or `~/.cache/juesuan`
where the package is read-only), named by the hash of its source and flags, so an edit
rebuilds it; `scripts/setup` builds them all ahead (`build_all`). Callers fall back to Python
where a build fails (`BuildError`), and say so.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import platform
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
FLAGS = ("-O2", "-shared", "-fPIC", "-std=c99")


class BuildError(RuntimeError):
    """A C helper could not be compiled or loaded."""


def build(source: Path) -> Path:
    """The compiled library of `source` for these flags and this machine: built unless there."""
    code = source.read_bytes()
    digest = hashlib.sha256(code + repr((FLAGS, platform.machine())).encode()).hexdigest()
    name = f"{source.stem}-{digest[:16]}.so"
    for folder in folders():
        if (folder / name).exists():
            return folder / name
    compiler = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not compiler:
        raise BuildError(f"no C compiler to build {source.name} (install gcc: apt-get install gcc)")
    errors = []
    for folder in folders():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            # Built aside, then renamed: pool workers starting together may build it at once.
            with tempfile.TemporaryDirectory(dir=folder) as scratch:
                built = Path(scratch) / name
                subprocess.run(
                    [compiler, *FLAGS, "-o", str(built), str(source), "-lm"],
                    check=True, capture_output=True, text=True, timeout=120,
                )  # fmt: skip
                os.replace(built, folder / name)
            return folder / name
        except subprocess.CalledProcessError as exc:
            raise BuildError(f"{compiler} failed on {source.name}: {exc.stderr.strip()}") from None
        except (OSError, subprocess.TimeoutExpired) as exc:
            errors.append(f"{folder}: {exc}")
    raise BuildError(f"cannot build {source.name}: " + "; ".join(errors))


def library(source: Path) -> ctypes.CDLL:
    """The compiled library of `source`, built if need be and loaded."""
    built = build(source)
    try:
        return ctypes.CDLL(str(built))
    except OSError as exc:
        raise BuildError(f"cannot load {built} ({exc}); delete it to rebuild") from None


def build_all() -> list[Path]:
    """Every C helper of the readers, built (what `scripts/setup` runs)."""
    return [build(source) for source in sorted(HERE.glob("*.c"))]


def folders() -> list[Path]:
    """Where the libraries are kept: beside the sources, else the user's cache."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "juesuan"
    return [HERE / "_compiled", cache]


_char_at = ctypes.c_char.from_buffer
_address_of = ctypes.addressof


def address(array: np.ndarray) -> int:
    """The array's data pointer, to pass to C: a quarter of the cost of `array.ctypes.data`
    (a PDF's reading passes some fifty arrays, at ingest and again at parse) through the
    buffer protocol, which takes only non-empty, writable, contiguous arrays; the others'
    from `__array_interface__`."""
    if array.nbytes:  # (an empty one would raise: a third of them, on a cover page)
        try:
            return _address_of(_char_at(array))
        except (TypeError, ValueError, BufferError):
            pass
    return array.__array_interface__["data"][0]


def typed(function, restype, *argtypes):
    """A C library's function, its result and argument types set for ctypes."""
    function.restype = restype
    function.argtypes = argtypes
    return function
