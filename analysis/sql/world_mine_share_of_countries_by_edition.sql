-- The combined share of some countries ($iso3, a list) in world mine production of one
-- commodity ($commodity_id), as each MCS edition reported it for its latest data year, so
-- that a figure quoted from one edition is never silently compared with another.
-- Country and world rows are matched on stage, product and year, as in
-- world_battery_mineral_shares_latest.sql; countries without a value add nothing.
WITH w AS (
    SELECT edition, stage, product, year,
           coalesce(value, value_low) AS world_t,
           coalesce(value_flag = 'lower_bound', false) AS world_is_lower_bound,
           row_number() OVER (PARTITION BY edition ORDER BY year DESC) AS recency
    FROM core_usgs_mcs__world_production
    WHERE commodity_id = $commodity_id AND stage = 'mine' AND aggregate_kind = 'world_total'
)
SELECT
    w.edition,
    w.year,
    sum(c.value) AS countries_t,
    count(c.value) AS countries_with_value,
    w.world_t,
    w.world_is_lower_bound,
    100 * sum(c.value) / w.world_t AS share_pct
FROM w
JOIN core_usgs_mcs__world_production AS c
  ON  c.edition = w.edition
  AND c.commodity_id = $commodity_id
  AND c.stage = w.stage
  AND c.product IS NOT DISTINCT FROM w.product
  AND c.year = w.year
  AND list_contains($iso3, c.country_iso3)
WHERE w.recency = 1
GROUP BY w.edition, w.year, w.world_t, w.world_is_lower_bound
ORDER BY w.edition
