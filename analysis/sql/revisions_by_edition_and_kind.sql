-- How much changed between consecutive editions, by kind: 'revision' where a value for
-- the same data year changed, 'successive estimate' where the two editions state the value
-- for different years (reserves: each edition states them for a later year than the one
-- before). A revision and a new estimate are different things, so they are counted apart.
-- One row per pair of editions and kind.
WITH reserves_year AS (
    SELECT edition, commodity_id, stage, coalesce(country_iso3, aggregate_kind) AS who, max(year) AS year_from
    FROM core_usgs_mcs__world_reserves
    GROUP BY ALL
),
dated AS (
    SELECT v.*,
           CASE v."table" WHEN 'world_production' THEN v.year ELSE r.year_from END AS year_from
    FROM core_usgs_mcs__revisions AS v
    LEFT JOIN reserves_year AS r
      ON  v."table" = 'world_reserves'
      AND r.edition = v.edition_from
      AND r.commodity_id = v.commodity_id
      AND r.stage = v.stage
      AND r.who = coalesce(v.country_iso3, v.aggregate_kind)
)
SELECT
    edition_from,
    edition_to,
    CASE WHEN year_from = year THEN 'revision' ELSE 'successive estimate' END AS kind,
    count(*) AS changed_rows,
    count(DISTINCT commodity_id) AS commodities,
    count(*) FILTER (WHERE abs(change_pct) > 10) AS changed_over_10_pct
FROM dated
GROUP BY ALL
ORDER BY edition_from, kind
