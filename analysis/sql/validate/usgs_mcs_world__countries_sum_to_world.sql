-- Failing rows: MCS world tables (production, capacity and reserves) where the countries
-- plus "Other countries" do not add to the published world total within its rounding.
--
-- Rounding rule (from the data): MCS world totals are the sum of the rows, rounded to the
-- precision in which the total is printed, i.e. to its last significant digit ("190,000" is
-- rounded to the ten-thousand, "183" to the unit). The tolerance is therefore half a unit of
-- the total's last significant digit, plus half a unit per component for components that
-- are themselves printed rounded (same rule applied to each component's own string).
-- Only complete groups are compared: every component and the total must be a plain number
-- (no W, NA, bounds or ranges), and the total must be positive.
-- Tolerances are never widened to hide a gap: reviewed gaps are listed with their reason
-- in data/reference/validation_exceptions.csv.
WITH rows AS (
    SELECT 'world_production' AS tbl, edition, commodity_id, stage, product, year, unit,
           is_aggregate, aggregate_kind, value, value_flag, value_original,
           value / NULLIF(TRY_CAST(regexp_replace(value_original, '[^0-9.]', '', 'g') AS DOUBLE), 0) AS factor
    FROM core_usgs_mcs__world_production
    UNION ALL
    SELECT 'world_reserves', edition, commodity_id, stage, product, year, unit,
           is_aggregate, aggregate_kind, value, value_flag, value_original,
           value / NULLIF(TRY_CAST(regexp_replace(value_original, '[^0-9.]', '', 'g') AS DOUBLE), 0)
    FROM core_usgs_mcs__world_reserves
), precision AS (
    SELECT *,
        -- half a unit of the last significant digit of the published string, in `unit`
        CASE WHEN value IS NULL OR value = 0 OR factor IS NULL THEN 0
             WHEN regexp_replace(value_original, '[^0-9.]', '', 'g') LIKE '%.%'
                  THEN 0.5 * factor * pow(10, -length(split_part(regexp_replace(value_original, '[^0-9.]', '', 'g'), '.', 2)))
             ELSE 0.5 * factor * pow(10, length(regexp_replace(value_original, '[^0-9]', '', 'g'))
                                       - length(rtrim(regexp_replace(value_original, '[^0-9]', '', 'g'), '0')))
        END AS half_unit
    FROM rows
), parts AS (
    SELECT tbl, edition, commodity_id, stage, product, year, unit,
           fsum(value) AS parts_sum, fsum(half_unit) AS parts_half_units, count(*) AS n_parts,
           count(*) FILTER (WHERE value IS NULL) AS n_missing
    FROM precision
    WHERE NOT is_aggregate OR aggregate_kind = 'other_countries'
    GROUP BY ALL
), world AS (
    SELECT tbl, edition, commodity_id, stage, product, year, unit,
           value AS world_value, value_original AS world_original, half_unit AS world_half_unit
    FROM precision
    WHERE aggregate_kind = 'world_total' AND value > 0
)
SELECT tbl, edition, commodity_id, stage, product, year, unit, world_original, world_value,
       parts_sum, n_parts, parts_sum - world_value AS difference,
       world_half_unit + parts_half_units AS tolerance
FROM world JOIN parts USING (tbl, edition, commodity_id, stage, product, year, unit)
WHERE n_missing = 0
  AND abs(parts_sum - world_value) > world_half_unit + parts_half_units
ORDER BY tbl, commodity_id, stage, product, edition, year
