"""The published tables, as described by the Frictionless Table Schemas under schemas/.

The YAML files are the one source of truth (DESIGN.md): the DuckDB DDL, the Arrow schema the
parser writes Parquet with, and the schemas embedded in datapackage.json are all generated here,
so a column added to a schema appears everywhere at once and can never drift between layers.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import yaml

from juesuan.paths import SCHEMAS_DIR

# Money is exact: a Frictionless `number` is a decimal with two places (fen), never a DOUBLE.
_DUCKDB_TYPES = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "number": "DECIMAL(18,2)",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "datetime": "TIMESTAMP",
}

_ARROW_TYPES: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "BIGINT": pa.int64(),
    "INTEGER": pa.int32(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "DATE": pa.date32(),
    "TIMESTAMP": pa.timestamp("us"),
}
_DECIMAL = re.compile(r"DECIMAL\((\d+),\s*(\d+)\)")


@dataclass(frozen=True)
class Field:
    """One column: its Frictionless descriptor and the types derived from it."""

    name: str
    type: str
    title: str
    description: str
    required: bool
    descriptor: dict[str, Any] = field(compare=False, hash=False, repr=False)

    @classmethod
    def from_descriptor(cls, descriptor: dict[str, Any]) -> Field:
        """A field from its Frictionless descriptor (type defaults to string, as in the spec)."""
        constraints = descriptor.get("constraints") or {}
        return cls(
            name=descriptor["name"],
            type=descriptor.get("type", "string"),
            title=descriptor.get("title", ""),
            description=descriptor.get("description", ""),
            required=bool(constraints.get("required", False)),
            descriptor=descriptor,
        )

    @property
    def duckdb_type(self) -> str:
        """DuckDB type: the custom `duckdbType` property if set, else the mapping of `type`."""
        override = self.descriptor.get("duckdbType")
        if override:
            return str(override).upper()
        try:
            return _DUCKDB_TYPES[self.type]
        except KeyError:
            raise ValueError(
                f"field {self.name!r}: no DuckDB type for Frictionless type {self.type!r}; "
                "set duckdbType on the field"
            ) from None

    @property
    def arrow_type(self) -> pa.DataType:
        """Arrow type matching `duckdb_type`, so Parquet loads into DuckDB without casts."""
        sql_type = self.duckdb_type
        if m := _DECIMAL.fullmatch(sql_type):
            return pa.decimal128(int(m[1]), int(m[2]))
        try:
            return _ARROW_TYPES[sql_type]
        except KeyError:
            raise ValueError(f"field {self.name!r}: no Arrow type for {sql_type!r}") from None


@dataclass(frozen=True)
class ResourceSchema:
    """A published resource: package metadata plus its Table Schema."""

    name: str
    title: str
    description: str
    descriptor: dict[str, Any] = field(compare=False, hash=False, repr=False)
    fields: tuple[Field, ...] = ()
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[dict[str, Any], ...] = field(default=(), compare=False, hash=False)

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]


# libyaml's safe loader where PyYAML was built with it: the same data, ~8x faster to read, and
# every process of a build (each pool worker, each Dagster step) reads the schemas once.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as f:
        return yaml.load(f, Loader=_YAML_LOADER)  # a safe loader, either way


@cache
def _load(schemas_dir: Path) -> tuple[dict[str, Any], tuple[ResourceSchema, ...]]:
    package = _read_yaml(schemas_dir / "package.yaml")
    resources = []
    for entry in package["resources"]:
        name = entry["name"]
        descriptor = _read_yaml(schemas_dir / f"{name}.schema.yaml")
        primary_key = descriptor.get("primaryKey") or []
        if isinstance(primary_key, str):
            primary_key = [primary_key]
        resources.append(
            ResourceSchema(
                name=name,
                title=entry.get("title", name),
                description=entry.get("description", ""),
                descriptor=descriptor,
                fields=tuple(Field.from_descriptor(f) for f in descriptor["fields"]),
                primary_key=tuple(primary_key),
                foreign_keys=tuple(descriptor.get("foreignKeys") or ()),
            )
        )
    return package, tuple(resources)


def package_metadata(schemas_dir: Path = SCHEMAS_DIR) -> dict[str, Any]:
    """Package-level metadata from package.yaml (without its `resources` list); a copy."""
    package, _ = _load(Path(schemas_dir))
    return {k: copy.deepcopy(v) for k, v in package.items() if k != "resources"}


def resources(schemas_dir: Path = SCHEMAS_DIR) -> tuple[ResourceSchema, ...]:
    """Every published resource, in publication order (the order of package.yaml)."""
    return _load(Path(schemas_dir))[1]


def resource(name: str, schemas_dir: Path = SCHEMAS_DIR) -> ResourceSchema:
    """The resource called `name`; a KeyError lists the known names."""
    for r in resources(schemas_dir):
        if r.name == name:
            return r
    known = ", ".join(r.name for r in resources(schemas_dir))
    raise KeyError(f"no resource {name!r} in {schemas_dir}/package.yaml (known: {known})")


def table_schema_descriptor(resource_name: str) -> dict[str, Any]:
    """The Table Schema of a resource as a fresh dict, ready to embed in datapackage.json."""
    return copy.deepcopy(resource(resource_name).descriptor)


@cache
def arrow_schema(resource_name: str) -> pa.Schema:
    """The Arrow schema Parquet files of a resource are written with (schema column order).

    Required fields are non-nullable, so a missing required value fails when the file is
    written, naming the column, rather than later in the warehouse. Made once per resource (a
    Schema is immutable, and the YAML is read once, `_load`): a parse worker asks for every
    resource's schema for every document.
    """
    return pa.schema(
        [
            pa.field(f.name, f.arrow_type, nullable=not f.required)
            for f in resource(resource_name).fields
        ]
    )


def quote_ident(name: str) -> str:
    """A DuckDB identifier, always quoted so that names such as `name` or `format` are safe."""
    return '"' + name.replace('"', '""') + '"'


def _quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def create_table_sql(resource_name: str) -> str:
    """DuckDB DDL for one resource: CREATE TABLE plus table and column comments.

    Keys are deliberately not declared: DuckDB forces primary-key columns NOT NULL, yet `side`,
    `code` and `item` of line_items are nullable parts of its key. Key and reference checks are
    generated SQL run as checks instead; the keys are recorded in a comment for the reader.
    """
    r = resource(resource_name)
    columns = []
    for f in r.fields:
        columns.append(
            f"    {quote_ident(f.name)} {f.duckdb_type}{' NOT NULL' if f.required else ''}"
        )
    lines = [f"-- {r.title}", f"-- Generated from schemas/{r.name}.schema.yaml; do not edit."]
    lines.append(
        "-- Primary and foreign keys are not declared (DuckDB would make key columns NOT NULL);"
    )
    lines.append("-- they are checked by generated SQL instead.")
    if r.primary_key:
        lines.append(f"-- primary key: ({', '.join(r.primary_key)})")
    for fk in r.foreign_keys:
        ref = fk["reference"]
        lines.append(
            f"-- foreign key: ({', '.join(fk['fields'])}) -> "
            f"{ref['resource']} ({', '.join(ref['fields'])})"
        )
    lines.append(f"CREATE TABLE {quote_ident(r.name)} (\n" + ",\n".join(columns) + "\n);")
    lines.append(f"COMMENT ON TABLE {quote_ident(r.name)} IS {_quote_literal(r.title)};")
    for f in r.fields:
        if f.title:
            lines.append(
                f"COMMENT ON COLUMN {quote_ident(r.name)}.{quote_ident(f.name)} "
                f"IS {_quote_literal(f.title)};"
            )
    return "\n".join(lines) + "\n"


def ddl() -> str:
    """DDL of every resource, in publication order."""
    return "\n".join(create_table_sql(r.name) for r in resources())


def export_order(r: ResourceSchema) -> str:
    """The row order of a release CSV: the primary key as publish/release.py exports it.

    The remaining fields break ties (duplicate keys), so row numbers are deterministic.
    """
    first = list(r.primary_key) or r.field_names
    rest = [c for c in r.field_names if c not in first]
    return ", ".join(f"{quote_ident(c)} NULLS FIRST" for c in first + rest)
