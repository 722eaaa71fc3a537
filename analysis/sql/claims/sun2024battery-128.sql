-- sun2024battery-128: lithium (Argentina, Bolivia, Chile, Mexico, Brazil), share of world mine production (the source: = 35 pct).
SELECT 100*SUM(value) FILTER (WHERE country_iso3 IN ('ARG','BOL','CHL','MEX','BRA'))/SUM(value) FILTER (WHERE aggregate_kind='world_total') AS share_pct, 'USGS Mineral Commodity Summaries' AS release, 2023 AS edition, '2022' AS data_year
FROM core_usgs_mcs__world_production
WHERE edition=2023 AND commodity_id='lithium' AND stage='mine' AND year=2022
