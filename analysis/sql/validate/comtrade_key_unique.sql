-- Failing rows: more than one record per year and partner in China's HS 2846 imports.
SELECT year, partner_code, count(*) AS n
FROM core_comtrade__china_hs2846_imports
GROUP BY ALL
HAVING count(*) > 1
