import datetime as dt
from decimal import Decimal

import pytest

from edugov.accounts.models import Role
from edugov.burden import selectors
from edugov.burden.models import Homework, HomeworkType
from edugov.testing import make_class

pytestmark = pytest.mark.django_db
D = dt.date


def hw(school_class, day, minutes, *, subject="数学", kind=HomeworkType.WRITTEN):
    return Homework.objects.create(
        school_class=school_class, date=day, subject=subject, homework_type=kind, content="练习",
        estimated_minutes=minutes,
    )  # fmt: skip


def week_of(report, class_id, monday):
    return next(c for c in report.class_weeks if c.class_id == class_id and c.week_start == monday)


def term1(district):
    return district.year.terms.get(number=1)


def test_weekly_average_uses_the_school_days_of_the_week(district):
    c = district.class_a1  # grade 3: 60 minutes a day on average
    # Week of Sep 8: five school days, 300 minutes across two subjects -> 60.0, within.
    for day in range(8, 13):
        hw(c, D(2025, 9, day), 40)
        hw(c, D(2025, 9, day), 20, subject="语文")
    # Week of Sep 15: 305 minutes -> 61.0, over by 1.0 minute.
    for day in range(15, 20):
        hw(c, D(2025, 9, day), 61)
    # Week of Sep 29: the National Day holiday leaves Sep 29 and 30 -> 122 / 2 = 61.0, over.
    # (Divided by five weekdays it would wrongly read 24.4.)
    hw(c, D(2025, 9, 29), 70)
    hw(c, D(2025, 9, 30), 52)
    # Oral homework never counts against the written limit.
    hw(c, D(2025, 9, 30), 100, subject="英语", kind=HomeworkType.ORAL)
    # Week of Sep 22 has six school days (Sunday Sep 28 is a make-up day): 6 x 60 + 6 = 366 -> 61.0.
    for day in (22, 23, 24, 25, 26, 28):
        hw(c, D(2025, 9, day), 60)
    hw(c, D(2025, 9, 28), 6, subject="语文")

    report = selectors.homework_compliance(user=district.users[Role.DEPARTMENT_OFFICER], term=term1(district))
    w1 = week_of(report, c.pk, D(2025, 9, 8))
    assert (w1.school_days, w1.written_minutes, w1.average, w1.over) == (5, 300, Decimal("60.0"), False)
    w2 = week_of(report, c.pk, D(2025, 9, 15))
    assert (w2.average, w2.over, w2.excess, w2.days_over) == (Decimal("61.0"), True, Decimal("1.0"), 5)
    w3 = week_of(report, c.pk, D(2025, 9, 22))
    assert (w3.school_days, w3.written_minutes, w3.average, w3.over) == (6, 366, Decimal("61.0"), True)
    w4 = week_of(report, c.pk, D(2025, 9, 29))
    assert (w4.school_days, w4.written_minutes, w4.average, w4.over) == (2, 122, Decimal("61.0"), True)
    # Oct 6-8 are off; Thu 9, Fri 10 and the make-up Saturday 11 are school days.
    assert report.school_days_by_week[D(2025, 10, 6)] == 3
    # Three consecutive weeks over (Sep 15, 22, 29) -> escalated (the rule says 2).
    (over,) = report.over_classes
    assert (over.weeks_measured, over.weeks_over, over.longest_run, over.escalated) == (4, 3, 3, True)
    assert over.max_average == Decimal("61.0")
    # 4 class-weeks, 3 over -> 25.0 % compliant, the same at every level of aggregation.
    assert report.total.rate == Decimal("0.250")
    assert [g.rate for g in report.by_school] == [Decimal("0.250")]
    assert [g.name for g in report.by_town] == ["甲街道"]


def test_grade_1_written_homework_is_a_violation_and_non_written_is_not(district):
    g1 = make_class(school=district.school_a, year=district.year, grade=1, number=1)
    g2 = make_class(school=district.school_a, year=district.year, grade=2, number=1)
    hw(g1, D(2025, 9, 9), 10)  # imported data may contain it; the page flags it
    hw(g2, D(2025, 9, 9), 30, kind=HomeworkType.PRACTICAL)
    report = selectors.homework_compliance(user=district.users[Role.DISTRICT_ADMIN], term=term1(district))
    assert week_of(report, g1.pk, D(2025, 9, 8)).over is True
    assert week_of(report, g1.pk, D(2025, 9, 8)).limit == 0
    assert week_of(report, g2.pk, D(2025, 9, 8)).over is False
    assert [c.class_id for c in report.over_classes] == [g1.pk]
    assert report.over_classes[0].escalated is False


