"""The matching key of a department's name: the form in which two printings of one name meet.

Covers and titles print the same name with full-width forms, stray spaces, quotes and brackets
(`乙局（本级）`), abbreviations (`管委会` for `管理委员会`) and the like. The key is NFKC, without
spaces or punctuation, with the rewrites of `department_name_rules.csv` applied in order. Ids
derived from the key must not change when a rule is added for other names, so rules only rewrite
what they match; the characters kept are Chinese (never stripped to ASCII).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache

from juesuan.paths import DATA_DIR
from juesuan.textnorm import compact

RULES_FILE = DATA_DIR / "department_name_rules.csv"
# Quotes, brackets and separators: printed around parts of a name, never part of its identity.
_PUNCTUATION = re.compile(r"[\"'“”‘’()（）\[\]【】〔〕·・,，.。、:：;；]")


@dataclass(frozen=True)
class NameRule:
    pattern: re.Pattern[str]
    replacement: str
    note: str


@cache
def name_rules() -> tuple[NameRule, ...]:
    """The rewrites of department_name_rules.csv, in file order (applied in that order)."""
    with RULES_FILE.open(encoding="utf-8", newline="") as handle:
        return tuple(
            NameRule(re.compile(row["pattern"]), row["replacement"], row["note"])
            for row in csv.DictReader(handle)
        )


def name_key(name: str) -> str:
    """`郑州高新技术产业开发区 管委会（本级）` → `郑州高新技术产业开发区管理委员会`."""
    key = _PUNCTUATION.sub("", compact(name))
    for rule in name_rules():
        key = rule.pattern.sub(rule.replacement, key)
    return key
