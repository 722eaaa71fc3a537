-- sun2024battery-029: US net import reliance, critical minerals, count critical minerals 100pct net import reliant (the source: = 12 count).
WITH crit AS (SELECT DISTINCT commodity_id
    FROM core_usgs_mcs__critical_minerals
    WHERE list_year=2022), n AS (SELECT CASE commodity_id WHEN 'titanium_metal' THEN 'titanium' WHEN 'titanium_mineral_concentrates' THEN 'titanium' WHEN 'magnesium_compounds' THEN 'magnesium' WHEN 'magnesium_metal' THEN 'magnesium' ELSE commodity_id END AS cid
    FROM core_usgs_mcs__net_import_reliance
    WHERE edition=2023 AND year=2022 AND net_import_reliance_pct=100)
SELECT COUNT(DISTINCT cid) AS n_commodities, 'USGS Mineral Commodity Summaries' AS release, 2023 AS edition, '2022' AS data_year
FROM n
WHERE cid IN (SELECT commodity_id
    FROM crit)
