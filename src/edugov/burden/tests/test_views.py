import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from edugov.accounts.models import Role
from edugov.burden import services
from edugov.burden.models import Homework, HomeworkType

pytestmark = pytest.mark.django_db
D = dt.date


def login(client, user):
    client.force_login(user)
    return client


def entry(**over):
    data = {
        "assignment": "",
        "date": "2025-09-08",
        "homework_type": "written",
        "estimated_minutes": "25",
        "content": "口算练习第5页",
    }
    data.update(over)
    return data


def test_entry_page_preselects_the_only_assignment_and_publishes(client, district):
    login(client, district.users[Role.TEACHER])
    page = client.get(reverse("burden:homework_new"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="viewport"' in html and "3年级1班 语文" in html and "checked" in html
    # Today is prefilled in the form a date picker accepts (the page renders in Chinese).
    assert f'type="date" name="date" value="{timezone.localdate().isoformat()}"' in html
    resp = client.post(reverse("burden:homework_new"), entry(assignment=f"{district.class_a1.pk}:语文"))
    assert resp.status_code == 302
    hw = Homework.objects.get()
    assert (hw.subject, hw.estimated_minutes, hw.teacher_id) == ("语文", 25, district.teacher_a.pk)


@pytest.mark.parametrize(
    ("today", "offered"),
    [
        (D(2025, 9, 10), D(2025, 9, 10)),  # a Wednesday: today
        (D(2025, 9, 14), D(2025, 9, 12)),  # a Sunday: the Friday before
        (D(2025, 9, 28), D(2025, 9, 28)),  # a Sunday made a school day: today
        (D(2025, 10, 6), D(2025, 9, 30)),  # in the National Day holiday: the Tuesday before it
        (D(2026, 2, 1), D(2026, 1, 20)),  # winter vacation: the last day of term 1 (a Tuesday)
    ],
)
def test_entry_date_defaults_to_the_last_school_day(client, district, monkeypatch, today, offered):
    monkeypatch.setattr("edugov.burden.views.timezone.localdate", lambda: today)
    login(client, district.users[Role.TEACHER])
    html = client.get(reverse("burden:homework_new")).content.decode()
    assert f'type="date" name="date" value="{offered.isoformat()}"' in html


def test_entry_page_for_a_grade_two_class_preselects_oral_not_written(client, district):
    from edugov.burden.forms import HomeworkForm
    from edugov.burden.selectors import Assignment

    lower = HomeworkForm(assignments=[Assignment(class_id=1, class_name="2年级1班", grade=2, subject="语文")])
    upper = HomeworkForm(assignments=[Assignment(class_id=2, class_name="3年级1班", grade=3, subject="语文")])
    mixed = HomeworkForm(assignments=[lower.assignments[0], upper.assignments[0]])
    assert lower["homework_type"].value() == HomeworkType.ORAL
    assert upper["homework_type"].value() == HomeworkType.WRITTEN
    assert mixed["homework_type"].value() == HomeworkType.WRITTEN  # the choice is the teacher's


@pytest.mark.parametrize(
    "over",
    [
        {"estimated_minutes": "-3"},
        {"estimated_minutes": "abc"},
        {"estimated_minutes": "99999999999999999999"},
        {"date": "2025-10-02"},
        {"date": "not a date"},
        {"homework_type": "???"},
        {"content": ""},
        {"assignment": "999999:语文"},
        {"assignment": "abc"},
    ],
)
def test_bad_entry_gets_a_chinese_message_and_saves_nothing(client, district, over):
    login(client, district.users[Role.TEACHER])
    data = entry(assignment=f"{district.class_a1.pk}:语文")
    data.update(over)
    resp = client.post(reverse("burden:homework_new"), data)
    assert resp.status_code in (400, 403)
    assert not Homework.objects.exists()


def test_another_class_cannot_be_forged_into_the_form(client, district):
    login(client, district.users[Role.TEACHER])
    resp = client.post(reverse("burden:homework_new"), entry(assignment=f"{district.class_a2.pk}:语文"))
    assert resp.status_code == 400
    assert "只能为本人任教的班级发布作业" in resp.content.decode()
    assert not Homework.objects.exists()


def test_public_board_needs_no_login_and_shows_no_personal_data(client, district):
    teacher = district.users[Role.TEACHER]
    Homework.objects.create(
        school_class=district.class_a1,
        subject="语文",
        date=timezone.localdate(),
        homework_type=HomeworkType.ORAL,
        content="朗读课文",
        estimated_minutes=15,
        teacher=district.teacher_a,
        created_by=teacher,
    )
    board = services.class_board_ensure(actor=teacher, school_class=district.class_a1)
    resp = client.get(reverse("burden:board", args=[board.token]))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "朗读课文" in html and "甲街道第一小学" in html
    for secret in ("王老师", "13800001234", "310101198001011234", teacher.username, "T001"):
        assert secret not in html
    assert resp["X-Robots-Tag"].startswith("noindex")
    assert client.get(reverse("burden:board", args=["guess"])).status_code == 404


def test_compliance_pages_and_export(client, district):
    for day in range(8, 13):
        Homework.objects.create(
            school_class=district.class_a1, subject="数学", date=D(2025, 9, day), homework_type="written",
            content="练习", estimated_minutes=70,
        )  # fmt: skip
    login(client, district.users[Role.DEPARTMENT_OFFICER])
    resp = client.get(reverse("burden:compliance"))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "超标班级" in html and "甲街道第一小学" in html and "0.0%" in html
    resp = client.get(reverse("burden:compliance_school", args=[district.school_a.pk]))
    assert resp.status_code == 200
    resp = client.get(reverse("burden:compliance_export"))
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    wb = load_workbook(BytesIO(resp.content))
    rows = list(wb["超标班级"].iter_rows(values_only=True))
    assert rows[1][0] == "甲街道第一小学" and rows[1][8] == 70
    # bad filters: a message, not a 500
    assert client.get(reverse("burden:compliance"), {"term": "abc", "town": "x"}).status_code == 200
    assert client.get(reverse("burden:compliance_export"), {"school": "abc"}).status_code == 404


def test_school_page_out_of_scope_is_404(client, district):
    login(client, district.users[Role.SCHOOL_ADMIN])
    assert client.get(reverse("burden:compliance_school", args=[district.school_b.pk])).status_code == 404
    assert client.get(reverse("burden:compliance")).status_code == 302
    assert client.get(reverse("burden:school_rules")).status_code == 200


def test_teacher_cannot_open_the_district_page(client, district):
    login(client, district.users[Role.TEACHER])
    assert client.get(reverse("burden:compliance")).status_code == 403
    assert client.get(reverse("burden:homework_list")).status_code == 200


def test_teacher_sees_the_parent_link_in_full_with_copy_and_qr(client, district):
    import segno

    teacher = district.users[Role.TEACHER]
    board = services.class_board_ensure(actor=teacher, school_class=district.class_a1)
    html = login(client, teacher).get(reverse("burden:homework_list")).content.decode()
    url = f"http://testserver/burden/board/{board.token}/"
    # The whole link, as text and as the target, never shortened.
    assert f'href="{url}" target="_blank" rel="noopener">{url}</a>' in html
    assert f'data-copy-target="parent-link-{district.class_a1.pk}">复制链接</button>' in html
    # The QR code is segno's drawing of exactly that URL, inline, with a text alternative.
    qr = segno.make(url).svg_inline(
        scale=4, border=2, svgclass="qr-code", title=f"{district.class_a1}家长查看链接二维码"
    )
    assert qr.startswith("<svg") and f"<title>{district.class_a1}家长查看链接二维码</title>" in qr
    assert qr in html
    # The copy script carries the page's CSP nonce (a script without it would be blocked).
    assert '<script nonce="' in html and "navigator.clipboard" in html
