-- ipp2025dependency-011: China controls up to 90 % of the processing of critical minerals and
-- rare earths (the source: at most 90 %). Returns China's largest share of world output at any
-- processing stage (refinery, smelter, plant, primary metal; capacity rows are not output) of a
-- critical mineral (2022 list) in MCS 2025, data year 2024, with the mineral it belongs to.
WITH s AS (
    SELECT commodity_id, product, stage,
           COALESCE(SUM(value) FILTER (WHERE country_iso3 = 'CHN'), 0) AS china_t,
           SUM(value) FILTER (WHERE aggregate_kind = 'world_total') AS world_t
    FROM core_usgs_mcs__world_production
    WHERE edition = 2025 AND year = 2024 AND stage NOT IN ('mine', 'capacity')
      AND commodity_id IN (SELECT commodity_id FROM core_usgs_mcs__critical_minerals WHERE list_year = 2022)
    GROUP BY commodity_id, product, stage
)
SELECT 100.0 * china_t / world_t AS china_share_pct_max, stage || ' ' || commodity_id AS detail,
       'USGS Mineral Commodity Summaries' AS release, 2025 AS edition, '2024' AS data_year
FROM s
WHERE world_t > 0
ORDER BY china_t / world_t DESC, commodity_id
LIMIT 1
