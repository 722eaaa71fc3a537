-- How many partner countries the USITC DataWeb extract holds: the chapter says how narrow
-- the query is (selected partners, no world total) with the number the data gives.
SELECT count(DISTINCT partner_iso3) AS partners
FROM core_usitc__trade
