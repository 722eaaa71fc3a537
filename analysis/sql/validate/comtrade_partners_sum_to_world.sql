-- Failing rows: years where the partners (every row but World, "nes" rows included) do not
-- sum to the World row within max(1 USD, 1e-9 of World), the rule in the release manifest.
-- Years without a World row are not tested. fsum: exact, order-independent float sum.
WITH w AS (
    SELECT year, value_usd AS world_usd
    FROM core_comtrade__china_hs2846_imports
    WHERE aggregate_kind = 'world_total'
), p AS (
    SELECT year, fsum(value_usd) AS partners_usd, count(*) AS partners
    FROM core_comtrade__china_hs2846_imports
    WHERE aggregate_kind IS DISTINCT FROM 'world_total'
    GROUP BY year
)
SELECT w.year, w.world_usd, p.partners_usd, p.partners_usd - w.world_usd AS difference_usd, p.partners
FROM w LEFT JOIN p USING (year)
WHERE p.partners_usd IS NULL
   OR abs(p.partners_usd - w.world_usd) > greatest(1.0, abs(w.world_usd) * 1e-9)
ORDER BY w.year
