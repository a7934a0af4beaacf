"""Benchmark of the pipeline against the floor of reading the same documents.

    uv run python benchmarks/pipeline.py --documents 200 [--formats pdf,txt,xlsx] [--json out.json]

Generates a corpus of synthetic disclosures (marked synthetic in name and content), then times
each stage of the pipeline — read, parse, ingest + parse by year (process pool), load, check,
publish — and a rebuild with nothing new, and side by side the floors: extracting only the text
layer of the same PDFs with pypdfium2 and pdfplumber, the text of every document by the fastest
reader of its format, and a plain DuckDB load of the same rows. The floors run in one process;
the pipeline uses every core, as it does in production.
Reports wall time, documents per second and peak memory (RSS, this process and its workers).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from juesuan.synthetic.__main__ import document
from juesuan.synthetic.render import file_name, render


def peak_mb() -> dict[str, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"peak_rss_mb": round(own, 1), "peak_worker_rss_mb": round(children, 1)}


class Timer:
    def __init__(self) -> None:
        self.stages: dict[str, dict] = {}

    def run(self, name: str, documents: int, function, *args, **kwargs):
        started = time.perf_counter()
        result = function(*args, **kwargs)
        self.record(name, documents, time.perf_counter() - started)
        return result

    def record(self, name: str, documents: int, seconds: float) -> None:
        self.stages[name] = {
            "seconds": round(seconds, 3),
            "documents": documents,
            "documents_per_second": round(documents / seconds, 1) if seconds else None,
            **peak_mb(),
        }
        print(f"  {name:<42} {seconds:8.2f} s  {documents / seconds if seconds else 0:8.1f} doc/s",
              flush=True)  # fmt: skip


def generate(folder: Path, count: int, formats: list[str], seed: int) -> list[Path]:
    paths = []
    for n in range(count):
        accounts, layout = document(seed, n)
        fmt = formats[n % len(formats)]
        path = folder / file_name(accounts, layout, fmt)
        render(accounts, layout, fmt, path)
        paths.append(path)
    return paths


def pdfium_text(paths: list[Path]) -> int:
    import pypdfium2 as pdfium

    pages = 0
    for path in paths:
        pdf = pdfium.PdfDocument(str(path))
        for page in pdf:
            page.get_textpage().get_text_range()
            pages += 1
        pdf.close()
    return pages


def text_of(path: Path) -> str:
    """The text of one document by the fastest well-kept reader of its format, with no layout:
    what no pipeline reading that document can avoid."""
    import zipfile

    from lxml import etree, html

    fmt = path.suffix.lstrip(".")
    if fmt == "pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        try:
            return "".join(page.get_textpage().get_text_range() for page in pdf)
        finally:
            pdf.close()
    if fmt == "txt":
        data = path.read_bytes()
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("gb18030", errors="replace")
    if fmt == "html":
        return html.fromstring(path.read_bytes()).text_content()
    if fmt == "docx":
        with zipfile.ZipFile(path) as package:
            return "".join(etree.fromstring(package.read("word/document.xml")).itertext())
    if fmt == "xlsx":
        try:
            from python_calamine import CalamineWorkbook
        except ImportError:  # openpyxl's streaming mode
            import openpyxl

            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
            try:
                return "".join(
                    str(v) for ws in book.worksheets for r in ws.iter_rows(values_only=True)
                    for v in r if v is not None
                )  # fmt: skip
            finally:
                book.close()
        book = CalamineWorkbook.from_path(str(path))
        return "".join(
            str(v) for name in book.sheet_names for r in book.get_sheet_by_name(name).to_python()
            for v in r
        )  # fmt: skip
    raise ValueError(f"no text floor for {path.name}")


def text_floor(paths: list[Path]) -> int:
    return sum(len(text_of(path)) for path in paths)


def pdfplumber_text(paths: list[Path]) -> None:
    import pdfplumber

    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()


@dataclass
class SideBySide:
    """Seconds per format: the floor (`text_of`), our reading and our parsing of the same files."""

    floor: Counter = field(default_factory=Counter)
    reading: Counter = field(default_factory=Counter)
    parsing: Counter = field(default_factory=Counter)
    items: int = 0


def side_by_side(paths: list[Path]) -> SideBySide:
    """Each document's floor, then its reading and parsing, timed back to back, the two in
    alternate order from one document to the next: the ratio of the two then holds however the
    machine's speed drifts during the run (this VM's varies by 10% within an hour), which two
    passes minutes apart would not.

    Reading and parsing are what a pool worker runs (juesuan.parse_year): the rows, then the
    tables into line items, the prose, the printed date, the identities and the prose's checks;
    the rows of its outcome and their Arrow batches are not counted. No document is kept:
    holding the corpus would slow both by the garbage collector's passes over it."""
    from juesuan.checks.identities import Amounts, identity_statuses
    from juesuan.checks.narrative import run_narrative_checks
    from juesuan.parse import parse_source
    from juesuan.parse.dates import printed_date
    from juesuan.parse_year import _narrative
    from juesuan.readers import read_document

    def ours(path: Path) -> tuple[float, float, int]:
        started = time.perf_counter()
        source = read_document(path)
        read = time.perf_counter()
        parsed = parse_source(source)
        narrative = _narrative(source, parsed)
        printed_date(source.rows)
        amounts = Amounts(parsed.line_items)
        identity_statuses(amounts)
        if narrative:
            run_narrative_checks(narrative, parsed.line_items, amounts.by_key)
        return read - started, time.perf_counter() - read, len(parsed.line_items)

    def floor(path: Path) -> float:
        started = time.perf_counter()
        text_of(path)
        return time.perf_counter() - started

    out = SideBySide()
    for n, path in enumerate(paths):
        fmt = path.suffix.lstrip(".")
        if n % 2:
            reading, parsing, items = ours(path)
            out.floor[fmt] += floor(path)
        else:
            out.floor[fmt] += floor(path)
            reading, parsing, items = ours(path)
        out.reading[fmt] += reading
        out.parsing[fmt] += parsing
        out.items += items
    return out


