-- cheng2024friendshoring-013: US mineral commodities relying on imports for more than half of consumption, number of commodities (the source: = 49 count).
SELECT COUNT(*) AS n, 'USGS Mineral Commodity Summaries' AS release, 2024 AS edition, '2023' AS data_year
FROM core_usgs_mcs__net_import_reliance
WHERE edition=2024 AND year=2023 AND (net_import_reliance_pct > 50 OR (value_flag='lower_bound' AND value_low >= 50))
