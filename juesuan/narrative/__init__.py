"""The narrative parts of a disclosure as data: every number of 第三部分 情况说明 with its sentence,
and the performance self-evaluation tables of 第五部分 附件.

Pure functions over reader rows (`juesuan.readers.Row`): no I/O, so the same code serves every
format a reader handles. See records.py for what comes out and the CSV files next to this module
for the wordings understood.
"""

from __future__ import annotations

from collections.abc import Sequence

from juesuan.narrative.annex import read_annex
from juesuan.narrative.facts import read_facts
from juesuan.narrative.records import (
    Composition,
    Evaluation,
    Fact,
    Funding,
    Heading,
    Indicator,
    ItemExecution,
    NarrativeResult,
    Reason,
    Task,
    Unparsed,
)
from juesuan.narrative.sections import explanation
from juesuan.narrative.vocab import MEASURES, TOPICS
from juesuan.readers import Row

__all__ = [
    "MEASURES",
    "TOPICS",
    "Composition",
    "Evaluation",
    "Fact",
    "Funding",
    "Heading",
    "Indicator",
    "ItemExecution",
    "NarrativeResult",
    "Reason",
    "Task",
    "Unparsed",
    "extract_narrative",
]


def extract_narrative(rows: Sequence[Row]) -> NarrativeResult:
    """Facts, reasons, lists and items of 情况说明; evaluations and indicators of 附件."""
    text = explanation(rows)
    facts = read_facts(text)
    annex = read_annex(rows)
    return NarrativeResult(
        headings=text.headings,
        facts=tuple(facts.facts),
        reasons=tuple(facts.reasons),
        compositions=tuple(facts.compositions),
        item_executions=tuple(facts.item_executions),
        evaluations=annex.evaluations,
        indicators=annex.indicators,
        unparsed=(*facts.unparsed, *annex.unparsed),
    )
