-- Failing rows: two non-blank values for one commodity, sub-commodity, country code and
-- year (e.g. a historical name and a current name mapped to the same ISO code).
SELECT commodity, sub_commodity, country_iso3, year, count(*) AS n, string_agg(country_name_source, '; ') AS names
FROM core_bgs__world_production
WHERE value IS NOT NULL
GROUP BY commodity, sub_commodity, country_iso3, year
HAVING count(*) > 1
