"""Each quirk the releases are known for, checked on a real row of the built extracts.

The extract modules have their own detailed tests; this file is the one-page answer to
"does the pipeline still read every quirk?" after a rebuild on a new release.
"""
from __future__ import annotations





def one(con, sql: str) -> dict:
    """The one row a query names; none or several is a failure (a first-of-many row
    would hide a duplicate)."""
    rows = con.execute(sql).df()
    assert len(rows) == 1, f"{len(rows)} rows for {sql}"
    return rows.iloc[0].to_dict()


def test_withheld_W_is_a_flag_not_a_number(con):
    row = one(con, """SELECT * FROM core_usgs_mcs__us_salient
                      WHERE edition = 2023 AND commodity_id = 'barite' AND value_original = 'W'
                        AND statistic_detail = 'Consump_kt' AND year = 2022""")
    assert row["value_flag"] == "withheld" and row["value"] != row["value"]  # NaN


def test_estimate_prefix_e5000(con):
    row = one(con, """SELECT * FROM core_usgs_mcs__world_production
                      WHERE edition = 2024 AND commodity_id = 'sand_and_gravel_industrial'
                        AND country_iso3 = 'AUS' AND year = 2022""")
    assert row["value_original"] == "e5,000"
    assert row["is_estimate"] and row["value"] == 5_000 * 1_000  # thousand tons -> t


def test_lower_bound_greater_than_50(con):
    row = one(con, """SELECT * FROM core_usgs_mcs__net_import_reliance
                      WHERE edition = 2023 AND commodity_id = 'germanium'""")
    assert row["value_original"] == ">50"
    assert row["value_flag"] == "lower_bound" and row["value_low"] == 50
    assert row["net_import_reliance_pct"] != row["net_import_reliance_pct"]  # no guessed value


def test_en_dash_range_50_300(con):
    row = one(con, """SELECT * FROM core_usgs_mcs__us_salient
                      WHERE edition = 2024 AND commodity_id = 'zeolites_natural' AND year = 2022
                        AND statistic_detail = 'Price_Range_dt'""")
    assert row["value_original"] == "50–300"
    assert (row["value_flag"], row["value_low"], row["value_high"]) == ("range", 50, 300)


def test_footnote_digit_stripped_and_aggregate_never_a_country(con):
    row = one(con, """SELECT * FROM core_usgs_mcs__world_production
                      WHERE edition = 2024 AND commodity_id = 'lithium'
                        AND country_name_source = 'Other countries6' AND year = 2023""")
    assert row["country_name"] == "Other countries"
    assert row["is_aggregate"] and row["aggregate_kind"] == "other_countries"
    assert row["country_iso3"] is None
    unmapped = con.execute("""SELECT count(*) FROM core_usgs_mcs__world_production
                              WHERE is_aggregate AND country_iso3 IS NOT NULL""").fetchone()[0]
    assert unmapped == 0


def test_typo_gemanium_maps_to_germanium(con):
    names = {r[0] for r in con.execute("""SELECT DISTINCT commodity_name FROM core_usgs_mcs__world_production
                                         WHERE edition = 2025 AND commodity_id = 'germanium'""").fetchall()}
    assert "Gemanium" in names


def test_2026_erratum_brazil_rare_earth_reserves(con):
    brazil = one(con, """SELECT * FROM core_usgs_mcs__world_reserves
                         WHERE edition = 2026 AND commodity_id = 'rare_earths' AND country_iso3 = 'BRA'""")
    assert brazil["value"] == 11_000_000 and brazil["value_original"] == "21,000,000"
    assert brazil["errata_id"]
    world = one(con, """SELECT * FROM core_usgs_mcs__world_reserves
                        WHERE edition = 2026 AND commodity_id = 'rare_earths' AND aggregate_kind = 'world_total'""")
    assert world["value_flag"] == "lower_bound" and world["value_low"] == 75_000_000
    assert world["value_original"] == ">85,000,000" and world["errata_id"]


def test_column_level_estimate_flag(con):
    """'Prod_t_est_2022' marks every value of the column as an estimate, with no 'e' on the
    cell: MCS 2023 Australia lithium 2022 (61,000) is estimated, 2021 (55,300) is not."""
    rows = dict(con.execute("""SELECT year, is_estimate FROM core_usgs_mcs__world_production
                               WHERE edition = 2023 AND commodity_id = 'lithium' AND country_iso3 = 'AUS'
                                 AND stage = 'mine'""").fetchall())
    assert rows == {2021: False, 2022: True}
