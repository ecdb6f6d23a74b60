"""The engine: all-or-nothing, exact counts, idempotence, row logs, scope, and each kind."""

from __future__ import annotations

import pytest

from edugov.accounts.models import Role
from edugov.audit.models import AuditAction, AuditEvent
from edugov.common.errors import PermissionDenied
from edugov.ingest.models import BatchStatus, ImportRowLog, RowAction
from edugov.ingest.services import import_file
from edugov.registry.models import Area, School, SchoolClass, Teacher
from edugov.testing import make_mini_district

from .helpers import write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def d():
    return make_mini_district()


def _import(tmp_path, rows, *, user=None, kind="classes", headers=None, name="a.csv", encoding="utf-8"):
    path = write_csv(tmp_path / name, rows, headers=headers, encoding=encoding)
    return import_file(kind=kind, path=path, original_name=name, user=user)


def test_good_file_creates_updates_and_logs(tmp_path, d):
    code = d.school_a.code
    rows = [
        [code, "2025-2026", "三年级", "1", "三年级1班", "25", "20"],  # existing class_a1 (20/20): update
        [code, "2025", "三年级", "2", "3年级2班", "20", "20"],  # class_a2 unchanged (same values)
        [code, "2025", "一年级", "1", "一年级1班", "18", "17"],  # new
    ]
    batch = _import(tmp_path, rows, user=d.users[Role.SCHOOL_ADMIN])
    assert batch.status == BatchStatus.SUCCEEDED, batch.message
    assert (batch.total_rows, batch.created_count, batch.updated_count, batch.unchanged_count) == (3, 1, 1, 1)
    assert batch.unchanged_ranges == [[3, 3]]
    d.class_a1.refresh_from_db()
    assert (d.class_a1.boys, d.class_a1.girls, d.class_a1.name) == (25, 20, "三年级1班")
    new = SchoolClass.objects.get(school=d.school_a, grade=1, number=1)
    assert new.enrolment == 35
    logs = list(ImportRowLog.objects.filter(batch=batch).order_by("row_number"))
    assert [(r.row_number, r.action) for r in logs] == [(2, RowAction.UPDATED), (4, RowAction.CREATED)]
    assert logs[0].object_id == d.class_a1.pk
    assert logs[0].old_values == {"name": "3年级1班", "boys": 20}
    assert logs[1].object_id == new.pk and logs[1].old_values is None
    event = AuditEvent.objects.get(action=AuditAction.IMPORT, import_batch_id=batch.pk)
    assert event.changes["created"] == 1 and event.changes["updated"] == 1 and event.changes["unchanged"] == 1
    assert event.changes["sha256"] == batch.sha256 and event.changes["file"] == "a.csv"
    assert event.actor == d.users[Role.SCHOOL_ADMIN]
    assert event.area_path == d.town_a.path


def test_reimport_changes_nothing(tmp_path, d):
    rows = [[d.school_a.code, "2025", "一年级", str(n), f"一年级{n}班", "20", "21"] for n in range(1, 6)]
    first = _import(tmp_path, rows)
    assert first.created_count == 5
    before = list(SchoolClass.objects.order_by("pk").values())
    again = _import(tmp_path, rows)
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 5)
    assert again.unchanged_ranges == [[2, 6]]
    assert list(SchoolClass.objects.order_by("pk").values()) == before
    assert not ImportRowLog.objects.filter(batch=again).exists()


def test_one_bad_row_writes_nothing(tmp_path, d):
    code = d.school_a.code
    rows = [[code, "2025", "一年级", str(n), "", "20", "21"] for n in range(1, 50)]
    rows.append([code, "2025", "一年级", "50", "", "二十", "21"])  # row 51: text in a number cell
    count = SchoolClass.objects.count()
    batch = _import(tmp_path, rows)
    assert batch.status == BatchStatus.REJECTED
    assert batch.error_count == 1
    assert batch.errors == [{"row": 51, "column": "男生数", "value": "二十", "reason": "应为整数"}]
    assert SchoolClass.objects.count() == count
    assert batch.created_count == 0
    assert not AuditEvent.objects.filter(action=AuditAction.IMPORT).exists()
    assert batch.error_report_path


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (["9999999999", "2025", "一年级", "1", "", "1", "1"], "学校标识码", "不存在"),
        (["123", "2025", "一年级", "1", "", "1", "1"], "学校标识码", "10位数字"),
        (["{a}", "2030", "一年级", "1", "", "1", "1"], "学年", "不存在"),
        (["{a}", "2025-2027", "一年级", "1", "", "1", "1"], "学年", "相差一年"),
        (["{a}", "2025", "初一", "1", "", "1", "1"], "年级", "小学不设七年级"),
        (["{a}", "2025", "十五年级", "1", "", "1", "1"], "年级", "年级不正确"),
        (["{a}", "2025", "一年级", "100", "", "1", "1"], "班号", "1～99"),
        (["{a}", "2025", "一年级", "1", "", "201", "1"], "男生数", "0～200"),
        (["{a}", "2025", "一年级", "1", "", "-1", "1"], "男生数", "0～200"),
        (["{a}", "2025", "一年级", "1", "", "", "1"], "男生数", "必填"),
        (["{b}", "2025", "一年级", "1", "", "1", "1"], "学校标识码", "无权"),
    ],
)
def test_row_errors_are_chinese_and_point_at_the_column(tmp_path, d, row, column, reason):
    row = [c.format(a=d.school_a.code, b=d.school_b.code) for c in row]
    batch = _import(tmp_path, [row], user=d.users[Role.SCHOOL_ADMIN])
    assert batch.status == BatchStatus.REJECTED
    [error] = batch.errors
    assert error["row"] == 2 and error["column"] == column and reason in error["reason"]


