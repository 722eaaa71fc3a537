-- US imports for consumption by HTS-4 heading, partner and full year, customs value in USD,
-- summed over quantity_basis (a heading's value is split by the unit of quantity of its
-- HTS-10 lines), with each partner's share and rank among THE 18 PARTNER COUNTRIES OF THE
-- USITC DATAWEB QUERY (not among all US import sources). January-April rows are excluded.
WITH by_partner AS (
    SELECT hts_heading, year, partner_name, partner_iso3, sum(value) AS value_usd
    FROM core_usitc__trade
    WHERE flow = 'imports_for_consumption'
      AND measure = 'value_usd'
      AND NOT is_partial_year
      AND period = 'annual'
    GROUP BY hts_heading, year, partner_name, partner_iso3
)
SELECT
    hts_heading,
    year,
    partner_name,
    partner_iso3,
    value_usd,
    sum(value_usd) OVER (PARTITION BY hts_heading, year) AS partners_18_value_usd,
    100 * value_usd / nullif(sum(value_usd) OVER (PARTITION BY hts_heading, year), 0) AS share_of_18_pct,
    row_number() OVER (PARTITION BY hts_heading, year ORDER BY value_usd DESC, partner_name) AS rank_among_18
FROM by_partner
ORDER BY hts_heading, year, rank_among_18
