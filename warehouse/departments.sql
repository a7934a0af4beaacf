-- The department registry, derived from the documents (DDL comes from schemas/departments.schema.yaml).
--
-- One row per department_id (ids already resolved by juesuan/registry: curated aliases first).
-- `name` is the name printed in the department's most recent fiscal year (ties: the
-- lexicographically smallest); `printed_names` lists every distinct printed name, sorted, joined
-- with " | ". Documents without a department_id (quarantined or refused before the department was
-- known) are skipped; documents of any status that do carry one are kept, so that every
-- documents.department_id has its row here. Region and level come from ref_department_places
-- (read from each printed name with the gazetteer): those of the most recent name that names a
-- place, so a department renamed to a name without its place keeps it.
INSERT INTO departments BY NAME
WITH printed AS (
    SELECT DISTINCT department_id, department_name AS name, fiscal_year
    FROM documents
    WHERE department_id IS NOT NULL AND department_name IS NOT NULL
),
latest AS (
    SELECT department_id, name
    FROM printed
    QUALIFY row_number() OVER (
        PARTITION BY department_id ORDER BY fiscal_year DESC NULLS LAST, name
    ) = 1
),
aliases AS (
    SELECT department_id, string_agg(DISTINCT name, ' | ' ORDER BY name) AS printed_names
    FROM printed
    GROUP BY department_id
),
place AS (
    SELECT printed.department_id, p.*
    FROM printed
    JOIN ref_department_places AS p USING (name)
    QUALIFY row_number() OVER (
        PARTITION BY printed.department_id
        ORDER BY p.admin_level IS NULL, p.region IS NULL, printed.fiscal_year DESC NULLS LAST,
            printed.name
    ) = 1
)
SELECT
    latest.department_id,
    latest.name,
    place.region,
    place.admin_level,
    aliases.printed_names,
    place.province,
    place.city,
    place.county,
    place.adcode
FROM latest
JOIN aliases USING (department_id)
LEFT JOIN place USING (department_id)
ORDER BY department_id;
