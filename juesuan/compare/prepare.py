"""The warehouse hook run before its SQL: everything the comparison SQL reads that SQL cannot make
(the ref_* tables, rules as data, are loaded before it: juesuan.compare.reference).

Called by juesuan.warehouse.build_warehouse once the parsed files are loaded. The work is
cross-year (a department's names over all years, every year's stated facts), which is why it
belongs to the unpartitioned warehouse stage and never to the parsing of one year.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from juesuan.compare.stated import load_stated_facts
from juesuan.paths import Layout
from juesuan.registry.warehouse import RegistrySummary, apply_registry


@dataclass(frozen=True)
class Prepared:
    registry: RegistrySummary
    stated_facts: int


def prepare_comparisons(con: duckdb.DuckDBPyConnection, layout: Layout) -> Prepared:
    """Resolve department ids, load the stated facts (the ref_* tables are loaded already)."""
    registry = apply_registry(con)
    stated = load_stated_facts(con, layout)
    return Prepared(registry, stated)
