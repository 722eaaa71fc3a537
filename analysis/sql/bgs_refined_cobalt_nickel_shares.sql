-- Each country's share of refined cobalt and of nickel smelter/refinery output, by year,
-- from BGS World Mineral Statistics (1970-2021). BGS gives no world-total or aggregate row
-- in this export, so the denominator is the sum over the countries BGS gives a figure
-- for in that commodity, sub-commodity and year; countries with a blank cell are left out
-- of the sum and counted in countries_without_figure. Only the main series (no
-- sub-commodity) is used: the nickel "Sulfate" sub-series is weighed as compound, not
-- metal content, and is not added to it. Years in which BGS gives no figure at all
-- (nickel 1972-1976) drop out. A country with a blank cell keeps its row with a null
-- share: unknown is not zero (China has no refined-cobalt figure before 1983).
WITH series AS (
    SELECT commodity, commodity_id, stage, basis, country_name, country_iso3, year,
           sum(value) AS value_t,
           bool_and(value IS NULL) AS no_figure
    FROM core_bgs__world_production
    WHERE commodity IN ('cobalt refined', 'nickel smelter/refined')
      AND sub_commodity = ''
      AND NOT is_aggregate
    GROUP BY ALL
),
totals AS (
    SELECT commodity, year,
           sum(value_t) AS total_t,
           count(*) FILTER (WHERE NOT no_figure) AS countries_with_figure,
           count(*) FILTER (WHERE no_figure) AS countries_without_figure
    FROM series
    GROUP BY ALL
    HAVING sum(value_t) > 0
)
SELECT
    s.commodity,
    CASE s.commodity WHEN 'cobalt refined' THEN 'Refined cobalt'
                     ELSE 'Refined nickel (smelter and refinery output)' END AS series,
    s.commodity_id,
    s.stage,
    s.basis,
    s.year,
    s.country_name,
    s.country_iso3,
    s.value_t,
    t.total_t,
    CASE WHEN NOT s.no_figure THEN 100 * s.value_t / t.total_t END AS share_pct,
    t.countries_with_figure,
    t.countries_without_figure
FROM series AS s
JOIN totals AS t USING (commodity, year)
ORDER BY s.commodity, s.year, s.value_t DESC NULLS LAST, s.country_name
