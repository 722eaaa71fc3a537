-- ciaps2022biden-048: cobalt, drc share of world mine production (the source: about 50 pct).
SELECT 100*SUM(value) FILTER (WHERE country_iso3 IN ('COD'))/SUM(value) FILTER (WHERE aggregate_kind='world_total') AS share_pct, 'USGS Mineral Commodity Summaries' AS release, 2023 AS edition, '2021' AS data_year
FROM core_usgs_mcs__world_production
WHERE edition=2023 AND commodity_id='cobalt' AND stage='mine' AND year=2021
