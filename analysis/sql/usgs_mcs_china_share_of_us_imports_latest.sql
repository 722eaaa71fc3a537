-- China's share of US imports by commodity and form in the latest MCS edition that gives
-- import-source shares by country (the 2026 edition gives them for 2021–24; earlier
-- editions give only a ranked list). One row per commodity and form, with China's rank
-- among the sources USGS lists. USGS counts Hong Kong with China for most commodities
-- (the notes column says so).
WITH latest AS (
    SELECT max(edition) AS edition
    FROM core_usgs_mcs__import_sources
    WHERE share_pct IS NOT NULL
)
SELECT
    s.edition,
    s.commodity_id,
    s.commodity_name,
    s.form,
    s.period,
    s.share_pct,
    s.rank,
    s.notes
FROM core_usgs_mcs__import_sources AS s
JOIN latest USING (edition)
WHERE s.country_iso3 = 'CHN'
  AND s.share_pct IS NOT NULL
ORDER BY s.commodity_id, s.form
