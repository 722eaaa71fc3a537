-- Every row of the hand-curated table data/curated/memberships.csv, in file order, as the build
-- checked it (analysis.curated; typed: numbers as numbers). `_row` is the row's line in
-- the file, for messages that point a person at it.
SELECT * EXCLUDE (_file)
FROM core_curated__memberships
ORDER BY _row
