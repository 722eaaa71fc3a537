-- ciaps2022biden-072: entries on the US critical-minerals list when the source was written (the source: 35).
-- The source (June 2022) says the list has been expanded to 35; the list in force then was the
-- 2022 Final List of Critical Minerals (February 2022).
SELECT COUNT(*) FILTER (WHERE counts_toward_list) AS n_minerals,
       '2022 Final List of Critical Minerals' AS release, NULL::INTEGER AS edition, '2022' AS data_year
FROM core_usgs_mcs__critical_minerals
WHERE list_year = 2022
