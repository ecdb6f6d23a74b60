"""学位预测 over the warehouse: the mini district (see conftest) exported, its forecast and places gaps
computed by the bulk query over the Parquet files equal what the 学位预测 page computes from the
operational database, cell by cell, and the bulk query on the page's own inputs, row by row."""

from __future__ import annotations

import importlib

import duckdb
import pytest

from edugov.planning import bulk, selectors
from edugov.planning.bulk import duck, frames
from edugov.planning.warehouse import TABLES, bulk_params, page_differences, province_forecast, run_sources
from edugov.warehouse.export import read_manifest, warehouse_export

pytestmark = pytest.mark.django_db
HORIZON = 3


def test_the_warehouse_forecast_is_the_pages(world, tmp_path):
    md = world.md
    warehouse_export(directory=tmp_path)
    schools, gaps = province_forecast(
        directory=tmp_path, school_year=md.year, area=md.district, horizon=HORIZON
    )
    # The page's own figures, read from the database by the district's planning officer.
    actor = world.planner
    overview = selectors.planning_overview(actor=actor, horizon=HORIZON)
    cells, differ = page_differences(overview, gaps, md.district.pk)
    assert differ == []
    # 甲街道's primary and (the estate's) junior demand, 乙镇's primary, each year of the horizon.
    assert cells == len(gaps) == 3 * HORIZON
    # By hand (conftest): 甲街道's primary 2026: 3 x 80 pupils for 4 x 45 places; 2027 the estate's
    # 60 and the project's 90 places (completed in June: the 2027 school year's).
    a = gaps.set_index(bulk.GAP_KEYS).loc[(md.district.pk, md.town_a.pk, "primary")]
    assert (a.loc[2026, "demand"], a.loc[2026, "places"], a.loc[2026, "gap"]) == pytest.approx(
        (240, 180, -60)
    )
    assert (a.loc[2027, "housing"], a.loc[2027, "places"]) == pytest.approx((60, 270))
    assert a.loc[2026, "over_capacity_schools"] == 1
    # The same query on the page's inputs (bench.planning's demo comparison) gives every row alike.
    n = selectors.norms()
    tables = bulk.tables_from_inputs(
        selectors.inputs(actor=actor),
        selectors.school_places(actor=actor, norms=n),
        selectors.project_places(actor=actor),
        n,
        district=md.district.pk,
    )
    con = duckdb.connect()
    for name, frame in tables.items():
        con.register(name, frame)
    s_page, g_page = duck.run(con, {name: name for name in tables}, bulk_params(HORIZON))
    assert bulk.compare(schools, s_page, bulk.SCHOOL_KEYS) == (len(s_page), [])
    assert bulk.compare(gaps, g_page, bulk.GAP_KEYS) == (len(g_page), [])
    assert len(schools) == len(s_page) > 0
    # The province above the district: the same rows.
    _, by_province = province_forecast(
        directory=tmp_path, school_year=md.year, area=md.district.parent.parent, horizon=HORIZON
    )
    assert bulk.compare(by_province, gaps, bulk.GAP_KEYS) == (len(gaps), [])


def test_planning_tables_are_exported_by_district(world, tmp_path):
    md = world.md
    warehouse_export(directory=tmp_path)
    tables = read_manifest(tmp_path)["tables"]
    district = f"district={md.district.code}"
    assert {name: list(tables[name]["partitions"]) for name in TABLES.values()} == {
        name: [district] for name in TABLES.values()
    }
    # 11 years of figures for each of the two towns, one estate, one school's classrooms, one project.
    rows = [tables[name]["rows"] for name in TABLES.values()]
    assert rows == [22, 1, 1, 1]


def test_a_school_year_leaves_out_the_later_ones(world, tmp_path):
    """Forecast from 2024: the 2025 classes are not read, so 2025 is a forecast year."""
    md = world.md
    warehouse_export(directory=tmp_path)
    year_2024 = type(md.year).objects.get(start_year=2024)
    schools, _ = province_forecast(directory=tmp_path, school_year=year_2024, area=md.district, horizon=1)
    assert set(schools["year"]) == {2025}
    # School A: three grades of 80 carried over (ratios 1), entry 0.5 x 160 births.
    a = schools[schools["school"] == md.school_a.pk].set_index("grade")["pupils"]
    assert a.to_dict() == pytest.approx({1: 80, 2: 80, 3: 80})


def test_the_benchs_pandas_peer_and_limit_line_give_the_same(world, tmp_path):
    """bench.province_planning's peer (the files read with pandas, the method in pandas) and limit
    line (the bulk query over the Parquet files, no warehouse state) give the module's rows."""
    md = world.md
    warehouse_export(directory=tmp_path)
    schools, gaps = province_forecast(
        directory=tmp_path, school_year=md.year, area=md.district, horizon=HORIZON
    )
    where = {"start_year": md.year.start_year, "area_path": md.district.path}
    bench = importlib.import_module("bench.province_planning")  # the bench lies outside mypy's package
    p_schools, p_gaps = frames.run(bench.pandas_tables(tmp_path, **where), bulk_params(HORIZON))
    l_schools, l_gaps = run_sources(
        duckdb.connect(), bench.limit_sources(tmp_path, **where), bulk_params(HORIZON)
    )
    for s, g in ((p_schools, p_gaps), (l_schools, l_gaps)):
        assert bulk.compare(schools, s, bulk.SCHOOL_KEYS) == (len(schools), [])
        assert bulk.compare(gaps, g, bulk.GAP_KEYS) == (len(gaps), [])
        assert (len(s), len(g)) == (len(schools), len(gaps))
    digest, items = bench.digest((schools, gaps))
    assert items == len(gaps) and len(digest) == len(schools) + len(gaps)
