-- sun2024battery-060: refined cobalt, china share of world refining capacity (the source: = 72 pct).
SELECT 100*SUM(value) FILTER (WHERE country_iso3='CHN')/SUM(value) AS share_pct, 'BGS World Mineral Statistics' AS release, NULL::INTEGER AS edition, '2020' AS data_year
FROM core_bgs__world_production
WHERE commodity='cobalt refined' AND year=2020 AND value IS NOT NULL
