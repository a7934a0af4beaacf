"""Schema constraints checked in DuckDB give the verdicts frictionless gives, row for row."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb
import frictionless
import pytest
from test_release import DOC, warehouse  # the release tests' small valid warehouse

from juesuan.checks import constraints as constraints_module
from juesuan.checks.cells import UnsupportedField
from juesuan.checks.constraints import (
    ConstraintCheckError,
    ConstraintFinding,
    check_relation_set,
    check_release,
    check_warehouse,
    constraint_sql,
    frictionless_findings,
    resource_checks,
    screen,
)
from juesuan.paths import Layout
from publish.release import build_release, validate_release

Key = tuple[str | None, int | None, str | None, str]
PK = "document_id, table_no, side, code, item, measure"


def keys(findings: Iterable[ConstraintFinding]) -> list[Key]:
    """The keys both engines must agree on, as a sorted multiset."""
    return sorted((f.key for f in findings), key=repr)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Layout, Path]:
    """A valid warehouse and the release built from it."""
    layout = warehouse(tmp_path_factory.mktemp("clean"))
    summary = build_release(layout, version="2024.01.0").raise_if_invalid()
    assert summary.path is not None
    return layout, summary.path


def test_clean_warehouse_and_release_have_no_findings(clean: tuple[Layout, Path]) -> None:
    layout, release = clean
    assert check_warehouse(layout.warehouse_path) == []
    assert check_release(release) == []
    assert frictionless_findings(release) == []


# Rows appended to line_items.csv: changes to a valid row (code 2010301: side and item empty)
# and the findings expected on that row.
BAD_ITEMS: list[tuple[dict[str, str], set[tuple[str, str]]]] = [
    ({"fiscal_year": "二〇二三", "code": "101"}, {("fiscal_year", "type-error")}),
    ({"amount_yuan": "12.3.4", "code": "102"}, {("amount_yuan", "type-error")}),
    ({}, {(PK, "primary-key")}),  # the same key again: empty side and item equal each other
    ({"department_id": "dept-ffffffffffff", "code": "103"}, {("department_id", "foreign-key")}),
    ({"table_no": "10", "code": "104"}, {("table_no", "constraint-error")}),
    (
        {"document_id": "XYZ", "code": "105"},
        {("document_id", "constraint-error"), ("document_id", "foreign-key")},
    ),
    ({"source_ref": "", "code": "106"}, {("source_ref", "constraint-error")}),
    ({"fiscal_year": "1989", "code": "107"}, {("fiscal_year", "constraint-error")}),
    # Python reads these as frictionless does, where DuckDB's own casts would not:
    ({"fiscal_year": "２０２３", "amount_yuan": "1_000.5", "code": "108"}, set()),
    ({"fiscal_year": " 2023 ", "amount_yuan": "1e3", "code": "109"}, set()),
    (
        {"fiscal_year": "2023.0", "amount_yuan": "Infinity", "code": "110"},
        {("fiscal_year", "type-error")},
    ),
    # Every key part empty: three required fields missing, and a key of Nones.
    (
        dict.fromkeys(PK.split(", "), ""),
        {
            ("document_id", "constraint-error"),
            ("table_no", "constraint-error"),
            ("measure", "constraint-error"),
            (PK, "primary-key"),
        },
    ),
]


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def _append(path: Path, rows: list[dict[str, str]]) -> int:
    """Append rows to a CSV; returns the data-row number of the first one."""
    header, existing = _read(path)
    with path.open("a", encoding="utf-8", newline="") as f:
        csv.DictWriter(f, header, lineterminator="\n").writerows(rows)
    return len(existing) + 1


def _rehash(folder: Path) -> None:
    """Record the edited files' bytes and hashes, so only the data can be at fault."""
    path = folder / "datapackage.json"
    descriptor = json.loads(path.read_text("utf-8"))
    for resource in descriptor["resources"]:
        data = (folder / resource["path"]).read_bytes()
        resource["bytes"] = len(data)
        resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), "utf-8")


