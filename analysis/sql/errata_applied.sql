-- Official corrections published after a release, as the extracts applied them: one row
-- per erratum with the value as published, as corrected, and its citation.
-- The errata are the reviewed reference table data/reference/errata.csv (a view in analysis.db).
WITH applied AS (
    SELECT errata_id, count(*) AS rows_corrected FROM core_usgs_mcs__world_reserves
    WHERE errata_id IS NOT NULL GROUP BY errata_id
    UNION ALL
    SELECT errata_id, count(*) FROM core_usgs_mcs__world_production
    WHERE errata_id IS NOT NULL GROUP BY errata_id
)
SELECT
    e.edition,
    e.commodity_id,
    e.country_name,
    e.year,
    e.value_published,
    e.value_corrected,
    e.source,
    coalesce(sum(a.rows_corrected), 0)::INTEGER AS rows_corrected
FROM core_reference__errata AS e
LEFT JOIN applied AS a USING (errata_id)
GROUP BY ALL
ORDER BY e.edition, e.commodity_id, e.country_name
