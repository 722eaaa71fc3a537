-- How much USGS revised between consecutive editions: for each pair of editions and
-- table, the number of revised values and of those that moved
-- by more than 10 percent.
SELECT
    edition_from,
    edition_to,
    "table",
    count(*) AS revised_rows,
    count(DISTINCT commodity_id) AS commodities,
    count(*) FILTER (WHERE abs(change_pct) > 10) AS revised_over_10_pct
FROM core_usgs_mcs__revisions
GROUP BY ALL
ORDER BY edition_from, "table"
