-- ciaps2022biden-011: germanium, us net import reliance (the source: > 80 pct).
SELECT coalesce(net_import_reliance_pct, value_low) AS value_pct, form, value_flag, value_original, 'USGS Mineral Commodity Summaries' AS release, 2023 AS edition, '2022' AS data_year
FROM core_usgs_mcs__net_import_reliance
WHERE edition=2023 AND commodity_id='germanium' AND year=2022
