"""The wording of the prose as data: topics, units, cues, noise, subjects and phrases (CSV files).

Disclosures word the same fact many ways (GUIDE, "How disclosures differ" item 10). Each new
wording should be a new CSV row, not a new code branch; the code only says how rows are applied.
All patterns are matched against `matching_form` text: NFKC, no spaces, no quote marks, so a
full-width `（` is `(`, `：` is `:` and `，` is `,` in every pattern.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources

from juesuan.textnorm import compact

_QUOTES = re.compile(r"[\"'“”‘’「」『』]")
# Fixed wordings folded before matching, so that 、 can separate list items everywhere else.
_FOLDS = (("收、支", "收支"),)


def matching_form(text: str) -> str:
    """NFKC, spaces and quote marks removed: the form every pattern of this package sees."""
    text = _QUOTES.sub("", compact(text))
    for old, new in _FOLDS:
        text = text.replace(old, new)
    return text


def _rows(name: str) -> list[dict[str, str]]:
    with resources.files("juesuan.narrative").joinpath(name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True)
class Unit:
    unit: str
    kind: str  # money | percent | score | count
    factor: Decimal | None  # to 元, for money


@dataclass(frozen=True)
class Cue:
    """Words right before a number that say what the number is (年初预算为, 占, 增长 …)."""

    id: str
    pattern: re.Pattern[str]  # anchored at the end of the text before the number
    measure: str  # "" for the generic cue: the measure then follows from unit and subject
    sign: int
    default_unit: str  # the unit a bare number after this cue is in ("" when none is implied)


@dataclass(frozen=True)
class SubjectRule:
    pattern: re.Pattern[str]
    subject: str  # a re.sub template
    measure: str  # the measure a generic cue gets for this subject ("" to decide by unit)


@dataclass(frozen=True)
class Phrase:
    kind: str
    pattern: re.Pattern[str]
    measure: str


@cache
def topics() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(heading pattern, topic), first match wins."""
    return tuple((re.compile(row["pattern"]), row["topic"]) for row in _rows("topics.csv"))


def topic_of(title: str) -> str | None:
    key = matching_form(title)
    return next((topic for pattern, topic in topics() if pattern.search(key)), None)


@cache
def units() -> dict[str, Unit]:
    return {
        row["unit"]: Unit(
            unit=row["unit"],
            kind=row["kind"],
            factor=Decimal(row["factor"]) if row["kind"] == "money" else None,
        )
        for row in _rows("units.csv")
    }


@cache
def unit_pattern() -> str:
    """An alternation of every unit, longest first (万元 before 元, 人次 before 人)."""
    return "|".join(re.escape(unit) for unit in sorted(units(), key=len, reverse=True))


@cache
def cues() -> tuple[Cue, ...]:
    return tuple(
        Cue(
            id=row["id"],
            pattern=re.compile(f"(?:{row['pattern']})$"),
            measure=row["measure"],
            sign=-1 if row["sign"] == "-" else 1,
            default_unit=row["default_unit"],
        )
        for row in _rows("cues.csv")
    )


@cache
def noise() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(row["pattern"]) for row in _rows("noise.csv"))


@cache
def subject_rules() -> tuple[SubjectRule, ...]:
    return tuple(
        SubjectRule(re.compile(row["pattern"]), row["subject"], row["measure"])
        for row in _rows("subjects.csv")
    )


@cache
def phrases(kind: str) -> tuple[Phrase, ...]:
    return tuple(
        Phrase(row["kind"], re.compile(row["pattern"]), row["measure"])
        for row in _rows("phrases.csv")
        if row["kind"] == kind
    )


def phrase(kind: str) -> re.Pattern[str]:
    """The single pattern of a one-pattern phrase kind (reason, composition, part …)."""
    (only,) = phrases(kind)
    return only.pattern


TOPICS = (
    "overall", "income", "expenditure", "appropriation_overall", "general_public_budget",
    "basic_expenditure", "government_fund", "state_capital", "three_public", "agency_operating",
    "procurement", "assets", "performance", "other_matters", "unclassified",
)  # fmt: skip

MEASURES = (
    "total", "amount", "count", "score", "average_score", "percent", "share_percent",
    "change_amount", "change_percent", "change_count", "initial_budget", "adjusted_budget",
    "budget", "final", "completion_rate",
)  # fmt: skip
