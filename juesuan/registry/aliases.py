"""The curated alias table: names a person has decided belong to one department.

Normalisation cannot know that `合成市乙区档案局` became `合成市乙区档案管理局`, nor which of two
similar names are one body: a reviewer records it in `juesuan/data/department_aliases.csv`
(department_id, name, note), one row per name. The table is consulted before any automatic
rule. Its path can be moved with JUESUAN_DEPARTMENT_ALIASES (tests, or a deployment's own
curation); the file is re-read whenever it changes.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from juesuan.paths import DATA_DIR
from juesuan.registry.names import name_key

ALIASES_ENV = "JUESUAN_DEPARTMENT_ALIASES"
BUNDLED_ALIASES = DATA_DIR / "department_aliases.csv"
COLUMNS = ("department_id", "name", "note")
DEPARTMENT_ID = re.compile(r"dept-[0-9a-f]{12}")


class AliasTableError(ValueError):
    """The alias table is malformed; the message names the file and line."""


@dataclass(frozen=True)
class Alias:
    department_id: str
    name: str
    note: str
    line: int


@dataclass(frozen=True)
class AliasTable:
    """The curated names, by matching key."""

    path: Path
    aliases: tuple[Alias, ...] = ()
    by_key: dict[str, str] = field(default_factory=dict, compare=False)

    def lookup(self, name: str) -> str | None:
        """The curated department id of a printed name, or None when no alias matches."""
        return self.by_key.get(name_key(name))

    def names_of(self, department_id: str) -> list[str]:
        return [a.name for a in self.aliases if a.department_id == department_id]


def aliases_path() -> Path:
    """The alias table in use: $JUESUAN_DEPARTMENT_ALIASES, else the bundled one."""
    return Path(os.environ.get(ALIASES_ENV) or BUNDLED_ALIASES)


def current_aliases() -> AliasTable:
    """The alias table at `aliases_path()`, read again when the file changed."""
    path = aliases_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise AliasTableError(f"{path}: no such alias table (set {ALIASES_ENV})") from None
    return _load_cached(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _load_cached(path: Path, _mtime_ns: int, _size: int) -> AliasTable:
    return load_aliases(path)


def load_aliases(path: Path) -> AliasTable:
    """Read and validate an alias table: its columns, each id's form, one id per name."""
    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise AliasTableError(
                f"{path}: columns must be {', '.join(COLUMNS)}, not {reader.fieldnames}"
            )
        aliases = []
        by_key: dict[str, str] = {}
        first_line: dict[str, int] = {}
        for row in reader:
            line = reader.line_num
            dept, name = (row["department_id"] or "").strip(), (row["name"] or "").strip()
            if not DEPARTMENT_ID.fullmatch(dept):
                raise AliasTableError(f"{path}:{line}: department_id {dept!r} is not dept-<12 hex>")
            if not name:
                raise AliasTableError(f"{path}:{line}: empty name")
            key = name_key(name)
            if by_key.get(key, dept) != dept:
                raise AliasTableError(
                    f"{path}:{line}: {name!r} is already given to {by_key[key]} on line "
                    f"{first_line[key]}; a name belongs to one department"
                )
            by_key[key] = dept
            first_line.setdefault(key, line)
            aliases.append(Alias(dept, name, (row["note"] or "").strip(), line))
    return AliasTable(path, tuple(aliases), by_key)
