-- US net import reliance by nonfuel mineral commodity in the latest MCS edition,
-- with whether China (Hong Kong included, as USGS counts it) is the leading import source.
-- One row per commodity (and form, where USGS gives more than one).
-- Bounds such as ">50" are plotted at their bound and flagged; net exporters ("E") are
-- kept with a null percentage so that the table can list them.
WITH latest AS (
    SELECT max(edition) AS edition FROM core_usgs_mcs__net_import_reliance
)
SELECT
    n.edition,
    n.year,
    n.commodity_id,
    n.commodity_name,
    n.net_import_reliance_pct,
    coalesce(n.net_import_reliance_pct, n.value_low) AS net_import_reliance_plot_pct,
    n.value_flag,
    n.value_original,
    n.major_import_sources,
    n.leading_import_source,
    coalesce(n.china_is_leading, false) AS china_is_leading
FROM core_usgs_mcs__net_import_reliance AS n
JOIN latest USING (edition)
ORDER BY net_import_reliance_plot_pct DESC NULLS LAST, n.commodity_name
