-- sun2024battery-011: 2018 US critical minerals list, count critical minerals (the source: = 35 count).
SELECT COUNT(DISTINCT commodity_id) AS n, 'Final List of Critical Minerals 2018' AS release, NULL::INTEGER AS edition, '2018' AS data_year
FROM core_usgs_mcs__critical_minerals
WHERE list_year=2018
