"""The constraints of the Table Schemas, checked in DuckDB by SQL generated from the schemas.

frictionless-py validates about a million rows in 20 s, DuckDB checks them in well under a
second (STACK.md). So the warehouse and the release CSVs are checked here (publish/validate.py;
frictionless checks a release's descriptor, and its rows when its schemas are not those of
schemas/). The two must give the same verdicts:
a finding's kind is the frictionless error type (type-error, constraint-error, unique-error,
primary-key, foreign-key) and its row the 1-based data row, frictionless' rowNumber - 1, so the
findings of both engines compare as sets of (resource, row, field, kind).

Every check reads a relation whose columns are all VARCHAR plus a `__row` column, so the same
SQL checks the typed warehouse (its columns cast to text, rows numbered as in the release) and
the raw CSVs of a release. How a cell is read (missing, well-typed, its value) is in `cells`.
Internal columns are named `__…`; schema fields must not be.

The checks of single cells are screened: one scan of a relation selects every row any of
them would report (`ResourceChecks.screen`), and they run on those rows only, which gives
their findings at the cost of one scan when, as usual, there are none. A relation can also be
probed (`ResourceChecks.probe`): one scan, without row numbers, that shows no check can find
anything, so that a clean CSV need not even be stored to be checked.
"""

from __future__ import annotations

import csv
import json
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import frictionless

from juesuan import duckdb_settings, schema
from juesuan.checks import cells
from juesuan.checks.cells import CellField, literal
from juesuan.schema import quote_ident
from juesuan.warehouse import connect_read_only

ROW = "__row"
KINDS = ("type-error", "constraint-error", "unique-error", "primary-key", "foreign-key")
_ROW = quote_ident(ROW)

# Constraints frictionless checks cell by cell, per type (its fields' supported_constraints).
_CELL_CONSTRAINTS = {
    "string": ("required", "minLength", "maxLength", "pattern", "enum"),
    "integer": ("required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"),
    "number": ("required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"),
    "boolean": ("required", "enum"),
}


class ConstraintCheckError(RuntimeError):
    """The checks could not run (a relation is missing, a CSV is malformed); names the place."""


@dataclass(frozen=True)
class ConstraintQuery:
    """One generated check: its SQL selects (row_number, field, value, check, message)."""

    resource: str
    kind: str
    field: str
    constraint: str | None
    sql: str


@dataclass(frozen=True)
class ConstraintFinding:
    """One violation: where (resource, data row, field) and what (kind, value, message)."""

    resource: str | None
    row: int | None
    field: str | None
    kind: str
    value: str | None
    message: str

    @property
    def key(self) -> tuple[str | None, int | None, str | None, str]:
        """What both engines must agree on."""
        return (self.resource, self.row, self.field, self.kind)

    def __str__(self) -> str:
        where = ", ".join(
            str(p) for p in (self.resource, self.row and f"row {self.row}", self.field) if p
        )
        return f"{where}: {self.kind}: {self.message} ({self.value!r})"


def _order(f: ConstraintFinding) -> tuple[Any, ...]:
    return (f.resource or "", f.row or 0, f.field or "", f.kind, f.value or "", f.message)


@dataclass(frozen=True)
class _ForeignKey:
    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]


def _names(value: str | Sequence[str]) -> tuple[str, ...]:
    """Keys may name one field as a string or several as a list."""
    return (value,) if isinstance(value, str) else tuple(value)


