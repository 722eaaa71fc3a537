-- sun2024battery-032: commodities with more than 50 % US net import reliance for which China is a
-- major import source (the source: 26, citing MCS 2023 p. 6). USGS publishes this count itself
-- (MCS 2023 Fig. 3), so the published count is used rather than a recount of Fig. 2.
SELECT commodity_count, 'USGS Mineral Commodity Summaries (Fig. 3)' AS release, edition,
       '2022 (sources 2018–2021)' AS data_year
FROM core_usgs_mcs__import_source_counts
WHERE edition = 2023 AND country_name = 'China'
