"""Parsing the documents of one fiscal year into the Parquet files of that year.

One call per year, all of the year's documents in it: a Dagster run per document would cost
seconds each (STACK.md). A document that fails is recorded with its reason and the others go on.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache
from importlib.abc import MetaPathFinder
from operator import attrgetter
from pathlib import Path
from typing import Any

import pyarrow as pa

from juesuan import PARSER_VERSION
from juesuan.checks.identities import Amounts, identity_statuses
from juesuan.checks.narrative import run_narrative_checks
from juesuan.checks.scorecard import score_statuses
from juesuan.departments import department_id
from juesuan.faults import pause_point
from juesuan.locks import remove_stale_temporaries
from juesuan.narrative import extract_narrative
from juesuan.narrative.records import NarrativeResult
from juesuan.narrative.tabulate import NARRATIVE_RESOURCES, narrative_rows
from juesuan.outcome_cache import BatchWriter, OutcomeCache
from juesuan.parse import parse_source
from juesuan.parse.dates import printed_date
from juesuan.paths import DATA_DIR, PARSED_RESOURCES, Layout
from juesuan.rawstore import RawStore, StoredDocument, display_name
from juesuan.readers import UnreadableDocument, read_document
from juesuan.readers.limits import LimitExceeded
from juesuan.records import Finding, LineItem, ParsedDocument
from juesuan.registry import REGISTRY_DATA_FILES
from juesuan.schema import arrow_schema

# juesuan.storage (universal_pathlib, fsspec: ~0.1 s of CPU to import) is imported where the
# year's files are written, in the main process: never in a pool worker, which only parses.
from juesuan.workers import cores, in_pool_worker, map_documents


@dataclass
class YearSummary:
    fiscal_year: int
    unchanged: bool = False  # nothing new since the last run: nothing was read or written
    parsed_now: int = 0  # documents parsed in this run (the others came from the cache)
    documents: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    line_items: int = 0
    problems: list[str] = field(default_factory=list)


class Columns(Sequence[dict[str, Any]]):
    """Rows held column by column (field name -> values): what Arrow is made of. A document's
    hundreds of line items cost twice as much to convert as a dict per row (made, then split
    again into columns by `pa.Table.from_pylist`); the dicts are made only when asked for.
    `repeated`: the columns that hold one value throughout (the document's own: its id, its
    year), converted once instead of once per row."""

    def __init__(
        self, values: dict[str, list[Any]], length: int, repeated: dict[str, Any] | None = None
    ) -> None:
        self.values = values
        self.length = length
        self.repeated = repeated or {}

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index):  # type: ignore[override]
        return self.rows()[index]

    def __setitem__(self, index: int, row: dict[str, Any]) -> None:
        """A row replaced, as in a list of dicts (a field the row lacks is None)."""
        for name, values in self.values.items():
            values[index] = row.get(name)
        self.repeated = {}  # (a value may differ now)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.rows())

    def rows(self) -> list[dict[str, Any]]:
        names = list(self.values)
        return [
            dict(zip(names, row, strict=True)) for row in zip(*self.values.values(), strict=True)
        ]

    def table(self, schema: pa.Schema) -> pa.Table:
        """`pa.Table.from_pylist(self.rows(), schema=schema)`, the same table and the same
        errors: from_pylist makes these lists (None for a missing field), then from_arrays. A
        repeated value is converted once, as each of its copies would be (`pa.scalar` converts
        as `pa.array` does)."""
        missing = [None] * self.length
        return pa.Table.from_arrays(
            [
                pa.repeat(pa.scalar(self.repeated[field.name], type=field.type), self.length)
                if field.name in self.repeated and self.length
                else self.values.get(field.name, missing)
                for field in schema
            ],
            schema=schema,
        )


@dataclass
class DocumentOutcome:
    """The rows one document contributes to each parsed resource."""

    documents: list[dict[str, Any]]
    document_tables: list[dict[str, Any]] = field(default_factory=list)
    line_items: Sequence[dict[str, Any]] = field(default_factory=list)
    check_results: list[dict[str, Any]] = field(default_factory=list)
    scorecards: list[dict[str, Any]] = field(default_factory=list)
    narrative: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # Not the document's final outcome (refused for time, which depends on the machine): not
    # cached, and its year is parsed again by the next build.
    retry: bool = False
    # The rows as Arrow, by resource, once checked to fit their schemas (`_fitting`).
    tables: dict[str, pa.Table] = field(default_factory=dict, repr=False)

    def rows(self, resource: str) -> Sequence[dict[str, Any]]:
        if resource in NARRATIVE_RESOURCES:
            return self.narrative.get(resource, [])
        return getattr(self, resource)

    def packed(self) -> PackedOutcome:
        batches = {}
        for name in PARSED_RESOURCES:
            table = self.tables.get(name)
            if table is None:
                table = _table(name, self.rows(name))
            if table.num_rows:  # none for a resource without rows
                parts = table.to_batches()
                if len(parts) == 1:  # as the outcome's tables are made: as one batch already
                    batches[name] = parts[0].serialize().to_pybytes()
                    continue
                parts = table.combine_chunks().to_batches()
                batches[name] = b"".join(batch.serialize().to_pybytes() for batch in parts)
        return PackedOutcome(
            document=self.documents[0],
            line_items=len(self.line_items),
            retry=self.retry,
            batches=batches,
        )


@dataclass
class PackedOutcome:
    """A document's rows as Arrow record batches without their schemas (each resource's is
    known): what the workers send back and the cache keeps. Moving and writing them costs the
    main process almost nothing, where rows as dicts cost it more than a worker's parse."""

    document: dict[str, Any]  # the document's row of `documents`
    line_items: int
    retry: bool
    batches: dict[str, bytes]  # by resource; none for a resource without rows

    def batch(self, resource: str) -> pa.RecordBatch | None:
        data = self.batches.get(resource)
        if data is None:
            return None
        return pa.ipc.read_record_batch(pa.py_buffer(data), arrow_schema(resource))


