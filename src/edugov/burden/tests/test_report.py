"""The monthly report (PDF and XLSX) and the two new charts, with hand-computed figures."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from edugov.accounts.models import Role
from edugov.audit.models import AuditEvent
from edugov.burden import report, selectors, services
from edugov.burden.models import Homework, HomeworkType
from edugov.common.errors import DomainError

pytestmark = pytest.mark.django_db
D = dt.date


def written(school_class, days, minutes):
    for day in days:
        Homework.objects.create(
            school_class=school_class,
            date=day,
            subject="数学",
            homework_type=HomeworkType.WRITTEN,
            content="练习",
            estimated_minutes=minutes,
        )


def weekdays(start, n=5):
    return [start + dt.timedelta(days=i) for i in range(n)]


@pytest.fixture
def data(district):
    term = district.year.terms.get(number=1)
    admin = district.users[Role.DISTRICT_ADMIN]
    # Week of Sep 29 (Monday in September): Sep 29-30 are school days, Oct 1-5 holidays (the make-up
    # Sunday Sep 28 belongs to the week before) -> 2 school days; the week belongs to September.
    written(district.class_a1, [D(2025, 9, 29), D(2025, 9, 30)], 100)  # 200 / 2 = 100.0 > 60: over
    # Week of Oct 13: 5 school days, 70 a day -> 70.0 over; week of Oct 20: 50 a day -> within
    written(district.class_a1, weekdays(D(2025, 10, 13)), 70)
    written(district.class_a1, weekdays(D(2025, 10, 20)), 50)
    written(district.class_b1, weekdays(D(2025, 10, 13)), 40)  # within
    services.exam_register(
        actor=admin,
        school=district.school_a,
        term=term,
        grade=3,
        subject="数学",
        kind="periodic",
        date=D(2025, 10, 15),
    )
    services.exam_register(
        actor=admin,
        school=district.school_b,
        term=term,
        grade=3,
        subject="数学",
        kind="periodic",
        date=D(2025, 11, 15),
    )  # November
    services.after_school_register(
        actor=admin,
        school=district.school_a,
        term=term,
        days_per_week=5,
        start_time=dt.time(15, 30),
        end_time=dt.time(17, 30),
        pupils_total=40,
        pupils_requested=30,
        pupils_enrolled=30,
        average_attendance=27,
    )
    return term


def test_month_window_counts_weeks_by_their_monday(data):
    _term, first, last, week_start, week_end = report.month_window(2025, 10)
    assert (first, last) == (D(2025, 10, 1), D(2025, 10, 31))
    assert (week_start, week_end) == (D(2025, 10, 6), D(2025, 11, 2))


def test_october_report_figures(district, data):
    r = report.monthly_report(actor=district.users[Role.DISTRICT_ADMIN], year=2025, month=10)
    summary = dict(r.summary)
    # class-weeks in October: a1 Oct 13 (over), a1 Oct 20 (within), b1 Oct 13 (within) -> 2/3
    assert summary["书面作业达标率（班级周）"] == "66.7%（3个班级周，超标1个）"
    assert summary["本月违规考试"] == "1场"
    assert summary["开展课后服务的学校"] == "1/2（50.0%）"
    sections = {s.title: s for s in r.sections}
    over = sections["四、超标班级"].rows
    assert [row[2] for row in over] == ["3年级1班"] and over[0][4] == "1/2"
    assert [row[0] for row in sections["五、考试违规"].rows] == ["甲街道第一小学"]
    towns = {row[0]: row[3] for row in sections["一、按乡镇（街道）"].rows}
    assert towns == {"甲街道": 0.5, "乙镇": 1.0}  # fractions: the writers print 50.0%


def test_september_counts_the_holiday_week(district, data):
    r = report.monthly_report(actor=district.users[Role.DISTRICT_ADMIN], year=2025, month=9)
    over = {s.title: s for s in r.sections}["四、超标班级"].rows
    assert over[0][6] == 100.0  # 200 minutes over 2 school days


def test_town_report_only_covers_the_town(district, data):
    r = report.monthly_report(
        actor=district.users[Role.DISTRICT_ADMIN], year=2025, month=11, area=district.town_b
    )
    summary = dict(r.summary)
    assert summary["本月违规考试"] == "1场" and summary["开展课后服务的学校"] == "0/1（0.0%）"


@pytest.mark.parametrize("value", ["", "2025", "2025-13", "abc-de", "1900-01", "2025-10-01"])
def test_bad_month(value):
    with pytest.raises(DomainError):
        report.parse_month(value)


def test_pdf_and_xlsx_download_audited(client, district, data):
    client.force_login(district.users[Role.DEPARTMENT_OFFICER])
    pdf = client.get(reverse("burden:monthly_report"), {"month": "2025-10", "fmt": "pdf"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and b"+NotoSerifSC-Regular" in pdf.content
    xlsx = client.get(reverse("burden:monthly_report"), {"month": "2025-10", "fmt": "xlsx"})
    assert xlsx.status_code == 200
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert wb.sheetnames == [
        "概况",
        "按乡镇（街道）",
        "按年级",
        "按学校",
        "超标班级",
        "考试违规",
        "课后服务",
        "五项管理（问卷）",
    ]
    assert wb["概况"]["A1"].value == "全区（县）“双减”工作监测月报（2025年10月）"
    assert AuditEvent.objects.filter(action="export", object_repr__contains="月报").count() == 2


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"month": "2025-99", "fmt": "pdf"}, 400),
        ({"month": "2024-08", "fmt": "pdf"}, 400),  # no term
        ({"month": "2025-10", "fmt": "docx"}, 400),
        ({"month": "2025-10", "fmt": "pdf", "town": "99999"}, 403),
    ],
)
def test_bad_report_requests(client, district, data, params, status):
    client.force_login(district.users[Role.DEPARTMENT_OFFICER])
    resp = client.get(reverse("burden:monthly_report"), params)
    assert resp.status_code == status


def test_teacher_cannot_export(client, district, data):
    client.force_login(district.users[Role.TEACHER])
    assert client.get(reverse("burden:monthly_report"), {"month": "2025-10"}).status_code == 403


def test_month_trend_and_daily_distribution(district, data):
    term = data
    rep = selectors.homework_compliance(user=district.users[Role.DISTRICT_ADMIN], term=term)
    charts = selectors.compliance_charts(rep)
    trend = charts["month_trend"]
    # September: 1 class-week, over -> 0%; October: 3 class-weeks, 1 over -> 66.7%
    assert trend["categories"] == ["2025年9月", "2025年10月"]
    assert trend["series"][0]["data"] == [0.0, 66.7]
    dist = charts["daily_distribution"]
    # grades 3-6 class-days: 2 x 100 min, 5 x 70, 5 x 50, 5 x 40 -> 17 days
    series = dist["series"]
    assert [s["name"] for s in series] == ["小学三至六年级（上限60分钟）"]
    data_ = series[0]["data"]
    assert data_[4] == round(5 * 100 / 17, 1)  # 40-49
    assert data_[5] == round(5 * 100 / 17, 1)  # 50-59
    assert data_[7] == round(5 * 100 / 17, 1)  # 70-79
    assert data_[10] == round(2 * 100 / 17, 1)  # 100-109
    assert dist["categories"][0] == "0-9" and dist["categories"][-1] == "150以上"


def test_officer_page_shows_the_charts_and_month_form(client, district, data):
    client.force_login(district.users[Role.DEPARTMENT_OFFICER])
    html = client.get(reverse("burden:compliance"), {"term": data.pk}).content.decode()
    assert 'data-burden-chart="month_trend"' in html and 'data-burden-chart="daily_distribution"' in html
    assert 'value="2025-10"' in html and "导出月报PDF" in html
