"""The narrative records of one document as rows of the published resources (schemas/)."""

from __future__ import annotations

from dataclasses import fields
from functools import cache
from operator import attrgetter
from typing import Any

from juesuan.narrative.records import NarrativeResult
from juesuan.paths import NARRATIVE_RESOURCES


def narrative_rows(
    narrative: NarrativeResult, document_id: str, fiscal_year: int, codes: dict[str, str]
) -> dict[str, list[dict[str, Any]]]:
    """`codes` maps a printed 项 name to its functional code (from table 05 or 03)."""
    doc = {"document_id": document_id, "fiscal_year": fiscal_year}
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in NARRATIVE_RESOURCES}
    for n, fact in enumerate(narrative.facts, start=1):
        data = _as_dict(fact)
        data["source_ref"] = data.pop("ref")
        rows["narrative_facts"].append({**doc, "fact_no": n, **data})
    for n, reason in enumerate(narrative.reasons, start=1):
        data = _as_dict(reason)
        data["source_ref"] = data.pop("ref")
        rows["narrative_reasons"].append({**doc, "reason_no": n, **data})
    for n, listed in enumerate(narrative.compositions, start=1):
        rows["narrative_lists"].append(
            {
                **doc, "list_no": n, "topic": listed.topic, "section": listed.section,
                "subject": listed.subject, "items": "、".join(listed.items),
                "sentence": listed.sentence, "source_ref": listed.ref,
            }
        )  # fmt: skip
    for n, item in enumerate(narrative.item_executions, start=1):
        rows["budget_execution"].append(
            {
                **doc, "item_no": n, "topic": item.topic, "section": item.section,
                "number": item.number, "subject": item.subject, "class_name": item.class_name,
                "subclass_name": item.subclass_name, "item_name": item.item_name,
                "code": codes.get(item.item_name or ""),
                "initial_budget_yuan": item.initial_budget,
                "adjusted_budget_yuan": item.adjusted_budget, "budget_yuan": item.budget,
                "final_yuan": item.final, "completion_rate": item.completion_rate,
                "purpose": item.purpose, "reason": item.reason, "source_ref": item.ref,
            }
        )  # fmt: skip
    for n, evaluation in enumerate(narrative.evaluations, start=1):
        rows["performance_evaluations"].append(
            {
                **doc, "evaluation_no": n, "level": evaluation.level, "title": evaluation.title,
                "name": evaluation.name, "competent_department": evaluation.competent_department,
                "implementing_unit": evaluation.implementing_unit,
                "published_unit": evaluation.published_unit,
                "initial_budget_yuan": evaluation.initial_budget,
                "adjusted_budget_yuan": evaluation.adjusted_budget,
                "executed_yuan": evaluation.executed, "weight": evaluation.weight,
                "execution_rate": evaluation.execution_rate, "score": evaluation.score,
                "total_weight": evaluation.total_weight, "total_score": evaluation.total_score,
                "goal": evaluation.goal, "goal_outcome": evaluation.goal_outcome,
                "source_ref": evaluation.ref,
            }
        )  # fmt: skip
        for m, funding in enumerate(evaluation.funding, start=1):
            rows["performance_funding"].append(
                {
                    **doc, "evaluation_no": n, "funding_no": m, "source": funding.source,
                    "initial_budget_yuan": funding.initial_budget,
                    "adjusted_budget_yuan": funding.adjusted_budget,
                    "executed_yuan": funding.executed, "execution_rate": funding.execution_rate,
                    "weight": funding.weight, "score": funding.score, "source_ref": funding.ref,
                }
            )  # fmt: skip
        names = {evaluation.name, evaluation.title}
        indicators = [i for i in narrative.indicators if i.evaluation in names]
        for m, indicator in enumerate(indicators, start=1):
            data = _as_dict(indicator)
            data.pop("evaluation")
            data["source_ref"] = data.pop("ref")
            rows["performance_indicators"].append(
                {**doc, "evaluation_no": n, "indicator_no": m, **data}
            )
    for n, unparsed in enumerate(narrative.unparsed, start=1):
        rows["narrative_unparsed"].append(
            {
                **doc, "unparsed_no": n, "topic": unparsed.topic, "section": unparsed.section,
                "sentence": unparsed.sentence, "text": unparsed.text, "reason": unparsed.reason,
                "source_ref": unparsed.ref,
            }
        )  # fmt: skip
    return rows


def _as_dict(record: Any) -> dict[str, Any]:
    """`dataclasses.asdict` of a narrative record, whose fields are texts, numbers and None
    (immutable: asdict's deep copies of them are themselves), at a tenth of its cost."""
    names, values = _getter(type(record))
    return dict(zip(names, values(record), strict=True))


@cache
def _getter(kind: type) -> tuple[tuple[str, ...], attrgetter]:
    names = tuple(f.name for f in fields(kind))
    return names, attrgetter(*names)
