-- US salient series whose values jump by more than a factor of 100 between consecutive
-- editions (MCS 2023->2024->2025->2026) for the same years: the signature of a unit
-- mislabelled in a column name (g for kg, t for kt, kt for $/t, ...).
--
-- Like for like only: same commodity, same statistic and the same normalised unit (so the
-- same dimension: t with t, usd_per_t with usd_per_t), positive values, overlapping years.
-- Labels differ across editions, so a series of edition e+1 is paired with the series of
-- edition e that carries the same normalised label key (the wide column name without its
-- unit token, lower case, letters and digits only; e.g. Consump_kg and Consump_g -> consump);
-- when no key matches (always for 2025->2026, whose labels are prose) it is paired with the
-- candidate of the same statistic and unit whose median ratio is closest to 1, and kept only
-- if each is the other's closest (so a series that one edition dropped is not compared with
-- a different product). Same-label pairs are checked from both sides. Rows flagged
-- `labels_misaligned` are left out (their labels do not describe their values).
-- Returns one row per suspicious pair; genuine exceptions go in
-- data/reference/validation_exceptions.csv.
with s as (
    select
        edition, commodity_id, statistic, unit, statistic_detail, occurrence, year, value,
        case when edition < 2026 then
            lower(regexp_replace(
                case when unit_original <> '' and ends_with(statistic_detail, unit_original)
                     then left(statistic_detail, length(statistic_detail) - length(unit_original))
                     else statistic_detail end,
                '[^A-Za-z0-9]', '', 'g'))
        end as label_key
    from core_usgs_mcs__us_salient
    where value > 0 and unit is not null
      and coalesce(quality_flag, '') <> 'labels_misaligned'
),
pairs as (
    select
        a.commodity_id, a.statistic, a.unit,
        a.edition as edition_a, b.edition as edition_b,
        a.statistic_detail as detail_a, a.occurrence as occurrence_a,
        b.statistic_detail as detail_b, b.occurrence as occurrence_b,
        coalesce(a.label_key = b.label_key, false) as same_label,
        count(*) as n_years,
        median(b.value / a.value) as median_ratio
    from s a
    join s b
      on a.commodity_id = b.commodity_id and a.statistic = b.statistic and a.unit = b.unit
     and a.year = b.year and b.edition = a.edition + 1
    group by all
),
ranked as (
    select *,
        row_number() over (partition by commodity_id, statistic, unit, edition_b, detail_b, occurrence_b
                           order by same_label desc, abs(ln(median_ratio)), detail_a) as rank_for_b,
        row_number() over (partition by commodity_id, statistic, unit, edition_a, detail_a, occurrence_a
                           order by same_label desc, abs(ln(median_ratio)), detail_b) as rank_for_a
    from pairs
)
select commodity_id, statistic, unit, edition_a, edition_b, detail_a, detail_b, same_label, n_years,
       round(median_ratio, 6) as median_ratio
from ranked
where (same_label and (rank_for_b = 1 or rank_for_a = 1) or rank_for_b = 1 and rank_for_a = 1)
  and (median_ratio > 100 or median_ratio < 0.01)
order by commodity_id, statistic, edition_a, detail_a, detail_b
