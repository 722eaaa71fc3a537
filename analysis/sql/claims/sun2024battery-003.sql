-- sun2024battery-003: US critical minerals (2022 final list), count critical minerals (the source: = 50 count).
SELECT COUNT(DISTINCT commodity_id) AS n, '2022 Final List of Critical Minerals' AS release, NULL::INTEGER AS edition, '2022' AS data_year
FROM core_usgs_mcs__critical_minerals
WHERE list_year=2022
