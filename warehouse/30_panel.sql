-- The comparison tables: the department × year panel, its year-over-year changes, expenditure
-- by functional and by economic classification. Current documents only; amounts in yuan, exact.

-- A percentage, exact: change / base × 100, rounded half away from zero to two places, computed
-- on whole fen with integer division (a DECIMAL division in DuckDB gives a DOUBLE).
CREATE OR REPLACE MACRO exact_pct(change, base) AS (
    CASE WHEN change IS NULL OR base IS NULL OR base = 0 THEN NULL ELSE
        CAST(
            sign(change) * sign(base)
            * ((abs(CAST(change * 100 AS HUGEINT)) * 20000 + abs(CAST(base * 100 AS HUGEINT)))
                // (2 * abs(CAST(base * 100 AS HUGEINT))))
            AS DECIMAL(38, 0)
        ) * 0.01
    END
);

-- Stated facts with the document they belong to: the one named, else the current document of
-- the department and year (juesuan/compare/stated.py describes the contract).
CREATE OR REPLACE VIEW v_stated_facts AS
SELECT
    coalesce(s.document_id, cur.document_id) AS document_id,
    coalesce(s.department_id, cur.department_id) AS department_id,
    coalesce(s.fiscal_year, cur.fiscal_year) AS fiscal_year,
    s.measure,
    s.kind,
    s.value,
    s.published_unit,
    s.source_ref,
    s.source
FROM stated_facts AS s
LEFT JOIN documents AS cur
    ON s.document_id IS NULL AND cur.is_current
    AND cur.department_id = s.department_id AND cur.fiscal_year = s.fiscal_year;

-- Every panel amount of every parsed document (current or not): the printed amount named by
-- ref_panel_measures, or for a measure no table prints, the amount the prose states (the first
-- statement in reading order when there are several).
CREATE OR REPLACE VIEW v_document_panel_amounts AS
WITH printed AS (
    SELECT li.document_id, m.measure, li.amount_yuan, li.published_unit, li.source_ref
    FROM line_items AS li
    JOIN ref_panel_measures AS m
        ON li.table_no = m.table_no AND li.side IS NOT DISTINCT FROM m.side
        AND li.code IS NULL AND li.item = m.item AND li.measure = m.line_measure
),
stated AS (
    SELECT
        s.document_id, s.measure, CAST(s.value AS DECIMAL(18, 2)) AS amount_yuan,
        s.published_unit, s.source_ref
    FROM v_stated_facts AS s
    JOIN ref_panel_measures AS m ON m.measure = s.measure AND m.table_no IS NULL
    WHERE s.kind = 'amount' AND s.document_id IS NOT NULL
    QUALIFY row_number() OVER (
        PARTITION BY s.document_id, s.measure ORDER BY s.source_ref, s.value
    ) = 1
)
SELECT * FROM printed
UNION ALL
SELECT * FROM stated;

INSERT INTO department_year_changes BY NAME
WITH amounts AS (
    SELECT d.department_id, d.fiscal_year, d.document_id, a.measure, a.amount_yuan
    FROM documents AS d
    JOIN v_document_panel_amounts AS a USING (document_id)
    WHERE d.is_current
)
SELECT
    cur.department_id,
    cur.fiscal_year,
    cur.measure,
    cur.amount_yuan,
    prev.fiscal_year AS previous_fiscal_year,
    prev.amount_yuan AS previous_amount_yuan,
    cur.amount_yuan - prev.amount_yuan AS change_yuan,
    exact_pct(cur.amount_yuan - prev.amount_yuan, prev.amount_yuan) AS change_pct,
    cur.document_id,
    prev.document_id AS previous_document_id
FROM amounts AS cur
LEFT JOIN amounts AS prev
    ON prev.department_id = cur.department_id AND prev.measure = cur.measure
    AND prev.fiscal_year = cur.fiscal_year - 1;

-- The wide panel: one column per measure of ref_panel_measures (the schema lists the same).
INSERT INTO department_years BY NAME
SELECT
    d.department_id,
    d.fiscal_year,
    d.document_id,
    d.department_name,
    max(c.amount_yuan) FILTER (WHERE c.measure = 'grand_total') AS grand_total_yuan,
    max(c.amount_yuan) FILTER (WHERE c.measure = 'income_total') AS income_total_yuan,
    max(c.amount_yuan) FILTER (WHERE c.measure = 'expenditure_total') AS expenditure_total_yuan,
    max(c.amount_yuan) FILTER (WHERE c.measure = 'appropriation_grand_total')
        AS appropriation_grand_total_yuan,
    max(c.amount_yuan) FILTER (WHERE c.measure = 'fiscal_appropriation')
        AS fiscal_appropriation_yuan,
    max(c.amount_yuan) FILTER (WHERE c.measure = 'general_public_budget_expenditure')
        AS general_public_budget_expenditure_yuan,
    max(c.amount_yuan) FILTER (WHERE c.measure = 'basic_expenditure') AS basic_expenditure_yuan,
    max(c.amount_yuan) FILTER (WHERE c.measure = 'project_expenditure')
        AS project_expenditure_yuan,
    max(c.amount_yuan) FILTER (WHERE c.measure = 'personnel_expenses')
        AS personnel_expenses_yuan,
    max(c.amount_yuan) FILTER (WHERE c.measure = 'public_expenses') AS public_expenses_yuan,
    max(c.amount_yuan) FILTER (WHERE c.measure = 'three_public_budget')
        AS three_public_budget_yuan,
    max(c.amount_yuan) FILTER (WHERE c.measure = 'three_public_final') AS three_public_final_yuan,
    max(c.amount_yuan) FILTER (WHERE c.measure = 'agency_operating_expenses')
        AS agency_operating_expenses_yuan,
    (
        SELECT f.value
        FROM narrative_facts AS f
        WHERE f.document_id = d.document_id AND f.topic = 'general_public_budget'
            AND f.measure = 'initial_budget' AND f.unit = '元'
            AND f.class_name IS NULL AND f.item_name IS NULL
        ORDER BY f.fact_no
        LIMIT 1
    ) AS initial_budget_yuan,
    (
        SELECT CAST(s.value AS DECIMAL(18, 2))
        FROM v_stated_facts AS s
        WHERE s.document_id = d.document_id AND s.kind = 'completion_rate'
            AND s.measure = 'general_public_budget_expenditure'
        ORDER BY s.source_ref, s.value
        LIMIT 1
    ) AS budget_completion_pct
FROM documents AS d
LEFT JOIN department_year_changes AS c
    ON c.department_id = d.department_id AND c.fiscal_year = d.fiscal_year
WHERE d.is_current
GROUP BY d.department_id, d.fiscal_year, d.document_id, d.department_name;

-- The completion rate recomputed from the printed amounts (final of table 05 over the stated
-- initial budget): disclosures state rates that contradict their own amounts (the seed states
-- 79.88% where 2,413.52 / 2,763.50 is 87.34%).
UPDATE department_years
SET budget_completion_recomputed_pct = round(
    general_public_budget_expenditure_yuan * 100 / initial_budget_yuan, 2
)
WHERE initial_budget_yuan IS NOT NULL AND initial_budget_yuan <> 0
    AND general_public_budget_expenditure_yuan IS NOT NULL;

INSERT INTO functional_expenditure BY NAME
SELECT
    li.department_id,
    li.fiscal_year,
    li.code,
    CASE length(li.code) WHEN 3 THEN '类' WHEN 5 THEN '款' ELSE '项' END AS level,
    min(li.name) AS name,
    max(li.amount_yuan) FILTER (WHERE li.measure = 'total') AS total_yuan,
    max(li.amount_yuan) FILTER (WHERE li.measure = 'basic') AS basic_yuan,
    max(li.amount_yuan) FILTER (WHERE li.measure = 'project') AS project_yuan,
    li.document_id
FROM v_current_line_items AS li
WHERE li.table_no = '03' AND li.code IS NOT NULL
GROUP BY li.department_id, li.fiscal_year, li.code, li.document_id;

INSERT INTO economic_expenditure BY NAME
SELECT
    li.department_id,
    li.fiscal_year,
    li.code,
    CASE length(li.code) WHEN 3 THEN '类' ELSE '款' END AS level,
    li.name,
    li.amount_yuan,
    li.document_id
FROM v_current_line_items AS li
WHERE li.table_no = '06' AND li.code IS NOT NULL AND li.measure = 'final';
