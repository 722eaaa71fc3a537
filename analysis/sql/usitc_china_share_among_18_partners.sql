-- China's share of US imports for consumption FROM THE 18 PARTNER COUNTRIES IN THE USITC
-- DATAWEB QUERY, by HTS-4 heading and year. Not a share of all US imports: the query has no
-- world total. Customs value in USD.
-- A heading's value is split by the unit of quantity of its HTS-10 lines, so value is summed
-- over quantity_basis first. $partial selects full years (false) or the January-April
-- year-to-date rows (true); the two are never mixed in one result.
-- China means mainland China: Hong Kong is one of the 18 partners and is reported beside it.
-- partners_in_query counts the partner countries in the whole query, so that the code
-- labelling these shares can check that "18" is still true.
WITH query_partners AS (
    SELECT count(DISTINCT partner_name) AS partners_in_query FROM core_usitc__trade
),
by_partner AS (
    SELECT hts_heading, any_value(hts_description) AS hts_description, year, period,
           partner_name, sum(value) AS value_usd
    FROM core_usitc__trade
    WHERE flow = 'imports_for_consumption'
      AND measure = 'value_usd'
      AND is_partial_year = $partial
    GROUP BY hts_heading, year, period, partner_name
)
SELECT
    hts_heading,
    any_value(hts_description) AS hts_description,
    year,
    period,
    sum(value_usd) AS partners_18_value_usd,
    coalesce(sum(value_usd) FILTER (WHERE partner_name = 'China'), 0) AS china_value_usd,
    coalesce(sum(value_usd) FILTER (WHERE partner_name = 'Hong Kong'), 0) AS hong_kong_value_usd,
    100 * coalesce(sum(value_usd) FILTER (WHERE partner_name = 'China'), 0)
        / nullif(sum(value_usd), 0) AS china_share_of_18_pct,
    count(DISTINCT partner_name) FILTER (WHERE value_usd > 0) AS partners_with_imports,
    any_value(partners_in_query) AS partners_in_query
FROM by_partner, query_partners
GROUP BY hts_heading, year, period
ORDER BY hts_heading, year
