"""The burden finding sources feed the rectification loop: one item per cause, no duplicates on a
rerun, a cause that goes away is marked, scoping by area."""

import datetime as dt
from decimal import Decimal

import pytest

from edugov.accounts.models import Role
from edugov.burden import findings, services
from edugov.burden.models import Homework, HomeworkType, SurveyResponse
from edugov.rectification import services as rect
from edugov.rectification.findings import get_finding_source
from edugov.rectification.models import RectificationItem

pytestmark = pytest.mark.django_db
D = dt.date
NOW = dt.datetime(2025, 9, 20, 9, 0, tzinfo=dt.UTC)


def written(school_class, start, days, minutes, subject="数学"):
    for i in range(days):
        Homework.objects.create(
            school_class=school_class,
            date=start + dt.timedelta(days=i),
            subject=subject,
            homework_type=HomeworkType.WRITTEN,
            content="练习",
            estimated_minutes=minutes,
        )


def test_sources_are_registered():
    for name in (findings.OVER_LIMIT, findings.EXAMS, findings.AFTER_SCHOOL, findings.UNDERREPORTING):
        assert get_finding_source(name) is not None


def test_consecutive_weeks_over_the_limit_escalate_to_one_item(district):
    term = district.year.terms.get(number=1)
    # class_a1 (grade 3, limit 60): 70 a day in the weeks of Sep 1 and Sep 8 -> averages 70.0, 70.0
    written(district.class_a1, D(2025, 9, 1), 5, 70)
    written(district.class_a1, D(2025, 9, 8), 5, 70)
    # class_a2: over in one week only (65.0), within the next (50.0): not escalated
    written(district.class_a2, D(2025, 9, 1), 5, 65)
    written(district.class_a2, D(2025, 9, 8), 5, 50)
    first = rect.findings_sync(source=findings.OVER_LIMIT, now=NOW)
    assert (first.found, first.created) == (1, 1)
    item = RectificationItem.objects.get()
    assert item.cause_key == f"{findings.OVER_LIMIT}:{district.class_a1.pk}:{term.pk}"
    assert item.school == district.school_a
    assert item.title == "甲街道第一小学3年级1班书面作业连续2周超时"
    assert "超标2周，最长连续2周，最高周平均70.0分钟" in item.evidence
    assert item.evidence_data["longest_run"] == 2
    again = rect.findings_sync(source=findings.OVER_LIMIT, now=NOW + dt.timedelta(days=1))
    assert (again.found, again.created) == (1, 0)
    assert RectificationItem.objects.count() == 1


def test_exam_violations_one_item_per_exam(district):
    admin = district.users[Role.SCHOOL_ADMIN]
    term = district.year.terms.get(number=1)
    kw = {"actor": admin, "school": district.school_a, "term": term, "grade": 3, "subject": "数学"}
    services.exam_register(**kw, kind="end_of_term", date=D(2026, 1, 8))  # allowed
    second = services.exam_register(**kw, kind="end_of_term", date=D(2026, 1, 9))
    monthly = services.exam_register(**kw, kind="periodic", date=D(2025, 9, 15), result_form="ranking")
    result = rect.findings_sync(source=findings.EXAMS, now=NOW)
    assert (result.found, result.created) == (2, 2)
    items = {i.cause_key: i for i in RectificationItem.objects.all()}
    assert set(items) == {f"{findings.EXAMS}:{second.pk}", f"{findings.EXAMS}:{monthly.pk}"}
    m = items[f"{findings.EXAMS}:{monthly.pk}"]
    assert "不得组织周考、月考；考试成绩不得排名、不得公布排名" in m.evidence and m.severity == "high"
    assert rect.findings_sync(source=findings.EXAMS, now=NOW).created == 0
    assert RectificationItem.objects.count() == 2


def test_after_school_missing_and_early_end(district):
    admin = district.users[Role.DISTRICT_ADMIN]
    term = district.year.terms.get(number=1)
    written(district.class_a1, D(2025, 9, 1), 1, 30)  # the term has data
    services.after_school_register(
        actor=admin,
        school=district.school_a,
        term=term,
        days_per_week=5,
        start_time=dt.time(15, 0),
        end_time=dt.time(17, 0),
        pupils_total=100,
        pupils_requested=80,
        pupils_enrolled=70,
        average_attendance=60,
    )
    result = rect.findings_sync(source=findings.AFTER_SCHOOL, now=NOW)
    assert (result.found, result.created) == (2, 2)
    keys = set(RectificationItem.objects.values_list("cause_key", flat=True))
    assert keys == {
        f"{findings.AFTER_SCHOOL}:early_end:{district.school_a.pk}:{term.pk}",
        f"{findings.AFTER_SCHOOL}:missing:{district.school_b.pk}:{term.pk}",
    }
    # school_b starts the service; the next run marks its cause gone and creates nothing new
    services.after_school_register(
        actor=admin,
        school=district.school_b,
        term=term,
        days_per_week=5,
        start_time=dt.time(15, 30),
        end_time=dt.time(17, 30),
        pupils_total=50,
        pupils_requested=40,
        pupils_enrolled=40,
        average_attendance=38,
    )
    again = rect.findings_sync(source=findings.AFTER_SCHOOL, now=NOW)
    assert (again.found, again.created, again.cause_gone) == (1, 0, 1)
    assert RectificationItem.objects.count() == 2


def test_area_scope_limits_the_findings(district):
    written(district.class_a1, D(2025, 9, 1), 1, 30)
    result = rect.findings_sync(source=findings.AFTER_SCHOOL, area=district.town_b, now=NOW)
    assert result.found == 1
    assert RectificationItem.objects.get().school == district.school_b


def survey(school_class, n, minutes):
    for i in range(n):
        SurveyResponse.objects.create(
            school_class=school_class,
            survey_date=D(2025, 9, 15),
            response_code=f"Q{school_class.pk}-{i}",
            respondent="student",
            homework_minutes=minutes,
            sleep_hours=Decimal("9.5"),
        )


def test_underreporting_flags_the_class(district):
    term = district.year.terms.get(number=1)
    written(district.class_a1, D(2025, 9, 1), 5, 50)  # published 50 a school day
    written(district.class_a2, D(2025, 9, 1), 5, 50)
    survey(district.class_a1, 4, 70)  # 70 > 50 * 1.25 = 62.5: flagged
    survey(district.class_a2, 4, 60)  # 60 <= 62.5: not flagged
    result = rect.findings_sync(source=findings.UNDERREPORTING, now=NOW)
    assert (result.found, result.created) == (1, 1)
    item = RectificationItem.objects.get()
    assert item.cause_key == f"{findings.UNDERREPORTING}:{district.class_a1.pk}:{term.pk}"
    assert "问卷4份反映每天书面作业70.0分钟，公示日均50.0分钟" in item.evidence
    assert rect.findings_sync(source=findings.UNDERREPORTING, now=NOW).created == 0


def test_no_term_data_no_findings(district):
    # nothing published and a date before any term: nothing to say
    result = rect.findings_sync(source=findings.AFTER_SCHOOL, now=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    assert result.found == 0
