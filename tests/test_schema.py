"""The schemas under schemas/ generate DDL, Arrow schemas and descriptors consistently."""

from __future__ import annotations

import duckdb
import frictionless
import pyarrow as pa
import pytest
import yaml

from juesuan import schema
from juesuan.paths import PARSED_RESOURCES, SCHEMAS_DIR


def test_resources_in_package_order_with_keys() -> None:
    names = [r.name for r in schema.resources()]
    assert names[:9] == [
        "documents", "document_tables", "departments", "department_names", "line_items",
        "checks", "check_results", "scorecards", "functional_codes",
    ]  # fmt: skip
    assert names[9:15] == [
        "economic_codes", "code_name_conflicts", "department_years", "department_year_changes",
        "functional_expenditure", "economic_expenditure",
    ]  # fmt: skip
    assert set(PARSED_RESOURCES) <= set(names)
    li = schema.resource("line_items")
    assert li.primary_key == ("document_id", "table_no", "side", "code", "item", "measure")
    assert [fk["reference"]["resource"] for fk in li.foreign_keys] == ["documents", "departments"]
    assert li.title == "Line items (决算表金额)"
    yaml_fields = yaml.safe_load((SCHEMAS_DIR / "line_items.schema.yaml").read_text("utf-8"))
    assert li.field_names == [f["name"] for f in yaml_fields["fields"]]


def test_unknown_resource_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="line_items"):
        schema.resource("nope")


def test_ddl_types_and_not_null() -> None:
    ddl = schema.create_table_sql("line_items")
    assert '"amount_yuan" DECIMAL(18,2) NOT NULL' in ddl
    assert '"fiscal_year" BIGINT NOT NULL' in ddl
    assert '"side" VARCHAR,' in ddl  # nullable part of the key
    assert '"code" VARCHAR,' in ddl
    assert "DOUBLE" not in ddl
    # Keys only in comments: DuckDB would force side/code/item NOT NULL.
    statements = [line for line in ddl.splitlines() if not line.startswith("--")]
    assert not any("PRIMARY KEY" in s or "REFERENCES" in s for s in statements)
    assert "-- primary key: (document_id, table_no, side, code, item, measure)" in ddl


def test_ddl_runs_in_duckdb() -> None:
    con = duckdb.connect()
    con.execute(schema.ddl())
    rows = con.execute(
        "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
        "WHERE table_name = 'line_items' ORDER BY ordinal_position"
    ).fetchall()
    assert [r[0] for r in rows] == schema.resource("line_items").field_names
    types = {name: (dtype, nullable) for name, dtype, nullable in rows}
    assert types["amount_yuan"] == ("DECIMAL(18,2)", "NO")
    assert types["item"] == ("VARCHAR", "YES")
    comment = con.execute(
        "SELECT comment FROM duckdb_columns() "
        "WHERE table_name = 'line_items' AND column_name = 'amount_yuan'"
    ).fetchone()
    assert comment == ("Amount in yuan (元), exact",)


def test_duckdb_type_override() -> None:
    f = schema.Field.from_descriptor(
        {"name": "rate", "type": "number", "duckdbType": "decimal(20,4)"}
    )
    assert f.duckdb_type == "DECIMAL(20,4)"
    assert f.arrow_type == pa.decimal128(20, 4)
    with pytest.raises(ValueError, match="geopoint"):
        _ = schema.Field.from_descriptor({"name": "where", "type": "geopoint"}).duckdb_type


def test_arrow_schema_matches_the_contract() -> None:
    s = schema.arrow_schema("line_items")
    assert s.names == schema.resource("line_items").field_names
    assert s.field("amount_yuan").type == pa.decimal128(18, 2)
    assert s.field("fiscal_year").type == pa.int64()
    assert s.field("source_ref").type == pa.string()
    assert not s.field("amount_yuan").nullable
    assert s.field("side").nullable and s.field("code").nullable
    docs = schema.arrow_schema("documents")
    assert docs.field("page_count").type == pa.int64() and docs.field("page_count").nullable


def test_table_schema_descriptor_is_a_valid_independent_copy() -> None:
    for r in schema.resources():
        descriptor = schema.table_schema_descriptor(r.name)
        assert frictionless.Schema.validate_descriptor(descriptor).valid, r.name
        assert frictionless.Schema.from_descriptor(descriptor).field_names == r.field_names
    d = schema.table_schema_descriptor("departments")
    d["fields"].clear()
    assert schema.table_schema_descriptor("departments")["fields"]


def test_package_metadata_has_no_resources() -> None:
    meta = schema.package_metadata()
    assert meta["name"] == "juesuan"
    assert "resources" not in meta
    assert meta["licenses"][0]["name"] == "CC-BY-4.0"


def test_schemas_read_by_libyaml_as_by_pyyaml() -> None:
    """The schemas are read with libyaml's loader when there is one: the same data."""
    for path in sorted(SCHEMAS_DIR.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert schema._read_yaml(path) == yaml.safe_load(text), path.name
