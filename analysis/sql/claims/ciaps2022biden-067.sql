-- ciaps2022biden-067: copper, peru share of world mine production (the source: = 12 pct).
SELECT 100*SUM(value) FILTER (WHERE country_iso3 IN ('PER'))/SUM(value) FILTER (WHERE aggregate_kind='world_total') AS share_pct, 'USGS Mineral Commodity Summaries' AS release, 2023 AS edition, '2021' AS data_year
FROM core_usgs_mcs__world_production
WHERE edition=2023 AND commodity_id='copper' AND stage='mine' AND year=2021
