-- cheng2024friendshoring-015: US mineral commodities 100% net import reliant, number of commodities (the source: = 15 count).
SELECT COUNT(*) AS n, 'USGS Mineral Commodity Summaries' AS release, 2024 AS edition, '2023' AS data_year
FROM core_usgs_mcs__net_import_reliance
WHERE edition=2024 AND year=2023 AND net_import_reliance_pct=100