def parse_stored(store: RawStore, doc: StoredDocument) -> DocumentOutcome:
    """Parse one stored document into resource rows; never raises for a bad document."""
    base = {
        "document_id": doc.document_id,
        "sha256": doc.sha256,
        "file_name": doc.file_name,
        "source_uri": doc.source_uri,
        "format": doc.format,
        "parser_version": PARSER_VERSION,
        "ingested_at": doc.ingested_at,
    }
    if doc.kind in ("budget", "template"):
        # Identified from its cover at ingest: refused without reading its tables.
        return _outcome(
            base, doc, ParsedDocument(doc.kind, doc.fiscal_year, doc.department_name, None, 0)
        )
    try:
        source = read_document(store.object_path(doc))
        parsed = parse_source(source)
        narrative = _narrative(source, parsed)
        base["document_date"] = printed_date(source.rows)  # orders re-publications
    except UnreadableDocument as exc:
        reason = str(exc).replace(doc.object_name, display_name(doc.file_name))
        retry = isinstance(exc, LimitExceeded) and not exc.final
        return DocumentOutcome([_quarantined(base, doc, reason)], retry=retry)
    except Exception as exc:  # a parser bug must not stop the year: keep the file, say why
        reason = (
            f"{display_name(doc.file_name)}: parser failed ({type(exc).__name__}: {exc}); "
            "please report it"
        )
        return DocumentOutcome([_quarantined(base, doc, reason)])
    return _fitting(_outcome(base, doc, parsed, narrative), base, doc)


def _fitting(
    outcome: DocumentOutcome, base: dict[str, Any], doc: StoredDocument
) -> DocumentOutcome:
    """The outcome, if every row fits its resource's schema (a number too large for its
    decimal, a wrong type): one bad document must not fail the writing of its whole year. Prose
    that does not fit costs the narrative and its checks, with a finding; tables that do not
    fit, the document (quarantined, saying which)."""
    outcome.tables = _as_tables(outcome)
    if outcome.tables:  # every resource fits (the common case): converted once
        return outcome
    prose = [r for r in outcome.check_results if str(r["check_id"]).startswith("narrative.")]
    problem = next(
        filter(None, (_misfit(name, outcome.rows(name)) for name in NARRATIVE_RESOURCES)), None
    ) or _misfit("check_results", prose)
    if problem:
        outcome.narrative = {}
        outcome.check_results = [r for r in outcome.check_results if r not in prose]
        row = outcome.documents[0]
        dropped = f"narrative not kept ({problem})"
        row["status_reason"] = (
            f"{row['status_reason']}; {dropped}"
            if row["status_reason"]
            else f"{display_name(doc.file_name)}: {dropped}"
        )
    for name in PARSED_RESOURCES:
        if problem := _misfit(name, outcome.rows(name)):
            reason = f"{display_name(doc.file_name)}: parser failed ({problem}); please report it"
            return DocumentOutcome([_quarantined(base, doc, reason)])
    outcome.tables = _as_tables(outcome)
    return outcome


