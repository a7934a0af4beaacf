"""Dagster asset checks: the findings of the warehouse, visible in the UI beside the assets.

A disclosure's own arithmetic errors and the documents that could not be parsed are data, not a
pipeline failure: they show as warnings. A schema constraint broken in the warehouse is a bug of
ours and blocks the release.
"""

import dagster as dg

from assets.resources import JuesuanResource
from assets.warehouse import warehouse
from juesuan.warehouse import connect_read_only


def _scalar(juesuan: JuesuanResource, sql: str):
    with connect_read_only(juesuan.layout.warehouse_path) as con:
        return con.execute(sql).fetchall()


@dg.asset_check(asset=warehouse, description="Accounting identities of every parsed disclosure")
def accounting_identities(juesuan: JuesuanResource) -> dg.AssetCheckResult:
    ((evaluated, rounding, failed, documents, failing_documents),) = _scalar(
        juesuan,
        "SELECT coalesce(sum(identities_evaluated), 0), coalesce(sum(identities_rounding), 0), "
        "coalesce(sum(identities_failed), 0), count(*), "
        "count(*) FILTER (WHERE identities_failed > 0) FROM scorecards",
    )
    worst = _scalar(
        juesuan,
        "SELECT d.file_name, s.score, s.identities_failed FROM scorecards s "
        "JOIN documents d USING (document_id) WHERE s.identities_failed > 0 "
        "ORDER BY s.score LIMIT 10",
    )
    return dg.AssetCheckResult(
        passed=failed == 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "documents": documents,
            "identities_evaluated": int(evaluated),
            "within_rounding": int(rounding),
            "failed": int(failed),
            "documents_with_failures": failing_documents,
            "lowest_scores": dg.MetadataValue.json(
                [{"file": f, "score": float(s), "failed": n} for f, s, n in worst]
            ),
        },
    )


@dg.asset_check(asset=warehouse, description="Documents quarantined or refused, with reasons")
def quarantined_documents(juesuan: JuesuanResource) -> dg.AssetCheckResult:
    rows = _scalar(
        juesuan,
        "SELECT status, file_name, status_reason FROM documents WHERE status <> 'parsed' "
        "ORDER BY status, file_name",
    )
    quarantined = [r for r in rows if r[0] == "quarantined"]
    return dg.AssetCheckResult(
        passed=not quarantined,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "quarantined": len(quarantined),
            "refused": len(rows) - len(quarantined),
            "documents": dg.MetadataValue.json(
                [{"status": s, "file": f, "reason": r} for s, f, r in rows[:50]]
            ),
        },
    )


@dg.asset_check(
    asset=warehouse,
    blocking=True,
    description="Schema constraints (types, required, enums, patterns, keys) by SQL from schemas/",
)
def schema_constraints(juesuan: JuesuanResource) -> dg.AssetCheckResult:
    """A broken constraint in the warehouse is a bug of ours: it blocks the release."""
    from collections import Counter

    from juesuan.checks.constraints import check_warehouse

    findings = check_warehouse(juesuan.layout.warehouse_path)
    return dg.AssetCheckResult(
        passed=not findings,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "findings": len(findings),
            "by_kind": dg.MetadataValue.json(dict(Counter(f.kind for f in findings))),
            "first": dg.MetadataValue.json([str(f) for f in findings[:20]]),
        },
    )
