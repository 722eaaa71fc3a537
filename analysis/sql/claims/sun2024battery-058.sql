-- sun2024battery-058: cobalt, drc share of world mine production (the source: about 70 pct).
SELECT 100*SUM(value) FILTER (WHERE country_iso3='COD')/SUM(value) AS share_pct, 'BGS World Mineral Statistics' AS release, NULL::INTEGER AS edition, '2020' AS data_year
FROM core_bgs__world_production
WHERE commodity='cobalt mine' AND year=2020 AND value IS NOT NULL
