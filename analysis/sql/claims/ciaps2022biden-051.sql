-- ciaps2022biden-051: manganese, south africa share of world reserves (the source: = 74 pct).
SELECT 100*SUM(value) FILTER (WHERE country_iso3 IN ('ZAF'))/SUM(value) FILTER (WHERE aggregate_kind='world_total') AS share_pct, 'USGS Mineral Commodity Summaries' AS release, 2023 AS edition, '2022' AS data_year
FROM core_usgs_mcs__world_reserves
WHERE edition=2023 AND commodity_id='manganese'
