-- ciaps2022biden-068: platinum, south africa share of world mine production (the source: = 75 pct).
SELECT 100*SUM(value) FILTER (WHERE country_iso3 IN ('ZAF'))/SUM(value) FILTER (WHERE aggregate_kind='world_total') AS share_pct, 'USGS Mineral Commodity Summaries' AS release, 2023 AS edition, '2021' AS data_year
FROM core_usgs_mcs__world_production
WHERE edition=2023 AND commodity_id='platinum_group_metals' AND stage='mine' AND year=2021 AND product ILIKE '%platinum%'
