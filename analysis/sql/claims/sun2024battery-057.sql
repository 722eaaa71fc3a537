-- sun2024battery-057: cobalt, max other country share of world reserves (the source: <= 7 pct).
SELECT MAX(100*r.value/w.value) AS max_share_pct, 'USGS Mineral Commodity Summaries' AS release, 2023 AS edition, '2022' AS data_year
FROM core_usgs_mcs__world_reserves r, (SELECT value
    FROM core_usgs_mcs__world_reserves
    WHERE edition=2023 AND commodity_id='cobalt' AND aggregate_kind='world_total') w
WHERE r.edition=2023 AND r.commodity_id='cobalt' AND NOT r.is_aggregate AND r.country_iso3 NOT IN ('COD','AUS')
