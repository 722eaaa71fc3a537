-- sun2024battery-031: lanthanides listed under rare earths, count lanthanides in 2022 list (the source: = 14 count).
SELECT COUNT(DISTINCT commodity_id) AS n, '2022 Final List of Critical Minerals' AS release, NULL::INTEGER AS edition, '2022' AS data_year
FROM core_usgs_mcs__critical_minerals
WHERE list_year=2022 AND commodity_id IN ('lanthanum','cerium','praseodymium','neodymium','promethium','samarium','europium','gadolinium','terbium','dysprosium','holmium','erbium','thulium','ytterbium','lutetium')