def _as_tables(outcome: DocumentOutcome) -> dict[str, pa.Table]:
    """The outcome's rows as Arrow tables; empty if a row does not fit its resource."""
    try:
        return {name: _table(name, outcome.rows(name)) for name in PARSED_RESOURCES}
    except (pa.ArrowException, ValueError, TypeError, OverflowError):
        return {}


def _table(name: str, rows: Sequence[dict[str, Any]]) -> pa.Table:
    """The rows as the resource's Arrow table (raising as `pa.Table.from_pylist` does). Most
    resources have no rows in most documents: their empty table is the schema's."""
    if isinstance(rows, Columns):
        return rows.table(arrow_schema(name))
    if not rows:
        return _empty(name)
    schema = arrow_schema(name)
    try:  # the rows as one array of structs: each value converted as from_pylist does, at a
        # third of its cost for a few rows (an array per column costs more than its values)
        batch = pa.RecordBatch.from_struct_array(pa.array(rows, type=_struct(name)))
        return pa.Table.from_batches([batch], schema=schema)
    except Exception:  # from_pylist says why, in its own words
        return pa.Table.from_pylist(rows, schema=schema)


@cache
def _struct(name: str) -> pa.StructType:
    """A row of the resource as an Arrow struct: its fields, in the schema's order."""
    return pa.struct(list(arrow_schema(name)))


@cache
def _empty(name: str) -> pa.Table:
    """The resource's table without rows (immutable: one serves every document)."""
    return arrow_schema(name).empty_table()


def _misfit(name: str, rows: Sequence[dict[str, Any]]) -> str | None:
    """What keeps the rows from the resource's Parquet schema, or None."""
    if not rows:
        return None
    try:
        _table(name, rows)
    except (pa.ArrowException, ValueError, TypeError, OverflowError) as exc:
        return f"a value does not fit {name}: {type(exc).__name__}: {exc}"
    return None


def _narrative(source, parsed: ParsedDocument) -> NarrativeResult | None:
    """The prose and annexes; a failure there costs the narrative, not the document's tables."""
    if parsed.kind != "final_accounts":
        return None
    try:
        return extract_narrative(source.rows)
    except Exception as exc:  # a bug of the narrative reader: keep the tables, say why
        parsed.findings.append(Finding("", f"narrative not read ({type(exc).__name__}: {exc})"))
        return None


def _q(value: Decimal) -> Decimal:
    """Four decimals: exact for yuan (two) and for recomputed percentages to a ten-thousandth."""
    return value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN)


def _quarantined(base: dict[str, Any], doc: StoredDocument, reason: str) -> dict[str, Any]:
    return {
        **base,
        "kind": doc.kind,
        "fiscal_year": doc.fiscal_year,
        "department_id": None,
        "department_name": doc.department_name,
        "published_unit": None,
        "page_count": None,
        "tables_with_data": None,
        "tables_empty": None,
        "tables_missing": None,
        "line_item_count": 0,
        "status": "quarantined",
        "status_reason": reason,
    }