@dataclass(frozen=True)
class _Table:
    """A resource's Table Schema, read for checking."""

    name: str
    fields: tuple[CellField, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[_ForeignKey, ...]

    @classmethod
    def from_descriptor(cls, name: str, descriptor: Mapping[str, Any]) -> _Table:
        missing = tuple(descriptor.get("missingValues", ("",)))
        fks = [
            _ForeignKey(
                _names(fk["fields"]),
                fk["reference"].get("resource") or name,  # "" refers to the resource itself
                _names(fk["reference"]["fields"]),
            )
            for fk in descriptor.get("foreignKeys") or []
        ]
        return cls(
            name=name,
            fields=tuple(CellField.from_descriptor(f, missing) for f in descriptor["fields"]),
            primary_key=_names(descriptor.get("primaryKey") or []),
            foreign_keys=tuple(fks),
        )

    def field(self, name: str) -> CellField:
        for f in self.fields:
            if f.name == name:
                return f
        raise ValueError(f"{self.name}: no field {name!r} in its schema")


def _schema_table(name: str) -> _Table:
    return _Table.from_descriptor(name, schema.table_schema_descriptor(name))


def _select(row: str, field: str, value: str, kind: str, message: str) -> str:
    return (
        f"SELECT {row} AS row_number, {literal(field)} AS field, {value} AS value, "
        f'{literal(kind)} AS "check", {message} AS message'
    )


def _cell_queries(t: _Table, f: CellField, rel: str) -> tuple[list[ConstraintQuery], str | None]:
    """The checks of one field's cells, and a condition true for every row they report.

    The condition is that the cell is required and missing, or not missing and not surely
    valid (`cells.surely_valid`: well-typed and meeting every constraint, a number plain too).
    It may select a few valid rows as well, which the checks then pass; it types a cell once.
    """
    col = quote_ident(f.name)
    missing, typed = cells.missing(f, col), cells.well_typed(f, col)
    out, tests, screen = [], [], []
    if f.type != "string":
        note = literal(f'type is "{f.type}/default"')
        where = f"NOT {missing} AND NOT ({typed})"
        sql = f"{_select(_ROW, f.name, col, 'type-error', note)} FROM {rel} WHERE {where}"
        out.append(ConstraintQuery(t.name, "type-error", f.name, None, sql))
    for name in _CELL_CONSTRAINTS[f.type]:
        c = f.constraints.get(name)
        if c is None or (name == "required" and not c):
            continue
        if name == "required":
            where = missing
            screen.append(missing)
        else:
            tests.append((name, c))
            holds = cells.holds(f, col, name, c)
            where = f"NOT {missing} AND ({typed}) AND NOT coalesce({holds}, FALSE)"
        note = literal(f'constraint "{name}" is "{c}"')
        sql = f"{_select(_ROW, f.name, col, 'constraint-error', note)} FROM {rel} WHERE {where}"
        out.append(ConstraintQuery(t.name, "constraint-error", f.name, name, sql))
    if f.type != "string" or tests:
        screen.append(f"NOT {missing} AND NOT {cells.surely_valid(f, col, tests)}")
    return out, " OR ".join(f"({c})" for c in screen) or None


def _parts(t: _Table, names: Sequence[str], prefix: str = "") -> str:
    """Select list of the parsed parts of a key, named __k0, __k1, …"""
    return ", ".join(
        f"{cells.value(t.field(n), prefix + quote_ident(n))} AS __k{i}" for i, n in enumerate(names)
    )


def _shown(names: Sequence[str], prefix: str = "") -> str:
    """The raw cells of a key, joined for display."""
    return (
        "concat_ws(', ', "
        + ", ".join(f"coalesce({prefix}{quote_ident(n)}, '')" for n in names)
        + ")"
    )


def _all_none(n: int, prefix: str = "") -> str:
    return "(" + " AND ".join(f"{prefix}__k{i} IS NULL" for i in range(n)) + ")"


def _repeats(t: _Table, names: Sequence[str], rel: str, kind: str, what: str) -> str:
    """Rows whose parsed key repeats an earlier row's, each naming the previous occurrence.

    frictionless remembers the last row of every key and reports each later one. Ordering all
    rows by key is the costly part, so keys are first counted by hash (one integer per row, a
    cheap aggregate) and only the rows of repeated hashes are ordered; there the real parts
    decide, so a hash collision reports nothing. All-None keys never repeat. The keyed rows are
    computed again rather than stored (NOT MATERIALIZED): storing them cost more than the count,
    and with no repeated hash (the usual case) the second reading stops at its first rows.
    """
    n = len(names)
    ks = ", ".join(f"__k{i}" for i in range(n))
    message = f"'the same {what} as in data row ' || __prev"
    return (
        f"WITH keyed AS NOT MATERIALIZED (SELECT *, hash({ks}) AS __h FROM ("
        f"SELECT {_ROW}, {', '.join(quote_ident(c) for c in names)}, {_parts(t, names)} "
        f"FROM {rel}) WHERE NOT {_all_none(n)}), "
        "repeated AS (SELECT __h FROM keyed GROUP BY __h HAVING count(*) > 1) "
        f"{_select(_ROW, ', '.join(names), _shown(names), kind, message)} FROM ("
        f"SELECT *, lag({_ROW}) OVER (PARTITION BY {ks} ORDER BY {_ROW}) AS __prev "
        "FROM keyed SEMI JOIN repeated USING (__h)) WHERE __prev IS NOT NULL"
    )


def _unique_query(t: _Table, f: CellField, rel: str) -> ConstraintQuery:
    """A unique field: every row repeating a value of an earlier row."""
    sql = _repeats(t, [f.name], rel, "unique-error", "value")
    return ConstraintQuery(t.name, "unique-error", f.name, None, sql)


def _primary_key_query(t: _Table, rel: str) -> ConstraintQuery:
    """Repeated keys, None parts equal to each other; an all-None key is itself an error.

    As frictionless 5.21's TableResource row stream does: a tuple of parsed cells is compared
    (an empty part, or an ill-typed one, is None and equals another None), and a key whose
    parts are all None is reported on its own and not remembered.
    """
    names = t.primary_key
    label = ", ".join(names)
    message = literal('cells composing the primary keys are all "None"')
    sql = (
        f"{_repeats(t, names, rel, 'primary-key', 'key')} UNION ALL "
        f"{_select(_ROW, label, _shown(names), 'primary-key', message)} FROM ("
        f"SELECT *, {_parts(t, names)} FROM {rel}) WHERE {_all_none(len(names))}"
    )
    return ConstraintQuery(t.name, "primary-key", label, None, sql)


def _same(source: CellField, target: CellField, a: str, b: str) -> str:
    """Python equality of two parsed values: numbers across integer/number, else same type."""
    if source.type == target.type or (source.numeric and target.numeric):
        return f"{a} IS NOT DISTINCT FROM {b}"
    return "FALSE"


def _foreign_key_query(
    t: _Table, fk: _ForeignKey, rel: str, ref: _Table, ref_rel: str
) -> ConstraintQuery:
    """Values with no match among the referenced rows; an all-None tuple is skipped.

    The referenced values are parsed like the referencing ones (frictionless builds its lookup
    from the parsed rows of the referenced resource).
    """
    match = " AND ".join(
        _same(t.field(s), ref.field(r), f"t.__k{i}", f"s.__k{i}")
        for i, (s, r) in enumerate(zip(fk.fields, fk.reference_fields, strict=True))
    )
    fields = ", ".join(fk.fields)
    message = literal(
        f'for "{fields}": values not found in the lookup table "{fk.resource}" as '
        f'"{", ".join(fk.reference_fields)}": '
    )
    shown = _shown(fk.fields, "s.")
    sql = (
        f"{_select('s.' + _ROW, fields, shown, 'foreign-key', f'{message} || {shown}')} "
        f"FROM (SELECT *, {_parts(t, fk.fields)} FROM {rel}) AS s "
        f"WHERE NOT {_all_none(len(fk.fields), 's.')} AND NOT EXISTS ("
        f"SELECT 1 FROM (SELECT {_parts(ref, fk.reference_fields)} FROM {ref_rel}) AS t "
        f"WHERE {match})"
    )
    return ConstraintQuery(t.name, "foreign-key", fields, None, sql)


@dataclass(frozen=True)
class ResourceChecks:
    """The checks of one resource over one relation, split for screening.

    `cells` check single cells; `screen` is true for every row one of them reports, and for
    few others (None when there are no cell checks), so one scan of a clean relation replaces
    them all and they need only run on the rows it selects (`cells_over`). `keys` compare rows
    (unique, primary, foreign keys).
    """

    table: _Table
    relation: str
    cells: tuple[ConstraintQuery, ...]
    screen: str | None
    keys: tuple[ConstraintQuery, ...]
    key_signals: tuple[tuple[str, str], ...] = ()  # (parts' columns or "", count): `probe`

    @property
    def queries(self) -> list[ConstraintQuery]:
        return [*self.cells, *self.keys]

    def passing(self, character: str) -> tuple[str, ...]:
        """The fields whose cells may hold `character` and still not be screened."""
        return tuple(f.name for f in self.table.fields if cells.may_pass(f, character))

    def probe(self, screen: str | None) -> str:
        """One scan of the relation: its row count, then counts that are all 0 when no check
        would find anything and `screen` (a condition on the row's cells) selects no row.

        The counts may also be non-zero without a finding (a hash collision), never zero with
        one: the rows whose keys repeat are counted as rows minus distinct key hashes, keys
        wholly None in a primary key and foreign keys without a match are counted directly.
        Row numbers play no part, so the relation need not have `__row`: a CSV read as it is
        can be probed without being stored, and only one that may have findings is loaded.
        """
        columns = [c for c, _ in self.key_signals if c]
        counts = ["count(*)", *(f"count(*) FILTER (WHERE {screen})" for _ in [screen] if screen)]
        counts += [a for _, a in self.key_signals]
        inner = ", ".join(["*", *columns])
        return f"SELECT {', '.join(counts)} FROM (SELECT {inner} FROM {self.relation})"

    def cells_over(self, relation: str) -> list[ConstraintQuery]:
        """The cell checks over `relation`, rows of this one (the screened rows, say)."""
        return [q for f in self.table.fields for q in _cell_queries(self.table, f, relation)[0]]


def _checks(
    t: _Table, relation: str, references: Mapping[str, tuple[_Table, str]]
) -> ResourceChecks:
    cell_queries: list[ConstraintQuery] = []
    screens = []
    for f in t.fields:
        queries, screen = _cell_queries(t, f, relation)
        cell_queries += queries
        screens += [screen] if screen else []
    keys = [_unique_query(t, f, relation) for f in t.fields if f.constraints.get("unique")]
    if t.primary_key:
        keys.append(_primary_key_query(t, relation))
    for fk in t.foreign_keys:
        if fk.resource == t.name:
            keys.append(_foreign_key_query(t, fk, relation, t, relation))
        elif fk.resource in references:
            ref, ref_rel = references[fk.resource]
            keys.append(_foreign_key_query(t, fk, relation, ref, ref_rel))
    screen = " OR ".join(screens) or None
    signals = _key_signals(t, relation, references)
    return ResourceChecks(t, relation, tuple(cell_queries), screen, tuple(keys), signals)


def _key_signals(
    t: _Table, relation: str, references: Mapping[str, tuple[_Table, str]]
) -> tuple[tuple[str, str], ...]:
    """For `ResourceChecks.probe`: per key check, its parsed parts (columns named __p<i>_k<j>)
    and a count that is 0 when the check finds nothing (repeated keys, all-None primary keys,
    foreign keys without a match; the same parts and comparisons as the checks)."""
    signals: list[tuple[str, str]] = []

    def parts(names: Sequence[str]) -> tuple[str, str]:
        i = len(signals)
        cols = [f"__p{i}_k{j}" for j in range(len(names))]
        values = ", ".join(
            f"{cells.value(t.field(n), quote_ident(n))} AS {c}"
            for n, c in zip(names, cols, strict=True)
        )
        return values, " AND ".join(f"{c} IS NULL" for c in cols)

    def repeats(names: Sequence[str]) -> str:
        """Adds the count of repeated keys; returns the condition of a key wholly None."""
        values, none = parts(names)
        cols = ", ".join(f"__p{len(signals)}_k{j}" for j in range(len(names)))
        kept = f"FILTER (WHERE NOT ({none}))"
        signals.append((values, f"count(*) {kept} - count(DISTINCT hash({cols})) {kept}"))
        return none

    for f in t.fields:
        if f.constraints.get("unique"):
            repeats([f.name])
    if t.primary_key:
        none = repeats(t.primary_key)
        signals.append(("", f"count(*) FILTER (WHERE {none})"))  # the same parts
    for fk in t.foreign_keys:
        if fk.resource == t.name:
            ref, ref_rel = t, relation
        elif fk.resource in references:
            ref, ref_rel = references[fk.resource]
        else:
            continue
        values, none = parts(fk.fields)
        i = len(signals)
        match = " AND ".join(
            _same(t.field(s), ref.field(r), f"r.__k{j}", f"__p{i}_k{j}")
            for j, (s, r) in enumerate(zip(fk.fields, fk.reference_fields, strict=True))
        )
        lookup = f"(SELECT {_parts(ref, fk.reference_fields)} FROM {ref_rel}) AS r"
        missing = f"NOT EXISTS (SELECT 1 FROM {lookup} WHERE {match})"
        signals.append((values, f"count(*) FILTER (WHERE NOT ({none}) AND {missing})"))
    return tuple(signals)


def constraint_sql(
    resource_name: str,
    relation: str,
    references: Mapping[str, str] | None = None,
    *,
    descriptor: Mapping[str, Any] | None = None,
) -> list[ConstraintQuery]:
    """The checks of one resource over `relation`, one query per constraint kind and field.

    `relation` is SQL naming a relation (used verbatim: a quoted view name, say) with the
    schema's columns as VARCHAR and a 1-based `__row`. Foreign keys are checked against the
    relations of the referenced resources given in `references` (resource name -> relation);
    a foreign key to a resource not given there gets no query, one to itself always does.
    `descriptor` replaces the resource's Table Schema from schemas/ (an older release's, say).
    """
    return resource_checks(resource_name, relation, references, descriptor=descriptor).queries


def resource_checks(
    resource_name: str,
    relation: str,
    references: Mapping[str, str] | None = None,
    *,
    descriptor: Mapping[str, Any] | None = None,
) -> ResourceChecks:
    """The queries of `constraint_sql` (same arguments), split into cells, screen and keys."""
    table = (
        _Table.from_descriptor(resource_name, descriptor)
        if descriptor is not None
        else _schema_table(resource_name)
    )
    refs = {name: (_schema_table(name), rel) for name, rel in (references or {}).items()}
    return _checks(table, relation, refs)


def screen(con: duckdb.DuckDBPyConnection, relation: str, condition: str, table: str) -> bool:
    """Whether any row of `relation` meets `condition`; if so, they are copied into `table`.

    Each check reading its own scan, a clean relation (the usual case) took one scan per cell
    check; screened, it takes one, and the few rows it selects go into a temporary table that
    the cell checks then read instead. A check of cells sees one row at a time, so it finds on
    the selected rows what it finds on them all. `table` is replaced if it exists.
    """
    (count,) = con.execute(f"SELECT count(*) FROM {relation} WHERE {condition}").fetchone()
    if count:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM {relation} WHERE {condition}"
        )
    return bool(count)


