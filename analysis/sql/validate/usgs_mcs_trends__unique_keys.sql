-- Failing rows: primary keys of the MCS salient / industry-trends tables that occur more than once.
SELECT 'core_usgs_mcs__us_salient' AS table_name,
       concat_ws('|', edition, commodity_id, commodity_name, statistic_detail, occurrence, year) AS key, count(*) AS n
FROM core_usgs_mcs__us_salient GROUP BY ALL HAVING count(*) > 1
UNION ALL
SELECT 'core_usgs_mcs__net_import_reliance', concat_ws('|', edition, commodity_id, form, year), count(*)
FROM core_usgs_mcs__net_import_reliance GROUP BY ALL HAVING count(*) > 1
UNION ALL
SELECT 'core_usgs_mcs__import_sources', concat_ws('|', edition, commodity_id, form, country_name, period), count(*)
FROM core_usgs_mcs__import_sources GROUP BY ALL HAVING count(*) > 1
UNION ALL
SELECT 'core_usgs_mcs__critical_minerals', concat_ws('|', list_year, commodity_id), count(*)
FROM core_usgs_mcs__critical_minerals GROUP BY ALL HAVING count(*) > 1
UNION ALL
SELECT 'core_usgs_mcs__critical_minerals_salient', concat_ws('|', edition, commodity_id, name_published), count(*)
FROM core_usgs_mcs__critical_minerals_salient GROUP BY ALL HAVING count(*) > 1
UNION ALL
SELECT 'core_usgs_mcs__import_source_counts', concat_ws('|', edition, country_name_source), count(*)
FROM core_usgs_mcs__import_source_counts GROUP BY ALL HAVING count(*) > 1
