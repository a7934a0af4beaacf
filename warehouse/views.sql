-- Views for analysts. They are rebuilt with the warehouse; the tables come from schemas/.

-- Every line item of the current version of each disclosure (a superseded version would count
-- twice; line_items keeps them all) with the department's canonical name and the amount in 万元
-- (exact, six places: an amount printed in 元 keeps its fen), the unit most tables are printed in.
CREATE OR REPLACE VIEW v_line_items_wan AS
SELECT
    li.fiscal_year,
    li.department_id,
    d.name AS department_name,
    li.table_no,
    li.side,
    li.code,
    li.item,
    li.name,
    li.measure,
    CAST(li.amount_yuan AS DECIMAL(20, 2)) * 0.0001 AS amount_wan,
    li.amount_yuan,
    li.published_unit,
    li.document_id,
    li.source_ref
FROM v_current_line_items AS li
LEFT JOIN departments AS d USING (department_id);

-- Coverage: per department and fiscal year, the documents received, how many were parsed, and the
-- amounts loaded, so gaps in a multi-year comparison are visible before comparing.
CREATE OR REPLACE VIEW v_department_years AS
SELECT
    doc.department_id,
    d.name AS department_name,
    doc.fiscal_year,
    count(*) AS documents,
    count(*) FILTER (WHERE doc.status = 'parsed') AS documents_parsed,
    CAST(coalesce(sum(li.line_items), 0) AS BIGINT) AS line_items
FROM documents AS doc
LEFT JOIN departments AS d USING (department_id)
LEFT JOIN (
    SELECT document_id, count(*) AS line_items FROM line_items GROUP BY document_id
) AS li USING (document_id)
GROUP BY ALL
ORDER BY doc.department_id, doc.fiscal_year;