def test_duplicates_within_the_file(tmp_path, d):
    row = [d.school_a.code, "2025", "一年级", "1", "", "20", "20"]
    batch = _import(tmp_path, [row, ["x"] * 0 + row[:3] + ["１", "", "20", "20"]])
    [error] = batch.errors
    assert error["row"] == 3 and "与第2行重复" in error["reason"] and error["column"] == "班号"


def test_school_admin_cannot_import_another_schools_rows(tmp_path, d):
    rows = [
        [d.school_a.code, "2025", "一年级", "1", "", "20", "20"],
        [d.point_a.code, "2025", "一年级", "1", "", "5", "5"],  # own teaching point: allowed
        [d.school_b.code, "2025", "一年级", "1", "", "20", "20"],
    ]
    count = SchoolClass.objects.count()
    batch = _import(tmp_path, rows, user=d.users[Role.SCHOOL_ADMIN])
    assert batch.status == BatchStatus.REJECTED
    assert [(e["row"], e["column"]) for e in batch.errors] == [(4, "学校标识码")]
    assert SchoolClass.objects.count() == count
    ok = _import(tmp_path, rows[:2], user=d.users[Role.SCHOOL_ADMIN])
    assert ok.status == BatchStatus.SUCCEEDED and ok.created_count == 2


def test_town_officer_scope(tmp_path, d):
    batch = _import(
        tmp_path, [[d.school_b.code, "2025", "一年级", "1", "", "1", "1"]], user=d.users["town_officer"]
    )
    assert "无权" in batch.errors[0]["reason"]


def test_leader_and_teacher_may_not_import(tmp_path, d):
    path = write_csv(tmp_path / "a.csv", [])
    with pytest.raises(PermissionDenied, match="只读"):
        import_file(kind="classes", path=path, original_name="a.csv", user=d.users[Role.LEADER])
    with pytest.raises(PermissionDenied, match="无权执行“导入班级与学生数”"):
        import_file(kind="classes", path=path, original_name="a.csv", user=d.users[Role.TEACHER])


def test_wrong_headers_list_the_expected_ones(tmp_path, d):
    headers = ["学校代码", "学年", "年级", "班号", "班级名称", "男生数", "女生数"]
    batch = _import(tmp_path, [[d.school_a.code, "2025", "一年级", "1", "", "1", "1"]], headers=headers)
    assert batch.status == BatchStatus.REJECTED
    assert "缺少必填列：学校标识码" in batch.message and "无法识别的列：学校代码" in batch.message
    assert "学校标识码、学年、年级、班号、班级名称、男生数、女生数" in batch.message


def test_duplicate_header(tmp_path, d):
    headers = ["学校标识码", "学年", "年级", "班号", "男生数", "男生数", "女生数"]
    batch = _import(tmp_path, [["1"] * 7], headers=headers)
    assert "出现了两次" in batch.message


def test_header_only(tmp_path, d):
    batch = _import(tmp_path, [])
    assert batch.status == BatchStatus.REJECTED and "没有数据行" in batch.message


def test_areas_with_parents_in_the_same_file(tmp_path, d):
    headers = ["区划代码", "名称", "层级", "上级区划代码"]
    rows = [
        ["310101003", "丙镇", "乡镇街道", "310101"],
        ["310101001", "甲街道（新名）", "乡镇街道", "310101"],
    ]
    batch = _import(tmp_path, rows, kind="areas", headers=headers, user=d.users[Role.DISTRICT_ADMIN])
    assert batch.status == BatchStatus.SUCCEEDED, batch.errors
    assert (batch.created_count, batch.updated_count) == (1, 1)
    assert Area.objects.get(code="310101003").path == d.district.path + "310101003/"
    d.town_a.refresh_from_db()
    assert d.town_a.name == "甲街道(新名)"  # NFKC: full-width brackets become ASCII

    rows = [["99", "外省", "省", ""], ["9901", "外市", "市", "99"]]
    batch = _import(tmp_path, rows, kind="areas", headers=headers, user=None)
    assert batch.status == BatchStatus.SUCCEEDED, batch.errors
    assert Area.objects.get(code="9901").parent == Area.objects.get(code="99")

    bad = [["310101004", "丁镇", "乡镇街道", "3101"], ["44", "外省", "省", ""]]
    batch = _import(tmp_path, bad, kind="areas", headers=headers, user=d.users[Role.DISTRICT_ADMIN])
    assert [e["column"] for e in batch.errors] == ["层级", "区划代码"]


