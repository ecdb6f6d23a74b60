import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from edugov.accounts.models import Role
from edugov.common.errors import DomainError, PermissionDenied
from edugov.registry.models import CalendarException
from edugov.testing import make_mini_district
from edugov.tutoring import services
from edugov.tutoring.models import Alert, Complaint, CustodyStatement, RiskSnapshot, Staff

from .factories import make_institution, officer, operator_for

pytestmark = pytest.mark.django_db
T = dt.time
GOOD_ID = "11010519491231002X"


@pytest.fixture
def md():
    return make_mini_district()


@pytest.fixture
def px(md):
    return officer(md)


@pytest.fixture
def subject_inst(md, px):
    return make_institution(md, px, category="subject", custody_account="6222000011112222")


def staff(inst, actor, **kw):
    data = {
        "name": "赵老师",
        "id_number": GOOD_ID,
        "teaches_subject": True,
        "qualification_number": "20201100001",
    }
    return services.staff_create(actor=actor, institution=inst, data={**data, **kw})


# Staff ----------------------------------------------------------------------------------------


def test_staff_id_number_validated(subject_inst, px):
    with pytest.raises(ValidationError) as exc:
        staff(subject_inst, px, id_number="110105194912310021")
    assert "校验位" in str(exc.value)
    assert Staff.objects.count() == 0


def test_subject_tutor_needs_certificate(subject_inst, px):
    with pytest.raises(ValidationError) as exc:
        staff(subject_inst, px, qualification_number="")
    assert "教师资格证" in str(exc.value)
    assert staff(subject_inst, px, teaches_subject=False, qualification_number="").pk


def test_in_service_teacher_flagged(md, subject_inst, px):
    from edugov.tutoring.codes import id_check_char

    md.teacher_a.id_number = "31010119800101123" + id_check_char("31010119800101123")
    md.teacher_a.save()
    s = staff(subject_inst, px, id_number=md.teacher_a.id_number)
    assert s.in_service_teacher == md.teacher_a
    other = staff(subject_inst, px)
    assert other.in_service_teacher is None
    course = services.course_create(
        actor=px,
        institution=subject_inst,
        data={
            "name": "数学",
            "is_subject": True,
            "subject": "数学",
            "grade_min": 4,
            "grade_max": 6,
            "lessons": 20,
            "lesson_minutes": 45,
            "price_per_lesson": Decimal("80"),
            "tutor": s,
        },
    )
    assert [v["code"] for v in course.violations] == ["in_service_teacher"]


def test_staff_masked_for_inspector_full_for_officer(client, md, subject_inst, px):
    staff(subject_inst, px, phone="13812345678")
    url = reverse("tutoring:institution_detail", args=[subject_inst.pk])
    client.force_login(md.users[Role.INSPECTOR])
    html = client.get(url).content.decode()
    assert "110105********002X" in html and GOOD_ID not in html and "138****5678" in html
    import io

    from openpyxl import load_workbook

    r = client.get(reverse("tutoring:staff_export", args=[subject_inst.pk]))
    rows = list(load_workbook(io.BytesIO(r.content)).active.values)
    assert rows[1][1] == "110105********002X" and rows[1][2] == "138****5678"
    client.force_login(px)
    html = client.get(url).content.decode()
    assert GOOD_ID in html


def test_operator_maintains_own_staff_only(md, px, subject_inst):
    other = make_institution(md, px)
    op = operator_for(subject_inst)
    assert staff(subject_inst, op).institution == subject_inst
    with pytest.raises(PermissionDenied):
        staff(other, op)


# Courses and timetable ------------------------------------------------------------------------


def make_course(inst, actor, **kw):
    data = {
        "name": "课程",
        "is_subject": False,
        "subject": "美术",
        "grade_min": 3,
        "grade_max": 6,
        "lessons": 20,
        "lesson_minutes": 45,
        "price_per_lesson": Decimal("100"),
        "guidance_price": Decimal("100"),
    }
    return services.course_create(actor=actor, institution=inst, data={**data, **kw})


def test_course_price_boundary(subject_inst, px):
    assert make_course(subject_inst, px, price_per_lesson=Decimal("110")).violations == []
    over = make_course(subject_inst, px, price_per_lesson=Decimal("110.01"))
    assert [v["code"] for v in over.violations] == ["price_over_guidance"]
    assert "110.00" in over.violations[0]["message"]


