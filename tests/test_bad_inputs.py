"""Broken, odd and hostile inputs: each has one clear outcome, and none stops a build.

Every case of tests/bad_inputs/corpus.py is made at test time and run alone, through the steps a
build runs (ingest into a raw store, then parse_stored); then the whole corpus goes through one
in-process build (pipelines.run.build, an ephemeral Dagster instance) under a base folder whose
name holds a quote and a semicolon. That build must finish, record every file in `documents`
with its status and reason, keep every input in the raw store and publish a valid release. The
test writes what it saw to tests/bad_inputs/README.md.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import dagster as dg
import duckdb
import frictionless
import pytest
from bad_inputs import corpus
from typer.testing import CliRunner

from assets.resources import JuesuanResource
from juesuan import workers
from juesuan.cli import app
from juesuan.ingest import ingest, iter_source_files
from juesuan.parse_year import DocumentOutcome, parse_stored
from juesuan.paths import Layout
from juesuan.rawstore import RawStore, display_name, file_name_of
from juesuan.readers import limits, read_document
from pipelines.run import build

CASES = corpus.cases()
README = Path(__file__).parent / "bad_inputs" / "README.md"


@pytest.fixture
def hostile(monkeypatch: pytest.MonkeyPatch) -> None:
    """The limits lowered to their stand-ins, tesseract missing, every document parsed in this
    process (so that both hold for it)."""
    import pytesseract

    for name, value in corpus.LIMITS.items():
        monkeypatch.setattr(limits, name, value)
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    monkeypatch.setattr(workers, "MIN_POOL_DOCUMENTS", 10**6)


def run_alone(case: corpus.Case, base: Path) -> tuple[RawStore, dict, list]:
    """(store, outcome per stored name, skipped (path, reason)) of one case, as a build does it."""
    inbox = base / "inbox"
    inbox.mkdir(parents=True)
    case.write(inbox)
    store = RawStore(base / "raw")
    summary = ingest(store, [inbox])
    outcomes = {doc.file_name: parse_stored(store, doc) for doc in summary.documents}
    return store, outcomes, summary.skipped


def assert_outcome(case: corpus.Case, row: dict, name: str) -> None:
    """The status the case expects, its message, and the file named at the message's start."""
    status, reason = row["status"], row["status_reason"]
    expected = "parsed" if case.outcome == "parsed with findings" else case.outcome
    assert status == expected, (case.key, status, reason)
    if case.outcome == "parsed":
        assert reason is None, (case.key, reason)
        return
    assert reason and re.search(case.message, reason), (case.key, reason)
    assert reason.startswith(f"{display_name(name)}: "), (case.key, reason)
    assert "\n" not in reason and "\r" not in reason


def _score(outcome: DocumentOutcome) -> float:
    return float(outcome.scorecards[0]["score"])


@pytest.mark.parametrize("case", CASES, ids=[c.key for c in CASES])
def test_each_bad_input_has_its_outcome(case: corpus.Case, tmp_path: Path, hostile) -> None:
    store, outcomes, skipped = run_alone(case, tmp_path)
    if case.outcome == "skipped":
        assert not outcomes and not store.all()
        assert sorted(p.name for p, _ in skipped) == sorted(case.names)
        for path, reason in skipped:
            assert re.search(case.message, reason), reason
            assert (tmp_path / "inbox" / path.name).is_file()  # left where it was, untouched
        return
    assert not skipped
    for name, outcome in outcomes.items():
        assert_outcome(case, outcome.documents[0], name)
    CHECKS.get(case.key, lambda *_: None)(outcomes, store, tmp_path)


def _seed(outcomes, _store, _base) -> None:
    (outcome,) = outcomes.values()
    assert outcome.documents[0]["line_item_count"] == 310 and _score(outcome) == 100


def _pdf_as_xlsx(outcomes, _store, _base) -> None:
    (row,) = (o.documents[0] for o in outcomes.values())
    assert row["department_name"] == "某市统计局" and "02" in row["tables_with_data"]


def _whole_seed(outcomes, _store, _base) -> None:
    (row,) = (o.documents[0] for o in outcomes.values())
    assert (row["department_name"], row["line_item_count"]) == (corpus.SEED_DEPARTMENT, 310)


