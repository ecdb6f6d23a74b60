"""Private schools' yearly figures through the ingest engine (kind planning_private): the
template's headers, a good file written, a file with bad rows refused whole with a Chinese message
per row and nothing written, and a second file updating the same school and year."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from edugov.accounts.models import Role
from edugov.ingest.services import import_file
from edugov.ingest.spec import get_spec
from edugov.planning.models import PrivateSchoolYear
from edugov.testing import make_school, make_user

pytestmark = pytest.mark.django_db

HEADER = "学校标识码,年份,核定办学规模,招生计划,实际招生,在校生,总收入,学费收入,向举办者及关联方支付\n"


def _write(tmp_path: Any, text: str, name: str = "private.csv") -> Any:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def private(world):
    return make_school(town=world.md.town_a, name="民办育英学校", ownership="private")


def test_the_template_names_every_column_in_chinese():
    spec = get_spec("planning_private")
    assert spec is not None
    assert [c.header for c in spec.columns] == HEADER.strip().split(",")
    assert spec.label == "民办学校年度情况"


def test_a_good_file_is_written_and_a_second_one_updates(tmp_path, world, private):
    text = HEADER + f"{private.code},2025,1800,300,330,1750,3600,3200,120.5\n"
    batch = import_file(
        kind="planning_private", path=_write(tmp_path, text), original_name="p.csv", user=world.planner
    )
    assert batch.status == "succeeded", batch.message
    row = PrivateSchoolYear.objects.get(school=private, year=2025)
    assert (row.approved_scale, row.plan_enrolment, row.actual_enrolment, row.pupils) == (
        1800,
        300,
        330,
        1750,
    )
    assert row.related_party_payments == Decimal("120.50") and row.fee_income == Decimal("3200")
    again = HEADER + f"{private.code},2025,1800,300,290,1700,,,\n"
    batch = import_file(
        kind="planning_private",
        path=_write(tmp_path, again, "b.csv"),
        original_name="b.csv",
        user=world.planner,
    )
    assert batch.status == "succeeded", batch.message
    row.refresh_from_db()
    assert (row.actual_enrolment, row.pupils, row.income, row.related_party_payments) == (
        290,
        1700,
        Decimal(0),
        Decimal(0),
    )
    assert PrivateSchoolYear.objects.count() == 1


def test_a_file_with_bad_rows_is_refused_whole(tmp_path, world, private):
    public = world.md.school_a.code
    text = HEADER + (
        f"{private.code},2025,1800,300,330,1750,3600,3200,0\n"  # good
        f"{private.code},2026,1800,-5,330,1750,3600,3200,0\n"  # negative plan
        f"{private.code},2027,1800,300,330,1750,100,3200,0\n"  # fees above income
        f"{public},2025,900,100,100,900,0,0,0\n"  # a public school
        f"{private.code},2028,0,300,330,1750,3600,3200,0\n"  # no approved scale
        "9999999999,2025,900,100,100,900,0,0,0\n"  # unknown school
    )
    batch = import_file(
        kind="planning_private", path=_write(tmp_path, text), original_name="p.csv", user=world.planner
    )
    assert batch.status == "rejected"
    assert not PrivateSchoolYear.objects.exists()
    sheet = load_workbook(batch.error_report_path).active
    assert sheet is not None
    cells = " ".join(str(c.value) for r in sheet.iter_rows() for c in r if c.value)
    assert "学费收入不能多于总收入" in cells
    assert f"学校{public}不是民办学校" in cells
    assert "9999999999在系统中不存在" in cells
    assert "核定办学规模：应不小于1" in cells and "招生计划：应不小于0" in cells


def test_a_school_outside_the_uploaders_scope_is_refused(tmp_path, world, private):
    """A planning officer of town B may not write town A's private school."""
    officer_b = make_user(Role.DEPARTMENT_OFFICER, area=world.md.town_b, department="planning_finance")
    text = HEADER + f"{private.code},2025,1800,300,330,1750,3600,3200,0\n"
    batch = import_file(
        kind="planning_private", path=_write(tmp_path, text), original_name="p.csv", user=officer_b
    )
    assert batch.status == "rejected"
    assert not PrivateSchoolYear.objects.exists()
    sheet = load_workbook(batch.error_report_path).active
    assert sheet is not None
    assert "无权导入学校" in " ".join(str(c.value) for r in sheet.iter_rows() for c in r if c.value)