def corrupt(release: Path, folder: Path) -> set[Key]:
    """Copy a valid release, break it in known ways; returns the findings expected."""
    shutil.copytree(release, folder, copy_function=shutil.copyfile)  # published files are 0444
    expected: set[Key] = set()
    _, items = _read(folder / "line_items.csv")
    base = next(r for r in items if r["code"] == "2010301")
    first = _append(folder / "line_items.csv", [base | changes for changes, _ in BAD_ITEMS])
    for i, (_, found) in enumerate(BAD_ITEMS):
        expected |= {("line_items", first + i, field, kind) for field, kind in found}

    _, documents = _read(folder / "documents.csv")
    row = _append(folder / "documents.csv", [documents[0]])  # a repeated unique primary key
    expected |= {
        ("documents", row, "document_id", "unique-error"),
        ("documents", row, "document_id", "primary-key"),
    }
    _, departments = _read(folder / "departments.csv")
    row = _append(
        folder / "departments.csv", [departments[0] | {"department_id": "dept-XYZ", "name": ""}]
    )
    expected |= {
        ("departments", row, "department_id", "constraint-error"),
        ("departments", row, "name", "constraint-error"),
    }
    _rehash(folder)
    return expected


def test_corrupted_release_same_verdicts_as_frictionless(
    clean: tuple[Layout, Path], tmp_path: Path
) -> None:
    folder = tmp_path / "corrupted"
    expected = corrupt(clean[1], folder)
    duck = check_release(folder)
    assert keys(duck) == keys(frictionless_findings(folder))
    assert set(keys(duck)) == expected
    with pytest.MonkeyPatch.context() as patch:  # every cell check on every row: the same
        patch.setattr(constraints_module, "_screened", lambda con, checks: list(checks.cells))
        assert check_release(folder) == duck
    assert validate_release(folder)  # frictionless refuses the release as a whole
    by_key = {f.key: f for f in duck}
    assert by_key[("line_items", 4, "fiscal_year", "type-error")].value == "二〇二三"
    _, items = _read(clean[1] / "line_items.csv")
    repeated = 1 + next(i for i, r in enumerate(items) if r["code"] == "2010301")
    message = by_key[("line_items", 6, PK, "primary-key")].message
    assert message == f"the same key as in data row {repeated}"


def test_corrupted_warehouse_is_caught(tmp_path: Path) -> None:
    layout = warehouse(tmp_path)
    con = duckdb.connect(str(layout.warehouse_path))
    try:
        row = "FROM line_items WHERE code = '2010301' LIMIT 1"
        con.execute(f"INSERT INTO line_items SELECT * {row}")  # repeated key, NULL parts
        for column, value, code in [
            ("department_id", "dept-ffffffffffff", "101"),
            ("table_no", "10", "102"),
            ("document_id", "XYZ", "103"),
            ("name", "", "104"),
        ]:
            con.execute(
                f"INSERT INTO line_items SELECT * REPLACE (? AS {column}, ? AS code) {row}",
                [value, code],
            )
        con.execute("INSERT INTO documents SELECT * FROM documents")
    finally:
        con.close()
    findings = check_warehouse(layout.warehouse_path)
    # Only the checks that found something run again in release order: the same findings as
    # running every check again.
    every = constraints_module._run
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(constraints_module, "_run", lambda *a, fired=None, **k: every(*a, **k))
        assert check_warehouse(layout.warehouse_path) == findings
    # Tables checked one after the other, every cell check on every row: the same findings.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(constraints_module, "_screened", lambda con, checks: list(checks.cells))
        patch.setattr(
            constraints_module,
            "_in_threads",
            lambda con, names, work, *_: [work(con, n) for n in names],
        )
        assert check_warehouse(layout.warehouse_path) == findings
    assert {(f.resource, f.field, f.kind, f.value) for f in findings} == {
        ("line_items", PK, "primary-key", f"{DOC}, 05, , 2010301, , basic"),
        ("line_items", "department_id", "foreign-key", "dept-ffffffffffff"),
        ("line_items", "table_no", "constraint-error", "10"),
        ("line_items", "document_id", "constraint-error", "XYZ"),
        ("line_items", "document_id", "foreign-key", "XYZ"),
        ("line_items", "name", "constraint-error", ""),
        ("documents", "document_id", "unique-error", DOC),
        ("documents", "document_id", "primary-key", DOC),
    }
    # Rows are numbered as in the release CSVs: the release builder's frictionless agrees.
    summary = build_release(layout, version="2024.01.1")
    assert not summary.valid
    assert {(e.resource, e.row - 1) for e in summary.errors if e.row} == {
        (f.resource, f.row) for f in findings
    }


