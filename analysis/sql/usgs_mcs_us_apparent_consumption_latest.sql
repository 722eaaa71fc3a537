-- US consumption of each commodity, year by year, in the latest MCS edition (salient
-- statistics): apparent consumption where USGS gives it, else its estimated or reported
-- consumption. One row per commodity, statistic and year; withheld or unavailable years
-- keep a null value and their flag, so a chapter can say that USGS withholds a series
-- rather than skip it.
WITH latest AS (
    SELECT max(edition) AS edition FROM core_usgs_mcs__us_salient
)
SELECT
    s.edition,
    s.commodity_id,
    s.commodity_name,
    s.statistic_detail,
    s.year,
    s.value,
    s.unit,
    s.value_original,
    s.value_flag,
    s.is_estimate
FROM core_usgs_mcs__us_salient AS s
JOIN latest USING (edition)
WHERE s.statistic = 'consumption'
  AND s.quality_flag IS NULL
ORDER BY s.commodity_id, s.statistic_detail, s.year
