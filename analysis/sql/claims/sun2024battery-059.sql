-- sun2024battery-059: cobalt, russia share of world mine production (the source: = 5 pct).
SELECT 100*SUM(value) FILTER (WHERE country_iso3='RUS')/SUM(value) AS share_pct, 'BGS World Mineral Statistics' AS release, NULL::INTEGER AS edition, '2020' AS data_year
FROM core_bgs__world_production
WHERE commodity='cobalt mine' AND year=2020 AND value IS NOT NULL
