"""The `juesuan` command: build the dataset, parse one document, look at releases.

Every error a user can cause ends in one clear line naming the file and what to do, never a
traceback. The Dagster machinery is imported only by the commands that run it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from juesuan import PARSER_VERSION, __version__
from juesuan.catalogue import usual_titles
from juesuan.cli_analysis import compare, query
from juesuan.paths import SAMPLES_DIR, Layout
from juesuan.readers import UnreadableDocument, read_document

app = typer.Typer(
    help="juesuan: Chinese government final-accounts disclosures (部门决算) as open data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err = Console(stderr=True, soft_wrap=True)


def _shown(name: str) -> str:
    """A file name as printed: control characters escaped, brackets not read as markup."""
    from juesuan.rawstore import display_name

    return escape(display_name(name))


def _fail(message: str, code: int = 1) -> None:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    raise typer.Exit(code)


@app.command()
def version() -> None:
    """Print the package and parser versions."""
    console.print(f"juesuan {__version__} (parser {PARSER_VERSION})")


@app.command()
def build(
    sources: Annotated[
        list[str] | None,
        typer.Argument(
            help="Files, folders, URLs or manifests (.yaml) of disclosures "
            "(default: the bundled samples)."
        ),
    ] = None,
    base_dir: Annotated[
        Path | None,
        typer.Option(help="Keep data, warehouse and releases under this folder instead."),
    ] = None,
) -> None:
    """Ingest disclosures, parse them by fiscal year, rebuild the warehouse, publish a release."""
    from assets.resources import JuesuanResource
    from pipelines.run import build as run_build

    layout = Layout.under(base_dir.resolve()) if base_dir else Layout.from_env()
    paths = _local_sources(sources or [str(SAMPLES_DIR)], layout)
    resource = JuesuanResource(
        base_dir=str(base_dir.resolve()) if base_dir else "",
        sources=[str(p.resolve()) for p in paths],
    )
    try:
        summary = run_build(
            resource, on_step=lambda m: console.print(f"[cyan]→[/] {m}"), log_level="WARNING"
        )
    except Exception as exc:  # a failed run: say which step and why, in one message
        _fail(f"build failed: {_root_cause(exc)}")
        return
    ingest = summary.steps["ingest"]
    table = Table(title="juesuan build", show_header=True)
    table.add_column("step")
    table.add_column("result")
    table.add_row(
        "ingest",
        f"{ingest['added']} new, {ingest['already_stored']} already stored, "
        f"{ingest['skipped']} skipped (not documents), "
        f"{ingest.get('unidentified', 0)} unreadable (quarantined)",
    )
    for year in summary.fiscal_years:
        step = summary.steps[f"parse {year}"]
        if step.get("unchanged"):
            result = f"{step['documents']} documents, unchanged since the last run: nothing parsed"
        else:
            result = (
                f"{step['documents']} documents ({step.get('parsed_now', 0)} parsed now, the "
                f"others unchanged): {step['parsed']} parsed, {step['refused']} refused, "
                f"{step['quarantined']} quarantined; {step['line_items']} amounts"
            )
        table.add_row(f"parse {year}", result)
    wh = summary.steps["warehouse"]
    same = " — unchanged, not rebuilt" if wh.get("unchanged") else ""
    table.add_row("warehouse", f"{wh['path']} ({wh.get('rows_line_items', 0)} line items){same}")
    checks = ", ".join(
        f"{name} {'passed' if ok else 'WARN'}" for name, ok in summary.checks.items()
    )
    table.add_row("checks", checks + "  (details: juesuan check --all, juesuan quarantine)")
    released = summary.steps.get("release", {})
    note = " — nothing new since this release" if released.get("unchanged") else ""
    table.add_row("release", f"{summary.release_version}: {summary.release_path}{note}")
    console.print(table)
    console.print(f"Warehouse: [bold]{wh['path']}[/]")
    console.print(f"Release:   [bold]{summary.release_path}[/]")


def _local_sources(sources: list[str], layout: Layout) -> list[Path]:
    """Local paths for the given sources: URLs and manifests' URLs downloaded (with progress)
    into the data folder's downloads/, paths checked to exist."""
    from rich.progress import Progress

    from juesuan.sources import SourceError, resolve

    paths: list[Path] = []
    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("sources", total=len(sources))
        for source in sources:
            progress.update(task, description=f"fetching {source[:60]}")
            try:
                for local, _entry in resolve([source], layout.data_dir / "downloads"):
                    if not local.exists():
                        _fail(f"{local}: no such file or folder")
                    paths.append(local)
            except SourceError as exc:
                _fail(str(exc))
            progress.advance(task)
    return paths


