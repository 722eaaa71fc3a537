-- Each country's share of world mine production and of world reserves of six battery
-- minerals (lithium, cobalt, nickel, natural graphite, manganese, rare earths) in the
-- latest MCS edition that has both tables, for the latest data year of each table.
-- One row per mineral, measure and country (aggregate rows such as "Other countries" kept,
-- flagged by is_aggregate).
--
-- A country is compared only with the world total of the same table, stage, product and
-- year (products are labelled differently across editions: "of contained cobalt",
-- "cobalt content", "rare earth oxide equivalent"...; a country row whose product differs
-- from the world row's is a different series and is left out).
-- Bounds are kept honest: where USGS prints the world total as a lower bound (">140,000,000"),
-- world_t is that bound and a country's share is an upper bound (share_kind 'at_most').
-- A withheld (W), unavailable or bounded country value gets no share (share_kind null).
-- Values corrected by a reviewed erratum (data/reference/errata.csv) carry its errata_id;
-- value_original stays the cell as first published.
WITH latest AS (
    SELECT least(
        (SELECT max(edition) FROM core_usgs_mcs__world_production),
        (SELECT max(edition) FROM core_usgs_mcs__world_reserves)
    ) AS edition
),
minerals AS (  -- the six battery minerals, listed once: data/reference/battery_minerals.csv
    SELECT commodity_id, mineral, mineral_order::INTEGER AS mineral_order
    FROM core_reference__battery_minerals
),
rows AS (
    SELECT 'mine production' AS measure, p.*
    FROM core_usgs_mcs__world_production AS p
    WHERE p.stage = 'mine'
    UNION ALL BY NAME
    SELECT 'reserves' AS measure, r.*
    FROM core_usgs_mcs__world_reserves AS r
),
scoped AS (
    SELECT r.*, m.mineral, m.mineral_order
    FROM rows AS r
    JOIN latest USING (edition)
    JOIN minerals AS m USING (commodity_id)
),
world AS (
    SELECT measure, commodity_id, stage, product, year,
           coalesce(value, value_low) AS world_t,
           value_original AS world_value_original,
           errata_id AS world_errata_id,
           coalesce(value_flag = 'lower_bound', false) AS world_is_lower_bound,
           row_number() OVER (PARTITION BY measure, commodity_id ORDER BY year DESC) AS recency
    FROM scoped
    WHERE aggregate_kind = 'world_total'
)
SELECT
    s.edition,
    s.year,
    s.measure,
    s.commodity_id,
    s.mineral,
    s.mineral_order,
    s.stage,
    s.product,
    s.country_name,
    s.country_iso3,
    s.is_aggregate,
    s.aggregate_kind,
    s.value AS value_t,
    s.value_original,
    s.unit_original,
    s.errata_id,
    s.value_flag,
    s.is_estimate,
    w.world_t,
    w.world_value_original,
    w.world_errata_id,
    w.world_is_lower_bound,
    CASE WHEN s.value IS NOT NULL AND w.world_t > 0 THEN 100 * s.value / w.world_t END AS share_pct,
    CASE WHEN s.value IS NULL OR NOT w.world_t > 0 THEN NULL
         WHEN w.world_is_lower_bound THEN 'at_most'
         ELSE 'exact' END AS share_kind,
    CASE WHEN NOT s.is_aggregate AND s.value IS NOT NULL
         THEN rank() OVER (PARTITION BY s.measure, s.commodity_id, s.is_aggregate, s.value IS NULL
                           ORDER BY s.value DESC) END AS country_rank
FROM scoped AS s
JOIN world AS w
  ON  w.measure = s.measure
  AND w.commodity_id = s.commodity_id
  AND w.stage = s.stage
  AND w.product IS NOT DISTINCT FROM s.product
  AND w.year = s.year
  AND w.recency = 1
WHERE coalesce(s.aggregate_kind, '') <> 'world_total'
ORDER BY s.mineral_order, s.measure, s.is_aggregate, s.value DESC NULLS LAST, s.country_name