TRICKY = [
    *("2023", " 2023 ", "２０２３", "٢٠٢٣", "2_023", "2__023", "_2023", "2023.0", "+2023", "-0"),
    *("1e3", "0x10", "二〇二三", "", " ", "\u30002023", "2023\n", "12.3.4", "1_000.5", "1 _"),
    *("_ 1", ".5", "5.", "0.5000", "1.00", "Infinity", "-inf", "NaN", "1e400", "9" * 40),
    *("true", "TRUE", "yes", "0", "abc", "abc\n", "xabc", "it's", 'a"b', "决算"),
]


FIELDS = [
    {"type": "integer", "constraints": {"minimum": 1990, "maximum": 2100, "required": True}},
    {"type": "integer", "constraints": {"enum": [0, "2023"]}},
    {"type": "number", "constraints": {"minimum": 0, "maximum": 1}},
    {"type": "number", "constraints": {"exclusiveMinimum": 0.5, "enum": ["1.0", 5]}},
    {"type": "boolean", "constraints": {"enum": [True]}},
    {"type": "string", "constraints": {"pattern": "abc|it's", "enum": ["abc\n", "it's"]}},
    {"type": "string", "constraints": {"minLength": 2, "maxLength": 3, "required": True}},
]


def _ids(field: dict[str, Any]) -> str:
    return f"{field['type']}-{'-'.join(field['constraints'])}"


def _tricky_table() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute('CREATE TABLE t ("__row" BIGINT, "o""dd" VARCHAR)')
    con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(TRICKY, start=1)))
    return con


@pytest.mark.parametrize("field", FIELDS, ids=_ids)
def test_cell_verdicts_match_frictionless(field: dict[str, Any]) -> None:
    """Tricky cells (Unicode digits, underscores, spaces, quotes) get frictionless' verdict."""
    descriptor = {"name": 'o"dd', **field}
    con = _tricky_table()
    got = []
    for q in constraint_sql("t", "t", descriptor={"fields": [descriptor]}):
        got += [(row, kind, q.constraint) for row, _, _, kind, _ in con.execute(q.sql).fetchall()]
    want = []
    reader = frictionless.Field.from_descriptor(descriptor)
    for row, cell in enumerate(TRICKY, start=1):
        _, notes = reader.read_cell(cell)
        for note in notes or {}:
            want.append(
                (row, "type-error", None) if note == "type" else (row, "constraint-error", note)
            )
    assert sorted(got, key=repr) == sorted(want, key=repr)


SCREENED = [
    *FIELDS,
    {"type": "integer", "constraints": {"exclusiveMaximum": 2024, "enum": ["2023", 7]}},
    {"type": "integer", "constraints": {"enum": ["x"]}},  # no value reads: nothing passes
    {"type": "number", "constraints": {"enum": [1], "required": True}},
    {"type": "number", "constraints": {}},
    {"type": "boolean", "constraints": {"required": True}},
    {"type": "string", "constraints": {"required": True}},
    {"type": "string", "constraints": {"enum": ["abc", "决算"]}},
    {"type": "string", "constraints": {}},
]


@pytest.mark.parametrize("field", SCREENED, ids=_ids)
def test_screen_selects_the_rows_the_cell_checks_report(field: dict[str, Any]) -> None:
    """The one scan that screens the cell checks selects every row they report."""
    con = _tricky_table()
    con.execute("INSERT INTO t VALUES (0, NULL)")
    checks = resource_checks("t", "t", descriptor={"fields": [{"name": 'o"dd', **field}]})
    reported = {row for q in checks.cells for row, *_ in con.execute(q.sql).fetchall()}
    if checks.screen is None:
        assert reported == set()
        return
    screened = con.execute(f'SELECT "__row" FROM t WHERE {checks.screen}').fetchall()
    assert {row for (row,) in screened} >= reported  # and numbers not written plain
    assert screen(con, "t", checks.screen, "s") == bool(reported)
    if reported:  # the cell checks find on the screened rows what they find on all
        got = {row for q in checks.cells_over("s") for row, *_ in con.execute(q.sql).fetchall()}
        assert got == reported


@pytest.mark.parametrize("field", SCREENED, ids=_ids)
def test_cells_said_to_pass_the_screen_with_a_line_feed_do(field: dict[str, Any]) -> None:
    """A field said not to let a line feed through the screen selects every such cell."""
    descriptor = {"name": 'o"dd', **field}
    checks = resource_checks("t", "t", descriptor={"fields": [descriptor]})
    con = _tricky_table()
    con.execute('DELETE FROM t WHERE NOT contains("o""dd", chr(10))')
    assert con.execute("SELECT count(*) FROM t").fetchone()[0] == 2
    if checks.passing("\n"):
        return
    screened = con.execute(f"SELECT count(*) FROM t WHERE {checks.screen}").fetchone()[0]
    assert screened == 2


