-- Failing rows: negative quantities or unit values in the rare-earth history tables.
SELECT 'core_usgs__rare_earths_us_history' AS table_name, statistic AS what, year, value, source_row
FROM core_usgs__rare_earths_us_history WHERE value < 0
UNION ALL
SELECT 'core_usgs__rare_earths_world_production_myb2022', country_name, year, value, source_row
FROM core_usgs__rare_earths_world_production_myb2022 WHERE value < 0
