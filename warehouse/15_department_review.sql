-- Names to review: printed names that matched no curated alias (department_names.match =
-- 'automatic'), newest first, with the department they were registered as and its other names.
-- A reviewer who finds that two of them are one department (a rename, a merger of spellings the
-- normalisation does not know) adds both to juesuan/data/department_aliases.csv under one id.
CREATE OR REPLACE VIEW v_department_review AS
SELECT
    n.name,
    n.department_id,
    n.name_key,
    n.first_year,
    n.last_year,
    n.documents,
    d.region,
    d.admin_level,
    d.printed_names AS department_printed_names
FROM department_names AS n
JOIN departments AS d USING (department_id)
WHERE n.match = 'automatic'
ORDER BY n.last_year DESC NULLS LAST, n.name;
