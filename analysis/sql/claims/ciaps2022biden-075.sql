-- ciaps2022biden-075: lithium, us share of world reserves (the source: = 3.6 pct).
SELECT 100*SUM(value) FILTER (WHERE country_iso3 IN ('USA'))/SUM(value) FILTER (WHERE aggregate_kind='world_total') AS share_pct, 'USGS Mineral Commodity Summaries' AS release, 2023 AS edition, '2022' AS data_year
FROM core_usgs_mcs__world_reserves
WHERE edition=2023 AND commodity_id='lithium'
