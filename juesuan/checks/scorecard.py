"""One quality score per disclosure: how much of it is there, and how much of it adds up.

    completeness = (tables with data + tables printed empty) / 9
    consistency  = identities holding (exactly or within rounding) / identities evaluated,
                   0 when none could be evaluated (nothing is verified)
    score        = 100 × completeness × consistency, to one decimal

A table printed empty (本表无数据) is complete: the department disclosed that it has nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from juesuan.checks.identities import CheckResult
from juesuan.records import ParsedDocument

TABLES = 9


@dataclass(frozen=True)
class Scorecard:
    tables_with_data: int
    tables_empty: int
    tables_missing: int
    identities_evaluated: int
    identities_passed: int
    identities_rounding: int
    identities_failed: int

    @property
    def completeness(self) -> Decimal:
        return _ratio(self.tables_with_data + self.tables_empty, TABLES)

    @property
    def consistency(self) -> Decimal:
        holding = self.identities_passed + self.identities_rounding
        return (
            _ratio(holding, self.identities_evaluated) if self.identities_evaluated else Decimal(0)
        )

    @property
    def score(self) -> Decimal:
        value = Decimal(100) * self.completeness * self.consistency
        return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _ratio(part: int, whole: int) -> Decimal:
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def score_document(
    parsed: ParsedDocument,
    results: Sequence[CheckResult],
    statuses: Sequence[str] | None = None,
) -> Scorecard:
    """`statuses`: those of the results, when the caller has worked them out already."""
    return score_statuses(parsed, [r.status for r in results] if statuses is None else statuses)


def score_statuses(parsed: ParsedDocument, statuses: Sequence[str]) -> Scorecard:
    """The scorecard, given the status of each identity evaluated (`identity_statuses`: the
    results of the identities that pass are not built)."""
    statuses = list(statuses)
    return Scorecard(
        tables_with_data=len(parsed.tables_with_status("data")),
        tables_empty=len(parsed.tables_with_status("empty")),
        tables_missing=len(parsed.tables_with_status("missing")),
        identities_evaluated=len(statuses),
        identities_passed=statuses.count("pass"),
        identities_rounding=statuses.count("rounding"),
        identities_failed=statuses.count("error"),
    )