def is_empty(con: duckdb.DuckDBPyConnection, relation: str) -> bool:
    """True when `relation` has no row: none of its checks can find anything."""
    try:
        (count,) = con.execute(f"SELECT count(*) FROM {relation}").fetchone()
    except duckdb.Error:
        return False  # the checks say what fails
    return count == 0


def _screened(con: duckdb.DuckDBPyConnection, checks: ResourceChecks) -> list[ConstraintQuery]:
    """The cell checks to run after screening: none on a clean relation.

    If the screen itself fails, every check runs on the whole relation, so that a failure is
    reported by the check that fails, as without screening.
    """
    if checks.screen is None:
        return []
    table = quote_ident(f"__screened_{checks.table.name}")
    try:
        found = screen(con, checks.relation, checks.screen, table)
    except duckdb.Error:
        return list(checks.cells)
    return checks.cells_over(table) if found else []


def _fired(q: ConstraintQuery, fired: set[tuple[str | None, str, str | None]]) -> bool:
    return bool({(q.resource, q.kind, q.field), (q.resource, q.kind, None)} & fired)


def _resource_findings(
    con: duckdb.DuckDBPyConnection,
    t: _Table,
    relation: str,
    references: Mapping[str, tuple[_Table, str]],
    fired: set[tuple[str | None, str, str | None]] | None,
) -> list[ConstraintFinding]:
    for fk in t.foreign_keys:
        if fk.resource not in references:
            raise ConstraintCheckError(
                f"{t.name} refers to {fk.resource}, which is not among the relations checked"
            )
    if fired is None and is_empty(con, relation):
        return []  # no row, no finding: spared the planning of every check (~10 ms a table)
    checks = _checks(t, relation, references)
    if fired is None:
        queries = [*_screened(con, checks), *checks.keys]
    else:
        queries = [q for q in checks.queries if _fired(q, fired)]
    findings = []
    for q in queries:
        try:
            rows = con.execute(q.sql).fetchall()
        except duckdb.Error as exc:
            raise ConstraintCheckError(f"{q.resource} {q.kind} {q.field}: {exc}") from exc
        findings += [ConstraintFinding(t.name, r[0], r[1], r[3], r[2], r[4]) for r in rows]
    return findings


