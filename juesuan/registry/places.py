"""Where a department is and at which administrative level, read from its name.

Names begin with the place they govern, from the top down: `上海市普陀区财政局`, `河南省郑州市…`,
or a city alone, often shortened: `郑州高新技术产业开发区管委会…`. The divisions are located as a
chain from the start of the name (a province, then a city or county inside it, then a county
inside the city), each step only among the children of the last, which is what tells the two
普陀区 (Shanghai's and Zhoushan's) apart. The level then follows from the rules of
admin_levels.csv, tested on the rest of the name: a development zone (`…高新技术产业开发区`) or
a township beside the plain levels.

`region` joins the located names from the top: `河南省/郑州市`, `上海市/普陀区` (a province-level
city has no prefecture of its own), `浙江省/舟山市/普陀区`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from juesuan.paths import DATA_DIR
from juesuan.registry.gazetteer import CITY, COUNTY, PROVINCE, Division, Gazetteer, gazetteer
from juesuan.registry.names import name_key

ADMIN_LEVELS_FILE = DATA_DIR / "admin_levels.csv"
NONE = "none"
_RANK = {PROVINCE: 0, CITY: 1, COUNTY: 2}


@dataclass(frozen=True)
class Place:
    """The divisions a name was located in (full names), the most specific code, the level."""

    province: str | None = None
    city: str | None = None
    county: str | None = None
    adcode: str | None = None
    admin_level: str | None = None

    @property
    def region(self) -> str | None:
        """`province/city/county`, the levels found, from the top; None when none was."""
        return "/".join(p for p in (self.province, self.city, self.county) if p) or None


@dataclass(frozen=True)
class LevelRule:
    admin_level: str
    requires: str  # the most specific level located (province/city/county/none), "" for any
    pattern: re.Pattern[str] | None  # tested on the rest of the name after the located places


@cache
def level_rules() -> tuple[LevelRule, ...]:
    with ADMIN_LEVELS_FILE.open(encoding="utf-8", newline="") as handle:
        return tuple(
            LevelRule(
                row["admin_level"],
                row["requires"].strip(),
                re.compile(row["pattern"]) if row["pattern"] else None,
            )
            for row in csv.DictReader(handle)
        )


@dataclass(frozen=True)
class _Located:
    divisions: tuple[Division, ...]  # the chain, top down
    end: int  # where the rest of the name begins
    ambiguous_level: str | None = None  # several divisions matched, all of this level


def _choose(
    found: list[tuple[Division, bool, int]], allowed: Callable[[Division, bool], bool]
) -> tuple[Division | None, int, str | None]:
    """The best allowed match: longest, then full over short, then the higher level.

    Several divisions left after that are ambiguous: none is chosen, and their common level
    (if they share one) is returned so the level can still be said.
    """
    kept = [(d, full, n) for d, full, n in found if allowed(d, full)]
    if not kept:
        return None, 0, None
    longest = max(n for _, _, n in kept)
    kept = [(d, full) for d, full, n in kept if n == longest]
    if any(full for _, full in kept):
        kept = [(d, full) for d, full in kept if full]
    top = min(_RANK[d.level] for d, _ in kept)
    best = {d.adcode: d for d, _ in kept if _RANK[d.level] == top}
    if len(best) == 1:
        return next(iter(best.values())), longest, None
    return None, 0, next(iter(best.values())).level


def _locate(g: Gazetteer, key: str) -> _Located:
    """The chain of divisions at the start of `key` (see the module docstring)."""
    first, end, ambiguous = _choose(
        g.starting(key), lambda d, full: full or d.level in (PROVINCE, CITY)
    )
    if first is None:
        return _Located((), 0, ambiguous)
    chain = [first]
    if first.level == PROVINCE:
        municipality = g.is_municipality(first)
        nxt, n, _ = _choose(
            g.starting(key[end:]),
            lambda d, full: (
                d.adcode[:2] == first.adcode[:2]
                and d.level != PROVINCE
                and (full or municipality or d.level == CITY)
            ),
        )
        if nxt is not None:
            chain.append(nxt)
            end += n
    last = chain[-1]
    if last.level == CITY:
        nxt, n, _ = _choose(
            g.starting(key[end:]), lambda d, _full: d.level == COUNTY and d.city_code == last.adcode
        )
        if nxt is not None:
            chain.append(nxt)
            end += n
    return _Located(tuple(chain), end)


def _strip_prefix(key: str, prefixes: tuple[str, ...]) -> str:
    for prefix in prefixes:
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix) :]
    return key


def place_of(name: str) -> Place:
    """Province, city, county, code and administrative level of a department, from its name."""
    g = gazetteer()
    key = _strip_prefix(name_key(name), g.rules.prefixes)
    located = _locate(g, key)
    rest = key[located.end :]
    place = Place()
    if located.divisions:
        last = located.divisions[-1]
        province = g.province_of(last)
        city = g.city_of(last) if last.level != CITY else last
        place = Place(
            province=province.name if province else None,
            city=city.name if city else None,
            county=last.name if last.level == COUNTY else None,
            adcode=last.adcode,
        )
        level = last.level
    else:
        level = located.ambiguous_level or NONE
    for rule in level_rules():
        if rule.requires and rule.requires != level:
            continue
        if rule.pattern is not None and not rule.pattern.search(rest):
            continue
        return Place(place.province, place.city, place.county, place.adcode, rule.admin_level)
    return place
