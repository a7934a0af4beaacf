"""A survey of a folder of documents: what was found in each and how much of its arithmetic
holds. A low share of holding identities means misread numbers, so this is the first look at a
new batch of documents, before anything is ingested."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from juesuan.checks.identities import run_identities
from juesuan.ingest import iter_source_files
from juesuan.parse import parse_source
from juesuan.readers import UnreadableDocument, read_document


@dataclass(frozen=True)
class SurveyRow:
    path: Path
    kind: str
    fiscal_year: int | None = None
    department: str | None = None
    tables_with_data: tuple[str, ...] = ()
    tables_empty: tuple[str, ...] = ()
    tables_missing: tuple[str, ...] = ()
    amounts: int = 0
    identities: int = 0
    identities_holding: int = 0
    problem: str | None = None

    @property
    def share_holding(self) -> float | None:
        return self.identities_holding / self.identities if self.identities else None


def survey_file(path: Path) -> SurveyRow:
    try:
        parsed = parse_source(read_document(path))
    except UnreadableDocument as exc:
        return SurveyRow(path, "unreadable", problem=str(exc))
    if parsed.kind != "final_accounts":
        return SurveyRow(
            path, parsed.kind, parsed.fiscal_year, parsed.department_name,
            problem=f"a {parsed.kind}, not final accounts (决算): refused",
        )  # fmt: skip
    results = run_identities(parsed.line_items)
    return SurveyRow(
        path=path,
        kind=parsed.kind,
        fiscal_year=parsed.fiscal_year,
        department=parsed.department_name,
        tables_with_data=tuple(parsed.tables_with_status("data")),
        tables_empty=tuple(parsed.tables_with_status("empty")),
        tables_missing=tuple(parsed.tables_with_status("missing")),
        amounts=len(parsed.line_items),
        identities=len(results),
        identities_holding=sum(r.holds for r in results),
        problem="; ".join(str(f) for f in parsed.findings) or None,
    )


def survey(sources: Iterable[Path]) -> Iterator[SurveyRow]:
    for path, skip in iter_source_files(sources):
        if skip is None:
            yield survey_file(path)