def test_subject_session_on_holiday_flagged_makeup_day_allowed(md, subject_inst, px):
    CalendarException.objects.create(date=dt.date(2025, 10, 1), name="国庆节", is_school_day=False)
    CalendarException.objects.create(date=dt.date(2025, 9, 28), name="国庆节调休上课", is_school_day=True)
    tutor = staff(subject_inst, px)
    course = make_course(subject_inst, px, is_subject=True, subject="数学", tutor=tutor)
    holiday = services.session_create(
        actor=px, course=course, date=dt.date(2025, 10, 1), start_time=T(9), end_time=T(10)
    )
    assert [v["message"] for v in holiday.violations] == ["学科类培训不得在法定节假日开展"]
    makeup = services.session_create(
        actor=px, course=course, date=dt.date(2025, 9, 28), start_time=T(9), end_time=T(10)
    )
    assert makeup.violations == []  # Sunday, but a make-up school day
    saturday = services.session_create(
        actor=px, course=course, date=dt.date(2025, 9, 6), start_time=T(9), end_time=T(10)
    )
    assert [v["code"] for v in saturday.violations] == ["subject_on_rest_day"]
    summer = services.session_create(
        actor=px, course=course, date=dt.date(2026, 7, 20), start_time=T(9), end_time=T(10)
    )
    assert "暑假" in summer.violations[0]["message"]
    winter = services.session_create(
        actor=px, course=course, date=dt.date(2026, 2, 2), start_time=T(9), end_time=T(10)
    )
    assert "寒假" in winter.violations[0]["message"]


def test_overlapping_session_refused(subject_inst, px):
    course = make_course(subject_inst, px, mode="online")
    services.session_create(
        actor=px, course=course, date=dt.date(2025, 9, 2), start_time=T(19), end_time=T(19, 30)
    )
    with pytest.raises(DomainError) as exc:
        services.session_create(
            actor=px, course=course, date=dt.date(2025, 9, 2), start_time=T(19, 29), end_time=T(19, 50)
        )
    assert "重叠" in exc.value.message
    short = services.session_create(
        actor=px, course=course, date=dt.date(2025, 9, 2), start_time=T(19, 35), end_time=T(20, 5)
    )
    assert [v["code"] for v in short.violations] == ["online_short_break"]


def test_session_end_before_start_refused(subject_inst, px):
    course = make_course(subject_inst, px)
    with pytest.raises(ValidationError):
        services.session_create(
            actor=px, course=course, date=dt.date(2025, 9, 2), start_time=T(19), end_time=T(18)
        )


# Prepaid --------------------------------------------------------------------------------------


def order(inst, actor, **kw):
    data = {"pupil_name": "小明", "lessons": 30, "amount": Decimal("3000"), "paid_on": dt.date(2025, 6, 1)}
    return services.order_create(actor=actor, institution=inst, data={**data, **kw})


def test_order_over_limits_recorded_and_flagged(subject_inst, px):
    o = order(subject_inst, px, lessons=80, amount=Decimal("8000"))
    assert o.pk and {v["code"] for v in o.violations} == {"over_lessons", "over_amount"}


def test_consumption_and_refund_limits(subject_inst, px):
    o = order(subject_inst, px)
    c = services.consumption_record(actor=px, order=o, date=dt.date(2025, 6, 10), lessons=10)
    assert c.amount == Decimal("1000.00")
    with pytest.raises(DomainError):
        services.consumption_record(actor=px, order=o, date=dt.date(2025, 6, 11), lessons=21)
    with pytest.raises(DomainError):
        services.refund_request(
            actor=px, order=o, amount=Decimal("2000.01"), requested_on=dt.date(2025, 6, 12)
        )
    r = services.refund_request(actor=px, order=o, amount=Decimal("2000"), requested_on=dt.date(2025, 6, 12))
    services.refund_settle(actor=px, refund=r, paid=True, on=dt.date(2025, 6, 20))
    assert services.order_unconsumed(o) == Decimal("0")
    with pytest.raises(DomainError):
        services.refund_settle(actor=px, refund=r, paid=True, on=dt.date(2025, 6, 21))


