import datetime as dt

import pytest

from edugov.accounts.models import Role
from edugov.burden import selectors, services
from edugov.burden.models import AfterSchoolService, Exam
from edugov.common.errors import DomainError, PermissionDenied

pytestmark = pytest.mark.django_db
T = dt.time


def register(district, school=None, **over):
    data = {
        "actor": district.users[Role.DISTRICT_ADMIN],
        "school": school or district.school_a,
        "term": district.year.terms.get(number=1),
        "days_per_week": 5,
        "start_time": T(15, 30),
        "end_time": T(17, 30),
        "pupils_total": 400,
        "pupils_requested": 300,
        "pupils_enrolled": 280,
        "average_attendance": 266,
        "programmes": ["sports", "reading"],
    }
    data.update(over)
    return services.after_school_register(**data)


def test_indicators_sum_numerators_and_denominators(district):
    register(district)  # compliant
    register(district, school=district.school_b, end_time=T(17, 0), pupils_total=100, pupils_requested=50,
             pupils_enrolled=40, average_attendance=34)  # fmt: skip
    summary = selectors.after_school_overview(
        user=district.users[Role.DEPARTMENT_OFFICER], term=district.year.terms.get(number=1)
    )
    # school_a, school_b (the teaching point is not counted as a school of its own)
    assert (summary.schools, summary.providing) == (2, 2)
    assert summary.enrolled_rate == "64.0%"  # (280 + 40) / (400 + 100)
    assert summary.attendance_rate == "93.8%"  # (266 + 34) / 320
    assert summary.end_time_rate == "50.0%"
    b = next(r for r in summary.rows if r.school_id == district.school_b.pk)
    assert b.problems == ("结束时间早于17:30（当地下班时间17:30）", "每天时长1.5小时，不足2小时")


def test_a_school_without_service_is_listed(district):
    summary = selectors.after_school_overview(
        user=district.users[Role.DISTRICT_ADMIN], term=district.year.terms.get(number=1)
    )
    assert [r.problems for r in summary.rows] == [("未开展课后服务",), ("未开展课后服务",)]


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"end_time": T(15, 0)}, "结束时间应晚于开始时间"),
        ({"pupils_enrolled": 500}, "人数不合理"),
        ({"average_attendance": 290}, "人数不合理"),
        ({"programmes": ["karaoke"]}, "服务项目不正确"),
    ],
)
def test_bad_service_input(district, over, message):
    with pytest.raises(DomainError) as exc:
        register(district, **over)
    assert message in exc.value.message
    assert not AfterSchoolService.objects.exists()


def test_school_admin_registers_only_own_school(district):
    register(district, actor=district.users[Role.SCHOOL_ADMIN])
    with pytest.raises(PermissionDenied):
        register(district, actor=district.users[Role.SCHOOL_ADMIN], school=district.school_b)
    with pytest.raises(DomainError):
        register(district)  # the same school and term twice


def test_exam_violations_are_listed_per_school(district):
    term = district.year.terms.get(number=1)
    for school, grade, kind in ((district.school_a, 2, "end_of_term"), (district.school_b, 5, "periodic")):
        Exam.objects.create(
            school=school, term=term, grade=grade, subject="数学", kind=kind, date=dt.date(2025, 11, 3)
        )
    Exam.objects.create(school=district.school_a, term=term, grade=5, subject="数学", kind="end_of_term",
                        date=dt.date(2026, 1, 12))  # fmt: skip
    rows = selectors.exam_violation_list(user=district.users[Role.DISTRICT_ADMIN], term=term)
    assert [(r.school_name, r.message) for r in rows] == [
        ("乙镇中心小学", "不得组织周考、月考"),
        ("甲街道第一小学", "一、二年级不得进行纸笔考试"),
    ]
    assert len(selectors.exam_violation_list(user=district.users[Role.SCHOOL_ADMIN], term=term)) == 1
