"""Is a release a valid Frictionless data package? Decided in DuckDB, with frictionless' verdicts.

frictionless-py reads every cell in Python: about a million rows in 20 s, which would make it
most of the time of a release. So a release is validated as frictionless validates it, in parts
that each take a fraction of that:

- the descriptor: frictionless itself validates datapackage.json as metadata (profiles, Table
  Schemas, keys), which reads no data;
- the files: the bytes and sha256 of every file datapackage.json lists (publish.descriptor);
- the CSVs: each is read as text by DuckDB, first probed in one scan for anything a check could
  find, and only if it may hold findings stored (a temporary table, in file order) to be checked row
  by row (`load_csvs`); its header must name the schema's fields, every row must have as many cells
  as the header (DuckDB refuses the file otherwise), no row may be blank, and every constraint of
  the Table Schema (types, required, enum, pattern, bounds, unique, primary and foreign keys) is
  checked by the SQL of `juesuan.checks.constraints`, which gives the findings frictionless gives,
  row for row (its tests compare the two engines on tricky cells and on corrupted releases).

The SQL checks read the schemas of schemas/; a release whose embedded Table Schemas are not
those (an older release), or whose schemas use something the SQL cannot read alike, is
validated by frictionless row by row instead, as before.

DuckDB works within a fixed memory budget (MEMORY_LIMIT_MB, or JUESUAN_DUCKDB_MEMORY as for every
connection of the project) and spills to a folder outside the release, so the memory a build
takes does not grow with the number of rows.
"""

from __future__ import annotations

import csv
import json
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import frictionless

from juesuan import duckdb_settings, schema
from juesuan.checks.cells import UnsupportedField, literal
from juesuan.checks.constraints import (
    ResourceChecks,
    csv_as_text,
    is_empty,
    resource_checks,
    screen,
)
from juesuan.schema import quote_ident
from publish.descriptor import checksum_mismatches

# DuckDB's memory for one build (sorts, the loaded CSVs, joins); beyond it, it spills to disk.
# Each of DuckDB's threads needs some memory of its own, so many cores get more. It is the
# project's default bound (juesuan.duckdb_settings): with half of it, sorting the 1M line items
# of 2,000 documents for the export spilled to disk, for a third more CPU time.
MEMORY_LIMIT_MB = 512
MEMORY_PER_THREAD_MB = 64
ROW = "__row"
_T = TypeVar("_T")


@dataclass(frozen=True)
class ReleaseIssue:
    """One finding, reduced to where it is and what it says.

    `row` is frictionless' row number: the header is row 1, the first data row is row 2.
    """

    resource: str | None
    row: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = [p for p in (self.resource, self.row and f"row {self.row}", self.field) if p]
        return f"{', '.join(map(str, where))}: {self.message}" if where else self.message


@dataclass(frozen=True)
class LoadedCsv:
    """A release CSV loaded as text: `table` has the schema's fields, `relation` adds `__row`
    (when it is stored; a CSV `rows` counts is a view, and `relation` is `table`).

    `line_ends` counts the file's line feeds, `last_line_ended` says whether it ends with one.
    """

    resource: str
    table: str
    relation: str
    fields: tuple[str, ...]
    line_ends: int = 0
    last_line_ended: bool = True
    rows: int | None = None  # counted when a probe found nothing to check: `table` is a view


def limit_memory(con: duckdb.DuckDBPyConnection, spill: Path) -> None:
    """Give DuckDB a fixed memory budget, spilling to `spill` (a folder outside the release)."""
    spill.mkdir(parents=True, exist_ok=True)
    (threads,) = con.execute("SELECT current_setting('threads')").fetchone()
    limit = duckdb_settings.memory_limit(
        default=f"{max(MEMORY_LIMIT_MB, MEMORY_PER_THREAD_MB * int(threads))}MB"
    )
    con.execute(f"SET memory_limit = {literal(limit)}")
    con.execute(f"SET temp_directory = {literal(str(spill))}")
    con.execute("SET preserve_insertion_order = true")  # rowid is the row's place in the file


