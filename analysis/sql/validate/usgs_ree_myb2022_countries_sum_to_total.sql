-- Failing rows: years where the countries of MYB 2022 Table 8 do not add to its Total
-- within 1.5 %. USGS rounds totals and estimates to three significant digits and warns
-- that they "may not add to totals shown", so a small gap is expected, a large one is not.
WITH t AS (
    SELECT year, value AS total_t FROM core_usgs__rare_earths_world_production_myb2022
    WHERE aggregate_kind = 'world_total'
), c AS (
    SELECT year, fsum(value) AS countries_t FROM core_usgs__rare_earths_world_production_myb2022
    WHERE NOT is_aggregate GROUP BY year
)
SELECT year, total_t, countries_t, countries_t - total_t AS difference_t
FROM t JOIN c USING (year)
WHERE abs(countries_t - total_t) > 0.015 * total_t
ORDER BY year