@app.command()
def ingest(
    sources: Annotated[
        list[str], typer.Argument(help="Files, folders, URLs or manifests (.yaml) of disclosures.")
    ],
    base_dir: Annotated[
        Path | None, typer.Option(help="Keep data under this folder instead.")
    ] = None,
) -> None:
    """Bring documents into the raw store (downloading URLs) without parsing them yet."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from juesuan.ingest import ingest_files, iter_source_files
    from juesuan.rawstore import RawStore

    layout = Layout.under(base_dir.resolve()) if base_dir else Layout.from_env()
    files = list(iter_source_files(_local_sources(sources, layout)))
    store = RawStore(layout.raw_dir)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("ingesting", total=len(files))
        summary = ingest_files(store, files, on_file=lambda _path: progress.advance(task))
    console.print(
        f"{len(summary.added)} new, {len(summary.known)} already stored, "
        f"{len(summary.skipped)} skipped; fiscal years: "
        f"{' '.join(map(str, summary.fiscal_years)) or '-'}"
    )
    for doc in summary.added:
        if doc.problem:
            console.print(
                f"[yellow]quarantined:[/] {_shown(doc.file_name)}: {escape(doc.problem)}",
                highlight=False,
            )
    console.print(f"raw store: {store.root}; run `juesuan build` to parse and publish")


@app.command()
def parse(
    file: Annotated[Path, typer.Argument(help="One disclosure document.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the canonical records.")] = False,
) -> None:
    """Parse one document and say what was found, or print its records as JSON."""
    from juesuan.parse import parse_source

    if not file.is_file():
        _fail(f"{file}: no such file")
    try:
        parsed = parse_source(read_document(file))
    except UnreadableDocument as exc:
        _fail(str(exc))
        return
    if as_json:
        records = {
            "file": str(file),
            "kind": parsed.kind,
            "fiscal_year": parsed.fiscal_year,
            "department_name": parsed.department_name,
            "published_unit": parsed.published_unit,
            "tables": {no: t.status for no, t in parsed.tables.items()},
            "findings": [str(f) for f in parsed.findings],
            "line_items": [
                {
                    "table_no": li.table_no,
                    "side": li.side,
                    "code": li.code,
                    "item": li.item,
                    "name": li.name,
                    "measure": li.measure,
                    "amount_yuan": str(li.amount_yuan),
                    "published_unit": li.published_unit,
                    "source_ref": li.source_ref,
                }
                for li in parsed.line_items
            ],
        }
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=1) + "\n")
        return
    console.print(f"[bold]{_shown(file.name)}[/]")
    console.print(
        f"kind: {parsed.kind}  fiscal year: {parsed.fiscal_year}  "
        f"department: {parsed.department_name}  unit: {parsed.published_unit}"
    )
    if parsed.kind != "final_accounts":
        _fail(f"{file}: a {parsed.kind} document, not final accounts (决算); not parsed", code=2)
    titles = usual_titles()
    table = Table(show_header=True)
    for column in ("table", "title", "status", "amounts", "where"):
        table.add_column(column)
    for no, record in parsed.tables.items():
        table.add_row(
            no,
            record.printed_title or titles[no],
            record.status,
            str(record.row_count),
            record.source_ref or "",
        )
    console.print(table)
    for finding in parsed.findings:
        console.print(f"[yellow]note:[/] {finding}", highlight=False)


@app.command()
def survey(
    sources: Annotated[list[Path], typer.Argument(help="Files or folders of documents.")],
) -> None:
    """Per document: tables found, amounts parsed, and the share of identities that hold."""
    from juesuan.survey import survey as run_survey

    table = Table(show_header=True)
    for column in ("document", "kind", "year", "data", "empty", "missing", "amounts", "identities"):
        table.add_column(column)
    notes = []
    for row in run_survey(sources):
        share = (
            f"{row.identities_holding}/{row.identities} ({row.share_holding:.0%})"
            if row.identities
            else "-"
        )
        table.add_row(
            row.path.name,
            row.kind,
            str(row.fiscal_year or ""),
            " ".join(row.tables_with_data),
            " ".join(row.tables_empty),
            " ".join(row.tables_missing),
            str(row.amounts),
            share,
        )
        if row.problem:
            notes.append(f"{row.path.name}: {row.problem}")
    console.print(table)
    for note in notes:
        console.print(f"[yellow]note:[/] {note}", highlight=False)


def _wan(yuan) -> str:
    return f"{yuan / 10000:,.2f}"


@app.command()
def check(
    file: Annotated[Path | None, typer.Argument(help="One disclosure document.")] = None,
    all_documents: Annotated[
        bool, typer.Option("--all", help="Every document in the warehouse.")
    ] = False,
    base_dir: Annotated[Path | None, typer.Option(help="The folder given to build.")] = None,
) -> None:
    """Print the quality scorecard of one document, or of every document in the warehouse."""
    if all_documents:
        _check_all(Layout.under(base_dir) if base_dir else Layout.from_env())
        return
    if file is None:
        _fail("give a FILE to check, or --all for every document in the warehouse")
        return
    from juesuan.checks.identities import run_identities
    from juesuan.checks.scorecard import score_document
    from juesuan.parse import parse_source

    if not file.is_file():
        _fail(f"{file}: no such file")
    try:
        parsed = parse_source(read_document(file))
    except UnreadableDocument as exc:
        _fail(f"quarantined: {exc}")
        return
    if parsed.kind != "final_accounts":
        _fail(f"{file}: a {parsed.kind} document, not final accounts (决算); not checked", code=2)
    results = run_identities(parsed.line_items)
    card = score_document(parsed, results)
    refs = {item.key: item.source_ref for item in parsed.line_items}
    console.print(
        f"[bold]{_shown(file.name)}[/]: {escape(parsed.department_name or '')}, "
        f"{parsed.fiscal_year}"
    )
    console.print(
        f"tables: {card.tables_with_data} with data ({_listed(parsed, 'data')}), "
        f"{card.tables_empty} printed empty ({_listed(parsed, 'empty')}), "
        f"{card.tables_missing} missing ({_listed(parsed, 'missing')})"
    )
    console.print(
        f"identities: {card.identities_evaluated} evaluated, {card.identities_passed} exact, "
        f"{card.identities_rounding} within rounding, {card.identities_failed} failed"
    )
    console.print(
        f"score: [bold]{card.score}[/] = 100 × completeness {card.completeness} "
        f"× consistency {card.consistency}"
    )
    findings = sorted((r for r in results if r.status != "pass"), key=lambda r: r.status)
    if findings:
        table = Table(show_header=True, title="findings (万元)")
        for column in (
            "status",
            "check",
            "table",
            "row",
            "measure",
            "expected",
            "printed",
            "diff",
            "where",
        ):
            table.add_column(column)
        for r in findings:
            table.add_row(
                r.status, r.check_id, r.table_no, r.row, r.measure, _wan(r.expected),
                _wan(r.actual), _wan(r.difference), refs.get(r.total_key, ""),
            )  # fmt: skip
        console.print(table)


def _listed(parsed, status: str) -> str:
    return " ".join(parsed.tables_with_status(status)) or "-"


def _check_all(layout: Layout) -> None:
    from juesuan.warehouse import WarehouseError, connect_read_only

    try:
        con = connect_read_only(layout.warehouse_path)
    except WarehouseError as exc:
        _fail(str(exc))
        return
    with con:
        rows = con.execute(
            "SELECT d.file_name, d.fiscal_year, d.department_name, s.tables_with_data, "
            "s.tables_empty, s.tables_missing, s.identities_evaluated, s.identities_passed, "
            "s.identities_rounding, s.identities_failed, s.score "
            "FROM scorecards s JOIN documents d USING (document_id) "
            "ORDER BY s.score, d.file_name"
        ).fetchall()
        held = con.execute(
            "SELECT file_name, status, status_reason FROM documents "
            "WHERE status <> 'parsed' ORDER BY file_name"
        ).fetchall()
    table = Table(show_header=True, title=f"scorecards: {layout.warehouse_path}")
    for column in ("document", "year", "department", "tables d/e/m", "identities ok/≈/✗", "score"):
        table.add_column(column)
    for name, year, dept, data, empty, missing, evaluated, exact, rounding, failed, score in rows:
        table.add_row(
            _shown(name), str(year), escape(dept or ""), f"{data}/{empty}/{missing}",
            f"{exact}/{rounding}/{failed} of {evaluated}", str(score),
        )  # fmt: skip
    console.print(table)
    for name, status, reason in held:
        console.print(
            f"[yellow]{status}:[/] {_shown(name)}: {escape(reason or '')}", highlight=False
        )


@app.command()
def quarantine(
    base_dir: Annotated[Path | None, typer.Option(help="The folder given to build.")] = None,
) -> None:
    """List the documents that were quarantined or refused, with the reason."""
    from juesuan.warehouse import WarehouseError, connect_read_only

    layout = Layout.under(base_dir) if base_dir else Layout.from_env()
    try:
        con = connect_read_only(layout.warehouse_path)
    except WarehouseError as exc:
        _fail(str(exc))
        return
    with con:
        rows = con.execute(
            "SELECT status, file_name, sha256, status_reason FROM documents "
            "WHERE status <> 'parsed' ORDER BY status, file_name"
        ).fetchall()
    if not rows:
        console.print("nothing quarantined or refused")
        return
    for status, name, sha, reason in rows:
        console.print(  # one line per document, however long: grep finds it whole
            f"{status:11} {_shown(name)} (sha256 {sha[:16]}…): {escape(reason or '')}",
            highlight=False,
            soft_wrap=True,
        )
    console.print(f"the files are kept in the raw store: {layout.raw_dir}")


@app.command()
def releases(
    base_dir: Annotated[Path | None, typer.Option(help="The folder given to build.")] = None,
) -> None:
    """List the published releases: version, created, documents, rows, folder."""
    from publish.release import list_releases

    layout = Layout.under(base_dir) if base_dir else Layout.from_env()
    found = list_releases(layout)
    if not found:
        console.print(f"no releases under {layout.releases_dir}; run `juesuan build`")
        return
    table = Table(show_header=True, title=f"releases: {layout.releases_dir}")
    for column in ("version", "created", "documents", "rows", "path"):
        table.add_column(column, overflow="fold")
    for info in found:
        table.add_row(
            info.version,
            info.created or "",
            "" if info.documents is None else f"{info.documents:,}",
            "" if info.rows is None else f"{info.rows:,}",
            str(info.path),
        )
    console.print(table)


@app.command()
def publish(
    version: Annotated[
        str | None, typer.Option(help="Release version (default: the next YYYY.MM.N).")
    ] = None,
    base_dir: Annotated[Path | None, typer.Option(help="The folder given to build.")] = None,
) -> None:
    """Build a release from the current warehouse; print its version and folder."""
    from juesuan.warehouse import WarehouseError
    from publish.release import ReleaseError, build_release
    from publish.staging import ReleaseBusyError

    layout = Layout.under(base_dir) if base_dir else Layout.from_env()
    try:
        summary = build_release(layout, version=version)
    except (ReleaseError, ReleaseBusyError, WarehouseError) as exc:
        _fail(str(exc))
        return
    if not summary.valid:
        for issue in summary.errors[:20]:
            err.print(f"  {issue}", highlight=False)
        _fail(f"release {summary.version} refused: {len(summary.errors)} validation errors")
        return
    since = f" (changes since {summary.previous})" if summary.previous else " (first release)"
    console.print(f"Release {summary.version}{since}: [bold]{summary.path}[/]", highlight=False)
    rows = ", ".join(f"{name} {n:,}" for name, n in summary.resources.items())
    console.print(f"rows: {rows}", highlight=False)
    console.print(f"open {summary.path}/index.html; download {summary.archive}", highlight=False)


# The analysts' commands live in cli_analysis.py.
app.command()(query)
app.command()(compare)


@app.command()
def ui(
    port: Annotated[int, typer.Option(help="Port of the Dagster web UI.")] = 3000,
) -> None:
    """Serve the Dagster UI (dagster dev) on the project's code location and run history."""
    import os
    import subprocess

    from juesuan.paths import REPO_ROOT

    layout = Layout.from_env()
    from pipelines.run import prepare_home

    home = prepare_home(Path(os.environ.get("DAGSTER_HOME", layout.data_dir / "dagster")))
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    dagster = Path(sys.executable).with_name("dagster")
    command = [str(dagster), "dev", "-m", "pipelines.definitions", "-p", str(port)]
    console.print(f"Dagster UI on http://127.0.0.1:{port} (DAGSTER_HOME={home}); Ctrl-C stops it")
    raise typer.Exit(subprocess.call(command, cwd=REPO_ROOT, env=env))


def _root_cause(exc: BaseException) -> str:
    """The innermost user-facing error of a failed Dagster run, without its traceback."""
    import dagster as dg

    if isinstance(exc, dg.DagsterExecutionStepExecutionError) and exc.user_exception:
        return f"{exc.step_key}: {exc.user_exception}"
    return str(exc)


if __name__ == "__main__":
    app()
