-- The prior-year check: a change over the previous year that a disclosure states ("与上年度相比，
-- 收、支总计各增加 547.92 万元") against this year's amount minus last year's, when the previous
-- year's disclosure of the same department was ingested.
--
-- prior_year_comparison('a table') compares the `change` rows of any table shaped like
-- stated_facts (juesuan/compare/stated.py), so stated changes from any source can be checked:
-- the warehouse's own stated_facts below, or rows a caller registers (juesuan/compare/prior_year.py).
-- This year's amount is the stating document's own; last year's that of the previous year's
-- current document. Both are printed amounts rounded to their unit and the stated change is
-- rounded to its own, so a difference up to 2 × half a unit of the coarsest unit (100 yuan for
-- 万元) is rounding (尾差); beyond it an error. Comparisons that cannot be made say why
-- (no_amount, no_previous_year, no_previous_amount). The check is in the catalogue as
-- prior_year.change (juesuan/compare/prior_year.py).
CREATE OR REPLACE MACRO prior_year_comparison(stated) AS TABLE
WITH s AS (
    SELECT
        coalesce(s.document_id, cur.document_id) AS document_id,
        coalesce(doc.department_id, s.department_id) AS department_id,
        coalesce(doc.fiscal_year, s.fiscal_year) AS fiscal_year,
        s.measure,
        CAST(s.value AS DECIMAL(18, 2)) AS stated_yuan,
        coalesce(s.published_unit, '万元') AS stated_unit,
        s.source_ref
    FROM query_table(stated) AS s
    LEFT JOIN documents AS doc ON doc.document_id = s.document_id
    LEFT JOIN documents AS cur
        ON s.document_id IS NULL AND cur.is_current
        AND cur.department_id = s.department_id AND cur.fiscal_year = s.fiscal_year
    WHERE s.kind = 'change'
),
compared AS (
    SELECT
        s.document_id,
        s.department_id,
        s.fiscal_year,
        s.measure,
        m.table_no,
        coalesce(m.item, m.measure) AS "row",
        coalesce(m.line_measure, 'amount') AS line_measure,
        this.amount_yuan AS current_yuan,
        prev.fiscal_year AS previous_fiscal_year,
        prev.document_id AS previous_document_id,
        last.amount_yuan AS previous_yuan,
        this.amount_yuan - last.amount_yuan AS expected_yuan,
        s.stated_yuan,
        s.stated_yuan - (this.amount_yuan - last.amount_yuan) AS difference_yuan,
        CASE WHEN '万元' IN (s.stated_unit, this.published_unit, last.published_unit)
            THEN 100.00 ELSE 0.01 END AS tolerance_yuan,
        coalesce(s.source_ref, this.source_ref) AS source_ref
    FROM s
    JOIN ref_panel_measures AS m ON m.measure = s.measure
    LEFT JOIN v_document_panel_amounts AS this
        ON this.document_id = s.document_id AND this.measure = s.measure
    LEFT JOIN documents AS prev
        ON prev.is_current AND prev.department_id = s.department_id
        AND prev.fiscal_year = s.fiscal_year - 1
    LEFT JOIN v_document_panel_amounts AS last
        ON last.document_id = prev.document_id AND last.measure = s.measure
)
SELECT
    *,
    CASE
        WHEN current_yuan IS NULL THEN 'no_amount'
        WHEN previous_document_id IS NULL THEN 'no_previous_year'
        WHEN previous_yuan IS NULL THEN 'no_previous_amount'
        WHEN difference_yuan = 0 THEN 'pass'
        WHEN abs(difference_yuan) <= tolerance_yuan THEN 'rounding'
        ELSE 'error'
    END AS status
FROM compared;

-- Every comparison the warehouse's stated facts allow, passes included.
CREATE OR REPLACE VIEW v_prior_year_checks AS
SELECT * FROM prior_year_comparison('stated_facts');

-- Findings, like the identities: what did not hold exactly (passes are not listed).
INSERT INTO check_results BY NAME
SELECT
    document_id,
    fiscal_year,
    'prior_year.change' AS check_id,
    table_no,
    "row",
    line_measure AS measure,
    '元' AS unit,
    stated_yuan AS actual,
    expected_yuan AS expected,
    difference_yuan AS difference,
    tolerance_yuan AS tolerance,
    2 AS parts,
    status,
    coalesce(source_ref, '') AS source_ref
FROM v_prior_year_checks
WHERE status IN ('rounding', 'error')
QUALIFY row_number() OVER (
    PARTITION BY document_id, table_no, "row", line_measure, coalesce(source_ref, '')
    ORDER BY status = 'error' DESC, abs(difference_yuan) DESC
) = 1;
