"""Import kinds of the resources app: good files land, bad files are rejected row by row in Chinese."""

from __future__ import annotations

from decimal import Decimal

import pytest

from edugov.accounts.models import Role
from edugov.ingest.models import BatchStatus
from edugov.ingest.services import import_file
from edugov.ingest.tests.helpers import write_csv
from edugov.registry.models import SchoolType, Teacher
from edugov.resources.models import SchoolFacilities, TeacherYearRecord
from edugov.testing import make_mini_district, make_school

pytestmark = pytest.mark.django_db

FAC_HEADERS = [
    "学校标识码", "学年", "教学及辅助用房面积", "体育运动场馆面积", "教学仪器设备值", "网络多媒体教室",
    "音乐专用教室", "音乐教室总面积", "美术专用教室", "美术教室总面积", "图书",
]  # fmt: skip
TY_HEADERS = [
    "学校标识码", "教职工号", "学年", "任教学段", "最高学历", "骨干教师级别", "体育艺术专任",
    "持有教师资格证", "本学年培训学时", "本学年交流轮岗",
]  # fmt: skip


@pytest.fixture
def d():
    return make_mini_district()


def run(tmp_path, kind, headers, rows, user):
    path = write_csv(tmp_path / f"{kind}.csv", rows, headers=headers)
    return import_file(kind=kind, path=path, original_name=path.name, user=user)


def reasons(batch):
    return [(e["row"], e["reason"]) for e in batch.errors]


def test_facilities_good_file_then_reimport_updates(tmp_path, d):
    admin = d.users[Role.DISTRICT_ADMIN]
    rows = [
        [d.school_a.code, "2025-2026", "2000", "3200.5", "900000", "10", "1", "100", "1", "95", "12000"],
        [d.school_b.code, "2025", "800", "1600", "400000", "5", "", "", "", "", ""],
    ]
    batch = run(tmp_path, "facilities", FAC_HEADERS, rows, admin)
    assert batch.status == BatchStatus.SUCCEEDED, batch.errors
    a = SchoolFacilities.objects.get(school=d.school_a, school_year=d.year)
    assert a.sports_area == Decimal("3200.5") and a.music_rooms == 1 and a.books == 12000
    b = SchoolFacilities.objects.get(school=d.school_b)
    assert (b.music_rooms, b.art_room_area, b.books) == (0, 0, 0)
    rows[1][2] = "850"
    again = run(tmp_path, "facilities", FAC_HEADERS, rows, admin)
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 1, 1)
    assert SchoolFacilities.objects.get(school=d.school_b).teaching_aux_area == Decimal("850")


def test_facilities_bad_rows_are_rejected_in_chinese(tmp_path, d):
    kg = make_school(town=d.town_a, name="甲街道幼儿园", school_type=SchoolType.KINDERGARTEN)
    rows = [
        [d.school_a.code, "2025", "-5", "3200", "900000", "10", "", "", "", "", ""],
        ["3101019999", "2025", "100", "100", "100", "1", "", "", "", "", ""],
        [d.school_b.code, "2030", "100", "100", "100", "1", "", "", "", "", ""],
        [kg.code, "2025", "100", "100", "100", "1", "", "", "", "", ""],
        [d.point_a.code, "2025", "100", "100", "100", "1", "0", "96", "", "", ""],
    ]
    batch = run(tmp_path, "facilities", FAC_HEADERS, rows, d.users[Role.DISTRICT_ADMIN])
    assert batch.status == BatchStatus.REJECTED
    assert reasons(batch) == [
        (2, "教学及辅助用房面积不能为负数"),
        (3, "学校标识码3101019999在系统中不存在，请先导入或登记该学校"),
        (4, "2030-2031学年在系统中不存在，请先建立该学年"),
        (5, f"学校{kg.code}是幼儿园，办学条件表只填中小学"),
        (6, "填写了音乐教室面积，但音乐专用教室为0间"),
    ]
    assert not SchoolFacilities.objects.exists()


def test_school_admin_imports_only_own_school(tmp_path, d):
    rows = [[d.school_b.code, "2025", "100", "100", "100", "1", "", "", "", "", ""]]
    batch = run(tmp_path, "facilities", FAC_HEADERS, rows, d.users[Role.SCHOOL_ADMIN])
    assert batch.status == BatchStatus.REJECTED
    assert "无权导入学校" in batch.errors[0]["reason"]


def test_teacher_years_good_file(tmp_path, d):
    Teacher.objects.create(school=d.school_a, staff_number="T002", name="李老师", sex="M")
    rows = [
        [d.school_a.code, "T001", "2025-2026", "小学", "本科", "县级", "音乐", "是", "80", "否"],
        [d.school_a.code, "T002", "2025", "小学", "", "", "", "否", "", "是"],
    ]
    batch = run(tmp_path, "teacher_years", TY_HEADERS, rows, d.users[Role.SCHOOL_ADMIN])
    assert batch.status == BatchStatus.SUCCEEDED, batch.errors
    r1 = TeacherYearRecord.objects.get(teacher=d.teacher_a)
    assert (r1.stage, r1.qualification, r1.backbone_level, r1.pe_art_subject) == (
        "primary",
        "bachelor",
        "county",
        "music",
    )
    assert r1.training_hours == Decimal("80") and r1.has_certificate and not r1.rotated
    r2 = TeacherYearRecord.objects.get(teacher__staff_number="T002")
    assert (r2.qualification, r2.backbone_level, r2.pe_art_subject, r2.has_certificate, r2.rotated) == (
        "",
        "none",
        "",
        False,
        True,
    )


def test_teacher_years_bad_rows(tmp_path, d):
    rows = [
        [d.school_a.code, "T999", "2025", "小学", "本科", "", "", "", "", ""],
        [d.school_a.code, "T001", "2025", "初中", "本科", "", "", "", "", ""],
        [d.school_a.code, "T001", "2025", "小学", "本科", "", "", "", "-3", ""],
        ["3101019999", "T001", "2025", "小学", "本科", "", "", "", "", ""],
        [d.school_a.code, "T001", "2025", "小学", "文盲", "", "", "", "", ""],
    ]
    batch = run(tmp_path, "teacher_years", TY_HEADERS, rows, d.users[Role.DISTRICT_ADMIN])
    assert batch.status == BatchStatus.REJECTED
    got = dict(reasons(batch))
    assert got[2] == f"学校{d.school_a.code}没有教职工号为T999的教师，请先导入教师基本信息"
    assert got[3] == f"学校{d.school_a.code}是小学，没有初中学段"
    assert got[4] == "培训学时不能为负数"
    assert got[5].startswith("学校标识码3101019999在系统中不存在")
    assert got[6].startswith("不在可选值中")
    assert not TeacherYearRecord.objects.exists()
