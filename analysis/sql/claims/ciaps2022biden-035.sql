-- ciaps2022biden-035: rare earths, china share of us imports (the source: = 78 pct).
SELECT share_pct, form, period AS data_year, 'USGS Mineral Commodity Summaries' AS release, 2026 AS edition
FROM core_usgs_mcs__import_sources
WHERE edition=2026 AND commodity_id='rare_earths' AND country_iso3='CHN'
