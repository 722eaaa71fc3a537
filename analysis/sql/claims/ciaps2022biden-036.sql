-- ciaps2022biden-036: graphite (natural), china share of us imports (the source: = 35 pct).
SELECT share_pct, form, period AS data_year, 'USGS Mineral Commodity Summaries' AS release, 2026 AS edition
FROM core_usgs_mcs__import_sources
WHERE edition=2026 AND commodity_id='graphite_natural' AND country_iso3='CHN'
