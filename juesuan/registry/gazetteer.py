"""China's administrative divisions, from the bundled code table (adcodes.csv, see data/README).

A division's code says where it stands: the first two digits are its province, the first four
its prefecture-level city, six its county or district (`310107` 普陀区 lies in `31` 上海市). Names
are indexed in full (`郑州市`) and short (`郑州`), short forms derived by the rules of
place_rules.csv, so that names printed either way are found.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from juesuan.paths import DATA_DIR

ADCODES_FILE = DATA_DIR / "adcodes.csv"
PLACE_RULES_FILE = DATA_DIR / "place_rules.csv"

PROVINCE, CITY, COUNTY = "province", "city", "county"


@dataclass(frozen=True)
class Division:
    adcode: str  # six digits
    name: str
    short: str | None  # the name without its suffix (郑州), None when too short to be safe

    @property
    def level(self) -> str:
        if self.adcode.endswith("0000"):
            return PROVINCE
        return CITY if self.adcode.endswith("00") else COUNTY

    @property
    def province_code(self) -> str:
        return self.adcode[:2] + "0000"

    @property
    def city_code(self) -> str:
        return self.adcode[:4] + "00"


@dataclass(frozen=True)
class PlaceRules:
    short_names: tuple[re.Pattern[str], ...]
    municipalities: frozenset[str]  # two-digit province codes of 北京/天津/上海/重庆
    placeholders: frozenset[str]
    prefixes: tuple[str, ...]


@cache
def place_rules() -> PlaceRules:
    rows: dict[str, list[str]] = defaultdict(list)
    with PLACE_RULES_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            rows[row["rule"]].append(row["value"])
    return PlaceRules(
        short_names=tuple(re.compile(p) for p in rows["short_name"]),
        municipalities=frozenset(rows["municipality"]),
        placeholders=frozenset(rows["placeholder"]),
        prefixes=tuple(sorted(rows["prefix"], key=len, reverse=True)),
    )


def short_name(name: str, rules: PlaceRules) -> str | None:
    for pattern in rules.short_names:
        if m := pattern.fullmatch(name):
            return m.group(1)
    return None


class Gazetteer:
    """Divisions by code, and by the names (full and short) that may begin a department's name."""

    def __init__(self, divisions: list[Division], rules: PlaceRules) -> None:
        self.rules = rules
        self.by_code = {d.adcode: d for d in divisions}
        self._names: dict[str, list[tuple[Division, bool]]] = defaultdict(list)
        for d in divisions:
            self._names[d.name].append((d, True))
            if d.short and d.short != d.name:
                self._names[d.short].append((d, False))
        self.longest = max((len(n) for n in self._names), default=0)

    def is_municipality(self, division: Division) -> bool:
        return division.adcode[:2] in self.rules.municipalities

    def starting(self, text: str) -> list[tuple[Division, bool, int]]:
        """Divisions whose full or short name begins `text`: (division, full name?, length)."""
        found = []
        for length in range(min(self.longest, len(text)), 1, -1):
            for division, full in self._names.get(text[:length], ()):
                found.append((division, full, length))
        return found

    def province_of(self, division: Division) -> Division | None:
        return self.by_code.get(division.province_code)

    def city_of(self, division: Division) -> Division | None:
        if division.level == PROVINCE or self.is_municipality(division):
            return None
        city = self.by_code.get(division.city_code)
        return city if city is not None and city is not division else None


@cache
def gazetteer() -> Gazetteer:
    rules = place_rules()
    divisions = []
    with ADCODES_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            name = row["name"].strip()
            if name in rules.placeholders:
                continue
            divisions.append(Division(row["adcode"][:6], name, short_name(name, rules)))
    return Gazetteer(divisions, rules)
