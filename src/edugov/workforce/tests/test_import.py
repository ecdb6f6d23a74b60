"""The two import kinds through the ingest engine: records and subject loads, their Chinese
refusals (unknown school, title or subject, a birth month in the future, a teacher without a record),
nothing written when any row is wrong, and the error workbook."""

from __future__ import annotations

from typing import Any

import pytest
from openpyxl import load_workbook

from edugov.accounts.models import Role
from edugov.ingest.services import import_file
from edugov.workforce.models import SubjectLoad, TeacherYear

pytestmark = pytest.mark.django_db

HEAD = (
    "学校标识码,教职工号,学年,用工类型,职称,最高学历,所学专业,教师资格证学段,教师资格证学科,骨干教师级别,"
    "班主任,班主任年限,参加工作时间,调入本校年份,乡村学校任教年限,出生年月\n"
)


def _write(tmp_path: Any, text: str, name: str = "records.csv") -> Any:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _row(code: str, staff: str, **kw: str) -> str:
    v = {
        "year": "2025-2026", "kind": "在编", "title": "一级", "edu": "本科", "major": "音乐学",
        "stage": "小学", "subject": "音乐", "backbone": "县级", "head": "否", "head_years": "0",
        "joined": "2010-09-01", "since": "2016", "rural": "0", "birth": "1987年4月",
    } | kw  # fmt: skip
    return ",".join([code, staff, *v.values()]) + "\n"


def test_records_and_loads_import(tmp_path, world):
    md = world.md
    code = md.school_a.code
    text = (
        HEAD + _row(code, "T002", title="高级", birth="1975-11") + _row(code, "T003", stage="无", subject="")
    )
    batch = import_file(
        kind="workforce_records", path=_write(tmp_path, text), original_name="r.csv", user=world.personnel
    )
    assert batch.status == "succeeded", batch.message
    assert batch.updated_count == 2  # both teachers had a record this year already
    t2 = TeacherYear.objects.get(teacher__staff_number="T002", school_year=md.year)
    assert (t2.title, t2.birth_year, t2.birth_month, t2.backbone_level) == ("senior", 1975, 11, "county")
    loads = (
        "学校标识码,教职工号,学年,任教学科,周课时\n" + f"{code},T002,2025,音乐,8\n{code},T002,2025,体育,6\n"
    )
    batch = import_file(
        kind="workforce_loads",
        path=_write(tmp_path, loads, "l.csv"),
        original_name="l.csv",
        user=world.personnel,
    )
    assert batch.status == "succeeded", batch.message
    assert dict(SubjectLoad.objects.filter(teacher_year=t2).values_list("subject", "weekly_periods")) == {
        "体育与健康": 6,  # the old row, its periods replaced by "体育" (the same subject)
        "音乐": 8,
    }


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (lambda code: _row("9999999999", "T002"), "学校标识码9999999999在系统中不存在"),
        (lambda code: _row(code, "T002", title="教授"), "不在可选值中"),
        (lambda code: _row(code, "T002", subject="书法课"), "未知学科“书法课”"),
        (lambda code: _row(code, "T002", birth="2099-01"), "出生年月不能晚于当前月份"),
        (lambda code: _row(code, "T999"), "没有教职工号为T999的教师"),
        (lambda code: _row(code, "T002", year="2030-2031"), "2030学年尚未建立"),
    ],
)
def test_bad_rows_reject_the_file_in_chinese(tmp_path, world, row, message):
    md = world.md
    before = list(TeacherYear.objects.values_list("pk", "title", "birth_year").order_by("pk"))
    text = HEAD + _row(md.school_a.code, "T003", title="高级") + row(md.school_a.code)
    batch = import_file(
        kind="workforce_records", path=_write(tmp_path, text), original_name="r.csv", user=world.personnel
    )
    assert batch.status == "rejected"
    assert message in batch.message
    assert list(TeacherYear.objects.values_list("pk", "title", "birth_year").order_by("pk")) == before
    sheet = load_workbook(batch.error_report_path).active
    assert any(message in str(c.value) for r in sheet.iter_rows() for c in r if c.value)


def test_school_administrator_imports_own_school_only(tmp_path, world):
    md = world.md
    text = HEAD + _row(md.school_b.code, "B001")
    batch = import_file(
        kind="workforce_records",
        path=_write(tmp_path, text),
        original_name="r.csv",
        user=md.users[Role.SCHOOL_ADMIN],
    )
    assert batch.status == "rejected" and "无权导入学校" in batch.message


def test_a_load_needs_the_years_record(tmp_path, world):
    md = world.md
    TeacherYear.objects.filter(teacher__staff_number="T003").delete()
    loads = "学校标识码,教职工号,学年,任教学科,周课时\n" + f"{md.school_a.code},T003,2025,语文,12\n"
    batch = import_file(
        kind="workforce_loads", path=_write(tmp_path, loads), original_name="l.csv", user=world.personnel
    )
    assert batch.status == "rejected" and "请先导入“教师年度档案”" in batch.message
