-- US net import reliance by nonfuel mineral commodity in the latest MCS edition, with
-- whether China (Hong Kong included, as USGS counts it) is the leading import source.
-- One row per commodity and form. Bounds such as ">50" keep a null percentage and are
-- drawn at their bound; net exporters ("E") stay in the table with a null percentage.
-- china_is_leading stays null where USGS gives no import sources that can be matched
-- to the commodity's form: unknown is not "not China".
WITH latest AS (
    SELECT max(edition) AS edition FROM core_usgs_mcs__net_import_reliance
)
SELECT
    n.edition,
    n.year,
    n.commodity_id,
    n.commodity_name,
    n.form,
    CASE WHEN count(*) OVER (PARTITION BY n.commodity_name) > 1 AND n.form IS NOT NULL
         THEN n.commodity_name || ' (' || n.form || ')'
         ELSE n.commodity_name END AS label,
    n.net_import_reliance_pct,
    coalesce(n.net_import_reliance_pct, n.value_low) AS net_import_reliance_plot_pct,
    n.value_flag,
    n.value_original,
    n.major_import_sources,
    n.import_sources_period,
    n.leading_import_source,
    n.china_is_leading
FROM core_usgs_mcs__net_import_reliance AS n
JOIN latest USING (edition)
ORDER BY net_import_reliance_plot_pct DESC NULLS LAST, label
