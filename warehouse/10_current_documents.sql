-- Which version of a department's accounts for a year counts (documents.is_current).
--
-- Re-published and corrected disclosures are all kept; one per department and fiscal year is
-- current, and the comparison tables read current documents only, so no amount counts twice.
-- The rule (also in schemas/documents.schema.yaml): among the parsed final accounts of one
-- department_id and fiscal_year, the latest date the document prints for itself (documents
-- printing none rank after those printing one), then the latest ingestion, then the greatest
-- sha256 (an arbitrary but stable choice). Quarantined and refused documents are never current.
UPDATE documents SET is_current = (document_id IN (
    SELECT document_id
    FROM documents
    WHERE status = 'parsed' AND kind = 'final_accounts'
        AND department_id IS NOT NULL AND fiscal_year IS NOT NULL
    QUALIFY row_number() OVER (
        PARTITION BY department_id, fiscal_year
        ORDER BY document_date DESC NULLS LAST, ingested_at DESC NULLS LAST, sha256 DESC
    ) = 1
));

-- The line items of current documents: what every comparison reads.
CREATE OR REPLACE VIEW v_current_line_items AS
SELECT li.*
FROM line_items AS li
JOIN documents AS d USING (document_id)
WHERE d.is_current;