# The stages of a build, in order; the end-to-end time is their sum.
PIPELINE_STAGES = (
    "ingest",
    "parse (pool, by year)",
    "up to date?",
    "load (warehouse)",
    "check (constraints)",
    "publish (release)",
)


def pipeline(layout, corpus: Path, timer: Timer, count: int, label: str) -> None:
    from juesuan.checks.constraints import check_warehouse
    from juesuan.ingest import ingest
    from juesuan.parse_year import parse_years
    from juesuan.rawstore import RawStore
    from juesuan.warehouse import build_warehouse
    from publish.release import build_release

    store = RawStore(layout.raw_dir)
    summary = timer.run(f"{label}ingest", count, ingest, store, [corpus])

    def parse_all_years():  # as the parsed_documents asset does: the store read once
        stored = store.by_year()
        return list(parse_years(layout, {y: stored.get(y, []) for y in summary.fiscal_years}))

    years = timer.run(f"{label}parse (pool, by year)", count, parse_all_years)
    parsed_now = sum(y.parsed_now for y in years)
    print(f"    parsed now: {parsed_now}; years unchanged: {sum(y.unchanged for y in years)}")
    from pipelines.run import last_release_for_current_warehouse

    if timer.run(f"{label}up to date?", count, last_release_for_current_warehouse, layout):
        print("    warehouse and release up to date: nothing to load, check or publish")
        return  # what juesuan build does when nothing is new
    timer.run(f"{label}load (warehouse)", count, build_warehouse, layout)
    findings = timer.run(
        f"{label}check (constraints)", count, check_warehouse, layout.warehouse_path
    )
    print(f"    constraint findings: {len(findings)}")
    release = timer.run(f"{label}publish (release)", count, build_release, layout)
    marker = layout.releases_dir / ".published-inputs.json"
    inputs = (layout.warehouse_path.parent / (layout.warehouse_path.name + ".inputs")).read_text()
    marker.write_text(json.dumps({"inputs": inputs.strip(), "version": release.version}))


