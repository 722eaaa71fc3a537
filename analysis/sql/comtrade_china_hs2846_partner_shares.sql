-- Partners' shares of China's imports of HS 2846 (rare-earth compounds), UN Comtrade, by
-- year, CIF value in USD as reported by China. Shares are computed against the World row
-- (partner_code 0), which the release gives for every year; the sum over partners is
-- returned beside it so that a reader (and the tests) can see that the two agree.
-- Partner "China" is China's re-imports of goods of Chinese origin; Comtrade's
-- non-country partners (Other Asia nes, Free Zones, Areas nes, ...) are flagged aggregates.
WITH world AS (
    SELECT year, value_usd AS world_value_usd
    FROM core_comtrade__china_hs2846_imports
    WHERE partner_code = 0
),
partners AS (
    SELECT year, partner_code, partner_name, partner_iso3, is_aggregate, aggregate_kind,
           value_usd, net_weight_kg
    FROM core_comtrade__china_hs2846_imports
    WHERE partner_code <> 0
)
SELECT
    p.year,
    p.partner_code,
    p.partner_name,
    p.partner_iso3,
    p.is_aggregate,
    p.aggregate_kind,
    p.value_usd,
    p.net_weight_kg,
    w.world_value_usd,
    sum(p.value_usd) OVER (PARTITION BY p.year) AS partners_sum_value_usd,
    100 * p.value_usd / nullif(w.world_value_usd, 0) AS share_of_world_pct,
    row_number() OVER (PARTITION BY p.year ORDER BY p.value_usd DESC, p.partner_code) AS rank_in_year
FROM partners AS p
JOIN world AS w USING (year)
ORDER BY p.year, rank_in_year
