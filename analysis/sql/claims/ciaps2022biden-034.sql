-- ciaps2022biden-034: graphite (natural), us net import reliance (the source: = 100 pct).
SELECT coalesce(value, value_low) AS value_pct, year, statistic_detail, value_flag, value_original, 'USGS Mineral Commodity Summaries' AS release, 2023 AS edition, '2018' AS data_year
FROM core_usgs_mcs__us_salient
WHERE edition=2023 AND commodity_id='graphite_natural' AND year=2018 AND statistic='net_import_reliance'