_Result = TypeVar("_Result")


def _in_threads(
    con: duckdb.DuckDBPyConnection,
    names: Sequence[str],
    work: Callable[[duckdb.DuckDBPyConnection, str], _Result],
    workers: int,
    cost: Mapping[str, int],
) -> list[_Result]:
    """`work(cursor, name)` for every name, on `workers` threads with a cursor of `con` each.

    DuckDB releases the GIL, so the threads plan and run their queries at the same time: a
    small table's query runs on one core, and the many small ones would otherwise leave the
    other idle. The costliest names start first. Results come in the order of `names`, and an
    error is raised as running them in that order would raise it: the first name's that fails.
    """
    local = threading.local()
    cursors: list[duckdb.DuckDBPyConnection] = []

    def run(name: str) -> _Result:
        if (cursor := getattr(local, "cursor", None)) is None:
            cursor = local.cursor = con.cursor()
            cursors.append(cursor)
        return work(cursor, name)

    try:
        with ThreadPoolExecutor(workers) as pool:
            started = {n: pool.submit(run, n) for n in sorted(names, key=lambda n: -cost.get(n, 0))}
        return [started[name].result() for name in names]
    finally:
        for cursor in cursors:
            cursor.close()


def _run(
    con: duckdb.DuckDBPyConnection,
    tables: Mapping[str, _Table],
    relations: Mapping[str, str],
    only: Sequence[str] | None = None,
    fired: set[tuple[str | None, str, str | None]] | None = None,
    workers: int = 1,
    cost: Mapping[str, int] | None = None,
) -> list[ConstraintFinding]:
    """Run the checks of the resources in `only` (default: all), references across all; with
    `fired`, only the checks of those (resource, kind, field), else cells screened first.

    With `workers` > 1, resources are checked in threads (`_in_threads`, costliest first by
    `cost`): the relations must then be visible to other cursors (not temporary objects).
    """
    refs = {name: (tables[name], rel) for name, rel in relations.items()}
    names = list(relations if only is None else only)

    def work(cursor: duckdb.DuckDBPyConnection, name: str) -> list[ConstraintFinding]:
        return _resource_findings(cursor, tables[name], relations[name], refs, fired)

    if workers > 1:
        found = _in_threads(con, names, work, workers, cost or {})
    else:
        found = [work(con, name) for name in names]
    return sorted((f for findings in found for f in findings), key=_order)