def _outcome(
    base: dict[str, Any],
    doc: StoredDocument,
    parsed: ParsedDocument,
    narrative: NarrativeResult | None = None,
) -> DocumentOutcome:
    if parsed.kind != "final_accounts":
        what = {
            "budget": "a budget (预算)",
            "template": "a template with placeholders (XX) instead of a department's data",
        }.get(parsed.kind, "not a final-accounts disclosure")
        name = display_name(doc.file_name)
        row = _quarantined(base, doc, f"{name}: {what}; not parsed as final accounts")
        row.update(kind=parsed.kind, status="refused", fiscal_year=parsed.fiscal_year)
        return DocumentOutcome([row])
    if not parsed.department_name or not parsed.fiscal_year:
        missing = "department name" if not parsed.department_name else "fiscal year"
        reason = f"{display_name(doc.file_name)}: no {missing} found in the document"
        return DocumentOutcome([_quarantined(base, doc, reason)])

    dept = department_id(parsed.department_name)
    findings = "; ".join(str(f) for f in parsed.findings) or None
    if findings:  # every reason names its file, as a quarantine's does
        findings = f"{display_name(doc.file_name)}: {findings}"
    document = {
        **base,
        "kind": parsed.kind,
        "fiscal_year": parsed.fiscal_year,
        "department_id": dept,
        "department_name": parsed.department_name,
        "published_unit": parsed.published_unit,
        "page_count": parsed.page_count,
        "tables_with_data": " ".join(parsed.tables_with_status("data")) or None,
        "tables_empty": " ".join(parsed.tables_with_status("empty")) or None,
        "tables_missing": " ".join(parsed.tables_with_status("missing")) or None,
        "line_item_count": len(parsed.line_items),
        "status": "parsed",
        "status_reason": findings,
    }
    tables = [
        {
            "document_id": doc.document_id,
            "table_no": t.table_no,
            "status": t.status,
            "printed_title": t.printed_title,
            "printed_label": t.printed_label,
            "published_unit": t.published_unit,
            "row_count": t.row_count,
            "source_ref": t.source_ref,
        }
        for t in parsed.tables.values()
    ]
    items = _line_item_columns(doc.document_id, parsed.fiscal_year, dept, parsed.line_items)
    amounts = Amounts(parsed.line_items)  # keyed once, for both kinds of checks
    # the identities' statuses, and those of their results that do not pass (most pass)
    statuses, failing = identity_statuses(amounts)
    by_key = amounts.by_key
    prose_results = run_narrative_checks(narrative, parsed.line_items, by_key) if narrative else []
    for r in prose_results:
        if (status := r.status) != "pass":
            failing.append((r, status))
    findings = [
        {
            "document_id": doc.document_id,
            "fiscal_year": parsed.fiscal_year,
            "check_id": r.check_id,
            "table_no": r.table_no,
            "row": r.row,
            "measure": r.measure,
            "unit": r.unit,
            "expected": _q(r.expected),
            "actual": _q(r.actual),
            "difference": _q(r.difference),
            "tolerance": _q(r.tolerance),
            "parts": r.parts,
            "status": status,
            # where a failing result's total was printed, for those that do not say
            "source_ref": r.source_ref or _source_ref(by_key.get(r.total_key)),
        }
        for r, status in failing
    ]
    card = score_statuses(parsed, statuses)
    scorecard = {
        "document_id": doc.document_id,
        "fiscal_year": parsed.fiscal_year,
        "department_id": dept,
        **{name: getattr(card, name) for name in _SCORECARD_FIELDS},
    }
    # the codes of the items' names, for the items the prose reports on (most print none)
    codes = (
        {li.name: li.code for li in parsed.line_items if li.table_no in ("05", "03") and li.code}
        if narrative and narrative.item_executions
        else {}
    )
    prose = (
        narrative_rows(narrative, doc.document_id, parsed.fiscal_year, codes) if narrative else {}
    )
    return DocumentOutcome([document], tables, items, findings, [scorecard], prose)


def _source_ref(item: LineItem | None) -> str:
    return (item.source_ref or "") if item is not None else ""


# The columns of `line_items` a LineItem gives (the others are the document's).
_NAMES = tuple(f.name for f in fields(LineItem))
_LINE_ITEM_FIELDS = attrgetter(*_NAMES)


def _line_item_columns(
    document_id: str, fiscal_year: int, department: str | None, items: list[LineItem]
) -> Columns:
    """The document's line items as rows of `line_items`, column by column."""
    n = len(items)
    repeated = {"document_id": document_id, "fiscal_year": fiscal_year, "department_id": department}
    values: dict[str, list[Any]] = {name: [value] * n for name, value in repeated.items()}
    # each item's fields as a tuple, then those tuples' columns: twice as fast as a getter
    # per field over the items
    fields_of = zip(*map(_LINE_ITEM_FIELDS, items), strict=True) if n else [()] * len(_NAMES)
    values.update(zip(_NAMES, map(list, fields_of), strict=True))
    return Columns(values, n, repeated)


_SCORECARD_FIELDS = (
    "tables_with_data", "tables_empty", "tables_missing", "identities_evaluated",
    "identities_passed", "identities_rounding", "identities_failed", "completeness",
    "consistency", "score",
)  # fmt: skip


