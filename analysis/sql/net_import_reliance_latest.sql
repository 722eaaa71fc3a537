-- US net import reliance by nonfuel mineral commodity in the latest MCS edition, with
-- whether China (Hong Kong included, as USGS counts it) is the leading import source.
-- One row per commodity and form, as USGS publishes them (the unit the chapter counts).
-- is_net_importer: a positive reliance, or a bound (">50", "<25"): USGS prints "E" for a
-- net exporter, so a published upper bound is a net importer too. Bounds keep a null
-- percentage and are drawn at their bound (bound_kind says which side); "NA", "E" and
-- "s" (gold: USGS says no meaningful reliance can be computed) are not net importers.
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
    CASE n.value_flag WHEN 'lower_bound' THEN n.value_low
                      WHEN 'upper_bound' THEN n.value_high
                      ELSE n.net_import_reliance_pct END AS net_import_reliance_plot_pct,
    CASE n.value_flag WHEN 'lower_bound' THEN 'more than'
                      WHEN 'upper_bound' THEN 'less than' END AS bound_kind,
    coalesce(n.net_import_reliance_pct > 0 OR n.value_flag IN ('lower_bound', 'upper_bound'), false) AS is_net_importer,
    n.value_flag,
    n.value_original,
    n.major_import_sources,
    n.import_sources_period,
    n.leading_import_source,
    n.china_is_leading
FROM core_usgs_mcs__net_import_reliance AS n
JOIN latest USING (edition)
ORDER BY net_import_reliance_plot_pct DESC NULLS LAST, label