def read_descriptor(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def _in_thread(fn: Callable[[], _T]) -> Callable[[], _T]:
    """Start `fn` in a thread (frictionless' Python runs while DuckDB works); call to join."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # re-raised in the caller
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()

    def result() -> _T:
        thread.join()
        if "error" in box:
            raise box["error"]
        return box["value"]

    return result


def descriptor_issues(folder: Path) -> list[ReleaseIssue]:
    """frictionless' verdict on datapackage.json as metadata (no data is read)."""
    report = frictionless.Package.validate_descriptor(str(folder / "datapackage.json"))
    return [ReleaseIssue(None, None, None, e.message) for e in report.errors]


def file_issues(folder: Path) -> list[ReleaseIssue]:
    """Listed files that are missing or whose bytes or sha256 differ from datapackage.json."""
    return [ReleaseIssue(None, None, None, f"hash-count: {m}") for m in checksum_mismatches(folder)]


def _current_schema(name: str) -> dict[str, Any] | None:
    """The Table Schema schemas/ gives `name`, as datapackage.json embeds it; None if unknown."""
    if name not in {r.name for r in schema.resources()}:
        return None
    table_schema = schema.table_schema_descriptor(name)
    table_schema.pop("x-fiscal", None)  # moved to the resource by publish.descriptor
    return json.loads(json.dumps(table_schema))


def sql_can_check(descriptor: Mapping[str, Any]) -> bool:
    """True when every resource is a UTF-8 CSV whose Table Schema is the one in schemas/."""
    for res in descriptor.get("resources", []):
        if res.get("format", "csv") != "csv" or not isinstance(res.get("path"), str):
            return False
        if str(res.get("encoding", "utf-8")).lower() not in ("utf-8", "utf8"):
            return False
        dialect = res.get("dialect", {})
        if dialect.get("header", True) is not True or dialect.get("doubleQuote", True) is not True:
            return False
        if res.get("schema") != _current_schema(str(res.get("name"))):
            return False
    return True


def _header(path: Path, delimiter: str, quote: str) -> list[str]:
    with path.open(encoding="utf-8", newline="") as f:
        return next(csv.reader(f, delimiter=delimiter, quotechar=quote), [])


def _line_ends(path: Path) -> tuple[int, bool]:
    """The number of line feeds in a file, and whether it ends with one."""
    count, last = 0, b""
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count, last == b"\n"


def _probe(
    con: duckdb.DuckDBPyConnection, res: Mapping[str, Any], view: str, views: Mapping[str, str]
) -> int | None:
    """The rows of a CSV (read as `view`) if one scan shows no check can find anything in it
    (`ResourceChecks.probe`, with blank rows and line feeds in cells screened); None when a
    check may, or when the CSV cannot be read."""
    checks = resource_checks(res["name"], view, views, descriptor=res["schema"])
    fields = [f["name"] for f in res["schema"]["fields"]]
    try:
        (rows, *counts) = con.execute(checks.probe(_screens(checks, fields))).fetchone()
    except duckdb.Error:
        return None
    return None if any(counts) else int(rows)


def load_csvs(
    con: duckdb.DuckDBPyConnection, folder: Path, descriptor: Mapping[str, Any], prefix: str
) -> tuple[dict[str, LoadedCsv], list[ReleaseIssue]]:
    """Load every resource's CSV as text into temporary tables named `<prefix><resource>`.

    Returns the loaded CSVs and the issues that stop a CSV from being loaded or checked: a bad
    path, a header that does not name the schema's fields, a row DuckDB cannot read (too many or
    too few cells, an open quote, bytes that are not UTF-8).

    Storing a CSV costs three times reading it, and a valid one is never read by row number:
    each CSV is first a view of the file, probed in one scan (`_probe`, foreign keys against
    the other views). One whose probe finds nothing stays a view, its rows counted (`rows`);
    only the others are stored, in file order, as before, for the checks that say which rows
    fail and how (or that DuckDB cannot read them).
    """
    found: dict[str, tuple[Mapping[str, Any], Path, list[str], str]] = {}
    issues: list[ReleaseIssue] = []
    root = folder.resolve()
    for res in descriptor["resources"]:
        name = res["name"]
        names = [f["name"] for f in res["schema"]["fields"]]
        path = (folder / res["path"]).resolve()
        if root not in path.parents or not path.is_file():
            issues.append(ReleaseIssue(name, None, None, f"scheme-error: no file {res['path']}"))
            continue
        dialect = res.get("dialect", {})
        delimiter, quote = dialect.get("delimiter", ","), dialect.get("quoteChar", '"')
        try:
            header = _header(path, delimiter, quote)
        except (UnicodeDecodeError, csv.Error) as exc:
            issues.append(ReleaseIssue(name, 1, None, f"source-error: {exc}"))
            continue
        if header != names:
            issues.append(
                ReleaseIssue(
                    name, 1, None, f"incorrect-label: header {header} is not the fields {names}"
                )
            )
            continue
        source = csv_as_text(path, names, delimiter, quote)
        con.execute(f"CREATE TEMP VIEW {quote_ident(f'{prefix}{name}')} AS {source}")
        found[name] = (res, path, names, source)
    views = {name: quote_ident(f"{prefix}{name}") for name in found}
    loaded: dict[str, LoadedCsv] = {}
    for name, (res, path, names, source) in found.items():
        table = views[name]
        rows = _probe(con, res, table, views)
        if rows is None:
            con.execute(f"DROP VIEW {table}")
            try:
                con.execute(f"CREATE TEMP TABLE {table} AS {source}")
            except duckdb.Error as exc:
                issues.append(ReleaseIssue(name, None, None, f"source-error: {exc}"))
                continue
        relation = quote_ident(f"{prefix}{name}{ROW}")
        if rows is None:
            con.execute(
                f"CREATE TEMP VIEW {relation} AS SELECT rowid + 1 AS {quote_ident(ROW)}, * "
                f"FROM {table}"
            )
        else:
            relation = table  # references read its fields; no check reads its rows
        loaded[name] = LoadedCsv(name, table, relation, tuple(names), *_line_ends(path), rows)
    return loaded, issues


def _blank(fields: Sequence[str]) -> str:
    """A row of empty cells, which DuckDB reads as NULLs."""
    return " AND ".join(f"{quote_ident(n)} IS NULL" for n in fields)


def _line_feeds(fields: Sequence[str]) -> str:
    """A row with a line feed (inside quotes) in one of `fields`."""
    return " OR ".join(f"contains({quote_ident(n)}, chr(10))" for n in fields)


def _screens(checks: ResourceChecks, fields: Sequence[str]) -> str:
    """True for every row a check of single cells reports, every blank row and every row with
    a line feed in a cell (a line feed in a field the screen of cells passes, a number say)."""
    screens = (checks.screen, _blank(fields), _line_feeds(checks.passing("\n")))
    return " OR ".join(f"({c})" for c in screens if c)


def _data_rows(loaded: LoadedCsv) -> str:
    """The number of data rows of a loaded CSV, as SQL: counted already if it was probed."""
    return str(loaded.rows) if loaded.rows is not None else f"(SELECT count(*) FROM {loaded.table})"


def _shape_queries(loaded: LoadedCsv, expected: Any, rows: str | None) -> list[str]:
    """Blank rows and empty lines, and the number of rows datapackage.json states (x-rows).

    frictionless reports a row of empty cells and an empty line as a blank row; DuckDB reads
    the first as a row of NULLs and skips the second, which is found by counting line feeds.
    Blank rows and line feeds in cells are looked for in `rows`: the loaded relation, or any
    relation of its rows holding all the blank ones and all with a line feed in a cell, None
    when there are none.
    """
    row = quote_ident(ROW)
    queries = []
    if rows is not None:
        queries.append(
            f"SELECT {row}, NULL, NULL, 'blank-row', 'the row is empty' FROM {rows} "
            f"WHERE {_blank(loaded.fields)}"
        )
    # Every line feed ends the header or a row, or is inside a quoted cell; any other ends an
    # empty line, which DuckDB skips and frictionless reports as a blank row.
    inside = " + ".join(
        f"coalesce(sum(CASE WHEN contains({c}, chr(10)) "
        f"THEN strlen({c}) - strlen(replace({c}, chr(10), '')) ELSE 0 END), 0)"
        for c in map(quote_ident, loaded.fields)
    )
    data_rows = _data_rows(loaded)
    count = f"{data_rows} + {int(loaded.last_line_ended)}"
    feeds = f"(SELECT {inside} FROM {rows})" if rows is not None else "0"
    queries.append(
        f"SELECT NULL, NULL, NULL, 'empty-lines', ({loaded.line_ends} - (__n + __i)) "
        f"|| ' empty lines (each a blank row)' FROM (SELECT {count} AS __n, {feeds} AS __i) "
        f"WHERE {loaded.line_ends} <> __n + __i"
    )
    if isinstance(expected, int) and not isinstance(expected, bool):
        queries.append(
            f"SELECT NULL, NULL, CAST(__n AS VARCHAR), 'row-count', "
            f"'x-rows is {expected}, the CSV has ' || __n || ' data rows' "
            f"FROM (SELECT {data_rows} AS __n) WHERE __n <> {expected}"
        )
    return queries


# frictionless' messages (its error templates), so that a refusal reads the same as before.
_MESSAGES = {
    "type-error": 'Type error in the cell "{cell}" in row "{row}" and field "{field}" at position '
    '"{position}": {note}',
    "constraint-error": 'The cell "{cell}" in row at position "{row}" and field "{field}" at '
    'position "{position}" does not conform to a constraint: {note}',
    "unique-error": 'Row at position "{row}" has unique constraint violation in field "{field}" '
    'at position "{position}": {note}',
    "primary-key": 'Row at position "{row}" violates the primary key: {note}',
    "foreign-key": 'Row at position "{row}" violates the foreign key: {note}',
    "blank-row": 'Row at position "{row}" is completely blank',
    "empty-lines": "blank-row: {note}",
}


Row = tuple[int | None, str | None, str | None, str, str]


def _union(con: duckdb.DuckDBPyConnection, queries: list[str]) -> list[Row]:
    """Checks run as one query: DuckDB plans them together, not each on its own."""
    return con.execute(" UNION ALL ".join(f"({q})" for q in queries)).fetchall()


def _resource_rows(
    con: duckdb.DuckDBPyConnection,
    schema_: Mapping[str, Any],
    loaded: LoadedCsv,
    expected: Any,
    relations: Mapping[str, str],
) -> list[Row]:
    """The findings of one CSV: (row, field, value, kind, note).

    A CSV whose probe found nothing (`load_csvs`), or an empty one, has only its shape
    checked. Otherwise one scan screens the rows
    (`constraints.screen`) for every check of single cells, blank rows and line feeds in cells;
    the few rows it selects are then checked one check at a time. A failure anywhere runs
    every check on the whole CSV instead, which says what failed (as a check-error if that
    fails too).
    """
    if loaded.rows is not None:
        return _union(con, _shape_queries(loaded, expected, None))
    checks = resource_checks(loaded.resource, loaded.relation, relations, descriptor=schema_)
    keys = [q.sql for q in checks.keys]
    screens = _screens(checks, loaded.fields)
    table = quote_ident(f"__screened_{loaded.resource}")
    try:
        if is_empty(con, loaded.table):
            return _union(con, _shape_queries(loaded, expected, None))
        if screen(con, loaded.relation, screens, table):
            cells = [q.sql for q in checks.cells_over(table)]
            return _union(con, keys + cells + _shape_queries(loaded, expected, table))
        return _union(con, keys + _shape_queries(loaded, expected, None))
    except duckdb.Error:
        pass
    finally:
        con.execute(f"DROP TABLE IF EXISTS temp.{table}")
    try:
        cells = [q.sql for q in checks.cells]
        return _union(con, keys + cells + _shape_queries(loaded, expected, loaded.relation))
    except duckdb.Error as exc:
        return [(None, None, None, "check-error", f"the checks could not run: {exc}")]


def row_issues(
    con: duckdb.DuckDBPyConnection, descriptor: Mapping[str, Any], loaded: Mapping[str, LoadedCsv]
) -> list[ReleaseIssue]:
    """Every constraint of every loaded CSV, foreign keys across them; frictionless' findings."""
    relations = {name: csv_.relation for name, csv_ in loaded.items()}
    found: list[tuple[str, int | None, str | None, str | None, str, str]] = []
    for res in descriptor["resources"]:
        name = res["name"]
        if name not in loaded:
            continue
        for fk in res["schema"].get("foreignKeys") or []:
            target = fk["reference"].get("resource") or name
            if target not in loaded:
                found.append((name, None, None, None, "foreign-key", f"{target} not loaded"))
        rows = _resource_rows(con, res["schema"], loaded[name], res.get("x-rows"), relations)
        found += [(name, *row) for row in rows]
    found.sort(key=lambda f: (f[0], f[1] or 0, f[2] or "", f[4], f[3] or "", f[5]))
    positions = {
        res["name"]: {f["name"]: i for i, f in enumerate(res["schema"]["fields"], start=1)}
        for res in descriptor["resources"]
    }
    issues = []
    for resource, row, field, value, kind, note in found:
        number = row + 1 if row is not None else None  # frictionless counts the header as row 1
        position = positions.get(resource, {}).get(field or "")
        message = _MESSAGES.get(kind, "{kind}: {note}").format(
            row=number, field=field, position=position, cell=value, kind=kind, note=note
        )
        issues.append(ReleaseIssue(resource, number, field, message))
    return issues


def frictionless_issues(folder: Path) -> tuple[ReleaseIssue, ...]:
    """frictionless' own validation, row by row: for releases the SQL checks cannot read."""
    package = frictionless.Package(str(folder / "datapackage.json"))
    report = package.validate(limit_errors=2**62)  # every finding, not the first 1000
    issues = [ReleaseIssue(None, None, None, e.message) for e in report.errors]
    for task in report.tasks:
        for e in task.errors:
            issues.append(
                ReleaseIssue(
                    resource=task.name,
                    row=getattr(e, "row_number", None),
                    field=getattr(e, "field_name", None),
                    message=e.message,
                )
            )
    return tuple(issues)


def check_release_folder(
    con: duckdb.DuckDBPyConnection, folder: Path, prefix: str
) -> tuple[tuple[ReleaseIssue, ...], dict[str, LoadedCsv]]:
    """Validate the package in `folder` on `con`; returns the issues and the CSVs it loaded.

    The loaded CSVs stay on `con` (temporary tables or views of the files) for the change log
    to compare.
    """
    descriptor = read_descriptor(folder)
    if not sql_can_check(descriptor):
        return frictionless_issues(folder), {}
    meta = _in_thread(lambda: descriptor_issues(folder))
    files = _in_thread(lambda: file_issues(folder))
    try:
        loaded, issues = load_csvs(con, folder, descriptor, prefix)
        issues += row_issues(con, descriptor, loaded)
    except UnsupportedField:
        meta(), files()
        return frictionless_issues(folder), {}
    return (*meta(), *files(), *issues), loaded


def validate_release(folder: Path) -> tuple[ReleaseIssue, ...]:
    """Validate the data package in `folder`; no findings means frictionless finds it valid."""
    folder = Path(folder)
    with tempfile.TemporaryDirectory(prefix="juesuan-validate-") as tmp:
        con = duckdb.connect()
        try:
            limit_memory(con, Path(tmp))
            issues, _ = check_release_folder(con, folder, "__csv_")
            return issues
        finally:
            con.close()
