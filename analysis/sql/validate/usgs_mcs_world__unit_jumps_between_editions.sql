-- Failing rows: (commodity, table, edition pair) groups whose revised values moved by a
-- median factor above 100 or below 0.01 from one MCS edition to the next: the signature of
-- a unit read wrongly (a thousand, a million) in one of the two editions, not of a revision.
-- Every country of a table shifts together, so the median of value_to / value_from sits on
-- the unit factor (x1000, x0.001, x1e-6). A genuine large revision goes to
-- data/reference/validation_exceptions.csv with the release's own words.
SELECT
    commodity_id,
    "table",
    edition_from,
    edition_to,
    count(*) AS n_values,
    median(value_to / value_from) AS median_ratio,
    min(value_to / value_from) AS min_ratio,
    max(value_to / value_from) AS max_ratio,
    string_agg(DISTINCT country_name, ', ' ORDER BY country_name) AS countries
FROM core_usgs_mcs__revisions
WHERE value_from > 0 AND value_to > 0
GROUP BY commodity_id, "table", edition_from, edition_to
HAVING median(value_to / value_from) > 100 OR median(value_to / value_from) < 0.01
ORDER BY commodity_id, "table", edition_from
