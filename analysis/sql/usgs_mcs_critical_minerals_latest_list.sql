-- Commodities on the latest US list of critical minerals in the extracts, one row each:
-- the scope in which a country's "leading mineral" is looked for, so that a chapter
-- speaks of critical minerals and not of gemstones or peat.
SELECT DISTINCT list_year, commodity_id
FROM core_usgs_mcs__critical_minerals
WHERE list_year = (SELECT max(list_year) FROM core_usgs_mcs__critical_minerals)
ORDER BY commodity_id
