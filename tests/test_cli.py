"""The command line: readable output, JSON records, and one clear line for every user error."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from juesuan.cli import app

runner = CliRunner()


def test_parse_prints_what_was_found(seed_path):
    result = runner.invoke(app, ["parse", str(seed_path)])
    assert result.exit_code == 0, result.output
    assert "郑州高新技术产业开发区管委会政务服务中心" in result.output
    assert "2023" in result.output
    lines = {line.split("│")[1].strip(): line for line in result.output.splitlines() if "│" in line}
    assert "empty" in lines["07"] and "empty" in lines["08"]
    assert "125" in lines["04"]


def test_parse_json_gives_the_records(seed_path):
    result = runner.invoke(app, ["parse", str(seed_path), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["fiscal_year"] == 2023
    assert len(data["line_items"]) == 310
    rent = next(r for r in data["line_items"] if r["code"] == "30214")
    assert rent["amount_yuan"] == "11136900.00" and rent["source_ref"] == "L248"


def test_missing_file_is_one_clear_line(tmp_path):
    result = runner.invoke(app, ["parse", str(tmp_path / "nope.pdf")])
    assert result.exit_code == 1
    assert "nope.pdf: no such file" in result.output
    assert "Traceback" not in result.output


def test_unreadable_file_is_one_clear_line(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x80\x80\xff\xff garbage")
    result = runner.invoke(app, ["parse", str(bad)])
    assert result.exit_code == 1
    assert "bad.txt" in result.output and "Traceback" not in result.output


def test_budget_is_refused(tmp_path):
    doc = tmp_path / "synthetic-budget.txt"
    doc.write_text("SYNTHETIC TEST DOCUMENT\n2018年度某某法院部门预算\n", encoding="utf-8")
    result = runner.invoke(app, ["parse", str(doc)])
    assert result.exit_code == 2
    assert "not final accounts" in result.output


def test_build_then_releases(tmp_path, seed_path):
    result = runner.invoke(app, ["build", str(seed_path), "--base-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Release:" in result.output and str(tmp_path) in result.output
    listed = runner.invoke(app, ["releases", "--base-dir", str(tmp_path)])
    assert listed.exit_code == 0 and ".0" in listed.output
