-- Failing rows: negative or missing trade values and quantities (DataWeb writes 0, never blank).
SELECT flow, hts_heading, partner_name, measure, quantity_basis, year, period, value, source_sheet, source_row
FROM core_usitc__trade
WHERE value IS NULL OR value < 0
