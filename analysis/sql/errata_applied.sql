-- Official corrections published after a release, as the extracts applied them: one row
-- per erratum with the value as published, as corrected, and its citation.
-- $errata_csv: path of data/reference/errata.csv.
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
FROM read_csv($errata_csv, all_varchar = true) AS e
LEFT JOIN applied AS a USING (errata_id)
GROUP BY ALL
ORDER BY e.edition, e.commodity_id, e.country_name
