-- ipp2025dependency-036: most critical minerals end up refined and processed in China (the
-- source: more than 50 % of them). Returns the share of the critical minerals (2022 list) with a
-- processing stage in MCS 2025 (refinery, smelter, plant, primary metal; not capacity) for which
-- China produced more than half of world output in 2024.
WITH s AS (
    SELECT commodity_id, product, stage,
           COALESCE(SUM(value) FILTER (WHERE country_iso3 = 'CHN'), 0) AS china_t,
           SUM(value) FILTER (WHERE aggregate_kind = 'world_total') AS world_t
    FROM core_usgs_mcs__world_production
    WHERE edition = 2025 AND year = 2024 AND stage NOT IN ('mine', 'capacity')
      AND commodity_id IN (SELECT commodity_id FROM core_usgs_mcs__critical_minerals WHERE list_year = 2022)
    GROUP BY commodity_id, product, stage
)
SELECT 100.0 * AVG(CASE WHEN china_t / world_t > 0.5 THEN 1 ELSE 0 END) AS pct_of_stages_china_majority,
       COUNT(*) AS n_stages, 'USGS Mineral Commodity Summaries' AS release, 2025 AS edition, '2024' AS data_year
FROM s
WHERE world_t > 0
