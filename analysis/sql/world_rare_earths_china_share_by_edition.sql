-- China's share of world rare-earth mine production (REO equivalent) as each MCS edition
-- reported it for its latest data year. One row per edition. Country and world rows are
-- matched on stage, product and year, as in world_battery_mineral_shares_latest.sql;
-- world_is_lower_bound says whether the world total was printed as a bound.
WITH w AS (
    SELECT edition, stage, product, year,
           coalesce(value, value_low) AS world_t,
           coalesce(value_flag = 'lower_bound', false) AS world_is_lower_bound,
           row_number() OVER (PARTITION BY edition ORDER BY year DESC) AS recency
    FROM core_usgs_mcs__world_production
    WHERE commodity_id = 'rare_earths' AND stage = 'mine' AND aggregate_kind = 'world_total'
)
SELECT
    w.edition,
    w.year,
    c.value AS china_t,
    w.world_t,
    w.world_is_lower_bound,
    100 * c.value / w.world_t AS share_pct
FROM w
JOIN core_usgs_mcs__world_production AS c
  ON  c.edition = w.edition
  AND c.commodity_id = 'rare_earths'
  AND c.stage = w.stage
  AND c.product IS NOT DISTINCT FROM w.product
  AND c.year = w.year
  AND c.country_iso3 = 'CHN'
WHERE w.recency = 1
ORDER BY w.edition
