"""The demo district's 优质均衡 evaluation on the operational database, on DuckDB over the
warehouse's Parquet files and on Spark (local) over the same files gives the same results."""

from __future__ import annotations

import math

import pytest
from django.db import connection, transaction
from django.db.models import ProtectedError

from edugov.demo.services import demo_build
from edugov.indicators.backends import EngineError, Workspace, use_warehouse
from edugov.registry.models import Area, AreaLevel, School, SchoolClass, SchoolYear
from edugov.resources.evaluation import evaluate_balanced
from edugov.resources.indicators import WORKSPACE_TABLES
from edugov.testing import rows_shared_by_tests
from edugov.warehouse.export import warehouse_export
from edugov.warehouse.limit_files import table_files

pytestmark = pytest.mark.django_db


def flat(ev):
    return (
        [
            (
                s.school_code,
                s.stage,
                s.students,
                s.passed,
                s.verdict,
                [(r.code, r.value, r.gap) for r in s.indicators],
            )
            for s in ev.schools
        ],
        [(c.stage, c.code, c.cv, c.mean, c.schools) for c in ev.cvs],
        [(t.area_name, t.stage, t.students, t.values) for t in ev.towns],
        [(t.stage, t.students, t.values) for t in ev.district],
        sorted((f.school_id, f.stage, f.reason) for f in ev.findings),
        [(g.code, g.checked, [(x.school_id, x.detail) for x in g.failures]) for g in ev.guarantee],
    )


