-- Revisions of country-level mine production of the battery minerals the sources single
-- out, largest relative change first. $limit rows.
-- A revision is a new value for the same data year. Reserves are not revised this way:
-- each edition states reserves for a later year, so two editions' reserves are successive
-- estimates (see battery_mineral_reserve_estimates.sql), never a revision of one figure.
SELECT
    commodity_id,
    b.mineral,
    "table",
    country_name,
    year,
    edition_from,
    edition_to,
    value_from,
    value_to,
    unit,
    round(change_pct, 1) AS change_pct
FROM core_usgs_mcs__revisions
JOIN core_reference__battery_minerals AS b USING (commodity_id)  -- data/reference/battery_minerals.csv
WHERE "table" = 'world_production'
  AND stage = 'mine'
  AND unit = 't'
  AND country_iso3 IS NOT NULL
  AND change_pct IS NOT NULL
ORDER BY abs(change_pct) DESC, commodity_id, country_name, year
LIMIT $limit
