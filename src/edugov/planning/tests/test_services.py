"""Bad input refused in Chinese with nothing written (impossible counts, housing with no town, a
project finishing before it starts), imports through the ingest engine, and a stored forecast that
keeps its inputs and method."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from edugov.common.errors import DomainError, PermissionDenied
from edugov.ingest.services import import_file
from edugov.planning import services
from edugov.planning.models import HousingDevelopment, Project, SchoolCapacity, TownYear

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"population": 100, "births": 101}, "出生人口：不能多于总人口"),
        ({"population": 100, "births": -1}, "出生人口：不能小于0"),
        ({"population": 100, "births": 1, "net_migration": -101}, "净迁入人口：绝对值不能超过总人口"),
        ({"population": 0, "births": 0}, "总人口：不能小于1"),
    ],
)
def test_impossible_counts_are_refused(world, kwargs, message):
    before = TownYear.objects.count()
    with pytest.raises(DomainError) as exc:
        services.town_year_save(actor=world.planner, area=world.md.town_a, year=2030, **kwargs)
    assert exc.value.message == message
    assert TownYear.objects.count() == before


def test_housing_needs_a_town(world):
    with pytest.raises(DomainError, match="乡镇（街道）：必须填写"):
        services.housing_create(
            actor=world.planner, name="无名", area=None, households=10, completion_year=2027
        )
    with pytest.raises(DomainError, match="不是乡镇（街道）"):
        services.housing_create(
            actor=world.planner, name="区级", area=world.md.district, households=10, completion_year=2027
        )
    assert not HousingDevelopment.objects.filter(name__in=["无名", "区级"]).exists()


def test_a_project_finishing_before_it_starts_is_refused(world):
    with pytest.raises(DomainError, match="计划竣工日期应晚于开工日期"):
        services.project_create(
            actor=world.planner, name="倒序工程", school=world.md.school_b, kind="new", stage="primary",
            places_added=100, budget=Decimal(10), start_date=dt.date(2026, 5, 1),
            planned_completion=dt.date(2026, 4, 1),
        )  # fmt: skip
    assert not Project.objects.filter(name="倒序工程").exists()


def test_a_basic_education_officer_may_not_register_projects(world):
    with pytest.raises(PermissionDenied):
        services.capacity_set(
            actor=world.md.users["department_officer"],
            school=world.md.school_b,
            stage="primary",
            classrooms=3,
        )


def test_a_stored_forecast_keeps_inputs_method_and_backtest(world):
    run = services.forecast_save(actor=world.planner, area=world.md.district, horizon=3)
    assert run.base_year == 2025 and "年级推移法" in run.method
    run.refresh_from_db()
    assert run.inputs["births"]["甲街道"]["2020"] == 160.0
    assert run.inputs["housing"]["甲街道"] == [[2027, 500]]
    gap = next(g for g in run.results["gaps"] if g["town"] == "甲街道" and g["stage"] == "primary")
    assert gap["first_short"] == 2026 and gap["cells"][0]["gap"] == -60
    assert run.results["backtest"]
    with pytest.raises(DomainError, match="1～10"):
        services.forecast_save(actor=world.planner, area=world.md.district, horizon=11)


def _write(tmp_path: Any, text: str, name: str = "data.csv") -> Any:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_population_import_refuses_the_whole_file_on_one_bad_row(tmp_path, world):
    town = world.md.town_a.code
    text = (
        "乡镇街道代码,年份,总人口,出生人口,净迁入人口,数据来源\n"
        f"{town},2025,16200,150,120,区卫健委\n"
        f"{town},2026,100,150,0,区卫健委\n"
        f"{world.md.district.code},2026,100,1,0,区卫健委\n"
    )
    batch = import_file(
        kind="planning_population", path=_write(tmp_path, text), original_name="p.csv", user=world.planner
    )
    assert batch.status != "succeeded"
    assert not TownYear.objects.filter(year__gte=2025).exists()
    assert batch.status == "rejected"
    sheet = load_workbook(batch.error_report_path).active
    assert sheet is not None
    cells = " ".join(str(c.value) for r in sheet.iter_rows() for c in r if c.value)
    assert "出生人口不能多于总人口" in cells and "不是乡镇（街道）" in cells


def test_population_housing_and_classroom_imports(tmp_path, world):
    town = world.md.town_b.code
    ok = f"乡镇街道代码,年份,总人口,出生人口,净迁入人口,数据来源\n{town},2025,8100,70,-90,公安分局\n"
    batch = import_file(
        kind="planning_population", path=_write(tmp_path, ok), original_name="p.csv", user=world.planner
    )
    assert batch.status == "succeeded", batch.message
    assert TownYear.objects.get(area=world.md.town_b, year=2025).net_migration == -90
    housing = f"项目名称,乡镇街道代码,户数,交付年份\n集镇安置小区,{town},400,2027\n"
    batch = import_file(
        kind="planning_housing",
        path=_write(tmp_path, housing, "h.csv"),
        original_name="h.csv",
        user=world.planner,
    )
    assert batch.status == "succeeded", batch.message
    rooms = f"学校标识码,学段,普通教室间数\n{world.md.school_b.code},小学,6\n"
    batch = import_file(
        kind="planning_classrooms",
        path=_write(tmp_path, rooms, "c.csv"),
        original_name="c.csv",
        user=world.planner,
    )
    assert batch.status == "succeeded", batch.message
    assert SchoolCapacity.objects.get(school=world.md.school_b).classrooms == 6
