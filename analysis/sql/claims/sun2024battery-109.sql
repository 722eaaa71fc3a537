-- sun2024battery-109: some African countries hold the world's largest reserves of some battery
-- minerals (the source: rank 1). Returns the best world rank that an African country holds in
-- reserves of the six battery minerals the book follows (1 = an African country leads at least one).
SELECT MIN(rk) AS best_african_rank, 'USGS Mineral Commodity Summaries' AS release, 2023 AS edition,
       '2022' AS data_year
FROM (SELECT commodity_id, product, country_iso3, RANK() OVER (PARTITION BY commodity_id, product ORDER BY value DESC) AS rk
      FROM core_usgs_mcs__world_reserves
      WHERE edition = 2023 AND NOT is_aggregate AND value IS NOT NULL
        AND commodity_id IN ('lithium', 'nickel', 'cobalt', 'graphite_natural', 'manganese', 'rare_earths'))
WHERE country_iso3 IN ('DZA','AGO','BEN','BWA','BFA','BDI','CMR','CPV','CAF','TCD','COM','COG','COD','CIV','DJI',
                       'EGY','GNQ','ERI','SWZ','ETH','GAB','GMB','GHA','GIN','GNB','KEN','LSO','LBR','LBY','MDG',
                       'MWI','MLI','MRT','MUS','MAR','MOZ','NAM','NER','NGA','RWA','STP','SEN','SYC','SLE','SOM',
                       'ZAF','SSD','SDN','TZA','TGO','TUN','UGA','ZMB','ZWE')
