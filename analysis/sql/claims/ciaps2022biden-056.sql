-- ciaps2022biden-056: arsenic, china share of us imports (the source: = 91 pct).
SELECT share_pct, form, period AS data_year, 'USGS Mineral Commodity Summaries' AS release, 2026 AS edition
FROM core_usgs_mcs__import_sources
WHERE edition=2026 AND commodity_id='arsenic' AND country_iso3='CHN' AND form='All forms of arsenic'
