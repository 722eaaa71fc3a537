-- Failing rows: critical-minerals lists whose entry count differs from the official one:
-- 2018 list, 35 entries (83 FR 23295; rare earths and platinum-group metals as one entry each);
-- 2022 list, 50 entries (the 2022 final list as printed in MCS 2023-2025 Table 4).
-- The 2025 list is not checked: the MCS 2026 file flags names per row (products, chapters
-- and elements alike, and no row exists for members without an MCS chapter), and the
-- official count is not in the mirror.
WITH expected(list_year, entries) AS (VALUES (2018, 35), (2022, 50)),
built AS (
    SELECT list_year, count(*) FILTER (WHERE counts_toward_list) AS entries,
           count(*) FILTER (WHERE is_group) AS groups
    FROM core_usgs_mcs__critical_minerals GROUP BY list_year
)
SELECT e.list_year, e.entries AS expected_entries, b.entries AS built_entries, b.groups
FROM expected e LEFT JOIN built b USING (list_year)
WHERE b.entries IS DISTINCT FROM e.entries
   OR (e.list_year = 2018 AND b.groups <> 2)
   OR (e.list_year = 2022 AND b.groups <> 0)