def test_risk_hand_computed(subject_inst, px):
    inst = subject_inst
    a = order(inst, px, amount=Decimal("3000"), lessons=30, paid_on=dt.date(2025, 6, 1))
    b = order(inst, px, amount=Decimal("2000"), lessons=20, paid_on=dt.date(2025, 8, 20))
    services.consumption_record(actor=px, order=a, date=dt.date(2025, 7, 15), lessons=10)  # 1000 yuan
    services.refund_request(actor=px, order=b, amount=Decimal("500"), requested_on=dt.date(2025, 8, 25))
    CustodyStatement.objects.create(
        institution=inst, account=inst.custody_account, date=dt.date(2025, 8, 30), balance=Decimal("2400")
    )
    RiskSnapshot.objects.create(
        institution=inst,
        date=dt.date(2025, 8, 30),
        unconsumed=0,
        custody_balance=0,
        sales_30d=0,
        consumed_30d=0,
        consumed_prev_30d=0,
        refund_backlog=0,
        refund_backlog_amount=0,
        complaints_30d=0,
        status_changes_90d=0,
        score=10,
        level="low",
        reasons=[],
    )
    assert services.risk_compute(on=dt.date(2025, 8, 31)) == 1
    snap = RiskSnapshot.objects.get(institution=inst, date=dt.date(2025, 8, 31))
    # unconsumed = 3000 + 2000 - 1000 (the pending refund is not paid yet) = 4000; custody 2400 -> 60 %
    assert snap.unconsumed == Decimal("4000") and snap.coverage == pytest.approx(0.6)
    # 25 (coverage < 80 %) + 15 (sold 2000 in 30 days, consumed 0) + 15 (consumed 0 < 1000 / 2)
    assert snap.score == 55 and snap.level == "medium"
    assert len(snap.reasons) == 3 and snap.reasons[0].startswith("资金覆盖率60%")
    kinds = set(Alert.objects.filter(institution=inst).values_list("kind", flat=True))
    assert kinds == {"coverage", "score_jump"}  # 60 % < 80 %; 10 -> 55 is a jump of 45 ≥ 20
    # idempotent per day
    assert services.risk_compute(on=dt.date(2025, 8, 31)) == 1
    assert RiskSnapshot.objects.filter(date=dt.date(2025, 8, 31)).count() == 1


def test_complaints_feed_the_score(md, subject_inst, px):
    for _ in range(2):
        services.complaint_submit(
            data={
                "institution": subject_inst,
                "topic": "退费纠纷",
                "content": "交了钱不给退，已经两个月了",
                "contact_name": "王女士",
                "contact_phone": "13900001111",
            },
            today=dt.date(2025, 8, 20),
        )
    services.risk_compute(on=dt.date(2025, 8, 31))
    snap = RiskSnapshot.objects.get(institution=subject_inst)
    assert snap.complaints_30d == 2 and snap.score == 8 and snap.reasons == ["近30天投诉2件（+8分）"]


def test_enforcement_changes_status_and_shows_in_statistics(md, subject_inst, px):
    from edugov.tutoring import selectors

    insp = services.inspection_record(
        actor=px,
        data={
            "institution": subject_inst,
            "inspected_on": dt.date(2025, 9, 3),
            "findings": "超标培训",
            "compliant": False,
            "inspectors": [px, officer(md)],
        },
    )
    with pytest.raises(DomainError):
        services.enforcement_create(
            actor=px, data={"institution": subject_inst, "kind": "rectify", "decided_on": dt.date(2025, 9, 3)}
        )
    services.enforcement_create(
        actor=px,
        data={
            "institution": subject_inst,
            "inspection": insp,
            "kind": "rectify",
            "decided_on": dt.date(2025, 9, 3),
            "deadline": dt.date(2025, 9, 30),
        },
    )
    subject_inst.refresh_from_db()
    assert subject_inst.status == "rectifying"
    site = services.unlicensed_site_create(
        actor=px, data={"name": "黑点", "area": md.town_a, "address": "某村", "found_on": dt.date(2025, 9, 1)}
    )
    services.enforcement_create(
        actor=px,
        data={"unlicensed_site": site, "kind": "close_unlicensed", "decided_on": dt.date(2025, 9, 4)},
    )
    site.refresh_from_db()
    assert site.status == "closed"
    stats = selectors.enforcement_stats(user=px, start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 30))
    assert stats["counts"]["rectify"] == 1 and stats["counts"]["close_unlicensed"] == 1
    assert "取缔无证无照培训点1个，责令1家机构整改" in stats["sentence"]


