"""Exam registration and after-school service entry pages (school administrators and the bureau)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from edugov.accounts.models import Role
from edugov.burden import selectors, services
from edugov.burden.models import AfterSchoolService, Exam
from edugov.common.errors import DomainError, PermissionDenied

pytestmark = pytest.mark.django_db


def exam_post(term_obj, **over):
    data = {
        "term": str(term_obj.pk),
        "grade": "3",
        "subject": "数学",
        "kind": "end_of_term",
        "date": "2026-01-08",
        "is_paper": "on",
        "result_form": "bands",
    }
    data.update(over)
    return data


def service_post(**over):
    data = {
        "programmes": ["homework_guidance", "sports", "reading"],
        "days_per_week": "5",
        "start_time": "15:40",
        "end_time": "17:40",
        "flexible_dismissal": "on",
        "staff_own": "20",
        "staff_external": "3",
        "pupils_total": "400",
        "pupils_requested": "320",
        "pupils_enrolled": "300",
        "average_attendance": "285",
        "fee_per_term": "",
        "satisfaction_percent": "96.5",
    }
    data.update(over)
    return data


@pytest.fixture
def term(district):
    return district.year.terms.get(number=1)


def test_school_admin_registers_a_compliant_exam(client, district, term):
    client.force_login(district.users[Role.SCHOOL_ADMIN])
    page = client.get(reverse("burden:exam_entry"))
    assert page.status_code == 200 and "考试登记" in page.content.decode()
    resp = client.post(reverse("burden:exam_entry"), exam_post(term), follow=True)
    exam = Exam.objects.get()
    assert (exam.school_id, exam.grade, exam.kind) == (district.school_a.pk, 3, "end_of_term")
    html = resp.content.decode()
    assert "符合考试管理规定" in html
    # the message names the exam with its date the Chinese way
    assert f"已登记：{district.school_a.name} 2026年1月8日 3年级数学期末考试。" in html
    assert "2026-01-08 " not in html


def test_violations_are_shown_right_after_saving(client, district, term):
    client.force_login(district.users[Role.SCHOOL_ADMIN])
    client.post(reverse("burden:exam_entry"), exam_post(term))
    # a second end-of-term exam in the same grade and subject, a monthly test, a paper exam in grade 1
    resp = client.post(reverse("burden:exam_entry"), exam_post(term, date="2026-01-09"), follow=True)
    assert "每学期只能组织1次期末考试" in resp.content.decode()
    resp = client.post(
        reverse("burden:exam_entry"),
        exam_post(term, kind="periodic", date="2025-10-20", result_form="ranking"),
        follow=True,
    )
    html = resp.content.decode()
    assert "不得组织周考、月考" in html and "考试成绩不得排名" in html
    resp = client.post(
        reverse("burden:exam_entry"),
        exam_post(term, grade="1", kind="unit_test", date="2025-11-03"),
        follow=True,
    )
    assert "一、二年级不得进行纸笔考试" in resp.content.decode()
    assert Exam.objects.count() == 4  # registration records what happens; the rules flag it


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"grade": "12"}, "该校不设所选年级"),
        ({"grade": "abc"}, "该校不设所选年级"),
        ({"date": "2026-03-01"}, "不在所选学期内"),
        ({"date": "not-a-date"}, "日期格式不正确"),
        ({"kind": "quiz"}, "考试类型不正确"),
        ({"subject": ""}, "请填写学科"),
        ({"term": "999999"}, "所选学期不存在"),
        ({"term": "x" * 40}, "所选学期不存在"),
    ],
)
def test_bad_exam_input_is_refused_with_a_message(client, district, term, over, message):
    client.force_login(district.users[Role.SCHOOL_ADMIN])
    resp = client.post(reverse("burden:exam_entry"), exam_post(term, **over))
    assert resp.status_code == 400
    assert message in resp.content.decode()
    assert not Exam.objects.exists()


def test_duplicate_exam_is_refused(client, district, term):
    client.force_login(district.users[Role.SCHOOL_ADMIN])
    client.post(reverse("burden:exam_entry"), exam_post(term))
    resp = client.post(reverse("burden:exam_entry"), exam_post(term))
    assert resp.status_code == 400 and "已登记过期末考试" in resp.content.decode()
    assert Exam.objects.count() == 1


def test_officer_registers_for_a_school_in_scope_only(client, district, term):
    client.force_login(district.users["town_officer"])  # town A only
    resp = client.post(reverse("burden:exam_entry"), exam_post(term, school=str(district.school_b.pk)))
    assert resp.status_code == 400 and "请选择您范围内的学校" in resp.content.decode()
    resp = client.post(reverse("burden:exam_entry"), exam_post(term, school=str(district.school_a.pk)))
    assert resp.status_code == 302
    assert Exam.objects.get().school_id == district.school_a.pk


def test_teachers_and_leaders_do_not_register(client, district, term):
    client.force_login(district.users[Role.TEACHER])
    assert client.get(reverse("burden:exam_entry")).status_code == 403
    assert client.get(reverse("burden:after_school_entry")).status_code == 403
    with pytest.raises(PermissionDenied):
        services.exam_register(
            actor=district.users[Role.TEACHER],
            school=district.school_a,
            term=term,
            grade=3,
            subject="数学",
            kind="end_of_term",
            date=dt.date(2026, 1, 8),
        )
    client.force_login(district.users[Role.LEADER])
    resp = client.post(reverse("burden:exam_entry"), exam_post(term, school=str(district.school_a.pk)))
    assert resp.status_code == 403 and "只读" in resp.content.decode()
    assert not Exam.objects.exists()


def test_after_school_created_then_updated(client, district, term):
    client.force_login(district.users[Role.SCHOOL_ADMIN])
    page = client.get(reverse("burden:after_school_entry"))
    assert page.status_code == 200 and "本学期尚未填报" in page.content.decode()
    resp = client.post(reverse("burden:after_school_entry"), service_post(term=str(term.pk)), follow=True)
    assert "符合“5+2”和结束时间要求" in resp.content.decode()
    s = AfterSchoolService.objects.get()
    assert (s.school_id, s.end_time, s.flexible_dismissal) == (district.school_a.pk, dt.time(17, 40), True)
    assert s.programmes == ["homework_guidance", "sports", "reading"]
    assert s.satisfaction_rate == Decimal("0.9650") and s.fee_per_term is None
    # later in the term: the school ends earlier and charges a fee
    resp = client.post(
        reverse("burden:after_school_entry"),
        service_post(term=str(term.pk), end_time="17:00", fee_per_term="300", average_attendance="290"),
        follow=True,
    )
    html = resp.content.decode()
    assert "结束时间早于17:30" in html and "不足2小时" in html  # 15:40-17:00 is 1 h 20 min
    s.refresh_from_db()
    assert (s.end_time, s.fee_per_term, s.average_attendance) == (dt.time(17, 0), Decimal("300.00"), 290)
    assert AfterSchoolService.objects.count() == 1


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"end_time": "15:00"}, "结束时间应晚于开始时间"),
        ({"end_time": "25:00"}, "时间格式应为"),
        ({"pupils_enrolled": "500"}, "人数不合理"),
        ({"pupils_requested": "401"}, "人数不合理"),
        ({"average_attendance": "301"}, "人数不合理"),
        ({"pupils_total": "-1"}, "不能为负数"),
        ({"days_per_week": "8"}, "每周开展天数应为1～7天"),
        ({"satisfaction_percent": "120"}, "满意度应在0～100之间（百分数）"),
        ({"fee_per_term": "-5"}, "收费不能为负数"),
        ({"fee_per_term": "1e400"}, "收费"),
        ({"programmes": ["karaoke"]}, "服务项目不正确"),
    ],
)
def test_bad_service_input_changes_nothing(client, district, term, over, message):
    client.force_login(district.users[Role.SCHOOL_ADMIN])
    resp = client.post(reverse("burden:after_school_entry"), service_post(term=str(term.pk), **over))
    assert resp.status_code == 400
    assert message in resp.content.decode()
    assert not AfterSchoolService.objects.exists()


def test_bad_update_leaves_the_row_as_it_was(district, term):
    admin = district.users[Role.SCHOOL_ADMIN]
    s = services.after_school_register(
        actor=admin,
        school=district.school_a,
        term=term,
        days_per_week=5,
        start_time=dt.time(15, 30),
        end_time=dt.time(17, 30),
        pupils_total=100,
        pupils_requested=80,
        pupils_enrolled=70,
        average_attendance=60,
    )
    with pytest.raises(DomainError):
        services.after_school_update(actor=admin, service=s, average_attendance=71)
    s.refresh_from_db()
    assert s.average_attendance == 60


def test_officer_picks_a_school_in_scope(client, district, term):
    officer = district.users["town_officer"]
    client.force_login(officer)
    page = client.get(reverse("burden:after_school_entry"))
    assert "请选择学校" in page.content.decode()
    out = client.get(reverse("burden:after_school_entry"), {"school": district.school_b.pk})
    assert "请选择学校" in out.content.decode()  # outside town A: not offered, not shown
    resp = client.post(
        reverse("burden:after_school_entry"),
        service_post(term=str(term.pk), school=str(district.school_a.pk)),
    )
    assert resp.status_code == 302
    assert AfterSchoolService.objects.get().school_id == district.school_a.pk


def test_officer_page_shows_the_indicators(client, district, term):
    admin = district.users[Role.DISTRICT_ADMIN]
    kw = {"days_per_week": 5, "start_time": dt.time(15, 30)}
    services.after_school_register(
        actor=admin,
        school=district.school_a,
        term=term,
        end_time=dt.time(17, 30),
        pupils_total=400,
        pupils_requested=300,
        pupils_enrolled=280,
        average_attendance=266,
        flexible_dismissal=True,
        satisfaction_rate=Decimal("0.9500"),
        **kw,
    )
    services.after_school_register(
        actor=admin,
        school=district.school_b,
        term=term,
        end_time=dt.time(17, 0),
        pupils_total=100,
        pupils_requested=50,
        pupils_enrolled=40,
        average_attendance=34,
        fee_per_term=Decimal("200"),
        satisfaction_rate=Decimal("0.8000"),
        **kw,
    )
    summary = selectors.after_school_overview(user=admin, term=term)
    # (0.95 * 280 + 0.80 * 40) / 320 = 298 / 320 = 0.93125
    assert summary.satisfaction_mean == Decimal("0.9313") or summary.satisfaction_mean == Decimal("0.9312")
    assert (summary.flexible, summary.charging) == (1, 1)
    assert summary.requested_served_rate == "91.4%"  # min(320, 350) / 350
    client.force_login(district.users[Role.DEPARTMENT_OFFICER])
    html = client.get(reverse("burden:compliance"), {"term": term.pk}).content.decode()
    for text in ("开展课后服务的学校", "64.0%", "93.8%", "50.0%", "91.4%", "弹性离校 50.0%", "收费学校 1 所"):
        assert text in html