def test_junior_limit_is_90(district):
    from edugov.testing import make_school

    junior = make_school(town=district.town_b, name="乙镇中学", school_type="junior")
    c8 = make_class(school=junior, year=district.year, grade=8, number=1)
    for day in range(8, 13):
        hw(c8, D(2025, 9, day), 90)
    for day in range(15, 20):
        hw(c8, D(2025, 9, day), 91)
    report = selectors.homework_compliance(user=district.users[Role.DISTRICT_ADMIN], term=term1(district))
    assert week_of(report, c8.pk, D(2025, 9, 8)).over is False
    assert week_of(report, c8.pk, D(2025, 9, 15)).over is True


def test_compliance_is_scoped(district):
    hw(district.class_a1, D(2025, 9, 8), 30)
    hw(district.class_b1, D(2025, 9, 8), 90)
    t = term1(district)
    ids = lambda user: {c.class_id for c in selectors.homework_compliance(user=user, term=t).class_weeks}  # noqa: E731
    u = district.users
    assert ids(u[Role.DISTRICT_ADMIN]) == {district.class_a1.pk, district.class_b1.pk}
    assert ids(u["town_officer"]) == {district.class_a1.pk}
    assert ids(u[Role.SCHOOL_ADMIN]) == {district.class_a1.pk}
    assert ids(u[Role.TEACHER]) == {district.class_a1.pk}
    assert ids(u[Role.INSTITUTION_OPERATOR]) == set()


def test_teacher_sees_only_own_classes_homework(district):
    hw(district.class_a1, D(2025, 9, 8), 30)
    hw(district.class_a2, D(2025, 9, 8), 30)
    teacher = district.users[Role.TEACHER]
    assert {h.school_class_id for h in selectors.homework_list(user=teacher)} == {district.class_a1.pk}
    assert selectors.homework_list(user=district.users[Role.SCHOOL_ADMIN]).count() == 2


def test_board_shows_homework_without_personal_data(district):
    from edugov.burden import services

    h = hw(district.class_a1, D(2025, 9, 8), 30)
    h.teacher = district.teacher_a
    h.save()
    board = services.class_board_ensure(actor=district.users[Role.TEACHER], school_class=district.class_a1)
    data = selectors.board_for_token(board.token, today=D(2025, 9, 10))
    assert data is not None
    assert data.school_name == "甲街道第一小学"
    assert data.days[0].written_minutes == 30
    assert selectors.board_for_token("nope", today=D(2025, 9, 10)) is None
    assert selectors.board_for_token("x" * 500) is None


def test_school_compliance_counts_match_the_report(district):
    # School A: class A1 (grade 3, limit 60) 2 class-weeks, one over (61.0); school B: class B1
    # one class-week within.
    for day in range(8, 13):
        hw(district.class_a1, D(2025, 9, day), 60)
    for day in range(15, 20):
        hw(district.class_a1, D(2025, 9, day), 61)
    hw(district.class_b1, D(2025, 9, 9), 30)
    officer = district.users[Role.DEPARTMENT_OFFICER]
    counts = selectors.school_compliance_counts(user=officer, term=term1(district))
    assert counts == {district.school_a.pk: (2, 1), district.school_b.pk: (1, 0)}
    report = selectors.homework_compliance(user=officer, term=term1(district))
    assert counts == {g.key: (g.class_weeks, g.over_weeks) for g in report.by_school}
    # up to Sep 14 only the first week counts; a school's account sees only its own school
    early = selectors.school_compliance_counts(user=officer, term=term1(district), end=D(2025, 9, 14))
    assert early == {district.school_a.pk: (1, 0), district.school_b.pk: (1, 0)}
    own = selectors.school_compliance_counts(user=district.users[Role.SCHOOL_ADMIN], term=term1(district))
    assert own == {district.school_a.pk: (2, 1)}
