-- cheng2024friendshoring-010: US critical minerals list 2022, number of minerals (the source: = 50 count).
SELECT COUNT(*) FILTER (WHERE counts_toward_list) AS n, '2022 Final List of Critical Minerals' AS release, NULL::INTEGER AS edition, '2022' AS data_year
FROM core_usgs_mcs__critical_minerals
WHERE list_year=2022
