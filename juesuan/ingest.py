"""Bringing source files into the raw store and saying what each one is.

Identification reads the document's cover (kind, fiscal year, department) so that the parsing
work can be split by fiscal year before any table is read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from juesuan.parse.metadata import COVER_ROWS, cover_rows, read_cover
from juesuan.rawstore import RawStore, StoredDocument, display_name, local_uris
from juesuan.readers import Row, UnreadableDocument, detect_format, read_document
from juesuan.workers import map_documents

# Pages read to identify a document, at most: the cover, and the title page after a blank one
# (the second only when the first page's rows do not settle the cover: read_cover_rows).
COVER_PAGES = 2

# Formats a disclosure is published in; anything else in a source folder is not a document.
DOCUMENT_FORMATS = frozenset({"txt", "pdf", "xlsx", "xls", "docx", "doc", "html"})


@dataclass
class IngestSummary:
    added: list[StoredDocument] = field(default_factory=list)
    known: list[StoredDocument] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)

    @property
    def documents(self) -> list[StoredDocument]:
        return self.added + self.known

    @property
    def fiscal_years(self) -> list[int]:
        return sorted({d.fiscal_year for d in self.documents if d.fiscal_year is not None})


def iter_source_files(sources: Iterable[Path]) -> Iterator[tuple[Path, str | None]]:
    """Every file below the sources, with the reason it is skipped (None: it is a document)."""
    for source in sources:
        source = Path(source)
        if not source.exists():
            yield source, "no such file or folder"
            continue
        paths = sorted(p for p in source.rglob("*") if p.is_file()) if source.is_dir() else [source]
        for path in paths:
            inside = path.relative_to(source).parts if source.is_dir() else ()
            if any(part.startswith(".") for part in inside[:-1]):
                continue  # in a hidden folder (.git, .cache): not part of the sources
            if inside and inside[-1].startswith("."):
                yield path, "hidden file (its name starts with a dot)"
                continue
            if detect_format(path) not in DOCUMENT_FORMATS:
                yield path, f"not a document format ({path.suffix or 'no extension'})"
                continue
            yield path, None


def identify(store: RawStore, doc: StoredDocument) -> StoredDocument:
    """Read the cover of a stored document and record what it is (or why it cannot be read)."""
    try:
        rows = read_cover_rows(store.object_path(doc))
    except UnreadableDocument as exc:
        return replace(doc, problem=str(exc).replace(doc.object_name, display_name(doc.file_name)))
    cover = read_cover(rows)
    return replace(
        doc,
        kind=cover.kind,
        fiscal_year=cover.fiscal_year,
        department_name=cover.department_name,
        problem=None if cover.fiscal_year else "no fiscal year found on the cover",
    )


def read_cover_rows(path: Path) -> tuple[Row, ...]:
    """The first rows of a document, enough for `read_cover` to say what it says of the
    whole document. The first page is read, and the second only where the cover goes on past
    the first page's rows (a blank cover, a title page after it): pages are read one by one
    (a page's rows are the same however many pages are read), so the rows read are the first
    rows of the document and `cover_rows` says whether they are enough. The title and the row
    after it are all a cover holds; formats without pages stop there."""
    source = read_document(path, max_pages=1, max_rows=COVER_ROWS + 1)
    if source.page_count > 1 and len(source.rows) < cover_rows(source.rows):
        source = read_document(path, max_pages=COVER_PAGES, max_rows=COVER_ROWS + 1)
    return source.rows


def ingest(store: RawStore, sources: Iterable[Path]) -> IngestSummary:
    return ingest_files(store, iter_source_files(sources))


# New documents are identified this many at a time, in the worker pool; each batch's records are
# saved before the batch after next is read, so an ingest stopped midway keeps what it identified.
IDENTIFY_BATCH = 128


def ingest_files(
    store: RawStore,
    files: Iterable[tuple[Path, str | None]],
    on_file: Callable[[Path], None] = lambda _path: None,
    workers: int | None = None,
) -> IngestSummary:
    """Store each file (with the reason it is skipped, if any), calling `on_file` after each.

    Files are hashed and stored here, one after the other (disk-bound); new ones are identified
    in the worker pool (CPU-bound: their covers are read), a batch at a time, while the next
    batch is stored.
    """
    summary = IngestSummary()
    store.remove_stale_temporaries()  # what an ingest killed midway left
    uri_of = local_uris()
    batch = _Batch()  # new documents, to identify
    pending: _Batch | None = None  # the batch being identified while this one is stored
    for path, skip_reason in files:
        on_file(path)
        if skip_reason:
            summary.skipped.append((path, skip_reason))
            continue
        doc, is_new = store.stage(path, uri_of(path))
        if is_new and pending is not None and doc.sha256 in pending.docs:
            pending.add(doc)  # the bytes of a document being identified: not saved yet
        elif not is_new:
            summary.known.append(doc)
        else:
            batch.add(doc)
            if len(batch.docs) >= IDENTIFY_BATCH:
                if pending is not None:
                    pending.finish(store, summary)
                pending, batch = batch.start(store, workers), _Batch()
    for last in (pending, batch.start(store, workers) if batch.docs else None):
        if last is not None:
            last.finish(store, summary)
    return summary


@dataclass
class _Batch:
    """New documents by sha256, the same bytes met again under other names, and, once started,
    their identification in the pool."""

    docs: dict[str, StoredDocument] = field(default_factory=dict)
    repeated: list[str] = field(default_factory=list)  # the same new bytes again: one document
    identified: Iterator[StoredDocument] | None = None

    def add(self, doc: StoredDocument) -> None:
        if doc.sha256 in self.docs:
            self.docs[doc.sha256] = _named_also(self.docs[doc.sha256], doc.file_name)
            self.repeated.append(doc.sha256)
        else:
            self.docs[doc.sha256] = doc

    def start(self, store: RawStore, workers: int | None) -> _Batch:
        """Identify the documents in the pool (lazily where there is no pool)."""
        docs = list(self.docs.values())
        roots = [str(store.root)] * len(docs)
        self.identified = map_documents(
            _identify_one, roots, docs, count=len(docs), workers=workers
        )
        return self

    def finish(self, store: RawStore, summary: IngestSummary) -> None:
        """Save the identified records, with the names met while they were identified."""
        for found in self.identified or ():
            doc = replace(found, other_names=self.docs[found.sha256].other_names)
            store.save(doc)
            summary.added.append(doc)
            self.docs[doc.sha256] = doc
        summary.known.extend(self.docs[sha] for sha in self.repeated)


def _named_also(doc: StoredDocument, name: str) -> StoredDocument:
    if name == doc.file_name or name in doc.other_names:
        return doc
    return replace(doc, other_names=(*doc.other_names, name))


def _identify_one(raw_root: str, doc: StoredDocument) -> StoredDocument:
    """A worker's task: top-level so that a process pool can pickle it."""
    return identify(RawStore(Path(raw_root)), doc)
