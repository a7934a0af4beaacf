"""The analysts' commands: `juesuan query "SQL"` and `juesuan compare DEPARTMENT`.

Kept apart from cli.py (which registers them) so the command-line module stays readable; like
every command they end a user's mistake in one clear line, never a traceback.
"""

from __future__ import annotations

import csv
import sys
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from juesuan.paths import Layout

console = Console()
err = Console(stderr=True, soft_wrap=True)
_WAN = Decimal(10000)


def _fail(message: str, code: int = 1) -> None:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    raise typer.Exit(code)


def _layout(base_dir: Path | None) -> Layout:
    return Layout.under(base_dir) if base_dir else Layout.from_env()


def _text(value: Any) -> str:
    """A cell as text; Decimal as printed by Python (exact), NULL as empty."""
    return "" if value is None else str(value)


def query(
    sql: Annotated[str, typer.Argument(help="One SELECT statement (read-only).")],
    csv_file: Annotated[
        Path | None,
        typer.Option("--csv", help="Write the rows to this CSV file ('-' for standard output)."),
    ] = None,
    base_dir: Annotated[Path | None, typer.Option(help="The folder given to build.")] = None,
) -> None:
    """Run read-only SQL on the warehouse and print a table, or write CSV.

    Only one SELECT (or EXPLAIN) statement runs: writes, COPY, ATTACH, INSTALL/LOAD, EXPORT,
    PRAGMA and SET are refused, and no file other than the warehouse can be read.
    """
    import duckdb

    from juesuan.query import QueryRefused, run_query
    from juesuan.warehouse import WarehouseError

    try:
        result = run_query(_layout(base_dir).warehouse_path, sql)
    except QueryRefused as exc:
        _fail(f"refused: {exc}", code=2)
        return
    except (WarehouseError, duckdb.Error) as exc:
        _fail(str(exc).splitlines()[0])
        return
    if csv_file is not None:
        handle = (
            sys.stdout if str(csv_file) == "-" else csv_file.open("w", encoding="utf-8", newline="")
        )
        try:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(result.columns)
            writer.writerows([_text(v) for v in row] for row in result.rows)
        finally:
            if handle is not sys.stdout:
                handle.close()
        if handle is not sys.stdout:
            err.print(f"{len(result.rows)} rows written to {csv_file}", highlight=False)
        return
    table = Table(show_header=True)
    for column in result.columns:
        table.add_column(escape(column), overflow="fold")
    for row in result.rows:  # values are data, never markup: "[/]" prints as it is
        table.add_row(*(escape(_text(v)) for v in row))
    console.print(table)
    console.print(f"{len(result.rows)} rows", highlight=False)


def _wan(yuan: Decimal | None) -> str:
    return "" if yuan is None else f"{yuan / _WAN:,.2f}"


def _change(change: Decimal | None, pct: Decimal | None) -> str:
    if change is None:
        return ""
    text = f"{change / _WAN:+,.2f}"
    return text + (f" ({pct:+}%)" if pct is not None else "")


def compare(
    department: Annotated[
        str, typer.Argument(help="Department id, a name it was printed under, or an alias.")
    ],
    base_dir: Annotated[Path | None, typer.Option(help="The folder given to build.")] = None,
) -> None:
    """Print a department's multi-year panel (万元) with the change over each previous year."""
    import duckdb

    from juesuan.compare.panel import (
        DepartmentNotFound,
        find_department,
        measure_titles,
        read_panel,
    )
    from juesuan.warehouse import WarehouseError, connect_read_only

    try:
        con = connect_read_only(_layout(base_dir).warehouse_path)
    except WarehouseError as exc:
        _fail(str(exc))
        return
    with con:
        try:
            found = find_department(con, department)
        except DepartmentNotFound as exc:
            _fail(str(exc))
            return
        except duckdb.Error as exc:
            _fail(f"the warehouse has no comparison tables ({exc}); rebuild it: juesuan build")
            return
        panel = read_panel(con, found)
    d = panel.department
    console.print(f"[bold]{escape(d.name)}[/]  {d.department_id}", highlight=False)
    console.print(
        escape(
            f"region: {d.region or '-'}  level: {d.admin_level or '-'}  "
            f"printed as: {d.printed_names or '-'}"
        ),
        highlight=False,
    )
    if not panel.years:
        console.print("no current disclosure of this department in the warehouse")
        return
    table = Table(show_header=True, title="panel (万元; change over the previous year below)")
    table.add_column("measure")
    for year in panel.years:
        table.add_column(str(year), justify="right")
    for measure, title in measure_titles():
        cells = [panel.cells.get((measure, year)) for year in panel.years]
        if not any(cells):
            continue
        table.add_row(title, *(_wan(c.amount_yuan) if c else "" for c in cells))
        changes = [_change(c.change_yuan, c.change_pct) if c else "" for c in cells]
        if any(changes):
            table.add_row("", *changes, style="dim")
    if panel.recomputed_pct:
        table.add_row(
            "完成年初预算 (%, from the amounts)",
            *(_text(panel.recomputed_pct.get(year)) for year in panel.years),
        )
    if panel.completion_pct:
        table.add_row(
            "完成年初预算 (%, as stated)",
            *(_text(panel.completion_pct.get(year)) for year in panel.years),
        )
    table.add_row("document", *(panel.documents[year] for year in panel.years), style="dim")
    console.print(table)
