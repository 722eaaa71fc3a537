-- sun2024battery-030: US net import reliance, critical minerals, count critical minerals over50pct below100pct net import reliant (the source: = 31 count).
WITH crit AS (SELECT DISTINCT commodity_id
    FROM core_usgs_mcs__critical_minerals
    WHERE list_year=2022), n AS (SELECT CASE commodity_id WHEN 'titanium_metal' THEN 'titanium' WHEN 'titanium_mineral_concentrates' THEN 'titanium' WHEN 'magnesium_compounds' THEN 'magnesium' WHEN 'magnesium_metal' THEN 'magnesium' ELSE commodity_id END AS cid
    FROM core_usgs_mcs__net_import_reliance
    WHERE edition=2023 AND year=2022 AND coalesce(net_import_reliance_pct, value_low) < 100 AND (net_import_reliance_pct > 50 OR (value_flag='lower_bound' AND value_low >= 50)))
SELECT COUNT(DISTINCT cid) FILTER (WHERE cid<>'rare_earths' AND cid IN (SELECT commodity_id
        FROM crit)) + 14*COUNT(DISTINCT cid) FILTER (WHERE cid='rare_earths') AS n_commodities, 'USGS Mineral Commodity Summaries' AS release, 2023 AS edition, '2022' AS data_year
FROM n
