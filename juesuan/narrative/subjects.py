"""What a number is about: the words before it, cleaned of dates and debris, named canonically.

The same subject is printed many ways (收、支总计 / 收入支出总计; 公务用车购置及运行费 /
…运行维护费); subjects.csv folds them, noise.csv removes what is not part of a name (years, the
department's own name, 与上年度相比 …). Expenditure item paths (…（类）…（款）…（项）) are split
into their 类 / 款 / 项 names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from juesuan.narrative.vocab import noise, subject_rules
from juesuan.textnorm import MEMO_SIZE

# 一般公共服务支出(类)政府办公厅(室)及相关机构事务(款)一般行政管理事务(项); any level may be
# left out (法院(款)行政运行(项)支出), and names hold brackets of their own ((室)), so each name
# ends at the first marker of its level.
_PATH = re.compile(
    r"^(?:(?P<cls>.+?)\(类\))?(?:(?P<sub>.+?)\(款\))?(?:(?P<item>.+?)\(项\))?(?:支出)?$"
)
_EDGE = re.compile(r"^[,;:、.()]+|[,;:、.。]+$")
MAX_SUBJECT_LENGTH = 60
_CHINESE = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True, slots=True)
class Subject:
    name: str
    measure: str  # the measure a generic cue takes for this subject ("" to decide by unit)
    class_name: str | None = None
    subclass_name: str | None = None
    item_name: str | None = None


def _balance(text: str) -> str:
    """Drop a bracket left open or closed by a clause cut: `(其中` → `其中`, `…人员)` → `…人员`."""
    if text.count("(") > text.count(")") and text.startswith("("):
        text = text[1:]
    if text.count(")") > text.count("(") and text.endswith(")"):
        text = text[:-1]
    return text


def clean(text: str) -> str:
    """The words of a subject without dates, the department's name and comparison phrases."""
    text = _EDGE.sub("", text)
    for pattern in noise():
        text = pattern.sub("", text)
    return _EDGE.sub("", _balance(text))


def canonical(text: str) -> Subject | None:
    """The canonical subject of cleaned words; None when nothing nameable is left."""
    if not text or not _CHINESE.search(text):
        return None
    name, measure = text, ""
    for rule in subject_rules():
        match = rule.pattern.search(text)
        if match:
            name, measure = match.expand(rule.subject), rule.measure
            break
    path = _PATH.match(name)
    if path and any(path.groups()):
        return Subject(name, measure, path.group("cls"), path.group("sub"), path.group("item"))
    return Subject(name, measure)


@lru_cache(maxsize=MEMO_SIZE)
def subject_of(text: str) -> Subject | None:
    """The subject of the words before a number (memoised: the same words come back)."""
    return canonical(clean(text))
