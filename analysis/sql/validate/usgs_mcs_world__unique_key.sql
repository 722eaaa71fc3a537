-- Failing rows: keys of the MCS world tables that occur more than once.
SELECT 'core_usgs_mcs__world_production' AS tbl, edition, commodity_id, stage, product, country_name,
       CAST(year AS VARCHAR) AS year, count(*) AS n
FROM core_usgs_mcs__world_production
GROUP BY ALL HAVING count(*) > 1
UNION ALL
SELECT 'core_usgs_mcs__world_reserves', edition, commodity_id, stage, product, country_name, NULL, count(*)
FROM core_usgs_mcs__world_reserves
GROUP BY edition, commodity_id, stage, product, country_name HAVING count(*) > 1
UNION ALL
SELECT 'core_usgs_mcs__revisions', edition_to, commodity_id, stage, product_key, country_name,
       CAST(year AS VARCHAR) || ' ' || "table", count(*)
FROM core_usgs_mcs__revisions
GROUP BY edition_from, edition_to, commodity_id, "table", stage, product_key, country_name, year HAVING count(*) > 1
