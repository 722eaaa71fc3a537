-- ciaps2022biden-038: China's rank among the sources of US lithium imports (the source: 3rd).
-- MCS 2023 Fig. 2 ranks the major import sources of 2018-2021, the earliest ranking in the mirror.
SELECT rank, period AS data_year, 'USGS Mineral Commodity Summaries' AS release, edition
FROM core_usgs_mcs__import_sources
WHERE edition = 2023 AND commodity_id = 'lithium' AND country_iso3 = 'CHN'
