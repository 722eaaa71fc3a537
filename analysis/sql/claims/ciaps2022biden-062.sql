-- ciaps2022biden-062: lithium, us share of world mine production (the source: < 1 pct).
SELECT 100 * SUM(value) FILTER (WHERE country_iso3='USA') / SUM(value) FILTER (WHERE aggregate_kind='world_total') AS share_pct, any_value(value_flag) FILTER (WHERE country_iso3='USA') AS us_value_flag, 'USGS Mineral Commodity Summaries' AS release, 2023 AS edition, '2022' AS data_year
FROM core_usgs_mcs__world_production
WHERE edition=2023 AND commodity_id='lithium' AND stage='mine' AND year=2022