def check_relation_set(
    con: duckdb.DuckDBPyConnection, relations: Mapping[str, str]
) -> list[ConstraintFinding]:
    """Run every check of every resource in `relations` (resource name -> relation SQL)."""
    return _run(con, {name: _schema_table(name) for name in relations}, relations)


def _as_text(r: schema.ResourceSchema) -> str:
    return ", ".join(
        f"CAST({quote_ident(c)} AS VARCHAR) AS {quote_ident(c)}" for c in r.field_names
    )


def check_warehouse(path: Path) -> list[ConstraintFinding]:
    """Check every table of the warehouse, rows numbered as in the release CSVs.

    Columns are cast to VARCHAR (DECIMAL(18,2) prints 24135200.00, as in the CSV). Numbering
    rows in release order takes a sort, which would cost more than all the checks together, so
    a first pass numbers them by storage order (rowid), and only a table with findings is
    numbered in release order, into a temporary table, and checked again by the checks that
    found something. The first pass checks the tables in threads, as many as DuckDB's, each
    with its own cursor. Temporary objects are allowed on the read-only connection; the
    warehouse file is never written.
    """
    con = connect_read_only(Path(path))
    try:
        tables = {r.name: _schema_table(r.name) for r in schema.resources()}
        # Subqueries, not temporary views: the first pass reads them from several cursors.
        relations = {
            r.name: f"(SELECT rowid + 1 AS {_ROW}, {_as_text(r)} FROM main.{quote_ident(r.name)})"
            for r in schema.resources()
        }
        sizes = dict(
            con.execute(
                "SELECT table_name, estimated_size FROM duckdb_tables() "
                "WHERE database_name = current_database() AND schema_name = 'main'"
            ).fetchall()
        )
        (threads,) = con.execute("SELECT current_setting('threads')").fetchone()
        first = _run(con, tables, relations, workers=int(threads), cost=sizes)
        dirty = sorted({f.resource for f in first if f.resource})
        # Whether a row breaks a rule does not depend on the order (a repeated key is repeated
        # either way): only the checks that found something are run again, on rows numbered
        # in release order.
        fired = {(f.resource, f.kind, f.field) for f in first if f.resource}
        for name in dirty:
            r = schema.resource(name)
            relations[name] = quote_ident(f"__check_{name}_ordered")
            con.execute(
                f"CREATE TEMP TABLE {relations[name]} AS SELECT row_number() OVER (ORDER BY "
                f"{schema.export_order(r)}) AS {_ROW}, {_as_text(r)} "
                f"FROM main.{quote_ident(name)}"
            )
        return _run(con, tables, relations, only=dirty, fired=fired) if dirty else []
    finally:
        con.close()


