-- One row per entry of each US list of critical minerals (2018, 2022, and the 2025 flags of
-- the MCS 2026 data release), at a granularity the three lists share, so that what
-- entered and what left can be computed rather than typed.
--
-- Harmonisation, and why:
-- * The MCS 2026 file flags product rows beside element rows (alumina and bauxite beside
--   aluminum, magnesium metal for magnesium, three titanium products for titanium, a
--   "heavy rare earths" chapter beside the rare-earth elements). `product_to_entry` (data/reference/critical_list_products.csv) maps a
--   product onto the list entry it stands for; the chapter row "Zirconium and hafnium" maps
--   to nothing because both elements carry their own flag.
-- * 2018 lists rare earths and platinum-group metals as two group entries; 2022 names the
--   elements. `group_2018` says which 2018 group covers an element. The extract leaves
--   yttrium (its own MCS chapter) outside the rare-earth group; USGS's 2021 draft notice
--   (86 FR 62199) explains the growth from 35 to 50 entries by the split of the two groups
--   plus nickel and zinc, which holds only if yttrium was inside the 2018 rare-earth group.
WITH product_to_entry AS (  -- the reviewed mapping data/reference/critical_list_products.csv
    SELECT commodity_id, entry_id FROM core_reference__critical_list_products
),
mapped AS (
    SELECT
        c.list_year,
        CASE WHEN p.commodity_id IS NULL THEN c.commodity_id ELSE p.entry_id END AS entry_id,
        c.commodity_id,
        c.name_published,
        c.is_group,
        c.group_id,
        c.counts_toward_list,
        c.source
    FROM core_usgs_mcs__critical_minerals AS c
    LEFT JOIN product_to_entry AS p USING (commodity_id)
)
SELECT
    list_year,
    entry_id,
    bool_or(is_group) AS is_group,
    CASE WHEN bool_or(is_group) THEN NULL
         ELSE coalesce(any_value(group_id), CASE WHEN entry_id = 'yttrium' THEN 'rare_earths' END)
    END AS group_2018,
    string_agg(DISTINCT name_published, '; ' ORDER BY name_published) AS names_published,
    count(*) AS source_rows,
    bool_and(counts_toward_list) AS counts_toward_list,
    any_value(source) AS source
FROM mapped
WHERE entry_id IS NOT NULL
GROUP BY list_year, entry_id
ORDER BY list_year, entry_id