def dagster_build(work: Path, corpus: Path) -> dict:
    """`juesuan build` as the operator runs it: Dagster runs on a persistent instance."""
    from assets.resources import JuesuanResource
    from pipelines.run import build

    resource = JuesuanResource(base_dir=str(work / "dagster-run"), sources=[str(corpus)])
    return build(resource, log_level="ERROR").steps


def plain_load(layout) -> int:
    import duckdb

    files = sorted(str(p) for p in layout.parsed_dir.glob("fiscal_year=*/line_items.parquet"))
    with duckdb.connect(":memory:") as con:
        con.execute(f"CREATE TABLE t AS SELECT * FROM read_parquet({files!r})")
        return con.execute("SELECT count(*) FROM t").fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--formats", default="pdf,txt,xlsx,docx,html")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument(
        "--no-pdfplumber", action="store_true", help="skip the pdfplumber floor (slow, ~40x)"
    )
    parser.add_argument(
        "--pipeline-only",
        action="store_true",
        help="skip the one-after-the-other stages (each document read, then parsed, timed apart)",
    )
    parser.add_argument(
        "--dagster",
        action="store_true",
        help="also time `juesuan build` itself (Dagster runs), and its rebuild with nothing new",
    )
    args = parser.parse_args()
    formats = args.formats.split(",")

    from juesuan.paths import Layout

    work = args.workdir or Path(tempfile.mkdtemp(prefix="juesuan-bench-"))
    corpus = work / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    layout = Layout.under(work / "run")
    timer = Timer()
    print(f"corpus of {args.documents} synthetic documents ({args.formats}) in {work}")
    existing = sorted(p for p in corpus.iterdir() if p.name.startswith("synthetic-"))
    if len(existing) == args.documents:  # the same corpus again (--workdir of an earlier run)
        paths = existing
        print("reusing the corpus already there")
    else:
        paths = timer.run(
            "generate corpus", args.documents, generate, corpus, args.documents, formats, args.seed
        )
    shutil.rmtree(work / "run", ignore_errors=True)
    pdfs = [p for p in paths if p.suffix == ".pdf"]
    by_format = Counter(p.suffix.lstrip(".") for p in paths)

    print("floors")
    pages = timer.run("floor: pypdfium2 text (pdf)", len(pdfs), pdfium_text, pdfs)
    if not args.no_pdfplumber:
        timer.run("floor: pdfplumber text (pdf)", len(pdfs), pdfplumber_text, pdfs)
    for fmt in sorted(by_format):
        of_format = [p for p in paths if p.suffix == f".{fmt}"]
        timer.run(f"floor: text ({fmt})", len(of_format), text_floor, of_format)
    items = None
    if not args.pipeline_only:
        print("side by side, one document after the other: its floor, our reading and parsing")
        paired = side_by_side(paths)
        items = paired.items
        timer.record("floor, side by side: text (all formats)", len(paths), paired.floor.total())
        timer.record("read (all formats)", len(paths), paired.reading.total())
        timer.record("parse (from rows)", len(paths), paired.parsing.total())
        if pdfs:
            side = "floor, side by side: pypdfium2 text (pdf)"
            timer.record(side, len(pdfs), paired.floor["pdf"])
            timer.record("read (pdf only)", len(pdfs), paired.reading["pdf"])
            timer.record("parse (pdf only)", len(pdfs), paired.parsing["pdf"])
    print("the pipeline")
    pipeline(layout, corpus, timer, len(paths), "")
    rows = timer.run("floor: plain DuckDB load", len(paths), plain_load, layout)
    # Measured again after the build: the end-to-end ratio takes the mean of the floors before
    # and after it, so that the machine's drift during the build weighs on both sides alike.
    timer.run("floor again: pypdfium2 text (pdf)", len(pdfs), pdfium_text, pdfs)
    for fmt in sorted(by_format):
        of_format = [p for p in paths if p.suffix == f".{fmt}"]
        timer.run(f"floor again: text ({fmt})", len(of_format), text_floor, of_format)
    print("a rebuild with nothing new")
    pipeline(layout, corpus, timer, len(paths), "rebuild: ")
    if args.dagster:
        print("juesuan build (Dagster), then again with nothing new")
        shutil.rmtree(work / "dagster-run", ignore_errors=True)
        timer.run("dagster: juesuan build", len(paths), dagster_build, work, corpus)
        timer.run("dagster: rebuild", len(paths), dagster_build, work, corpus)

    s = timer.stages
    # Named, not filtered by prefix: a prefix once left the parse out of the end-to-end time.
    full = sum(s[k]["seconds"] for k in PIPELINE_STAGES)
    rebuild = sum(s[f"rebuild: {k}"]["seconds"] for k in PIPELINE_STAGES if f"rebuild: {k}" in s)
    load_floor = s["floor: plain DuckDB load"]["seconds"]

    def mean_floor(name: str) -> float:  # before and after the build
        return (s[f"floor: {name}"]["seconds"] + s[f"floor again: {name}"]["seconds"]) / 2

    floor = mean_floor("pypdfium2 text (pdf)") + load_floor
    text_floors = sum(mean_floor(f"text ({fmt})") for fmt in by_format)
    paired = "read (pdf only)" in s
    pdf_read, pdf_parse = (
        (s["read (pdf only)"]["seconds"], s["parse (pdf only)"]["seconds"]) if paired else (0, 0)
    )
    # Reading and parsing against the floor measured side by side with them, document by document.
    pdf_floor = s["floor, side by side: pypdfium2 text (pdf)"]["seconds"] if paired else 0
    ratios = {
        # Reading alone: the PDF's text layer into rows (tables, cells, lines), as pdfplumber.
        "pdf_read_over_pypdfium2_text": round(pdf_read / pdf_floor, 2) if pdf_floor else None,
        "pdf_read_and_parse_over_pypdfium2_text": round((pdf_read + pdf_parse) / pdf_floor, 2)
        if pdf_floor
        else None,
        "pdf_read_and_parse_over_pdfplumber_text": round(
            (pdf_read + pdf_parse) / s["floor: pdfplumber text (pdf)"]["seconds"], 2
        )
        if pdf_floor and "floor: pdfplumber text (pdf)" in s
        else None,
        "end_to_end_over_sum_of_floors": round(full / floor, 2) if floor else None,
        # The same with the text of every document, whatever its format, read by the fastest
        # reader of that format (the floor reads only the PDFs of a mixed corpus).
        "end_to_end_over_text_of_every_document_and_load": round(
            full / (text_floors + load_floor), 2
        ),
        "rebuild_over_full_build": round(rebuild / full, 4) if full else None,
        **(
            {
                "dagster_build_over_sum_of_floors": round(
                    s["dagster: juesuan build"]["seconds"] / floor, 2
                ),
                "dagster_rebuild_over_build": round(
                    s["dagster: rebuild"]["seconds"] / s["dagster: juesuan build"]["seconds"], 4
                ),
            }
            if args.dagster
            else {}
        ),
    }
    report = {
        "documents": len(paths),
        "cores": len(os.sched_getaffinity(0)),
        "formats": dict(by_format),
        "pdf_pages": pages,
        "line_items": items if not args.pipeline_only else None,
        "warehouse_rows_line_items": rows,
        "stages": s,
        "end_to_end_seconds": round(full, 3),
        "rebuild_seconds": round(rebuild, 3),
        "ratios": ratios,
    }
    print(f"end to end {full:.2f} s; floors: pypdfium2 text + load {floor:.2f} s, text of every "
          f"document + load {text_floors + load_floor:.2f} s; rebuild {rebuild:.2f} s")  # fmt: skip
    print(json.dumps(ratios, indent=1))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
