"""Every identity of the guide, broken on purpose in a mutated copy of a real document's records:
exactly that check fails. Mutations that would break other identities too are compensated
(e.g. a grand total raised together with the balance it sums) so the failure is isolated.

The seed prints only 项 rows in its functional tables, so the parent-sum identity is broken on the
real Putuo PDF, which prints 类/款/项.
"""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from decimal import Decimal

import pytest

from juesuan.checks.identities import (
    CHECKS,
    REGISTRY,
    Amounts,
    CheckResult,
    identity_statuses,
    run_identities,
)
from juesuan.checks.scorecard import score_document, score_statuses
from juesuan.parse import parse_source
from juesuan.paths import SAMPLES_DIR
from juesuan.readers import read_document

D = Decimal("1000000.00")  # 100 万元: far beyond any rounding tolerance

INC, E = "income", "expenditure"
MUTATIONS = {
    "01.income_subtotal": [(("01", INC, None, "general_public_budget_appropriation", "final"), D)],
    "01.income_total": [(("01", INC, None, "non_appropriation_balance_used", "final"), D)],
    "01.expenditure_total": [(("01", E, None, "surplus_distribution", "final"), D)],
    "01.expenditure_subtotal": [(("01", E, "201", None, "final"), D)],
    "01.balance": [
        (("01", E, None, "grand_total", "final"), D),
        (("01", E, None, "closing_balance", "final"), D),
    ],
    "04.income_subtotal": [(("04", INC, None, "general_public_budget_appropriation", "final"), D)],
    "04.opening_balance": [
        (("04", INC, None, "opening_balance_general_public_budget", "final"), D)
    ],
    "04.income_total": [
        (("04", INC, None, "opening_balance", "final"), D),
        (("04", INC, None, "opening_balance_government_fund", "final"), D),
    ],
    "04.expenditure_total": [
        (("04", E, None, "closing_balance", "total"), D),
        (("04", E, None, "closing_balance", "government_fund"), D),
    ],
    "04.expenditure_subtotal": [
        (("04", E, "202", None, "total"), D),
        (("04", E, "202", None, "government_fund"), D),
    ],
    "04.row_sum": [(("04", E, "202", None, "total"), D), (("04", E, "203", None, "total"), -D)],
    "04.balance": [
        (("04", E, None, "grand_total", "total"), D),
        (("04", E, None, "grand_total", "government_fund"), D),
        (("04", E, None, "closing_balance", "total"), D),
        (("04", E, None, "closing_balance", "government_fund"), D),
    ],
    "functional.row_sum": [
        (("02", None, "2010301", None, "other"), D),
        (("02", None, None, "total", "other"), D),
    ],
    "functional.total_sum": [
        (("02", None, None, "total", "other"), D),
        (("02", None, None, "total", "superior_subsidy"), -D),
    ],
    "06.parent_sum": [(("06", None, "30101", None, "final"), D)],
    "06.personnel_total": [
        (("06", None, "303", None, "final"), D),
        (("06", None, "30302", None, "final"), D),
    ],
    "06.public_total": [
        (("06", None, "302", None, "final"), D),
        (("06", None, "30201", None, "final"), D),
    ],
    "09.total": [(("09", None, None, "total", "budget"), D)],
    "09.vehicle_total": [(("09", None, None, "vehicle_purchase", "budget"), D)],
    "x.02_01_income": [
        (("01", INC, None, "income_subtotal", "final"), D),
        (("01", INC, None, "general_public_budget_appropriation", "final"), D),
        (("01", INC, None, "grand_total", "final"), D),
        (("01", E, None, "grand_total", "final"), D),
        (("01", E, None, "closing_balance", "final"), D),
    ],
    "x.03_01_expenditure": [
        (("01", E, None, "expenditure_subtotal", "final"), D),
        (("01", E, "201", None, "final"), D),
        (("01", E, None, "grand_total", "final"), D),
        (("01", INC, None, "grand_total", "final"), D),
        (("01", INC, None, "opening_balance", "final"), D),
    ],
    "x.04_05_general_public_budget": [
        *(
            (("04", E, None, "expenditure_subtotal", m), D)
            for m in ("total", "general_public_budget")
        ),
        *((("04", E, "201", None, m), D) for m in ("total", "general_public_budget")),
        *((("04", E, None, "grand_total", m), D) for m in ("total", "general_public_budget")),
        (("04", INC, None, "grand_total", "final"), D),
        (("04", INC, None, "income_subtotal", "final"), D),
        (("04", INC, None, "general_public_budget_appropriation", "final"), D),
    ],
    "x.05_06_basic": [
        (("06", None, None, "personnel_total", "final"), D),
        (("06", None, "301", None, "final"), D),
        (("06", None, "30101", None, "final"), D),
    ],
}
PUTUO_MUTATIONS = {
    "functional.parent_sum": [
        (("03", None, "2010601", None, "total"), D),
        (("03", None, "2010601", None, "basic"), D),
    ],
}