def _csv_path(folder: Path, resource: Mapping[str, Any]) -> Path:
    path = resource.get("path")
    target = (folder / str(path)).resolve()
    if not isinstance(path, str) or folder.resolve() not in target.parents:
        raise ConstraintCheckError(f"{folder}: resource {resource['name']}: bad path {path!r}")
    if resource.get("encoding", "utf-8").lower() not in ("utf-8", "utf8"):
        raise ConstraintCheckError(f"{target}: only UTF-8 CSVs are checked")
    return target


def csv_as_text(path: Path, names: Sequence[str], delimiter: str = ",", quote: str = '"') -> str:
    """A query of a CSV's rows in file order, every field (`names`, the header's) a VARCHAR:
    the cells as the file writes them, for the checks to read as frictionless reads them."""
    columns = "{" + ", ".join(f"{literal(n)}: 'VARCHAR'" for n in names) + "}"
    return (
        f"SELECT * FROM read_csv({literal(str(path))}, columns = {columns}, header = true, "
        f"auto_detect = false, delim = {literal(delimiter)}, quote = {literal(quote)}, "
        f"escape = {literal(quote)})"
    )


def _load_csv(
    con: duckdb.DuckDBPyConnection, path: Path, t: _Table, dialect: Mapping[str, Any]
) -> str:
    """Load one CSV as text in file order; the header must name the schema's fields."""
    delimiter, quote = dialect.get("delimiter", ","), dialect.get("quoteChar", '"')
    with path.open(encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f, delimiter=delimiter, quotechar=quote), [])
    names = [f.name for f in t.fields]
    if header != names:
        raise ConstraintCheckError(f"{path}: header {header} is not the schema's fields {names}")
    table = quote_ident(f"__csv_{t.name}")
    try:
        # Insertion order is preserved (DuckDB's default), so rowid is the file's row order.
        con.execute(f"CREATE TEMP TABLE {table} AS {csv_as_text(path, names, delimiter, quote)}")
    except duckdb.Error as exc:
        raise ConstraintCheckError(f"{path}: cannot read as CSV: {exc}") from exc
    view = quote_ident(f"__check_{t.name}")
    con.execute(f"CREATE TEMP VIEW {view} AS SELECT rowid + 1 AS {_ROW}, * FROM {table}")
    return view


