-- ipp2025dependency-009: China holds the great majority of world production of critical
-- minerals (the source: more than 50 %). Tonnes of different minerals cannot be added, so the
-- measure is counted per mineral: the share of the critical minerals (2022 list) with a world
-- mine-production total in MCS 2025 (data year 2024) of which China mined more than half.
-- China absent or withheld counts as not more than half.
WITH s AS (
    SELECT commodity_id, product,
           COALESCE(SUM(value) FILTER (WHERE country_iso3 = 'CHN'), 0) AS china_t,
           SUM(value) FILTER (WHERE aggregate_kind = 'world_total') AS world_t
    FROM core_usgs_mcs__world_production
    WHERE edition = 2025 AND year = 2024 AND stage = 'mine'
      AND commodity_id IN (SELECT commodity_id FROM core_usgs_mcs__critical_minerals WHERE list_year = 2022)
    GROUP BY commodity_id, product
)
SELECT 100.0 * AVG(CASE WHEN china_t / world_t > 0.5 THEN 1 ELSE 0 END) AS pct_of_minerals_china_mines_majority,
       COUNT(*) AS n_minerals, SUM(CASE WHEN china_t / world_t > 0.5 THEN 1 ELSE 0 END) AS n_china_majority,
       'USGS Mineral Commodity Summaries' AS release, 2025 AS edition, '2024' AS data_year
FROM s
WHERE world_t > 0
