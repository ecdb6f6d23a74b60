"""Pages and API: scope (a school sees only its own items), HTMX actions, export, bad input."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token

from edugov.accounts.models import Role
from edugov.audit.models import AuditEvent
from edugov.rectification import services
from edugov.rectification.models import Attachment, ItemEvent, ItemStatus, Notification, RectificationItem
from edugov.testing import PASSWORD, login

from .conftest import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(district, make_item):  # type: ignore[no-untyped-def]
    # Items are created with a deadline after the real today, so nothing here is overdue by accident.
    far = timezone.localdate() + dt.timedelta(days=60)
    a = make_item(title="甲校问题", deadline=far, now=None)
    b = make_item(title="乙校问题", school=district.school_b, deadline=far, now=None)
    point = make_item(title="教学点问题", school=district.point_a, deadline=far, now=None)
    return a, b, point


def test_school_admin_sees_only_own_items(client, district, items):
    a, b, _point = items
    login(client, district.users[Role.SCHOOL_ADMIN])
    page = client.get(reverse("rectification:my_items")).content.decode()
    assert "甲校问题" in page and "教学点问题" in page and "乙校问题" not in page
    assert client.get(reverse("rectification:item_detail", args=[b.pk])).status_code == 404
    assert client.get(reverse("rectification:item_detail", args=[a.pk])).status_code == 200
    # Through the API too.
    token = Token.objects.create(user=district.users[Role.SCHOOL_ADMIN])
    resp = client.get("/api/v1/rectification/items/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert sorted(r["title"] for r in resp.json()["results"]) == sorted(["甲校问题", "教学点问题"])
    assert (
        client.get(
            f"/api/v1/rectification/items/{b.pk}/", HTTP_AUTHORIZATION=f"Token {token.key}"
        ).status_code
        == 404
    )


def test_town_officer_sees_only_the_town(client, district, items):
    login(client, district.users["town_officer"])
    page = client.get(reverse("rectification:item_list")).content.decode()
    assert "甲校问题" in page and "乙校问题" not in page


def test_teacher_sees_nothing(client, district, items):
    login(client, district.users[Role.TEACHER])
    page = client.get(reverse("rectification:item_list")).content.decode()
    assert "甲校问题" not in page


def test_filters_and_bad_filter_values(client, district, items):
    login(client, district.users[Role.DEPARTMENT_OFFICER])
    url = reverse("rectification:item_list")
    assert client.get(url, {"status": "nonsense", "source": "x" * 5000}).status_code == 200
    page = client.get(url, {"q": "乙校"}, HTTP_HX_REQUEST="true").content.decode()
    assert "乙校问题" in page and "甲校问题" not in page
    assert "<html" not in page  # the HTMX answer is the partial
    assert "甲校问题" not in client.get(url, {"overdue": "on"}).content.decode()


def test_full_loop_through_the_pages(client, district, items):
    a = items[0]
    officer, school = district.users[Role.DEPARTMENT_OFFICER], district.users[Role.SCHOOL_ADMIN]
    deadline = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    act = lambda c, name, **data: c.post(  # noqa: E731
        reverse("rectification:item_action", args=[a.pk, name]), data, HTTP_HX_REQUEST="true"
    )
    login(client, officer)
    assert act(client, "assign", deadline=deadline, responsible_name="张校长").status_code == 200
    client.logout()
    login(client, school)
    assert act(client, "start").status_code == 200
    resp = act(client, "submit", comment="")
    assert resp.status_code == 200 and "佐证附件" in resp.content.decode()
    assert act(client, "submit", comment="已整改完毕", files=[pdf()]).status_code == 200
    # A school cannot verify its own item.
    resp = act(client, "verify")
    assert resp.status_code == 200 and "您的账号无权执行“核验销号”" in resp.content.decode()
    client.logout()
    login(client, officer)
    page = client.get(reverse("rectification:item_detail", args=[a.pk])).content.decode()
    assert "核验销号" in page and "整改报告.pdf" in page
    assert act(client, "verify", comment="现场核实").status_code == 200
    a.refresh_from_db()
    assert a.status == ItemStatus.CLOSED and a.responsible_name == "张校长"
    att = a.attachments.get()
    download = client.get(reverse("rectification:attachment", args=[att.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def _advance(item, district, status):  # type: ignore[no-untyped-def]
    """Take `item` through the real workflow up to `status`."""
    officer, school = district.users[Role.DEPARTMENT_OFFICER], district.users[Role.SCHOOL_ADMIN]
    steps = [
        ("assigned", lambda: services.item_assign(item=item, actor=officer, deadline=item.deadline)),
        ("in_rectification", lambda: services.item_start(item=item, actor=school)),
        (
            "evidence_submitted",
            lambda: services.item_submit_evidence(item=item, actor=school, comment="已整改", files=[pdf()]),
        ),
    ]
    for reached, step in steps:
        if item.status == status:
            break
        step()
        item.refresh_from_db()
        assert item.status == reached
    return item


def _item_rows(item):  # type: ignore[no-untyped-def]
    """Everything an action on `item` may write."""
    return (
        list(RectificationItem.objects.filter(pk=item.pk).values()),
        list(ItemEvent.objects.order_by("pk").values_list("pk", flat=True)),
        Attachment.objects.count(),
        Notification.objects.count(),
        AuditEvent.objects.filter(model__startswith="rectification.").count(),
    )


TODAY_PLUS = (timezone.localdate() + dt.timedelta(days=30)).isoformat()

OFFICER, SCHOOL = Role.DEPARTMENT_OFFICER, Role.SCHOOL_ADMIN
SUBMITTED = "evidence_submitted"

# item status, who acts, the action, the form data, the message the officer must see
REFUSED_ACTIONS = {
    "verify-open": ("open", OFFICER, "verify", {}, "当前状态为“待交办”，不能执行“核验销号”"),
    "verify-nothing-submitted": (
        "submitted_without_files", OFFICER, "verify", {"comment": "现场核实"},
        "该事项尚无整改材料，不能核验销号",
    ),
    "verify-by-school": (SUBMITTED, SCHOOL, "verify", {}, "您的账号无权执行“核验销号”"),
    "verify-other-department": (
        SUBMITTED, "tutoring_officer", "verify", {}, "该事项由基础教育科主管，您不能执行“核验销号”",
    ),
    "submit-without-files": (
        "in_rectification", SCHOOL, "submit", {"comment": "已整改完毕"},
        "提交整改材料须填写整改说明并上传至少一个佐证附件",
    ),
    "return-without-comment": (SUBMITTED, OFFICER, "return", {}, "请填写“退回重改”的说明"),
    "reopen-open": ("open", OFFICER, "reopen", {"comment": "复查"}, "当前状态为“待交办”，不能执行“重新打开”"),
    "assign-without-deadline": ("open", OFFICER, "assign", {}, "整改期限：请选择日期"),
    "assign-past-deadline": ("open", OFFICER, "assign", {"deadline": "2000-01-01"}, "整改期限不能早于今天"),
    "assign-bad-date": ("open", OFFICER, "assign", {"deadline": "明天"}, "整改期限：输入一个有效的日期。"),
    "assign-long-comment": (
        "open", OFFICER, "assign", {"deadline": TODAY_PLUS, "comment": "说" * 4001},
        "说明：确保该变量包含不超过 4000 字符",
    ),
    "unknown-action": ("open", OFFICER, "explode", {}, "没有“explode”这一办理操作"),
    "leader-read-only": ("open", Role.LEADER, "assign", {"deadline": TODAY_PLUS}, "您的账号为只读账号"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(REFUSED_ACTIONS))
def test_refused_action_shows_its_message_in_the_panel(client, district, items, case):  # type: ignore[no-untyped-def]
    status, who, action, data, message = REFUSED_ACTIONS[case]
    item = items[0]
    if status == "submitted_without_files":  # evidence withdrawn after submission: nothing to check
        item = _advance(item, district, "evidence_submitted")
        Attachment.objects.filter(item=item).delete()
    else:
        item = _advance(item, district, status)
    login(client, district.users[who])
    url = reverse("rectification:item_action", args=[item.pk, action])
    before = _item_rows(item)

    # htmx 2 swaps only 2xx answers: the refusal is a 200 panel with the message in its alert box
    r = client.post(url, data, HTTP_HX_REQUEST="true")
    page = r.content.decode()
    assert r.status_code == 200
    assert f'<div class="errors" role="alert">{message}' in page, page
    assert "<html" not in page and "办理记录" in page  # the panel, not the whole page
    if data.get("comment") and len(data["comment"]) < 100:
        assert f"{data['comment']}</textarea>" in page  # what the officer typed is kept
    assert _item_rows(item) == before

    # without htmx: back to the item page with the message, as before
    r = client.post(url, data)
    assert r.status_code == 302 and r["Location"] == reverse("rectification:item_detail", args=[item.pk])
    assert message in client.get(r["Location"]).content.decode()
    assert _item_rows(item) == before


def test_htmx_action_success_redraws_the_panel(client, district, items):  # type: ignore[no-untyped-def]
    item = items[0]
    login(client, district.users[Role.DEPARTMENT_OFFICER])
    url = reverse("rectification:item_action", args=[item.pk, "assign"])
    r = client.post(url, {"deadline": TODAY_PLUS, "responsible_name": "张校长"}, HTTP_HX_REQUEST="true")
    page = r.content.decode()
    assert r.status_code == 200 and 'role="alert"' not in page and "已交办" in page
    item.refresh_from_db()
    assert (item.status, item.responsible_name) == (ItemStatus.ASSIGNED, "张校长")


def test_leader_reads_but_cannot_act(client, district, items):
    a = items[0]
    login(client, district.users[Role.LEADER])
    assert client.get(reverse("rectification:item_detail", args=[a.pk])).status_code == 200
    url = reverse("rectification:item_action", args=[a.pk, "assign"])
    resp = client.post(url, {"deadline": "2099-01-01"}, HTTP_HX_REQUEST="true")
    assert resp.status_code == 200 and "只读" in resp.content.decode()
    a.refresh_from_db()
    assert a.status == ItemStatus.OPEN


def test_create_page(client, district):
    login(client, district.users[Role.INSPECTOR])
    url = reverse("rectification:item_new")
    data = {
        "source": "supervision",
        "unit_kind": "school",
        "school": district.school_a.pk,
        "title": "食堂卫生不达标",
        "required_action": "限期整改",
        "department": "safety",
        "severity": "high",
        "deadline": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
    }
    resp = client.post(url, data)
    assert resp.status_code == 302
    item = RectificationItem.objects.get()
    assert (item.source, item.department, item.school) == ("supervision", "safety", district.school_a)
    # Bad input: the page again with a Chinese message, nothing written.
    resp = client.post(url, {**data, "deadline": "2001-01-01"})
    assert resp.status_code == 200 and "不能早于今天" in resp.content.decode()
    resp = client.post(url, {**data, "school": 99999})
    assert resp.status_code == 200
    assert RectificationItem.objects.count() == 1
    # A school administrator cannot enter items.
    client.logout()
    login(client, district.users[Role.SCHOOL_ADMIN])
    assert client.get(url).status_code == 404


def test_export_xlsx(client, district, items):
    login(client, district.users[Role.DEPARTMENT_OFFICER])
    resp = client.get(reverse("rectification:item_export"))
    assert resp.status_code == 200
    sheet = load_workbook(io.BytesIO(resp.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "问题标题", "来源") and len(rows) == 4
    # dates are date cells (sortable) shown the Chinese way: 2025年10月31日
    column = rows[0].index("整改期限")
    cell = sheet.cell(row=2, column=column + 1)
    item = next(i for i in RectificationItem.objects.all() if i.number == rows[1][0])
    assert cell.is_date and cell.value.date() == item.deadline
    assert cell.number_format == 'yyyy"年"m"月"d"日"'


def test_api_create_and_transition(client, district):
    token = Token.objects.create(user=district.users[Role.DEPARTMENT_OFFICER])
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    body = {
        "source": "complaint",
        "unit_kind": "school",
        "unit_id": district.school_a.pk,
        "title": "家长投诉收费",
        "required_action": "核查并退费",
        "department": "basic_education",
        "deadline": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
    }
    resp = client.post("/api/v1/rectification/items/", body, content_type="application/json", **auth)
    assert resp.status_code == 201, resp.content
    pk = resp.json()["id"]
    url = f"/api/v1/rectification/items/{pk}/transition/"
    resp = client.post(url, {"action": "verify"}, content_type="application/json", **auth)
    assert resp.status_code == 400 and "不能执行“核验销号”" in resp.json()["detail"]
    resp = client.post(url, {"action": "assign"}, content_type="application/json", **auth)
    assert resp.status_code == 400
    resp = client.post(
        url, {"action": "assign", "deadline": body["deadline"]}, content_type="application/json", **auth
    )
    assert resp.status_code == 200 and resp.json()["status"] == "assigned"
    resp = client.post(url, "null", content_type="application/json", **auth)
    assert resp.status_code == 400
    resp = client.post(
        "/api/v1/rectification/items/", {**body, "unit_id": 999999}, content_type="application/json", **auth
    )
    assert resp.status_code == 400 and "责任单位不存在" in resp.json()["detail"]
    detail = client.get(f"/api/v1/rectification/items/{pk}/", **auth).json()
    assert [e["action"] for e in detail["events"]] == ["create", "assign"]
    # Leaders read only.
    leader = Token.objects.create(user=district.users[Role.LEADER])
    resp = client.post(
        url, {"action": "start"}, content_type="application/json", HTTP_AUTHORIZATION=f"Token {leader.key}"
    )
    assert resp.status_code == 403


def test_commands(district, capsys):
    call_command("rectification_sync", source=["registry.oversized_class"])
    call_command("rectification_daily")
    out = capsys.readouterr().out
    assert "registry.oversized_class：发现0个问题" in out and "逾期升级0项" in out


def test_notifications_page(client, district, items):
    login(client, district.users[Role.SCHOOL_ADMIN])
    assert client.get(reverse("rectification:notification_list")).status_code == 200
    assert client.post(reverse("rectification:notification_list")).status_code == 302
    assert PASSWORD
