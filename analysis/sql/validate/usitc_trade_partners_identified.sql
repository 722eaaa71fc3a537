-- Failing rows: partners without an ISO code (the query names 18 countries, no aggregates).
SELECT DISTINCT partner_name_source, partner_name, partner_iso3
FROM core_usitc__trade
WHERE partner_iso3 IS NULL
