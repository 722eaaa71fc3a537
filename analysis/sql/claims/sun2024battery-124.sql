-- sun2024battery-124: Indonesia's share of world nickel reserves (the source: a quarter).
-- MCS 2023 gives the world total only as a lower bound ('>100,000,000 t'), so the share is an
-- upper bound and is flagged as one.
SELECT 100 * SUM(value) FILTER (WHERE country_iso3 = 'IDN')
           / SUM(coalesce(value, value_low)) FILTER (WHERE aggregate_kind = 'world_total') AS share_pct,
       CASE WHEN any_value(value_flag) FILTER (WHERE aggregate_kind = 'world_total') = 'lower_bound'
            THEN 'upper_bound' END AS value_flag,
       'USGS Mineral Commodity Summaries' AS release, 2023 AS edition, '2022' AS data_year
FROM core_usgs_mcs__world_reserves
WHERE edition = 2023 AND commodity_id = 'nickel'
