-- cheng2024friendshoring-016: US mineral commodities above 50% net import reliance, number of commodities (the source: = 24 count).
SELECT COUNT(*) AS n, 'USGS Mineral Commodity Summaries' AS release, 2024 AS edition, '2023' AS data_year
FROM core_usgs_mcs__net_import_reliance
WHERE edition=2024 AND year=2023 AND (net_import_reliance_pct > 50 OR (value_flag='lower_bound' AND value_low >= 50)) AND net_import_reliance_pct IS DISTINCT FROM 100
