-- Failing rows: negative production, or a value with no unit.
SELECT commodity, sub_commodity, country_name, year, value, unit, source_row
FROM core_bgs__world_production
WHERE value < 0 OR unit IS NULL
