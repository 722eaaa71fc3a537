-- Failing rows: a negative US salient statistic. Quantities, prices, employment and
-- shares are never negative; the one exception MCS publishes is net shipments from the
-- Government stockpile, negative in years of net acquisition ("Shipments_Gov_t",
-- "Shipments from Government stockpile"). A published negative elsewhere is listed in
-- data/reference/validation_exceptions.csv with the reason it stands.
SELECT source_file, statistic_detail AS source_column, source_row, edition, commodity_id, statistic, year,
       value_original, value, value_low, value_high
FROM core_usgs_mcs__us_salient
WHERE (value < 0 OR value_low < 0 OR value_high < 0)
  AND NOT (statistic = 'shipments'
           AND (statistic_detail ILIKE '%gov%' OR statistic_detail ILIKE '%stockpile%'))
ORDER BY source_file, source_row