def test_public_complaint_form(client, md, subject_inst):
    from django.core.cache import cache

    cache.clear()
    url = reverse("tutoring:public_complaint")
    good = {
        "institution_name": subject_inst.name,
        "topic": "退费纠纷",
        "content": "交费后机构关门联系不上",
        "contact_name": "王女士",
        "contact_phone": "13900001111",
    }
    r = client.post(url, {**good, "contact_phone": "123"})
    assert r.status_code == 200 and "手机号应为1开头的11位数字" in r.content.decode()
    r = client.post(url, {**good, "website": "http://spam"})
    assert Complaint.objects.count() == 0
    r = client.post(url, good)
    c = Complaint.objects.get()
    assert c.institution == subject_inst and c.tracking_code in r.content.decode()
    for _ in range(3):
        client.post(url, good)
    assert client.post(url, good).status_code == 429  # sixth in the hour
    cache.clear()


def test_complaint_reply_then_rating(md, subject_inst, px):
    c = services.complaint_submit(
        data={
            "institution": subject_inst,
            "topic": "退费纠纷",
            "content": "退费申请两周无人处理",
            "contact_name": "王女士",
            "contact_phone": "13900001111",
        },
        today=dt.date(2025, 9, 1),
    )
    # accepted within 3 days, answered within 15 days of acceptance (local practice defaults)
    assert (c.accept_deadline, c.deadline) == (dt.date(2025, 9, 4), dt.date(2025, 9, 19))
    assert c.area == subject_inst.area
    with pytest.raises(DomainError):
        services.complaint_rate(tracking_code=c.tracking_code, rating=5)
    services.complaint_accept(actor=px, complaint=c, today=dt.date(2025, 9, 2))
    services.complaint_investigate(
        actor=px, complaint=c, investigators="张三、李四", investigated_on=dt.date(2025, 9, 3),
        findings="退费申请属实", today=dt.date(2025, 9, 3),
    )  # fmt: skip
    services.complaint_reply(actor=px, complaint=c, reply="已约谈机构，三日内退费")
    with pytest.raises(DomainError):
        services.complaint_rate(tracking_code=c.tracking_code, rating=6)
    c = services.complaint_rate(tracking_code=c.tracking_code, rating=4)
    assert (c.status, c.rating) == ("closed", 4)


def test_risk_command_and_task(md, subject_inst, capsys):
    from django.core.management import CommandError, call_command

    from edugov.tutoring.tasks import risk_compute_daily

    call_command("tutoring_risk", "--date", "2025-09-01")
    assert "已计算1家机构" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("tutoring_risk", "--date", "2025-02-30")
    risk_compute_daily.enqueue("2025-09-02")
    assert RiskSnapshot.objects.filter(date=dt.date(2025, 9, 2)).count() == 1


def test_in_service_counts_by_school(md, subject_inst, px):
    from edugov.tutoring.codes import id_check_char
    from edugov.tutoring.selectors import in_service_counts_by_school

    md.teacher_a.id_number = "31010119800101123" + id_check_char("31010119800101123")
    md.teacher_a.save()
    day = dt.date(2025, 10, 1)
    # the same teacher on two institutions' staff counts once; an unmatched tutor not at all
    second = make_institution(md, px, category="subject", custody_account="6222000011113333")
    staff(subject_inst, px, id_number=md.teacher_a.id_number, employed_from=dt.date(2025, 9, 1))
    staff(second, px, id_number=md.teacher_a.id_number, employed_from=dt.date(2025, 3, 1))
    staff(subject_inst, px)
    school = md.teacher_a.school_id
    got = in_service_counts_by_school(school_ids=[school], start=day, end=dt.date(2026, 1, 31))
    assert got == {school: 1}
    # a spell that ended before the period does not count
    Staff.objects.filter(in_service_teacher__isnull=False).update(employed_to=dt.date(2025, 9, 30))
    assert in_service_counts_by_school(school_ids=[school], start=day, end=dt.date(2026, 1, 31)) == {}
    assert in_service_counts_by_school(school_ids=[], start=day, end=day) == {}