def _scripts(outcomes, store, _base) -> None:
    _whole_seed(outcomes, store, _base)
    (doc,) = store.all()
    rows = read_document(store.object_path(doc)).rows
    assert not [r for r in rows if corpus.SCRIPT_MARK in r.text or "9,999.99" in r.text]
    assert not [r for r in rows if "document.write" in r.text or "content:" in r.text]


def _odd_name(outcomes, store, base) -> None:
    (doc,) = store.all()
    (name,) = outcomes
    assert doc.file_name == name  # recorded as it is ...
    # ... and stored under its sha256 only: nothing of the name makes a path.
    raw = base / "raw"
    assert store.object_path(doc) == raw / "objects" / doc.sha256[:2] / f"{doc.sha256}.txt"
    stored = {p.relative_to(raw).as_posix() for p in raw.rglob("*") if p.is_file()}
    assert stored == {f"objects/{doc.sha256[:2]}/{doc.sha256}.txt", f"meta/{doc.sha256}.json"}


def _gbk_name(outcomes, store, _base) -> None:
    (doc,) = store.all()
    assert doc.file_name == corpus.GBK_NAME and list(outcomes) == [corpus.GBK_NAME]


def _duplicate(outcomes, store, _base) -> None:
    (doc,) = store.all()
    assert len(outcomes) == 1
    assert {doc.file_name, *doc.other_names} == {"duplicate-a.txt", "duplicate b (copy).txt"}


def _missing_tables(outcomes, _store, _base) -> None:
    (outcome,) = outcomes.values()
    row = outcome.documents[0]
    assert row["tables_missing"] == "04 05 06" and row["tables_with_data"] == "01 02 03 09"
    assert 0 < _score(outcome) < 100


def _bad_numbers(outcomes, _store, _base) -> None:
    (outcome,) = outcomes.values()
    reason = outcome.documents[0]["status_reason"]
    for broken in ("2,4l3.52", "2.413.52", "贰仟肆佰壹拾叁", "#REF!"):
        assert f"not an amount: '{broken}'" in reason, reason
    assert "25.2812345 万元 is not a whole number of fen" in reason
    assert "111369111369111369.00 万元 is too large to be an amount" in reason
    assert reason.endswith(")") and "; narrative not kept (a value does not fit" in reason
    assert not outcome.narrative  # the prose is dropped, the tables are kept
    # An amount that cannot be read is missing, never read as zero or shifted to its neighbour.
    items = {(i["table_no"], i["code"] or i["item"], i["measure"]): i for i in outcome.line_items}
    for key in (("03", "total", "total"), ("06", "30199", "final"), ("06", "30214", "final")):
        assert key not in items, key
    assert items[("03", "total", "project")]["amount_yuan"] == 3290400  # 329.04 万元, in place


CHECKS = {
    "seed": _seed,
    "pdf-as-xlsx": _pdf_as_xlsx,
    "html-as-xls": _whole_seed,
    "text-as-docx": _whole_seed,
    "gbk-as-utf8": _whole_seed,
    "scripts-html": _scripts,
    **{c.key: _odd_name for c in CASES if c.key.startswith("odd-name-")},
    "gbk-bytes-name": _gbk_name,
    "duplicate": _duplicate,
    "missing-tables": _missing_tables,
    "bad-numbers": _bad_numbers,
}


TIME_CASE = (
    "a document slower to read than the time budget (limit lowered to 0 s)",
    "quarantined, not cached: parsed by the next build",
    "slow-2023.txt: refused: reading took more than 0 s, the limit per document "
    "(JUESUAN_MAX_SECONDS), stopped at page 1; it is tried again by the next build",
)


def test_a_document_over_the_time_budget_is_refused_and_tried_again(tmp_path, monkeypatch):
    """Time depends on the machine: the refusal names the file and the page it stopped before,
    is not cached, and the year is not marked unchanged, so the next build reads it again."""
    from juesuan.parse_year import parse_year

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "slow-2023.txt").write_text(corpus.seed_text() + "\f第二页\n", encoding="utf-8")
    layout = Layout.under(tmp_path)
    store = RawStore(layout.raw_dir)
    ingest(store, [inbox])
    monkeypatch.setattr(limits, "MAX_SECONDS", 0.0)
    first = parse_year(layout, 2023)
    assert first.statuses == {"quarantined": 1}
    assert first.problems == [f"quarantined: {TIME_CASE[2]}"]
    assert not (layout.parsed_year_dir(2023) / "_inputs.json").exists()
    monkeypatch.setattr(limits, "MAX_SECONDS", 900.0)
    second = parse_year(layout, 2023)
    assert (second.unchanged, second.parsed_now, second.statuses) == (False, 1, {"parsed": 1})