def close(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    return a == b


# The tables the 优质均衡 evaluation reads (the demo's homework and tutoring money rows would only
# slow the export down: test_module_engines covers them).
TABLES = ["area", "school_year", "school", "school_class", "teacher", "teacher_year", "facilities"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo district built and exported once for the module; what a test writes is rolled
    back after it (rows_shared_by_tests), and no test writes into this warehouse."""
    warehouse = tmp_path_factory.mktemp("warehouse")
    with rows_shared_by_tests(django_db_blocker, tmp_path_factory.mktemp("media")):
        demo_build(seed=1, scale=0.3)
        warehouse_export(directory=warehouse, tables=TABLES)
        year = SchoolYear.objects.get(is_current=True)
        area = Area.objects.filter(level=AreaLevel.DISTRICT).order_by("path").first()
        yield year, area, warehouse


def test_operational_db_duckdb_and_spark_over_parquet_agree(demo):
    year, area, warehouse = demo
    own = "postgres" if connection.vendor == "postgresql" else "sqlite"
    reference = evaluate_balanced(school_year=year, area=area, engine=own)
    assert reference.schools and reference.cvs and reference.towns
    with use_warehouse(warehouse):
        duck = evaluate_balanced(school_year=year, area=area, engine="duckdb")
        spark = evaluate_balanced(school_year=year, area=area, engine="spark")
        # SQLite/PostgreSQL always read the operational database, warehouse or not.
        assert Workspace(own, WORKSPACE_TABLES).warehouse is None
    assert close(flat(reference), flat(duck))
    assert close(flat(reference), flat(spark))


def _delete_one_class() -> None:
    """Delete the first class that nothing protects (other modules' rows, such as assessment
    results, keep theirs)."""
    for pk in SchoolClass.objects.order_by("pk").values_list("pk", flat=True):
        try:
            with transaction.atomic():
                SchoolClass.objects.filter(pk=pk).delete()
            return
        except ProtectedError:
            continue
    raise AssertionError("every class is protected")


def test_warehouse_is_a_snapshot_until_exported_again(demo, tmp_path):
    warehouse = tmp_path  # exported again below: its own, not the module's
    warehouse_export(directory=warehouse, tables=TABLES)
    n = SchoolClass.objects.count()
    _delete_one_class()

    def rows():
        ws = Workspace.from_warehouse("duckdb", warehouse, WORKSPACE_TABLES)
        return int(ws.execute(ws.table("school_class").count()))

    assert rows() == n
    warehouse_export(directory=warehouse, tables=TABLES)
    assert rows() == n - 1


def test_from_warehouse_refuses_operational_engines_and_missing_manifest(tmp_path):
    with pytest.raises(EngineError):
        Workspace.from_warehouse("sqlite", tmp_path, WORKSPACE_TABLES)
    with pytest.raises(EngineError, match="manifest"):
        Workspace.from_warehouse("duckdb", tmp_path, WORKSPACE_TABLES)


def test_a_years_rows_come_from_that_years_files_and_a_fresh_process_finds_them(demo):
    """`Workspace.table(name, school_year_id=)`: over the warehouse on DuckDB the year's partition
    files only (a view named for the year), the same rows as the filter on the operational
    database; a fresh process reading the kept SQL makes those views again."""
    from edugov.indicators import warehouse_duckdb

    year, area, warehouse = demo
    years = set(SchoolClass.objects.values_list("school_year", flat=True))
    assert len(years) > 1  # the other years' files are there to be left out
    own = "postgres" if connection.vendor == "postgresql" else "sqlite"
    db = Workspace(own, WORKSPACE_TABLES)
    expected = int(db.execute(db.table("school_class", school_year_id=year.pk).count()).iloc[0, 0])
    assert expected == SchoolClass.objects.filter(school_year=year).count()
    with use_warehouse(warehouse):
        ws = Workspace("duckdb", WORKSPACE_TABLES)
        classes = ws.table("school_class", school_year_id=year.pk)
        assert int(ws.execute(classes.count())) == expected
        state = warehouse_duckdb.warehouse_state(warehouse)
        files = state.year_files(SchoolClass, year.start_year)
        assert files and all(f"/year={year.start_year}/" in f for f in files)
        # The limit line and the pandas peers read the same files (limit_files.table_files).
        assert sorted(map(str, table_files(warehouse, "school_class", year.pk))) == sorted(files)
        assert len(table_files(warehouse, "school_class")) > len(files)
        assert f"registry_schoolclass__y{year.start_year}" in ws.backend.compile(classes)

        first = flat(evaluate_balanced(school_year=year, area=area, engine="duckdb"))
        warehouse_duckdb._LOCAL.duckdb = None  # as a new process: only the SQL kept on disk
        again = flat(evaluate_balanced(school_year=year, area=area, engine="duckdb"))
        state = warehouse_duckdb.warehouse_state(warehouse)
        assert f"wh_registry_schoolclass__y{year.start_year}" in state.views
        assert state._ibis is None  # answered from the kept SQL, nothing compiled
    assert close(first, again)


def test_several_years_rows_come_from_those_years_files(demo):
    """`Workspace.table(name, school_year_ids=)`: the rows of those school years, on the operational
    database by a filter and over the warehouse from those years' files only (one view named for
    them); a year the warehouse has no files of leaves the whole view, still filtered."""
    from edugov.indicators import warehouse_duckdb

    _year, _area, warehouse = demo
    years = list(SchoolYear.objects.filter(classes__isnull=False).distinct().order_by("start_year"))
    assert len(years) >= 3
    chosen = years[-2:]
    ids = [y.pk for y in chosen]
    expected = SchoolClass.objects.filter(school_year__in=ids).count()
    own = "postgres" if connection.vendor == "postgresql" else "sqlite"
    db = Workspace(own, WORKSPACE_TABLES)
    assert int(db.execute(db.table("school_class", school_year_ids=ids).count()).iloc[0, 0]) == expected
    with use_warehouse(warehouse):
        ws = Workspace("duckdb", WORKSPACE_TABLES)
        classes = ws.table("school_class", school_year_ids=ids)
        assert int(ws.execute(classes.count())) == expected
        starts = "_".join(str(y.start_year) for y in chosen)
        assert f"registry_schoolclass__y{starts}" in ws.backend.compile(classes)
        state = warehouse_duckdb.warehouse_state(warehouse)
        assert state.years(SchoolClass) == sorted({y.start_year for y in years})
        files = state.year_files(SchoolClass, [y.start_year for y in chosen])
        assert {f.split("/year=")[1][:4] for f in files} == {str(y.start_year) for y in chosen}
        # Not partitioned by year: no year's files, the whole view.
        assert state.years(Area) == [] and state.year_files(Area, chosen[0].start_year) == []
        assert state.year_view(Area, chosen[0].start_year) == state.view(Area)
    with pytest.raises(ValueError):
        db.table("school_class", school_year_id=ids[0], school_year_ids=ids)


def test_a_school_moved_to_another_district_after_the_export_keeps_its_row(demo):
    """Over the warehouse (a snapshot), a school the operational database has since moved out of
    the district is still one of the engine's rows: the evaluation shows it with its name and its
    new town (read by id), where before the look-up by the district's path failed."""
    from edugov.registry import services as registry_services

    year, area, warehouse = demo
    with use_warehouse(warehouse):
        before = evaluate_balanced(school_year=year, area=area, engine="duckdb")
    unit = before.schools[0]
    other = registry_services.area_create(
        code=area.code[:-2] + "98", name="另一区", level=AreaLevel.DISTRICT, parent=area.parent
    )
    town = registry_services.area_create(
        code=other.code + "001", name="另一镇", level=AreaLevel.TOWN, parent=other
    )
    School.objects.filter(pk=unit.school_id).update(area=town)
    with use_warehouse(warehouse):
        after = evaluate_balanced(school_year=year, area=area, engine="duckdb")
    moved = [s for s in after.schools if s.school_id == unit.school_id and s.stage == unit.stage]
    assert len(moved) == 1
    assert (moved[0].school_name, moved[0].town_name) == (unit.school_name, "另一镇")
    assert [r.value for r in moved[0].indicators] == [r.value for r in unit.indicators]
