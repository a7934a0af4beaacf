"""Comparison across departments and years: the cross-year work of the warehouse stage.

Rules are data beside this module (panel_measures.csv: what each panel column is read from;
stated_subjects.csv: how the prose names them); the tables themselves are SQL in warehouse/
(10_current_documents, 20_code_lists, 30_panel, 40_prior_year). `prepare` readies the warehouse
for that SQL: the department registry applied, the reference tables, the stated facts.
"""

from juesuan.compare.prepare import prepare_comparisons
from juesuan.compare.prior_year import PriorYearCheck, compare_prior_year
from juesuan.compare.stated import StatedFact

__all__ = ["PriorYearCheck", "StatedFact", "compare_prior_year", "prepare_comparisons"]
