-- ciaps2022biden-058: gallium, china share of us imports (the source: = 32 pct).
SELECT share_pct, form, period AS data_year, 'USGS Mineral Commodity Summaries' AS release, 2026 AS edition
FROM core_usgs_mcs__import_sources
WHERE edition=2026 AND commodity_id='gallium' AND country_iso3='CHN'
