-- ciaps2022biden-032: US critical minerals list 2018, number of minerals (the source: = 35 count).
SELECT COUNT(*) FILTER (WHERE counts_toward_list) AS n, 'Final List of Critical Minerals 2018' AS release, NULL::INTEGER AS edition, '2018' AS data_year
FROM core_usgs_mcs__critical_minerals
WHERE list_year=2018
