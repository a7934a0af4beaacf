"""From a printed name to the department's stable id.

A curated alias wins; otherwise the id is derived from the name's matching key, so the same
name gets the same id in every run and on every machine, and an unknown department is registered
simply by being seen. Derived ids are the ones the project has always used (`dept-` + the first
12 hex digits of the key's sha256), so published ids stay stable.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from juesuan.registry.aliases import AliasTable, current_aliases
from juesuan.registry.names import name_key

CURATED = "curated"
AUTOMATIC = "automatic"


@dataclass(frozen=True)
class Resolution:
    """How a printed name was resolved: its key, its id, and whether a curated alias matched."""

    name: str
    key: str
    department_id: str
    match: str  # curated | automatic


def automatic_id(key: str) -> str:
    return f"dept-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:12]}"


def resolve(name: str, aliases: AliasTable | None = None) -> Resolution:
    """The department of a printed name: curated alias first, then the automatic id."""
    table = aliases if aliases is not None else current_aliases()
    key = name_key(name)
    curated = table.by_key.get(key)
    if curated:
        return Resolution(name, key, curated, CURATED)
    return Resolution(name, key, automatic_id(key), AUTOMATIC)


def department_id(name: str) -> str:
    """The stable id of the department printed as `name` (the entry point of the parser)."""
    return resolve(name).department_id
