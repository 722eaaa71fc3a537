-- Failing rows: DS140 apparent consumption cells that are formulas (is_computed) whose
-- stored result is not imports - exports; they are the only computed cells, so this is
-- the check that the file's cached results were not stale when it was saved.
WITH s AS (
    SELECT year,
           max(value) FILTER (WHERE statistic = 'imports') AS imports_t,
           max(value) FILTER (WHERE statistic = 'exports') AS exports_t,
           max(value) FILTER (WHERE statistic = 'apparent_consumption') AS apparent_t,
           bool_or(is_computed) FILTER (WHERE statistic = 'apparent_consumption') AS computed
    FROM core_usgs__rare_earths_us_history GROUP BY year
)
SELECT year, imports_t, exports_t, apparent_t
FROM s
WHERE computed AND abs(apparent_t - (imports_t - exports_t)) > 0.5
