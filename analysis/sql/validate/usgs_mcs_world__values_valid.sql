-- Failing rows: MCS world values that are negative, flags outside the vocabulary of
-- analysis.extract.quirks.FLAGS, a number and a flag that disagree, bounds in the wrong
-- order, or a unit outside the normalised set.
WITH v AS (
    SELECT 'core_usgs_mcs__world_production' AS tbl, * FROM core_usgs_mcs__world_production
    UNION ALL BY NAME
    SELECT 'core_usgs_mcs__world_reserves' AS tbl, * FROM core_usgs_mcs__world_reserves
)
SELECT tbl, source_file, source_row, value_original, value, value_flag, value_low, value_high, unit,
       CASE
           WHEN value < 0 OR value_low < 0 OR value_high < 0 THEN 'negative'
           WHEN value_flag IS NOT NULL AND value_flag NOT IN ('withheld', 'net_exporter', 'not_available',
                'not_applicable', 'lower_bound', 'upper_bound', 'range', 'qualitative', 'zero',
                'less_than_half_unit', 'included_elsewhere') THEN 'unknown flag'
           WHEN value_flag IS NULL AND value IS NULL THEN 'no value and no flag'
           WHEN value_flag = 'zero' AND value <> 0 THEN 'zero flag with a value'
           WHEN value_flag IN ('lower_bound', 'range') AND value_low IS NULL THEN 'bound without low'
           WHEN value_low > value_high THEN 'low above high'
           WHEN unit NOT IN ('t', 'carat', 'm3', 'l') THEN 'unit not normalised'
           WHEN errata_id IS NULL AND value IS NOT NULL AND value_flag IS NULL
                AND regexp_replace(value_original, '[^0-9.]', '', 'g') = '' THEN 'number from no digits'
       END AS problem
FROM v
WHERE problem IS NOT NULL