def check_release(folder: Path) -> list[ConstraintFinding]:
    """Check the CSVs of a release folder against the schemas its datapackage.json declares.

    Like frictionless, the embedded schemas are the contract, and foreign keys are resolved
    across the release's own CSVs.
    """
    folder = Path(folder)
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    con = duckdb_settings.connect()
    try:
        tables, relations = {}, {}
        for res in descriptor["resources"]:
            t = _Table.from_descriptor(res["name"], res["schema"])
            tables[t.name] = t
            relations[t.name] = _load_csv(con, _csv_path(folder, res), t, res.get("dialect", {}))
        return _run(con, tables, relations)
    finally:
        con.close()


def _frictionless_finding(
    resource: frictionless.Resource, error: frictionless.Error
) -> ConstraintFinding:
    names = resource.schema.field_names
    row_number = getattr(error, "row_number", None)
    field = getattr(error, "field_name", None)
    value = getattr(error, "cell", None)
    if error.type == "primary-key":
        keys = list(resource.schema.primary_key)
    elif error.type == "foreign-key":
        keys = list(error.field_names)
    else:
        keys = []
    if keys:
        field = ", ".join(keys)
        row_cells = list(error.cells) + [""] * len(names)
        value = ", ".join(row_cells[names.index(k)] for k in keys)
    return ConstraintFinding(
        resource=resource.name,
        row=row_number - 1 if row_number is not None else None,
        field=field,
        kind=error.type,
        value=value,
        message=error.note or error.message,
    )


def frictionless_findings(folder: Path) -> list[ConstraintFinding]:
    """The frictionless verdict on a release, in the same terms as the SQL checks.

    Every error of the package is kept (hash, bytes and header errors too, without a row), and
    no error limit applies, so the two engines can be compared row for row.
    """
    package = frictionless.Package(str(Path(folder) / "datapackage.json"))
    report = package.validate(limit_errors=2**62)
    findings = [ConstraintFinding(None, None, None, e.type, None, e.message) for e in report.errors]
    for task in report.tasks:
        resource = package.get_resource(task.name)
        findings += [_frictionless_finding(resource, e) for e in task.errors]
    return sorted(findings, key=_order)
