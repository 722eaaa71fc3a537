-- ipp2025dependency-010: China's share of world rare-earth production, china share of world production (the source: > 50 pct).
SELECT 100.0 * SUM(value) FILTER (WHERE country_iso3 = 'CHN') / SUM(value) FILTER (WHERE aggregate_kind = 'world_total') AS china_share_pct, 'USGS Mineral Commodity Summaries' AS release, 2025 AS edition, '2024' AS data_year
FROM core_usgs_mcs__world_production
WHERE edition = 2025 AND commodity_id = 'rare_earths' AND stage = 'mine' AND year = 2024