@pytest.fixture(scope="module")
def putuo():
    return parse_source(read_document(SAMPLES_DIR / "putuo-finance-bureau-2024-final-accounts.pdf"))


def mutate(items, changes):
    by_key = {item.key: index for index, item in enumerate(items)}
    mutated = list(items)
    for key, delta in changes:
        index = by_key[key]  # a KeyError here means the mutation names a row that is not printed
        mutated[index] = replace(mutated[index], amount_yuan=mutated[index].amount_yuan + delta)
    return mutated


def failing(items) -> set[str]:
    return {r.check_id for r in run_identities(items) if r.status == "error"}


def test_every_check_is_exercised():
    assert set(MUTATIONS) | set(PUTUO_MUTATIONS) == {check.id for check in CHECKS}


def test_the_real_documents_fail_no_identity(seed, putuo):
    assert failing(seed.line_items) == set()
    assert failing(putuo.line_items) == set()


@pytest.mark.parametrize("check_id", sorted(MUTATIONS))
def test_breaking_one_identity_fails_exactly_that_check(seed, check_id):
    assert failing(mutate(seed.line_items, MUTATIONS[check_id])) == {check_id}


@pytest.mark.parametrize("check_id", sorted(PUTUO_MUTATIONS))
def test_breaking_one_identity_on_putuo(putuo, check_id):
    assert failing(mutate(putuo.line_items, PUTUO_MUTATIONS[check_id])) == {check_id}


def test_seed_rounding_is_reported_as_rounding_not_error(seed):
    results = {(r.check_id, r.row): r for r in run_identities(seed.line_items)}
    wages = results[("06.parent_sum", "301")]
    # 06: the items of 301 sum to 530.86 against a printed 530.87 (13 items, tolerance 0.065).
    assert wages.expected == Decimal("5308600.00") and wages.actual == Decimal("5308700.00")
    assert wages.status == "rounding"
    assert wages.tolerance == Decimal("13") * Decimal("0.005") * 10000


def test_a_difference_just_beyond_tolerance_is_an_error(seed):
    # 09.total sums three parts: tolerance 0.015 万元 = 150 元; 0.02 万元 off is an error.
    near = mutate(seed.line_items, [(("09", None, None, "total", "budget"), Decimal("100"))])
    far = mutate(seed.line_items, [(("09", None, None, "total", "budget"), Decimal("200"))])
    status = {
        r.check_id: r.status
        for r in run_identities(near)
        if r.check_id == "09.total" and r.measure == "budget"
    }
    assert status == {"09.total": "rounding"}
    assert failing(far) == {"09.total"}


def test_scorecard_formula(seed):
    card = score_document(seed, run_identities(seed.line_items))
    assert (card.tables_with_data, card.tables_empty, card.tables_missing) == (7, 2, 0)
    assert (card.identities_evaluated, card.identities_passed, card.identities_rounding) == (
        87,
        83,
        4,
    )
    assert card.completeness == 1 and card.consistency == 1 and card.score == Decimal("100.0")
    broken = mutate(seed.line_items, MUTATIONS["09.total"])
    card = score_document(seed, run_identities(broken))
    assert card.identities_failed == 1
    assert card.consistency == Decimal("0.9885")  # 86 / 87
    assert card.score == Decimal("98.9")


@pytest.mark.parametrize("check_id", sorted(MUTATIONS))
def test_each_check_reports_under_its_registered_id(seed, check_id):
    amounts = Amounts(mutate(seed.line_items, MUTATIONS[check_id]))
    for registered, function in REGISTRY:
        assert {r.check_id for r in function(amounts) if r is not None} <= {registered.id}


def test_a_result_is_the_dataclass_it_would_be_built_as(seed):
    """Results are built without the frozen dataclass's __init__ (for speed): the same objects."""
    for result in run_identities(seed.line_items):
        fields = {f.name: getattr(result, f.name) for f in dataclasses.fields(CheckResult)}
        rebuilt = CheckResult(**fields)
        assert rebuilt == result and repr(rebuilt) == repr(result)
        assert hash(rebuilt) == hash(result)


@pytest.mark.parametrize("check_id", [*sorted(MUTATIONS), "none"])
def test_statuses_are_those_of_the_results(seed, putuo, check_id):
    """identity_statuses builds no result for an identity that passes: the same statuses, in
    the same order, and the same results that do not pass, as run_identities gives."""
    for document, mutations in ((seed, MUTATIONS), (putuo, PUTUO_MUTATIONS)):
        items = mutate(document.line_items, mutations.get(check_id, []))
        results = run_identities(items)
        statuses, failing = identity_statuses(Amounts(items))
        assert statuses == [r.status for r in results]
        assert failing == [(r, r.status) for r in results if r.status != "pass"]
        assert score_statuses(document, statuses) == score_document(document, results)
