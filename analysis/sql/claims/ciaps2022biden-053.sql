-- ciaps2022biden-053: critical minerals the US imports from China, number of minerals (the source: = 20 count).
SELECT COUNT(DISTINCT c.commodity_id) AS n, 'USGS Mineral Commodity Summaries (Fig. 2) with the 2018 list' AS release, 2023 AS edition, '2018–2022' AS data_year
FROM core_usgs_mcs__critical_minerals c
JOIN core_usgs_mcs__net_import_reliance n ON n.commodity_id=c.commodity_id AND n.edition=2023
WHERE c.list_year=2018 AND c.counts_toward_list AND n.china_among_sources