def test_the_default_limits_refuse_a_cell_bomb_quickly(tmp_path):
    """At the default limits (no stand-in): two million cells in a 2 MB file, refused in well
    under a second, after the reader has counted past the limit and no further."""
    path = tmp_path / "wide.txt"
    path.write_text("\t" * limits.MAX_CELLS, encoding="utf-8")
    with pytest.raises(limits.LimitExceeded, match=r"wide\.txt: refused: more than 2,000,000"):
        read_document(path)
    assert limits.MAX_PAGES == 1000 and limits.MAX_SECONDS == 900


# --- the whole corpus through one build ------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_build(tmp_path_factory):
    monkeypatch = pytest.MonkeyPatch()
    import pytesseract

    for name, value in corpus.LIMITS.items():
        monkeypatch.setattr(limits, name, value)
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    monkeypatch.setattr(workers, "MIN_POOL_DOCUMENTS", 10**6)
    # A base folder no SQL may be spliced with: a quote, a semicolon, a comment, spaces.
    base = tmp_path_factory.mktemp("corpus") / "o'brien; DROP TABLE documents; -- base"
    inbox = base / "inbox"
    inbox.mkdir(parents=True)
    written = {case.key: case.write(inbox) for case in CASES}
    before = {p for p in base.parent.rglob("*")}
    try:
        resource = JuesuanResource(base_dir=str(base), sources=[str(inbox)])
        summary = build(resource, instance=dg.DagsterInstance.ephemeral(), log_level="ERROR")
    finally:
        monkeypatch.undo()
    return base, written, before, summary


def _documents(layout: Layout) -> dict[str, dict]:
    with duckdb.connect(str(layout.warehouse_path), read_only=True) as con:
        cursor = con.execute("SELECT * FROM documents")
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        scores = dict(con.execute("SELECT document_id, score FROM scorecards").fetchall())
    for row in rows:
        row["score"] = scores.get(row["document_id"])
    return {row["file_name"]: row for row in rows}


