import datetime as dt

import pytest
from openpyxl import Workbook

from edugov.accounts.models import Role
from edugov.burden.models import Homework, SurveyResponse
from edugov.ingest.services import import_file

pytestmark = pytest.mark.django_db

HEADERS = [
    "学校标识码",
    "年级",
    "班号",
    "日期",
    "学科",
    "作业类型",
    "作业内容",
    "预计用时（分钟）",
    "分层作业",
]


def xlsx(tmp_path, headers, rows, name="hw.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    path = tmp_path / name
    wb.save(path)
    return path


def run(tmp_path, district, rows, *, kind="homework", headers=HEADERS, role=Role.SCHOOL_ADMIN):
    path = xlsx(tmp_path, headers, rows)
    return import_file(kind=kind, path=path, original_name=path.name, user=district.users[role])


def test_homework_import_is_idempotent_on_the_natural_key(tmp_path, district):
    code = district.school_a.code
    rows = [
        [code, "三年级", 1, "2025-09-08", "数学", "书面作业", "练习册P3", 30, "否"],
        [code, "三年级", "2班", "2025/9/8", "语文", "口头", "朗读", 15, "是"],
    ]
    batch = run(tmp_path, district, rows)
    assert batch.status == "succeeded", batch.message
    assert Homework.objects.count() == 2
    rows[0][7] = 40
    batch = run(tmp_path, district, rows)
    assert (batch.created_count, batch.updated_count, batch.unchanged_count) == (0, 1, 1)
    assert Homework.objects.get(subject="数学").estimated_minutes == 40


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (["{code}", "三年级", 1, "2025-10-02", "数学", "书面作业", "x", 30, ""], "法定节假日"),
        (["{code}", "三年级", 1, "2025-09-08", "数学", "书面作业", "x", -5, ""], "1～240"),
        (["{code}", "三年级", 1, "2025-09-08", "数学", "书面作业", "x", 999, ""], "1～240"),
        (["{code}", "三年级", 9, "2025-09-08", "数学", "书面作业", "x", 30, ""], "没有3年级9班"),
        (["{other}", "三年级", 1, "2025-09-08", "数学", "书面作业", "x", 30, ""], "无权导入"),
        (["{code}", "三年级", 1, "2025-09-08", "数学", "作文", "x", 30, ""], "不在可选值中"),
    ],
)
def test_bad_rows_reject_the_whole_file(tmp_path, district, row, reason):
    good = [district.school_a.code, "三年级", 1, "2025-09-09", "数学", "书面作业", "ok", 20, ""]
    row = [str(v).format(code=district.school_a.code, other=district.school_b.code) for v in row]
    batch = run(tmp_path, district, [good, row])
    assert batch.status == "rejected"
    assert any(reason in e["reason"] for e in batch.errors), batch.errors
    assert not Homework.objects.exists()


def test_duplicate_rows_in_one_file_are_reported(tmp_path, district):
    row = [district.school_a.code, "三年级", 1, "2025-09-08", "数学", "书面作业", "练习", 30, ""]
    batch = run(tmp_path, district, [row, row])
    assert batch.status == "rejected"
    assert "与第2行重复" in batch.errors[0]["reason"]


def test_teachers_cannot_import(tmp_path, district):
    from edugov.common.errors import DomainError

    with pytest.raises(DomainError):
        run(tmp_path, district, [], role=Role.TEACHER)


def test_survey_import(tmp_path, district):
    headers = [
        "学校标识码",
        "年级",
        "班号",
        "问卷日期",
        "问卷编号",
        "填答人",
        "每天书面作业用时（分钟）",
        "每天睡眠（小时）",
        "手机由学校统一保管",
        "每天课外阅读（分钟）",
        "每天体育活动（分钟）",
    ]
    code = district.school_a.code
    rows = [
        [code, "三年级", 1, "2025-10-20", "Q1", "学生", 80, "9.5", "是", 30, 90],
        [code, "三年级", 1, "2025-10-20", "Q2", "家长", 70, "10", "否", "", 130],
    ]
    batch = run(tmp_path, district, rows, kind="burden_surveys", headers=headers)
    assert batch.status == "succeeded", batch.message
    assert SurveyResponse.objects.count() == 2
    from edugov.burden import selectors

    term = district.year.terms.get(number=1)
    for day in range(20, 25):
        Homework.objects.create(
            school_class=district.class_a1,
            date=dt.date(2025, 10, day),
            subject="数学",
            homework_type="written",
            content="练习",
            estimated_minutes=40,
        )
    (row,) = selectors.survey_comparison(user=district.users[Role.DISTRICT_ADMIN], term=term)
    # Reported (80 + 70) / 2 = 75.0 against 40.0 published a day: over the 25 % margin -> flagged.
    assert (row.responses, row.reported_minutes, row.published_minutes, row.underreported) == (
        2, 75, 40, True,
    )  # fmt: skip
    # Sleep: primary needs 10 h: one of two; activity >= 120 min: one of two.
    assert (row.sleep_ok_share, row.phone_kept_share, row.activity_ok_share) == (0.5, 0.5, 0.5)
