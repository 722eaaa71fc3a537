-- What the latest MCS edition of the build says that the edition before it did not: for
-- every commodity, country, stage and product, the figure each edition gives for its own
-- latest data year (mine and refinery production, reserves) and each edition's net import
-- reliance. One row per series whose figure moved, appeared or disappeared between the two
-- editions; a country missing from one edition is 'appeared' or 'dropped', not a zero.
-- USGS relabels products and forms between editions ("cobalt content", "of contained
-- cobalt"): where a commodity has one product (or form) in an edition, the label is left
-- out of the match, so a relabelling is not reported as every country dropped and added.
WITH eds AS (
    SELECT max(edition) AS new_edition,
           max(edition) FILTER (WHERE edition < (SELECT max(edition) FROM core_usgs_mcs__world_production))
               AS old_edition
    FROM core_usgs_mcs__world_production
),
labelled AS (
    SELECT 'core_usgs_mcs__world_production' AS table_name, stage || ' production' AS measure,
           edition, commodity_id, country_name, coalesce(country_iso3, country_name) AS country_key,
           stage AS base, product AS label, year, value, unit
    FROM core_usgs_mcs__world_production
    QUALIFY year = max(year) OVER (PARTITION BY edition, commodity_id, stage, product)
    UNION ALL
    SELECT 'core_usgs_mcs__world_reserves', 'reserves', edition, commodity_id, country_name,
           coalesce(country_iso3, country_name), 'reserves', product, year, value, unit
    FROM core_usgs_mcs__world_reserves
    UNION ALL
    SELECT 'core_usgs_mcs__net_import_reliance', 'net import reliance (%)', edition, commodity_id,
           'United States', 'USA', 'net import reliance', form, year, coalesce(net_import_reliance_pct, value_low), 'percent'
    FROM core_usgs_mcs__net_import_reliance
),
series AS (
    SELECT *, CASE WHEN count(DISTINCT coalesce(label, '')) OVER (PARTITION BY table_name, edition, commodity_id, base) > 1
                   THEN base || ' / ' || label ELSE base END AS series
    FROM labelled
),
old AS (SELECT s.* FROM series s, eds WHERE s.edition = eds.old_edition),
new AS (SELECT s.* FROM series s, eds WHERE s.edition = eds.new_edition)
SELECT
    coalesce(n.table_name, o.table_name) AS table_name,
    coalesce(n.measure, o.measure) AS measure,
    coalesce(n.commodity_id, o.commodity_id) AS commodity_id,
    coalesce(n.country_name, o.country_name) AS country_name,
    coalesce(n.series, o.series) AS series,
    (SELECT old_edition FROM eds) AS old_edition,
    o.year AS old_year,
    o.value AS old_value,
    coalesce(n.unit, o.unit) AS unit,
    (SELECT new_edition FROM eds) AS new_edition,
    n.year AS new_year,
    n.value AS new_value,
    CASE WHEN o.series IS NULL THEN 'appeared'
         WHEN n.series IS NULL THEN 'dropped'
         ELSE 'moved' END AS change,
    CASE WHEN o.value > 0 AND n.value IS NOT NULL THEN 100 * (n.value / o.value - 1) END AS change_pct
FROM new AS n
FULL OUTER JOIN old AS o
  ON  o.table_name = n.table_name
  AND o.commodity_id = n.commodity_id
  AND o.country_key IS NOT DISTINCT FROM n.country_key
  AND o.series = n.series
WHERE o.series IS NULL OR n.series IS NULL OR o.value IS DISTINCT FROM n.value
ORDER BY table_name, commodity_id, series, country_name