def test_schemas_sql_cannot_read_alike_are_refused() -> None:
    with pytest.raises(UnsupportedField, match="date"):
        constraint_sql("t", "t", descriptor={"fields": [{"name": "d", "type": "date"}]})
    digits = {"name": "c", "type": "string", "constraints": {"pattern": r"\d+"}}
    with pytest.raises(UnsupportedField, match=r"\[0-9\]"):
        constraint_sql("t", "t", descriptor={"fields": [digits]})


def test_threads_give_results_and_errors_in_order() -> None:
    """Checked in threads, resources give what checking them in order gives: the results in
    order, and the error the first failing one raises."""
    con = duckdb.connect()
    names = [f"r{i}" for i in range(20)]

    def work(cursor: duckdb.DuckDBPyConnection, name: str) -> int:
        if name in ("r7", "r3"):
            raise ConstraintCheckError(name)
        return cursor.execute(f"SELECT {name[1:]}").fetchone()[0]

    cost = {"r19": 9, "r7": 5}  # r19 and r7 start first: r7 fails before r3, which comes first
    assert constraints_module._in_threads(con, names[8:], work, 2, cost) == list(range(8, 20))
    with pytest.raises(ConstraintCheckError, match=r"^r3$"):
        constraints_module._in_threads(con, names, work, 2, cost)


def test_missing_referenced_relation_is_an_error() -> None:
    con = duckdb.connect()
    with pytest.raises(ConstraintCheckError, match="line_items refers to documents"):
        check_relation_set(con, {"line_items": "x"})


def test_release_csv_not_matching_its_schema_is_an_error(
    clean: tuple[Layout, Path], tmp_path: Path
) -> None:
    folder = tmp_path / "renamed"
    shutil.copytree(clean[1], folder, copy_function=shutil.copyfile)
    path = folder / "departments.csv"
    path.write_text(path.read_text("utf-8").replace("department_id", "dept_id", 1), "utf-8")
    with pytest.raises(ConstraintCheckError, match=r"departments\.csv: header"):
        check_release(folder)


@pytest.mark.parametrize(
    "change",
    [
        {},  # the same row again: its key repeats
        {"table_no": "09"},  # a new key: nothing to find
        {k: "" for k in PK.split(", ")},
        {"document_id": "ffffffffffffffff"},  # a document that is not in documents.csv
        {"department_id": "dept-nowhere"},
    ],
    ids=["repeated key", "new key", "key all None", "unknown document", "unknown department"],
)
def test_probe_counts_something_whenever_a_key_check_finds_something(
    clean: tuple[Layout, Path], change: dict[str, str]
) -> None:
    """`ResourceChecks.probe` may pass a relation (all its counts 0) only if no check of keys
    finds anything in it; the cells are left to the screen, tested on its own."""
    con = duckdb.connect()
    views = {}
    for name in ("line_items", "documents", "departments"):
        views[name] = f"v_{name}"
        path = str(clean[1] / f"{name}.csv")
        con.execute(f"CREATE VIEW v_{name} AS SELECT * FROM read_csv('{path}', all_varchar=true)")
    _, items = _read(clean[1] / "line_items.csv")
    row = items[0] | change
    added = ", ".join(f"{constraints_module.literal(v)} AS {n}" for n, v in row.items())
    relation = f"(SELECT * FROM v_line_items UNION ALL SELECT {added})"
    numbered = f"(SELECT row_number() OVER () AS __row, * FROM {relation})"
    refs = {n: v for n, v in views.items() if n != "line_items"}
    found = [
        r
        for q in resource_checks("line_items", numbered, refs).keys
        for r in con.execute(q.sql).fetchall()
    ]
    rows, *counts = con.execute(
        resource_checks("line_items", relation, refs).probe(None)
    ).fetchone()
    assert rows == len(items) + 1
    assert bool(found) == (change != {"table_no": "09"})
    assert any(counts) == bool(found)
    assert not any(
        con.execute(resource_checks("line_items", "v_line_items", refs).probe(None)).fetchone()[1:]
    )
