"""The change log of a release against the previous one: CHANGES.md and changes.json.

Both releases are compared through their published CSVs, read as text by DuckDB: the CSV is the
form every release has (older ones have no Parquet) and text compares exactly (24135200.00 is not
24135200.0). A release build compares on its own DuckDB connection (a fixed memory budget that
spills to disk), with its CSVs as its validation loaded them; per resource one join finds what
was added, removed and changed, and a CSV identical to the previous one is not compared at all.

Rows are matched by the resource's primary key, with NULL matching NULL (key parts
such as `side` or `code` are often empty); a resource without a key, or whose key fields changed,
is compared by whole rows. Counts are always complete; the listed rows are capped per category so
that the first release after a big ingest does not produce a change log larger than the data.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from juesuan.checks.constraints import csv_as_text

MAX_LISTED = 1000
MAX_SHOWN = 30  # rows per category shown in CHANGES.md
Row = dict[str, str | None]


@dataclass
class ResourceChanges:
    """Rows added, removed and changed in one resource."""

    name: str
    compared_by: list[str]
    by_key: bool
    before: int
    after: int
    added: int = 0
    removed: int = 0
    changed: int = 0
    added_rows: list[Row] = field(default_factory=list)
    removed_rows: list[Row] = field(default_factory=list)
    changed_rows: list[dict[str, Any]] = field(default_factory=list)
    fields_added: list[str] = field(default_factory=list)
    fields_removed: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "compared_by": self.compared_by,
            "by_primary_key": self.by_key,
            "rows_before": self.before,
            "rows_after": self.after,
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
            "fields_added": self.fields_added,
            "fields_removed": self.fields_removed,
            "added_rows": self.added_rows,
            "removed_rows": self.removed_rows,
            "changed_rows": self.changed_rows,
            "truncated": max(self.added, self.removed, self.changed) > MAX_LISTED,
        }


def _descriptor(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class _Reader:
    """Loads release CSVs into DuckDB as all-text tables (temporary ones on a shared connection)."""

    def __init__(self, con: duckdb.DuckDBPyConnection | None = None) -> None:
        self.own = con is None
        self.con = duckdb.connect() if con is None else con
        self.tables = 0

    def table(self) -> str:
        self.tables += 1
        return f"__changes_{self.tables}"

    def load(self, folder: Path, resource: dict[str, Any]) -> tuple[str, list[str]]:
        names = [f["name"] for f in resource["schema"]["fields"]]
        table = self.table()
        self.con.execute(
            f"CREATE TEMP TABLE {table} AS {csv_as_text(folder / resource['path'], names)}"
        )
        return table, names

    def rows(self, sql: str) -> list[Row]:
        cursor = self.con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def count(self, sql: str) -> int:
        return int(self.con.execute(f"SELECT count(*) FROM ({sql})").fetchone()[0])

    def close(self) -> None:
        if self.own:
            self.con.close()


def _match(key: list[str]) -> str:
    return " AND ".join(f"o.{_q(k)} IS NOT DISTINCT FROM n.{_q(k)}" for k in key) or "true"


def _compare(
    reader: _Reader,
    name: str,
    old: tuple[str, list[str]],
    new: tuple[str, list[str]],
    pk: list,
    same_rows: bool = False,
    rows: int | None = None,
) -> ResourceChanges:
    """Rows added, removed and changed between two loaded CSVs of one resource.

    By key, one FULL OUTER JOIN sorts every row into unchanged, added (no old row with its
    key), removed (no new row with its key) or changed (a pair of rows with the key whose other
    fields differ), and only the last three are kept: the counts and the listed rows are read
    from those. `same_rows` says the two CSVs are the same bytes, in a release whose keys are
    known to be unique (validated): nothing was added, removed or changed, and nothing is
    joined. `rows` is the new CSV's number of rows when its validation counted them.
    """
    (old_t, old_cols), (new_t, new_cols) = old, new
    common = [c for c in new_cols if c in old_cols]
    by_key = bool(pk) and all(k in common for k in pk)
    key = list(pk) if by_key else common
    cols = ", ".join(_q(c) for c in common)
    order = ", ".join(f"{_q(c)} NULLS FIRST" for c in key) or "1"
    after = reader.count(f"SELECT * FROM {new_t}") if rows is None else rows
    out = ResourceChanges(
        name=name,
        compared_by=key,
        by_key=by_key,
        before=after if same_rows else reader.count(f"SELECT * FROM {old_t}"),
        after=after,
        fields_added=[c for c in new_cols if c not in old_cols],
        fields_removed=[c for c in old_cols if c not in new_cols],
    )
    if same_rows and not out.fields_added and not out.fields_removed:
        return out
    if not by_key:  # a multiset difference of whole rows: duplicates count
        added = f"SELECT {cols} FROM {new_t} EXCEPT ALL SELECT {cols} FROM {old_t}"
        removed = f"SELECT {cols} FROM {old_t} EXCEPT ALL SELECT {cols} FROM {new_t}"
        out.added, out.removed = reader.count(added), reader.count(removed)
        out.added_rows = reader.rows(f"SELECT * FROM ({added}) ORDER BY {order} LIMIT {MAX_LISTED}")
        out.removed_rows = reader.rows(
            f"SELECT * FROM ({removed}) ORDER BY {order} LIMIT {MAX_LISTED}"
        )
        return out
    values = [c for c in common if c not in key]
    differs = " OR ".join(f"o.{_q(c)} IS DISTINCT FROM n.{_q(c)}" for c in values) or "false"
    diff = reader.table()
    sides = ", ".join(
        f"{side}.{_q(c)} AS {_q(f'{side}:{c}')}" for side in ("o", "n") for c in common
    )
    reader.con.execute(
        f"CREATE TEMP TABLE {diff} AS SELECT CASE WHEN o.__old IS NULL THEN 'added' "
        "WHEN n.__new IS NULL THEN 'removed' ELSE 'changed' END AS __kind, "
        f"{sides} FROM (SELECT true AS __old, {cols} FROM {old_t}) o "
        f"FULL OUTER JOIN (SELECT true AS __new, {cols} FROM {new_t}) n ON {_match(key)} "
        f"WHERE o.__old IS NULL OR n.__new IS NULL OR {differs}"
    )
    counts = dict(reader.con.execute(f"SELECT __kind, count(*) FROM {diff} GROUP BY 1").fetchall())
    out.added, out.removed = counts.get("added", 0), counts.get("removed", 0)

    def listed(kind: str, side: str, names: list[str]) -> list[Row]:
        shown = ", ".join(f"{_q(f'{side}:{c}')} AS {_q(c)}" for c in names)
        return reader.rows(
            f"SELECT * FROM (SELECT {shown} FROM {diff} WHERE __kind = {_lit(kind)}) "
            f"ORDER BY {order} LIMIT {MAX_LISTED}"
        )

    out.added_rows = listed("added", "n", common)
    out.removed_rows = listed("removed", "o", common)
    if values:
        out.changed = counts.get("changed", 0)
        keys = ", ".join(f"{_q('n:' + k)} AS {_q(k)}" for k in key)
        pairs = ", ".join(
            f"{_q('o:' + c)} AS {_q('old:' + c)}, {_q('n:' + c)} AS {_q('new:' + c)}"
            for c in values
        )
        changed = f"SELECT {keys}, {pairs} FROM {diff} WHERE __kind = 'changed'"
        for row in reader.rows(f"SELECT * FROM ({changed}) ORDER BY {order} LIMIT {MAX_LISTED}"):
            diffs = {
                c: [row[f"old:{c}"], row[f"new:{c}"]]
                for c in values
                if row[f"old:{c}"] != row[f"new:{c}"]
            }
            out.changed_rows.append({"key": {k: row[k] for k in key}, "changes": diffs})
    reader.con.execute(f"DROP TABLE {diff}")
    return out


def _documents(
    reader: _Reader, old: tuple[str, list[str]] | None, new: tuple[str, list[str]] | None
) -> dict[str, Any]:
    """Documents added, removed and re-parsed (same sha256, another parser version)."""
    empty: dict[str, Any] = {"added": [], "removed": [], "reparsed": []}
    if not old or not new:
        return empty
    shown = ["document_id", "file_name", "sha256", "fiscal_year", "department_name", "status"]

    def cols(table: tuple[str, list[str]], alias: str) -> str:
        return ", ".join(f"{alias}.{_q(c)}" for c in shown if c in table[1] and c in old[1])

    only = (
        "SELECT {c} FROM {a} n WHERE NOT EXISTS "
        "(SELECT 1 FROM {b} o WHERE o.document_id = n.document_id) ORDER BY n.document_id"
    )
    result = {
        "added": reader.rows(only.format(c=cols(new, "n"), a=new[0], b=old[0])),
        "removed": reader.rows(only.format(c=cols(old, "n"), a=old[0], b=new[0])),
        "reparsed": [],
    }
    if "parser_version" in old[1] and "parser_version" in new[1]:
        result["reparsed"] = reader.rows(
            "SELECT n.document_id, n.file_name, n.sha256, "
            "o.parser_version AS parser_version_before, "
            f"n.parser_version AS parser_version_after FROM {new[0]} n JOIN {old[0]} o "
            "ON o.document_id = n.document_id AND o.sha256 = n.sha256 "
            "WHERE o.parser_version IS DISTINCT FROM n.parser_version ORDER BY n.document_id"
        )
    return result


def _checks(
    reader: _Reader,
    old: tuple[str, list[str]] | None,
    new: tuple[str, list[str]] | None,
    pk: list[str],
    documents: dict[str, Any],
) -> dict[str, Any]:
    """Findings at status `error` that appeared (newly failing) or went away (fixed)."""
    result: dict[str, Any] = {"newly_failing": [], "fixed": [], "by_check": {}}
    if not old or not new or "status" not in old[1] or "status" not in new[1]:
        return result
    key = [k for k in pk if k in old[1] and k in new[1]]
    shown = key + [c for c in ("expected_yuan", "actual_yuan", "difference_yuan") if c in new[1]]
    select = ", ".join(f"n.{_q(c)}" for c in shown)
    failing = (
        "SELECT {s} FROM {a} n WHERE n.status = 'error' AND NOT EXISTS (SELECT 1 FROM {b} o "
        "WHERE {m} AND o.status = 'error') ORDER BY {order}"
    )
    order = ", ".join(f"n.{_q(k)} NULLS FIRST" for k in key)
    result["newly_failing"] = reader.rows(
        failing.format(s=select, a=new[0], b=old[0], m=_match(key), order=order)
    )
    old_select = ", ".join(f"n.{_q(c)}" for c in shown if c in old[1])
    result["fixed"] = reader.rows(
        failing.format(s=old_select, a=old[0], b=new[0], m=_match(key), order=order)
    )
    added = {d["document_id"] for d in documents["added"]}
    removed = {d["document_id"] for d in documents["removed"]}
    for row in result["newly_failing"]:
        row["new_document"] = row.get("document_id") in added
    for row in result["fixed"]:
        row["document_removed"] = row.get("document_id") in removed
    tally: Counter[tuple[str, str]] = Counter()
    for what in ("newly_failing", "fixed"):
        for row in result[what]:
            tally[(str(row.get("check_id")), what)] += 1
    for (check, what), n in sorted(tally.items()):
        result["by_check"].setdefault(check, {"newly_failing": 0, "fixed": 0})[what] = n
    return result


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return f"sha256:{digest.hexdigest()}"


def compare_releases(
    previous: Path | None,
    current: Path,
    previous_version: str | None = None,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    loaded: Mapping[str, tuple[str, list[str]]] | None = None,
    rows: Mapping[str, int | None] | None = None,
) -> dict[str, Any]:
    """The differences between two release folders, as the content of changes.json.

    A release build passes its DuckDB connection and the current release's CSVs it has already
    loaded and validated (`loaded`: resource -> (table, fields)); they are not read again, and
    a CSV whose bytes are those of the previous release's (same sha256, same fields) is not
    compared row by row: a validated release has unique keys, so nothing changed. `rows` gives
    the number of rows of those it counted (a CSV it only probed is a view of the file).
    """
    new_desc = _descriptor(current)
    log: dict[str, Any] = {
        "from": previous_version,
        "to": new_desc.get("version"),
        "from_created": None,
        "to_created": new_desc.get("created"),
        "documents": {"added": [], "removed": [], "reparsed": []},
        "resources_added": [],
        "resources_removed": [],
        "resources": {},
        "checks": {"newly_failing": [], "fixed": [], "by_check": {}},
    }
    if previous is None:
        log["resources_added"] = [r["name"] for r in new_desc["resources"]]
        return log
    old_desc = _descriptor(previous)
    log["from"] = previous_version or old_desc.get("version") or previous.name
    log["from_created"] = old_desc.get("created")
    old_res = {r["name"]: r for r in old_desc["resources"]}
    new_res = {r["name"]: r for r in new_desc["resources"]}
    log["resources_added"] = [n for n in new_res if n not in old_res]
    log["resources_removed"] = [n for n in old_res if n not in new_res]
    reader = _Reader(con)
    try:
        tables: dict[str, tuple[tuple[str, list[str]], tuple[str, list[str]]]] = {}
        for name, res in new_res.items():
            if name not in old_res:
                continue
            validated = (loaded or {}).get(name)
            new = validated or reader.load(current, res)
            same = (
                validated is not None
                and [f["name"] for f in old_res[name]["schema"]["fields"]] == new[1]
                and (previous / old_res[name]["path"]).is_file()
                and _sha256(previous / old_res[name]["path"]) == res.get("hash")
            )
            tables[name] = (new if same else reader.load(previous, old_res[name]), new)
            pk = res["schema"].get("primaryKey") or []
            pk = [pk] if isinstance(pk, str) else list(pk)
            counted = (rows or {}).get(name) if validated else None
            log["resources"][name] = _compare(
                reader, name, *tables[name], pk, same, counted
            ).as_json()
        docs = tables.get("documents")
        log["documents"] = _documents(reader, *(docs or (None, None)))
        results = tables.get("check_results")
        if results:
            pk = new_res["check_results"]["schema"].get("primaryKey") or []
            pk = [pk] if isinstance(pk, str) else list(pk)
            log["checks"] = _checks(reader, *results, pk, log["documents"])
    finally:
        reader.close()
    return log


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ") or "∅"


def _rows_md(rows: list[dict[str, Any]], limit: int = MAX_SHOWN) -> list[str]:
    if not rows:
        return []
    header = list(rows[0])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(r.get(h)) for h in header) + " |" for r in rows[:limit]]
    if len(rows) > limit:
        lines.append(f"\n… and {len(rows) - limit} more (changes.json lists up to {MAX_LISTED}).")
    return [*lines, ""]


def changes_markdown(log: dict[str, Any]) -> str:
    """CHANGES.md: the same content as changes.json, for reading."""
    if log["from"] is None:
        return (
            f"# Changes in {log['to']}\n\nThe first release: there is no previous release to "
            "compare with. Every resource is new.\n"
        )
    out = [f"# Changes in {log['to']} since {log['from']}", ""]
    out += [
        f"Compared with release {log['from']} (created {log['from_created']}). Rows are matched "
        "by primary key; ∅ is an empty (NULL) field. The complete lists, up to "
        f"{MAX_LISTED} rows per category, are in changes.json.",
        "",
        "## Documents",
        "",
    ]
    docs = log["documents"]
    out.append(
        f"{len(docs['added'])} added, {len(docs['removed'])} removed, "
        f"{len(docs['reparsed'])} re-parsed (same file, another parser version)."
    )
    out.append("")
    for what in ("added", "removed", "reparsed"):
        if docs[what]:
            out += [f"### {what.capitalize()}", "", *_rows_md(docs[what])]
    if log["resources_added"] or log["resources_removed"]:
        out += ["## Resources", ""]
        out += [f"- new: {n}" for n in log["resources_added"]]
        out += [f"- dropped: {n}" for n in log["resources_removed"]]
        out.append("")
    out += ["## Rows per resource", "", "| resource | before | after | added | removed | changed |"]
    out.append("|---|---:|---:|---:|---:|---:|")
    for name, r in log["resources"].items():
        out.append(
            f"| {name} | {r['rows_before']} | {r['rows_after']} | {r['added']} | "
            f"{r['removed']} | {r['changed']} |"
        )
    out.append("")
    for name, r in log["resources"].items():
        touched = ("added", "removed", "changed", "fields_added", "fields_removed")
        if not any(r[k] for k in touched):
            continue
        out += [f"### {name}", ""]
        if not r["by_primary_key"]:
            out += ["Compared by whole rows (no primary key common to both releases).", ""]
        if r["fields_added"] or r["fields_removed"]:
            out += [
                f"Fields added: {', '.join(r['fields_added']) or '-'}; "
                f"removed: {', '.join(r['fields_removed']) or '-'}.",
                "",
            ]
        if r["added_rows"]:
            out += [f"Added ({r['added']}):", "", *_rows_md(r["added_rows"])]
        if r["removed_rows"]:
            out += [f"Removed ({r['removed']}):", "", *_rows_md(r["removed_rows"])]
        if r["changed_rows"]:
            flat = [
                {
                    **c["key"],
                    "changes": "; ".join(
                        f"{k}: {_cell(a)} → {_cell(b)}" for k, (a, b) in c["changes"].items()
                    ),
                }
                for c in r["changed_rows"]
            ]
            out += [f"Changed ({r['changed']}):", "", *_rows_md(flat)]
    checks = log["checks"]
    out += [
        "## Checks",
        "",
        f"{len(checks['newly_failing'])} findings newly failing (status error), "
        f"{len(checks['fixed'])} fixed.",
        "",
    ]
    if checks["by_check"]:
        out += ["| check | newly failing | fixed |", "|---|---:|---:|"]
        out += [
            f"| {c} | {n['newly_failing']} | {n['fixed']} |" for c, n in checks["by_check"].items()
        ]
        out.append("")
    if checks["newly_failing"]:
        out += ["### Newly failing", "", *_rows_md(checks["newly_failing"])]
    if checks["fixed"]:
        out += ["### Fixed", "", *_rows_md(checks["fixed"])]
    return "\n".join(out).rstrip() + "\n"


def write_changes(folder: Path, log: dict[str, Any]) -> None:
    (folder / "changes.json").write_text(
        json.dumps(log, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (folder / "CHANGES.md").write_text(changes_markdown(log), encoding="utf-8")
