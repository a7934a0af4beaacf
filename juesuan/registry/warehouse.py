"""The registry applied in the warehouse: every printed name resolved with today's alias table.

The parser wrote the id the registry gave when the year was parsed; aliases curated since then
must count without a re-parse. So the warehouse resolves every printed name again, rewrites the
department ids of the documents and their rows, records how each name was resolved
(`department_names`, its automatic ones listed by `v_department_review`), and derives each
name's place and level (`ref_department_places`, used by departments.sql).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from juesuan.duckdb_settings import insert_rows
from juesuan.registry.aliases import AliasTable, current_aliases
from juesuan.registry.places import place_of
from juesuan.registry.resolve import resolve

PLACES_DDL = """
CREATE OR REPLACE TABLE ref_department_places (
    name VARCHAR PRIMARY KEY,
    region VARCHAR,
    province VARCHAR,
    city VARCHAR,
    county VARCHAR,
    adcode VARCHAR,
    admin_level VARCHAR
);
COMMENT ON TABLE ref_department_places IS
    'Place and administrative level read from each printed department name (juesuan.registry)';
"""


@dataclass(frozen=True)
class RegistrySummary:
    names: int
    curated: int
    automatic: int
    documents_moved: int  # documents whose department id changed since they were parsed


def _document_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Tables other than documents whose rows carry their document's department id."""
    rows = con.execute(
        "SELECT c.table_name FROM duckdb_columns() c JOIN duckdb_tables() t "
        "USING (database_name, schema_name, table_name) WHERE c.schema_name = 'main' "
        "AND c.table_name <> 'documents' AND c.column_name IN ('document_id', 'department_id') "
        "GROUP BY c.table_name HAVING count(*) = 2 ORDER BY c.table_name"
    ).fetchall()
    return [r[0] for r in rows]


def _has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = ?",
            [table],
        ).fetchone()[0]
    )


def apply_registry(
    con: duckdb.DuckDBPyConnection, aliases: AliasTable | None = None
) -> RegistrySummary:
    """Resolve the printed names of `documents`, move ids, fill department_names and places."""
    table = aliases if aliases is not None else current_aliases()
    printed = con.execute(
        "SELECT department_name, min(fiscal_year), max(fiscal_year), count(*) FROM documents "
        "WHERE department_name IS NOT NULL AND department_id IS NOT NULL GROUP BY 1 ORDER BY 1"
    ).fetchall()
    names, places = [], []
    for name, first, last, documents in printed:
        r = resolve(name, table)
        names.append((name, r.key, r.department_id, r.match, first, last, documents))
        p = place_of(name)
        places.append((name, p.region, p.province, p.city, p.county, p.adcode, p.admin_level))
    con.execute(PLACES_DDL)
    if places:
        insert_rows(con, "INSERT INTO ref_department_places", places)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE registry_names (name VARCHAR, name_key VARCHAR, "
        "department_id VARCHAR, match VARCHAR, first_year BIGINT, last_year BIGINT, "
        "documents BIGINT)"
    )
    if names:
        insert_rows(con, "INSERT INTO registry_names", names)
    (moved,) = con.execute(
        "SELECT count(*) FROM documents d JOIN registry_names r ON d.department_name = r.name "
        "WHERE d.department_id IS NOT NULL AND d.department_id <> r.department_id"
    ).fetchone()
    if moved:
        con.execute(
            "UPDATE documents SET department_id = r.department_id FROM registry_names r "
            "WHERE documents.department_name = r.name AND documents.department_id IS NOT NULL "
            "AND documents.department_id <> r.department_id"
        )
        for rows in _document_tables(con):
            con.execute(
                f'UPDATE "{rows}" SET department_id = d.department_id FROM documents d '
                f'WHERE "{rows}".document_id = d.document_id '
                f'AND "{rows}".department_id IS DISTINCT FROM d.department_id'
            )
    if _has_table(con, "department_names"):
        con.execute("INSERT INTO department_names BY NAME SELECT * FROM registry_names")
    con.execute("DROP TABLE registry_names")
    curated = sum(1 for n in names if n[3] == "curated")
    return RegistrySummary(len(names), curated, len(names) - curated, moved)
