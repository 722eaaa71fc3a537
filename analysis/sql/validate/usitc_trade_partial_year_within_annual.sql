-- Failing rows: a January-April figure larger than the full year it belongs to.
-- Same flow, heading, partner, measure and unit; only years with both periods.
SELECT p.flow, p.hts_heading, p.partner_name, p.measure, p.quantity_basis, p.year,
       p.value AS partial_value, a.value AS annual_value, p.source_sheet, p.source_row
FROM core_usitc__trade AS p
JOIN core_usitc__trade AS a
  ON a.flow = p.flow AND a.hts_heading = p.hts_heading AND a.partner_name = p.partner_name
 AND a.measure = p.measure AND a.quantity_basis = p.quantity_basis AND a.year = p.year
 AND a.period = 'annual'
WHERE p.is_partial_year AND p.value > a.value * (1 + 1e-9) + 0.5