def test_schools_with_teaching_point_in_the_same_file(tmp_path, d):
    headers = [
        "学校标识码", "学校名称", "办学类型", "举办者", "城乡分类代码", "所在乡镇街道代码",
        "地址", "经度", "纬度", "寄宿制", "是否教学点", "所属中心校标识码",
    ]  # fmt: skip
    rows = [
        [
            "3101010099",
            "乙镇中学",
            "初中",
            "公办",
            "121",
            "310101002",
            "乙镇1号",
            "121.5",
            "31.2",
            "是",
            "否",
            "",
        ],
        [
            "3101010098",
            "乙镇某村教学点",
            "小学",
            "公办",
            "220 村庄",
            "310101002",
            "",
            "",
            "",
            "否",
            "是",
            "3101010099",
        ],
    ]
    batch = _import(tmp_path, rows, kind="schools", headers=headers, user=d.users[Role.DISTRICT_ADMIN])
    assert batch.status == BatchStatus.SUCCEEDED, batch.errors
    point = School.objects.get(code="3101010098")
    assert point.central_school is not None
    assert point.central_school.code == "3101010099" and point.locale == "rural"
    middle = School.objects.get(code="3101010099")
    assert middle.school_type == "junior" and middle.boarding and middle.locale == "town"
    assert str(middle.longitude) == "121.500000"
    again = _import(tmp_path, rows, kind="schools", headers=headers, user=d.users[Role.DISTRICT_ADMIN])
    assert again.unchanged_count == 2

    rows[1][11] = ""
    bad = _import(tmp_path, rows, kind="schools", headers=headers, user=d.users[Role.DISTRICT_ADMIN])
    assert bad.errors[0]["reason"] == "教学点必须填写所属中心校标识码"


def test_teachers_id_number_rules(tmp_path, d):
    headers = [
        "学校标识码",
        "教职工号",
        "姓名",
        "性别",
        "出生日期",
        "身份证号",
        "手机号",
        "任教学科",
        "专任教师",
    ]
    code = d.school_a.code
    rows = [
        [code, "T002", "李明", "男", "1985年3月12日", "110105198503120012", "13900001111", "数学", "是"],
        [code, "T001", "王老师", "女", "", "", "", "语文", "是"],  # existing teacher: id/phone cleared
    ]
    batch = _import(tmp_path, rows, kind="teachers", headers=headers, user=d.users[Role.SCHOOL_ADMIN])
    assert batch.status == BatchStatus.SUCCEEDED, batch.errors
    assert str(Teacher.objects.get(staff_number="T002").birth_date) == "1985-03-12"
    log = ImportRowLog.objects.get(batch=batch, action=RowAction.UPDATED)
    assert log.old_values == {"id_number": "310101198001011234", "phone": "13800001234", "subject": ""}

    bad = [
        [code, "T003", "张三", "女", "", "110105198503120012", "", "", ""],  # sex vs ID digit 17
        [code, "T004", "张四", "男", "1985-03-13", "110105198503120012", "", "", ""],  # birth date
        [code, "T005", "张五", "男", "", "110105198503120013", "", "", ""],  # check digit
        [code, "T006", "张六", "男", "", "", "1390000", "", ""],  # phone
    ]
    batch = _import(tmp_path, bad, kind="teachers", headers=headers, user=d.users[Role.SCHOOL_ADMIN])
    assert [(e["row"], e["column"]) for e in batch.errors] == [
        (2, "性别"),
        (3, "出生日期"),
        (4, "身份证号"),
        (5, "手机号"),
    ]


def test_failed_batch_on_internal_error(tmp_path, d, monkeypatch):
    from edugov.ingest import services

    def boom(self, rows, index):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.Engine, "write", boom)
    batch = _import(tmp_path, [[d.school_a.code, "2025", "一年级", "1", "", "1", "1"]])
    assert batch.status == BatchStatus.FAILED and "系统内部错误" in batch.message
    assert not SchoolClass.objects.filter(grade=1).exists()


def test_control_characters_in_cells_are_echoed_escaped(tmp_path):
    """A cell with a control character is a row error, and the error list shows it escaped: PostgreSQL
    stores no NUL (which xlsx cells can hold) in text or JSON."""
    from edugov.ingest.services import import_file
    from edugov.testing import make_mini_district

    d = make_mini_district()
    path = tmp_path / "nul.csv"
    path.write_text(
        "学校标识码,学年,年级,班号,班级名称,男生数,女生数\n"
        f"{d.school_a.code},2025,三年级,9,三年级\x019班,20,20\n",
        encoding="utf-8",
    )
    batch = import_file(kind="classes", path=path, original_name="nul.csv", user=None)
    assert batch.status == "rejected"
    assert batch.errors[0]["value"] == "三年级\\x019班"
    assert "控制字符" in batch.errors[0]["reason"]