def cache_key() -> str:
    """What a parse depends on besides the file's bytes: the parser's version and its reference
    data (titles, labels, aliases, code lists in juesuan/data). Changing either re-parses."""
    digest = hashlib.sha256(PARSER_VERSION.encode())
    for path in sorted(DATA_DIR.glob("*.csv")):
        if path.name in REGISTRY_DATA_FILES:
            continue  # applied again by the warehouse: curating them never re-parses
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return f"{PARSER_VERSION}-{digest.hexdigest()[:12]}"


class _NoPandas(MetaPathFinder):
    """An import of pandas that fails, as where it is not installed."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name == "pandas":
            raise ModuleNotFoundError("not imported by a parse worker", name=name)


@cache
def _arrow_without_pandas() -> None:
    """In a pool worker, pyarrow told once that pandas is not there. Its first conversion of a
    Python list asks whether the list is a pandas object, importing pandas to know: about a
    second of CPU in each worker without bytecode caches (PYTHONDONTWRITEBYTECODE), a quarter
    of one with them, for types no worker converts (rows are lists of Python values). pyarrow
    tries that import once and remembers; an API that needs pandas (`to_pandas`) imports it
    then. Any other process is left alone (its code may hand pyarrow pandas objects)."""
    if not in_pool_worker() or "pandas" in sys.modules:
        return
    finder = _NoPandas()
    sys.meta_path.insert(0, finder)
    try:
        pa.array([])  # (a list: pyarrow's one attempt at importing pandas)
    finally:
        sys.meta_path.remove(finder)


def _parse_one(raw_root: str, cache_root: str, doc: StoredDocument) -> PackedOutcome:
    """A worker's task (top-level so that a process pool can pickle it): parse, and keep the
    outcome in the cache unless it is to be tried again."""
    _arrow_without_pandas()
    packed = parse_stored(RawStore(Path(raw_root)), doc).packed()
    if not packed.retry:
        OutcomeCache(Path(cache_root)).put(doc.sha256, packed)
    return packed


def _outcomes(
    docs: list[StoredDocument],
    todo: list[StoredDocument],
    parsed: Iterator[PackedOutcome],
    cache: OutcomeCache,
) -> Iterator[tuple[StoredDocument, PackedOutcome, bool]]:
    """(document, outcome, parsed now) for each document: those parsed in the pool first, in
    order, then those from the cache (their bytes and the cache key unchanged)."""
    for doc, outcome in zip(todo, parsed, strict=True):
        yield doc, outcome, True
    new = {doc.sha256 for doc in todo}
    for doc in docs:
        if doc.sha256 not in new:
            yield doc, cache.get(doc.sha256), False


@dataclass
class _YearRun:
    """A year to write, whose documents not parsed before are already submitted to the pool."""

    fiscal_year: int
    docs: list[StoredDocument]
    todo: list[StoredDocument]
    parsed: Iterator[PackedOutcome]
    cache: OutcomeCache


def _start(
    layout: Layout, store: RawStore, fiscal_year: int, docs: list[StoredDocument], workers: int
) -> _YearRun | YearSummary:
    """The year's summary if it is unchanged; else its run, its new documents submitted to the
    pool (in a process pool using every core when there are several)."""
    if is_current(layout, fiscal_year, docs):
        return YearSummary(fiscal_year, unchanged=True, documents=len(docs))
    cache = OutcomeCache(layout.cache_dir / f"{cache_key()}-arrow")
    todo = [doc for doc in docs if not cache.has(doc.sha256)]
    roots = [str(store.root)] * len(todo)
    caches = [str(cache.root)] * len(todo)
    parsed = map_documents(_parse_one, roots, caches, todo, count=len(todo), workers=workers)
    return _YearRun(fiscal_year, docs, todo, parsed, cache)


def _write(layout: Layout, run: _YearRun) -> YearSummary:
    """Replace the year's Parquet files with the outcomes of its documents, each written to the
    batches as it arrives, never held for the year: memory stays that of one document (and one
    batch), however many the year has."""
    from juesuan.storage import is_local

    fiscal_year = run.fiscal_year
    summary = YearSummary(fiscal_year)
    inputs = _inputs(run.docs)
    stamp = layout.parsed_year_dir(fiscal_year) / "_inputs.json"
    if is_local(layout.parsed_year_dir(fiscal_year)):
        remove_stale_temporaries(layout.parsed_year_dir(fiscal_year))  # of a run killed midway
    writers = {
        name: BatchWriter(layout.parsed_file(fiscal_year, name), arrow_schema(name))
        for name in PARSED_RESOURCES
    }
    retry = False
    try:
        for _doc, outcome, parsed_now in _outcomes(run.docs, run.todo, run.parsed, run.cache):
            for name in PARSED_RESOURCES:
                if (batch := outcome.batch(name)) is not None:
                    writers[name].add_batch(batch)
            pause_point("parse")
            retry = retry or outcome.retry
            document = outcome.document
            summary.documents += 1
            summary.parsed_now += parsed_now
            summary.statuses[document["status"]] += 1
            summary.line_items += outcome.line_items
            if document["status"] != "parsed" or document["status_reason"]:
                summary.problems.append(f"{document['status']}: {document['status_reason']}")
        for writer in writers.values():
            writer.commit()
    finally:
        for writer in writers.values():
            writer.discard()
    if retry:  # a document to try again: the next build must not find this year unchanged
        if stamp.exists():
            stamp.unlink()
    else:
        _write_stamp(stamp, inputs)
    return summary


def parse_year(
    layout: Layout,
    fiscal_year: int,
    workers: int | None = None,
    docs: list[StoredDocument] | None = None,
) -> YearSummary:
    """Parse the stored documents of a year and replace that year's Parquet files.

    Parse once: when the year's documents and the cache key are those of the last run, nothing
    is read or written (`unchanged`); otherwise only the documents not parsed before are parsed,
    and the year's files are rewritten, streamed in batches so memory does not grow with the
    number of documents. `docs`: the year's documents, where the caller has read the store
    (`RawStore.by_year`) for several years.
    """
    store = RawStore(layout.raw_dir)
    docs = store.for_year(fiscal_year) if docs is None else docs
    return next(parse_years(layout, {fiscal_year: docs}, workers))


def parse_years(
    layout: Layout, years: dict[int, list[StoredDocument]], workers: int | None = None
) -> Iterator[YearSummary]:
    """`parse_year` of each year (its documents given), in order, yielding each summary once its
    files are written. The next year's documents are submitted to the pool before this year's
    files are written and committed, so that the workers do not wait for the writing at the end
    of every year. Stopping early leaves those documents parsed into the cache, nothing else."""
    store = RawStore(layout.raw_dir)
    workers = workers or cores()
    runs = (_start(layout, store, year, docs, workers) for year, docs in years.items())
    current = next(runs, None)
    while current is not None:
        upcoming = next(runs, None)  # submitted now, parsed while `current` is written
        yield current if isinstance(current, YearSummary) else _write(layout, current)
        current = upcoming


def is_current(layout: Layout, fiscal_year: int, docs: list[StoredDocument]) -> bool:
    """Whether the year's files were written from these documents by this parser: complete,
    and stamped with the same inputs."""
    complete = all(layout.parsed_file(fiscal_year, n).exists() for n in PARSED_RESOURCES)
    stamp = layout.parsed_year_dir(fiscal_year) / "_inputs.json"
    return complete and _read_stamp(stamp) == _inputs(docs)


def _inputs(docs: list[StoredDocument]) -> dict[str, Any]:
    return {"cache_key": cache_key(), "documents": sorted(doc.sha256 for doc in docs)}


def _read_stamp(stamp) -> Any:
    """The inputs the year's files were last written from; None when unknown or unreadable
    (a build killed while writing it)."""
    try:
        return json.loads(stamp.read_text()) if stamp.exists() else None
    except (OSError, ValueError):
        return None


def _write_stamp(stamp, inputs: dict[str, Any]) -> None:
    from juesuan.storage import local_temp, publish

    tmp = local_temp(stamp, suffix=".json")
    try:
        tmp.write_text(json.dumps(inputs))
        publish(tmp, stamp)
    finally:
        tmp.unlink(missing_ok=True)


def record_unidentified(layout: Layout, store: RawStore) -> int:
    """Documents whose fiscal year could not be read go to the `unidentified` folder, so the
    warehouse and the release list them as quarantined with their reason (nothing is lost)."""
    rows = [parse_stored(store, doc).documents[0] for doc in store.all() if doc.fiscal_year is None]
    _write_parquet(layout.unidentified_dir / "documents.parquet", rows, "documents")
    return len(rows)


def _write_parquet(target, rows: list[dict[str, Any]], resource: str) -> None:
    """Write through a temporary file and a move: readers see the old file or the new one."""
    writer = BatchWriter(target, arrow_schema(resource))
    try:
        writer.add(rows)
        writer.commit()
    finally:
        writer.discard()
