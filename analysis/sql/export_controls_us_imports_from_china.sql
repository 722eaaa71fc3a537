-- US imports for consumption from China (customs value, USD) of the HTS headings that China's
-- export controls hit (the crosswalk data/reference/hts_export_controls.csv, with what each
-- heading covers), by year, for full years (period 'annual') and the January-April rows of
-- partial years, from $first_year on. China is one of the 18 partners of the DataWeb query:
-- these are imports from China, not shares of any total. A heading's value is split by the
-- unit of quantity of its HTS-10 lines, so it is summed over quantity_basis.
SELECT
    hts_heading,
    any_value(hts_description) AS hts_description,
    year,
    period,
    is_partial_year,
    sum(value) AS value_usd,
    count(*) AS source_rows,
    any_value(h.covers) AS covers
FROM core_usitc__trade
JOIN (SELECT DISTINCT hts_heading, covers FROM core_reference__hts_export_controls) AS h USING (hts_heading)
WHERE flow = 'imports_for_consumption'
  AND measure = 'value_usd'
  AND partner_iso3 = 'CHN'
  AND year >= $first_year
GROUP BY hts_heading, year, period, is_partial_year
ORDER BY hts_heading, year, period
