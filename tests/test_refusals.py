"""Documents that are not final accounts are recognised and refused, never parsed as such."""

from __future__ import annotations

from typer.testing import CliRunner

from juesuan.cli import app
from juesuan.parse import parse_source
from juesuan.paths import SAMPLES_DIR
from juesuan.readers import read_document

BUDGET = SAMPLES_DIR / "jiangsu-high-court-2018-budget.pdf"
TEMPLATE = SAMPLES_DIR / "putuo-template-2024-final-accounts.pdf"


def test_the_real_budget_is_recognised_as_a_budget():
    parsed = parse_source(read_document(BUDGET))
    assert parsed.kind == "budget"
    assert parsed.fiscal_year == 2018
    assert parsed.department_name == "江苏省高级人民法院"
    assert parsed.line_items == [] and parsed.tables == {}


def test_the_template_is_recognised_as_a_template():
    parsed = parse_source(read_document(TEMPLATE))
    assert parsed.kind == "template"
    assert parsed.line_items == []


def test_parse_command_refuses_them_with_a_clear_message():
    runner = CliRunner()
    for path, kind in [(BUDGET, "budget"), (TEMPLATE, "template")]:
        result = runner.invoke(app, ["parse", str(path)])
        assert result.exit_code == 2
        assert f"a {kind} document, not final accounts" in result.output
        assert "Traceback" not in result.output
