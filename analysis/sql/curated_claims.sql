-- Every claim of the four sources (data/curated/claims/*.csv, one file per source), in
-- file order, as the build checked it. `_file` and `_row` locate each claim's line.
SELECT *
FROM core_curated__claims
ORDER BY _file, _row
