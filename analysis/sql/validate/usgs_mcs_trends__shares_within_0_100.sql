-- Failing rows: percentages outside 0-100 (net import reliance, its bounds, import-source
-- shares and their bounds, T5 leading-producer shares). Net import reliance is never
-- negative in MCS: a net exporter is published as "E" and carried as a flag.
SELECT 'core_usgs_mcs__net_import_reliance' AS table_name, source_file, source_row,
       commodity_id, value_original, net_import_reliance_pct AS pct, value_low, value_high
FROM core_usgs_mcs__net_import_reliance
WHERE net_import_reliance_pct NOT BETWEEN 0 AND 100
   OR value_low NOT BETWEEN 0 AND 100 OR value_high NOT BETWEEN 0 AND 100
UNION ALL
SELECT 'core_usgs_mcs__import_sources', source_file, source_row, commodity_id, value_original, share_pct, value_low, value_high
FROM core_usgs_mcs__import_sources
WHERE share_pct NOT BETWEEN 0 AND 100 OR value_low NOT BETWEEN 0 AND 100 OR value_high NOT BETWEEN 0 AND 100
UNION ALL
SELECT 'core_usgs_mcs__us_salient', source_file, source_row, commodity_id, value_original, value, value_low, value_high
FROM core_usgs_mcs__us_salient
WHERE statistic = 'net_import_reliance'
  AND (value NOT BETWEEN 0 AND 100 OR value_low NOT BETWEEN 0 AND 100 OR value_high NOT BETWEEN 0 AND 100)
UNION ALL
SELECT 'core_usgs_mcs__critical_minerals_salient', source_file, source_row, commodity_id,
       CAST(leading_producer_share_pct AS VARCHAR), leading_producer_share_pct, NULL, NULL
FROM core_usgs_mcs__critical_minerals_salient
WHERE leading_producer_share_pct NOT BETWEEN 0 AND 100 OR net_import_reliance_pct NOT BETWEEN 0 AND 100
