-- Code lists as the documents print them (schemas functional_codes, economic_codes,
-- code_name_conflicts), from current documents only (10_current_documents.sql).

-- Every printed code with its name, table and place: the source of the three tables below.
-- Functional 类 are printed by name in tables 01 and 04 (the parser gives them their code) and
-- with their code in 02/03/05/07/08, where 款 and 项 are printed too; economic codes in 06.
CREATE OR REPLACE VIEW v_printed_codes AS
SELECT
    CASE WHEN li.table_no = '06' THEN 'economic' ELSE 'functional' END AS classification,
    li.code,
    CASE length(li.code) WHEN 3 THEN '类' WHEN 5 THEN '款' ELSE '项' END AS level,
    li.fiscal_year,
    li.name,
    li.document_id,
    li.table_no,
    min(li.source_ref) AS source_ref
FROM v_current_line_items AS li
WHERE li.code IS NOT NULL
    AND (li.table_no IN ('02', '03', '05', '06', '07', '08')
        OR (li.table_no IN ('01', '04') AND li.side = 'expenditure'))
GROUP BY ALL;

-- Read by the three tables below: aggregated once.
CREATE TEMP TABLE printed_codes AS SELECT * FROM v_printed_codes;

INSERT INTO functional_codes BY NAME
SELECT
    p.code,
    p.level,
    p.fiscal_year,
    p.name,
    count(DISTINCT p.document_id) AS documents,
    string_agg(DISTINCT p.table_no, ' ' ORDER BY p.table_no) AS tables,
    any_value(r.name) AS reference_name,
    CASE
        WHEN p.level <> '类' THEN NULL
        WHEN any_value(r.name) = p.name THEN 'current'
        WHEN list_contains(any_value(r.earlier_names), p.name) THEN 'earlier'
        ELSE 'unlisted'
    END AS reference_status
FROM printed_codes AS p
LEFT JOIN ref_function_classes AS r ON p.level = '类' AND r.code = p.code
WHERE p.classification = 'functional'
GROUP BY p.code, p.level, p.fiscal_year, p.name;

INSERT INTO economic_codes BY NAME
SELECT code, level, fiscal_year, name, count(DISTINCT document_id) AS documents
FROM printed_codes
WHERE classification = 'economic'
GROUP BY ALL;

-- A code printed under two or more names in one year: one row per name, with an example.
INSERT INTO code_name_conflicts BY NAME
WITH names AS (
    SELECT
        classification, code, level, fiscal_year, name,
        count(DISTINCT document_id) AS documents,
        arg_min(document_id, document_id || ' ' || source_ref) AS example_document_id,
        arg_min(source_ref, document_id || ' ' || source_ref) AS example_source_ref
    FROM printed_codes
    GROUP BY ALL
)
SELECT
    *,
    count(*) OVER (PARTITION BY classification, code, fiscal_year) AS names_in_year
FROM names
QUALIFY names_in_year > 1;

DROP TABLE printed_codes;
