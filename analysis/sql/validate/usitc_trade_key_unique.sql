-- Failing rows: keys of core_usitc__trade that occur more than once.
SELECT flow, hts_heading, partner_name, measure, quantity_basis, year, period, count(*) AS n
FROM core_usitc__trade
GROUP BY ALL
HAVING count(*) > 1
