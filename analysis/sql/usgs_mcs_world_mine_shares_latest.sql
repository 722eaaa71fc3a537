-- Each country's share of world mine production of every commodity in the latest MCS
-- edition, for the latest data year of each commodity and product. A country is compared
-- only with the world total of the same commodity, product and year (the rule of
-- world_battery_mineral_shares_latest.sql). Where USGS prints the world total as a lower
-- bound, the share is an upper bound (share_kind 'at_most'); a withheld or bounded
-- country value gets no share.
WITH latest AS (
    SELECT max(edition) AS edition FROM core_usgs_mcs__world_production
),
mine AS (
    SELECT p.*
    FROM core_usgs_mcs__world_production AS p
    JOIN latest USING (edition)
    WHERE p.stage = 'mine'
),
world AS (
    SELECT commodity_id, product, year,
           coalesce(value, value_low) AS world_t,
           coalesce(value_flag = 'lower_bound', false) AS world_is_lower_bound,
           row_number() OVER (PARTITION BY commodity_id, product ORDER BY year DESC) AS recency
    FROM mine
    WHERE aggregate_kind = 'world_total'
)
SELECT
    m.edition,
    m.year,
    m.commodity_id,
    m.product,
    m.country_name,
    m.country_iso3,
    m.value AS value_t,
    m.value_flag,
    w.world_t,
    CASE WHEN m.value IS NOT NULL AND w.world_t > 0 THEN 100 * m.value / w.world_t END AS share_pct,
    CASE WHEN m.value IS NULL OR NOT w.world_t > 0 THEN NULL
         WHEN w.world_is_lower_bound THEN 'at_most'
         ELSE 'exact' END AS share_kind,
    CASE WHEN m.value IS NOT NULL
         THEN rank() OVER (PARTITION BY m.commodity_id, m.product, m.value IS NULL ORDER BY m.value DESC) END
         AS country_rank
FROM mine AS m
JOIN world AS w
  ON  w.commodity_id = m.commodity_id
  AND w.product IS NOT DISTINCT FROM m.product
  AND w.year = m.year
  AND w.recency = 1
WHERE NOT m.is_aggregate
ORDER BY m.commodity_id, m.product, m.value DESC NULLS LAST
