-- The grouping (a column of the membership matrix of chapter 3) of each initiative in
-- data/curated/memberships.csv, in the order the groupings appeared: initiatives that are
-- one grouping for the reader (two Quad initiatives, five bilateral agreements) share one.
-- The reviewed mapping is data/reference/initiative_groups.csv.
SELECT initiative_id, grouping
FROM core_reference__initiative_groups
