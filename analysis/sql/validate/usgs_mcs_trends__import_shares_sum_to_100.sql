-- Failing rows: import-source shares of one commodity, product and period that add up to
-- more than 100 % (published shares are rounded to whole percent; MCS 2026 blocks add up to
-- 98-100). Bounds ("<1", ">99") count at their bound.
SELECT edition, commodity_id, commodity_name, form, period,
       fsum(coalesce(share_pct, value_low, 0)) AS share_sum_pct, count(*) AS sources
FROM core_usgs_mcs__import_sources
WHERE share_pct IS NOT NULL OR value_low IS NOT NULL
GROUP BY ALL
HAVING fsum(coalesce(share_pct, value_low, 0)) > 100
