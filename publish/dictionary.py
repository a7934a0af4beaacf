"""The data dictionary (DICTIONARY.md and dictionary.html), generated from schemas/.

The schemas are the one source of truth: the dictionary is built from the same descriptors that
generate the DuckDB DDL and datapackage.json, so it cannot describe a column that is not there.
Both formats come from one intermediate form, so they always say the same thing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from juesuan import schema
from publish.htmlkit import esc, page, table

CONVENTIONS = [
    "Files are UTF-8. An empty CSV field is a missing value (NULL); 空字段表示缺失值。",
    "Money is exact: amounts are decimals in 元 (yuan) with two places, never floats; "
    "金额单位为元，精确到分。The unit printed in the source is kept in `published_unit`.",
    "Codes (`code`, `table_no`, ids) are text: keep their leading zeros (read them as strings).",
    "Every amount can be traced to its place in the source document through `document_id` and "
    "`source_ref` (page and row, line, or cell).",
]

FISCAL_NOTE = [
    "`x-fiscal` annotations follow the Fiscal Data Package (OpenSpending) vocabulary where it "
    "fits, as extension properties that Frictionless ignores:",
    "`currency` (ISO 4217, always CNY) and `factor` (1: amounts are in 元, not 万元) on amount "
    "fields and resources;",
    "`columnType` on fields: `value` (an amount), `date:fiscal-year`, "
    "`administrative-classification:generic:code` (the department), "
    "`functional-classification:generic:code` (功能分类) or "
    "`economic-classification:generic:code` (经济分类);",
    "`classificationType` where one code column holds both kinds: the type per canonical table;",
    "`phase` (FDP: proposed, approved, adjusted, executed): final accounts (决算) print executed "
    "amounts; columns printed as 预算数 (measure `budget`) are approved;",
    "`direction` (FDP: expenditure or revenue; income in the data's own words), given as ordered "
    "rules on the row's fields (`side`, `table_no`, `measure`), first match wins; opening and "
    "closing balances (结转和结余) are `balance`.",
]


PENDING = "—"  # a title or description not written yet


def pending_note(found: list[ResourceEntry]) -> str:
    """How many fields still lack a Chinese title or a description, so the gap is visible."""
    fields = [f for r in found for f in r.fields]
    zh = sum(f.title_zh == PENDING for f in fields)
    desc = sum(PENDING in (f.description, f.description_zh) for f in fields)
    if not zh and not desc:
        return "Every field has English and Chinese titles and descriptions."
    return (
        f"Of {len(fields)} fields, {zh} have no Chinese title yet and {desc} lack a description "
        f"in English or Chinese; they are shown as {PENDING}."
    )


@dataclass(frozen=True)
class FieldEntry:
    name: str
    type: str
    required: bool
    title: str
    title_zh: str
    description: str
    description_zh: str
    constraints: str
    fiscal: str


@dataclass(frozen=True)
class ResourceEntry:
    name: str
    title: str
    description: str
    primary_key: list[str]
    foreign_keys: list[str]
    fiscal: str
    fields: list[FieldEntry]


def _constraints(descriptor: dict[str, Any]) -> str:
    parts = []
    for key, value in (descriptor.get("constraints") or {}).items():
        if key == "required":
            continue
        if key == "enum":
            parts.append("one of " + ", ".join(str(v) for v in value))
        elif key in ("unique",) and value:
            parts.append("unique")
        else:
            parts.append(f"{key} {value}")
    return "; ".join(parts)


def _fiscal(value: Any) -> str:
    if not value:
        return ""
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def entries() -> list[ResourceEntry]:
    """The dictionary's content: every resource of schemas/, in publication order."""
    found = []
    for r in schema.resources():
        fields = [
            FieldEntry(
                name=f.name,
                type=f.type,
                required=f.required,
                title=f.title,
                title_zh=str(f.descriptor.get("title_zh") or PENDING),
                description=f.description or PENDING,
                description_zh=str(f.descriptor.get("description_zh") or PENDING),
                constraints=_constraints(f.descriptor),
                fiscal=_fiscal(f.descriptor.get("x-fiscal")),
            )
            for f in r.fields
        ]
        fks = [
            f"({', '.join(fk['fields'])}) → {fk['reference']['resource']} "
            f"({', '.join(fk['reference']['fields'])})"
            for fk in r.foreign_keys
        ]
        found.append(
            ResourceEntry(
                name=r.name,
                title=r.title,
                description=r.description,
                primary_key=list(r.primary_key),
                foreign_keys=fks,
                fiscal=_fiscal(r.descriptor.get("x-fiscal")),
                fields=fields,
            )
        )
    return found


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def dictionary_markdown(version: str) -> str:
    """DICTIONARY.md."""
    package = schema.package_metadata()
    out = [f"# Data dictionary — {package.get('title', '')}", "", f"Release {version}.", ""]
    out += ["## Conventions", "", *[f"- {c}" for c in CONVENTIONS], ""]
    out += ["## Fiscal annotations (`x-fiscal`)", "", FISCAL_NOTE[0], ""]
    out += [f"- {line}" for line in FISCAL_NOTE[1:]] + [""]
    out += ["## Resources", "", pending_note(entries()), ""]
    out += [f"- [{r.name}](#{r.name}): {r.title}" for r in entries()] + [""]
    for r in entries():
        out += [f"## {r.name}", "", f"**{r.title}**", "", r.description, ""]
        out += [
            f"Files: `{r.name}.csv`, `parquet/{r.name}.parquet`, `excel/{r.name}.csv` (for Excel).",
            "",
        ]
        if r.primary_key:
            out.append(f"Primary key: `{', '.join(r.primary_key)}`.  ")
        for fk in r.foreign_keys:
            out.append(f"Foreign key: {fk}.  ")
        if r.fiscal:
            out.append(f"Fiscal annotations: `{r.fiscal}`")
        out += [
            "",
            "| field | type | required | title | 中文名 | description | 说明 | constraints |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for f in r.fields:
            cells = [
                f"`{f.name}`",
                f.type,
                "yes" if f.required else "",
                f.title,
                f.title_zh,
                f.description + (f" Fiscal: `{f.fiscal}`" if f.fiscal else ""),
                f.description_zh,
                f.constraints,
            ]
            out.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def dictionary_html(version: str) -> str:
    """dictionary.html: the same content, readable offline in a browser."""
    package = schema.package_metadata()
    body = ["<h2>Conventions</h2><ul>"]
    body += [f"<li>{esc(c)}</li>" for c in CONVENTIONS]
    body += ["</ul><h2>Fiscal annotations (x-fiscal)</h2>", f"<p>{esc(FISCAL_NOTE[0])}</p><ul>"]
    body += [f"<li>{esc(line)}</li>" for line in FISCAL_NOTE[1:]]
    body += [f"</ul><h2>Resources</h2><p>{esc(pending_note(entries()))}</p><ul>"]
    body += [
        f'<li><a href="#{esc(r.name)}">{esc(r.name)}</a>: {esc(r.title)}</li>' for r in entries()
    ]
    body.append("</ul>")
    for r in entries():
        body.append(f'<h2 id="{esc(r.name)}">{esc(r.name)}</h2>')
        body.append(f"<p><b>{esc(r.title)}</b><br>{esc(r.description)}</p>")
        keys = []
        if r.primary_key:
            keys.append(f"Primary key: <code>{esc(', '.join(r.primary_key))}</code>")
        keys += [f"Foreign key: {esc(fk)}" for fk in r.foreign_keys]
        if r.fiscal:
            keys.append(f"Fiscal annotations: <code>{esc(r.fiscal)}</code>")
        if keys:
            body.append("<p>" + "<br>".join(keys) + "</p>")
        rows = [
            [
                f"<code>{esc(f.name)}</code>",
                esc(f.type),
                "yes" if f.required else "",
                esc(f.title),
                esc(f.title_zh),
                esc(f.description)
                + (f'<br><span class="muted">fiscal: {esc(f.fiscal)}</span>' if f.fiscal else ""),
                esc(f.description_zh),
                esc(f.constraints),
            ]
            for f in r.fields
        ]
        header = ["field", "type", "required", "title", "中文名", "description", "说明"]
        body.append(table([*header, "constraints"], rows))
    return page(
        f"Data dictionary — {package.get('title', '')}", f"Release {version}", "\n".join(body)
    )
