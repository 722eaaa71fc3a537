-- sun2024battery-104: lithium (Chile), world mine production rank (the source: = 2 rank).
SELECT rk, 'USGS Mineral Commodity Summaries' AS release, 2023 AS edition, '2022' AS data_year
FROM (SELECT country_iso3, RANK() OVER (ORDER BY value DESC) AS rk
    FROM core_usgs_mcs__world_production
    WHERE edition=2023 AND commodity_id='lithium' AND stage='mine' AND year=2022 AND NOT is_aggregate AND value IS NOT NULL)
WHERE country_iso3='CHL'
