-- Failing rows: duplicate keys in the two rare-earth history tables.
SELECT 'core_usgs__rare_earths_us_history' AS table_name, statistic AS key1, CAST(year AS VARCHAR) AS key2, count(*) AS n
FROM core_usgs__rare_earths_us_history GROUP BY ALL HAVING count(*) > 1
UNION ALL
SELECT 'core_usgs__rare_earths_world_production_myb2022', country_name, CAST(year AS VARCHAR), count(*)
FROM core_usgs__rare_earths_world_production_myb2022 GROUP BY ALL HAVING count(*) > 1