def test_the_corpus_goes_through_one_build(corpus_build) -> None:
    base, written, _before, summary = corpus_build
    layout = Layout.under(base)
    documents = _documents(layout)
    store = RawStore(layout.raw_dir)
    stored = {doc.sha256: doc for doc in store.all()}
    skipped = {path.name: reason for path, reason in iter_source_files([base / "inbox"]) if reason}
    by_name = {}  # every name a file arrived under -> its document's row
    for case in CASES:
        for path in written[case.key]:
            name = file_name_of(path)
            if case.outcome == "skipped":
                assert re.search(case.message, skipped[path.name]), (case.key, path)
                continue
            # Every input kept, byte for byte, under its sha256 ...
            sha = hashlib.sha256(path.read_bytes()).hexdigest()
            doc = stored[sha]
            assert store.object_path(doc).read_bytes() == path.read_bytes()
            # ... and its outcome recorded with its reason (a duplicate under its first name).
            row = by_name[name] = documents[doc.file_name]
            assert name in (doc.file_name, *doc.other_names)
            assert_outcome(case, row, doc.file_name)
    # One row per distinct file: the duplicate is one document.
    assert (
        len(documents)
        == len(stored)
        == sum(len(written[c.key]) for c in CASES if c.outcome != "skipped") - 1
    )
    assert all(row["status_reason"] for row in documents.values() if row["status"] != "parsed")
    assert summary.steps["ingest"]["skipped"] == len(skipped) == 4
    assert summary.checks["schema_constraints"]
    assert summary.release_path is not None
    report = frictionless.validate(str(summary.release_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    write_readme(by_name, skipped)


def test_nothing_is_written_outside_the_base_folder(corpus_build) -> None:
    base, _written, before, _summary = corpus_build
    after = {p for p in base.parent.rglob("*")}
    new = {p.relative_to(base).parts[0] for p in after - before}
    assert new <= {"data", "warehouse", "releases"}, new
    layout = Layout.under(base)
    for path in (layout.raw_dir / "objects").rglob("*"):
        if path.is_file():  # objects/ab/<sha256>.<ext>, nothing else
            assert re.fullmatch(r"[0-9a-f]{64}(\.[a-z0-9]+)?", path.name), path
            assert path.parent.name == path.name[:2]
    assert {p.name for p in layout.raw_dir.iterdir()} == {"objects", "meta"}


def test_reports_show_odd_names_readably(corpus_build) -> None:
    """`juesuan quarantine` and the release README print every name on one line, control
    characters escaped, markup as text."""
    base, _written, _before, summary = corpus_build
    result = CliRunner().invoke(app, ["quarantine", "--base-dir", str(base)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    held = [line for line in lines if line.startswith(("quarantined", "refused"))]
    for name in corpus.ODD_NAMES:
        shown = display_name(name)
        assert sum(shown in line for line in held) == 1, (name, result.output)
    assert "[bold]markup[red]" in result.output  # printed, not taken for markup
    checked = CliRunner().invoke(app, ["check", "--all", "--base-dir", str(base)])
    assert checked.exit_code == 0, checked.output
    readme = (summary.release_path / "README.md").read_text(encoding="utf-8")
    bullets = [line for line in readme.splitlines() if line.startswith("- quarantined: ")]
    assert any("line\\\\nbreak.txt" in line for line in bullets), bullets
    assert any(r"\[bold\]markup\[red\] \<img src=x" in line for line in bullets), bullets


def test_the_release_lists_every_document_with_its_status(corpus_build) -> None:
    _base, _written, _before, summary = corpus_build
    descriptor = json.loads((summary.release_path / "datapackage.json").read_text("utf-8"))
    coverage = descriptor["x-coverage"]
    statuses = coverage["documents_by_status"]
    assert coverage["documents"] == sum(statuses.values())
    assert set(statuses) == {"parsed", "quarantined", "refused"}


# --- the table of tests/bad_inputs/README.md -------------------------------------------------


def _message(case: corpus.Case, row: dict | None, skip: str | None) -> str:
    if skip is not None:
        return skip
    assert row is not None
    if row["status"] == "parsed" and not row["status_reason"]:
        found = f"{row['line_item_count']} amounts, score {row['score']}"
        if row["tables_missing"]:
            found += f", tables missing: {row['tables_missing']}"
        return f"({found}; {case.note})" if case.note else f"({found})"
    return row["status_reason"]


def write_readme(by_name: dict[str, dict], skipped: dict[str, str]) -> None:
    limits_shown = ", ".join(f"{k} = {v:,}" for k, v in corpus.LIMITS.items())
    lines = [
        "# Bad inputs: what becomes of them",
        "",
        "Generated by `tests/test_bad_inputs.py` from what the whole corpus gave in one build",
        "(`documents.status` and `documents.status_reason`; skipped files: the reason of the",
        "ingest step). The files are made at test time by `tests/bad_inputs/corpus.py`; with",
        f"the limits lowered to stand-ins for the test ({limits_shown}).",
        "",
        "| input | file | outcome | message |",
        "|---|---|---|---|",
    ]
    for case in CASES:
        for name in case.names:
            shown = file_name_of(Path(name))
            row = by_name.get(shown)
            skip = skipped.get(name)
            outcome = case.outcome if skip is None else "skipped"
            message = _message(case, row if skip is None else None, skip)
            file = corpus.readable(shown, code=True)
            lines.append(
                f"| {corpus.readable(case.input)} | `{file}` | {outcome} | "
                f"{corpus.readable(message)} |"
            )
    what, outcome, message = TIME_CASE
    lines.append(f"| {what} | `slow-2023.txt` | {outcome} | {message} |")
    text = "\n".join(lines) + "\n"
    if not README.exists() or README.read_text(encoding="utf-8") != text:
        README.write_text(text, encoding="utf-8")
    print(text)  # the table, also in the test's output


def test_table_readme_names_every_case() -> None:
    """The committed table is the one the build test writes (rerun it after changing a case)."""
    if not README.exists():
        pytest.skip("written by test_the_corpus_goes_through_one_build")
    text = README.read_text(encoding="utf-8")
    for case in CASES:
        assert corpus.readable(case.input) in text, case.key
