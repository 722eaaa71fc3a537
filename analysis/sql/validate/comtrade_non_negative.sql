-- Failing rows: negative values or weights.
SELECT year, partner_code, partner_name, value_usd, net_weight_kg, quantity, source_file, source_row
FROM core_comtrade__china_hs2846_imports
WHERE value_usd IS NULL OR value_usd < 0 OR net_weight_kg < 0 OR quantity < 0
