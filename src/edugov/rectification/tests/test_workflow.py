"""The workflow: every allowed and every refused transition, permissions by role, bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from edugov.accounts.models import Role
from edugov.audit.models import AuditEvent
from edugov.common.errors import DomainError, PermissionDenied
from edugov.rectification import services
from edugov.rectification.models import EventAction, ItemStatus, Notification, RectificationItem
from edugov.rectification.services import TRANSITIONS

from .conftest import NOW, pdf

pytestmark = pytest.mark.django_db

S = ItemStatus
ALLOWED = {
    (S.OPEN, "assign"),
    (S.ASSIGNED, "assign"),
    (S.ASSIGNED, "start"),
    (S.RETURNED, "start"),
    (S.IN_RECTIFICATION, "submit"),
    (S.RETURNED, "submit"),
    (S.EVIDENCE_SUBMITTED, "verify"),
    (S.EVIDENCE_SUBMITTED, "return"),
    (S.CLOSED, "reopen"),
}


def _run(action, item, district):  # type: ignore[no-untyped-def]
    officer = district.users[Role.DEPARTMENT_OFFICER]
    school = district.users[Role.SCHOOL_ADMIN]
    later = NOW + dt.timedelta(days=1)
    if action == "assign":
        return services.item_assign(item=item, actor=officer, deadline=dt.date(2025, 11, 30), now=later)
    if action == "start":
        return services.item_start(item=item, actor=school, now=later)
    if action == "submit":
        return services.item_submit_evidence(
            item=item, actor=school, comment="已整改", files=[pdf()], now=later
        )
    if action == "verify":
        return services.item_verify(item=item, actor=officer, comment="核验通过", now=later)
    if action == "return":
        return services.item_return(item=item, actor=officer, comment="材料不全", now=later)
    if action == "reopen":
        return services.item_reopen(item=item, actor=officer, comment="复查发现反弹", now=later)
    raise AssertionError(action)


# The shortest path from "open" to each status, by the real services.
PATHS = {
    S.OPEN: [],
    S.ASSIGNED: ["assign"],
    S.IN_RECTIFICATION: ["assign", "start"],
    S.EVIDENCE_SUBMITTED: ["assign", "start", "submit"],
    S.RETURNED: ["assign", "start", "submit", "return"],
    S.CLOSED: ["assign", "start", "submit", "verify"],
}


def test_transition_table_is_exactly_the_allowed_set():
    table = {(src, t.action) for t in TRANSITIONS.values() for src in t.sources}
    assert table == ALLOWED


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("action", ["assign", "start", "submit", "verify", "return", "reopen"])
def test_every_transition_allowed_or_refused(district, make_item, status, action):
    item = make_item()
    for step in PATHS[status]:
        item = _run(step, item, district)
    assert item.status == status
    if (status, action) in ALLOWED:
        item = _run(action, item, district)
        assert item.status == TRANSITIONS[action].target
        item.refresh_from_db()
        assert item.status == TRANSITIONS[action].target
        assert item.events.last().action == action
    else:
        events = item.events.count()
        with pytest.raises(DomainError) as exc:
            _run(action, item, district)
        assert "不能执行" in exc.value.message
        item.refresh_from_db()
        assert item.status == status
        assert item.events.count() == events


def test_full_loop_closes_on_time_with_audit_and_notifications(district, make_item):
    item = make_item()
    officer, school = district.users[Role.DEPARTMENT_OFFICER], district.users[Role.SCHOOL_ADMIN]
    services.item_assign(
        item=item, actor=officer, deadline=dt.date(2025, 10, 20), responsible_person=school, now=NOW
    )
    assert Notification.objects.filter(user=school, kind="assigned").count() == 1
    services.item_start(item=item, actor=school, now=NOW)
    services.item_submit_evidence(item=item, actor=school, comment="已加装护栏", files=[pdf()], now=NOW)
    assert Notification.objects.filter(user=officer, kind="submitted").count() == 1
    item = services.item_verify(item=item, actor=officer, now=NOW + dt.timedelta(days=5))
    assert item.status == S.CLOSED and item.closed_on_time is True
    assert [e.action for e in item.events.all()] == ["create", "assign", "start", "submit", "verify"]
    assert item.attachments.count() == 1
    att = item.attachments.get()
    assert att.event is not None
    assert att.event.action == "submit" and att.original_name == "整改报告.pdf" and att.size == 20
    audits = AuditEvent.objects.filter(model="rectification.RectificationItem", object_id=str(item.pk))
    assert audits.count() == 5
    submit_audit = next(a for a in audits if a.changes.get("action") == "submit")
    assert submit_audit.changes["comment"] == "已加装护栏"
    assert submit_audit.changes["attachments"] == ["整改报告.pdf"]


def test_late_closure_is_not_on_time(district, make_item):
    item = make_item(deadline=dt.date(2025, 10, 2))
    for step in PATHS[S.EVIDENCE_SUBMITTED]:
        item = _run(step, item, district)
    item.refresh_from_db()
    item = services.item_verify(
        item=item, actor=district.users[Role.DEPARTMENT_OFFICER], now=NOW + dt.timedelta(days=90)
    )
    assert item.closed_on_time is False


def test_submit_without_evidence_is_refused(district, make_item):
    item = make_item()
    for step in PATHS[S.IN_RECTIFICATION]:
        item = _run(step, item, district)
    school = district.users[Role.SCHOOL_ADMIN]
    for comment, files in (("", [pdf()]), ("已整改", [])):
        with pytest.raises(DomainError, match="佐证附件"):
            services.item_submit_evidence(item=item, actor=school, comment=comment, files=files, now=NOW)
    item.refresh_from_db()
    assert item.status == S.IN_RECTIFICATION


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.exe", b"MZ....", "类型不支持"),
        ("a.pdf", b"not a pdf", "内容与扩展名不符"),
        ("a.png", b"", "空文件"),
    ],
)
def test_bad_attachments_change_nothing(district, make_item, name, content, message):
    item = make_item()
    for step in PATHS[S.IN_RECTIFICATION]:
        item = _run(step, item, district)
    bad = SimpleUploadedFile(name, content)
    with pytest.raises(DomainError, match=message):
        services.item_submit_evidence(
            item=item, actor=district.users[Role.SCHOOL_ADMIN], comment="x", files=[pdf(), bad], now=NOW
        )
    item.refresh_from_db()
    assert item.status == S.IN_RECTIFICATION and item.attachments.count() == 0


def test_oversized_attachment_refused(district, make_item, settings):
    services_limit = services.MAX_ATTACHMENT_MB
    big = SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * (services_limit * 1024 * 1024))
    with pytest.raises(DomainError, match="超过20MB"):
        services.attachment_check(big)


def test_roles(district, make_item):
    item = make_item()
    users = district.users
    # A leader reads only.
    with pytest.raises(PermissionDenied, match="只读"):
        services.item_assign(item=item, actor=users[Role.LEADER], deadline=dt.date(2025, 11, 1), now=NOW)
    # A school administrator cannot assign; another school cannot even see it.
    with pytest.raises(PermissionDenied):
        services.item_assign(
            item=item, actor=users[Role.SCHOOL_ADMIN], deadline=dt.date(2025, 11, 1), now=NOW
        )
    services.item_assign(
        item=item, actor=users[Role.DEPARTMENT_OFFICER], deadline=dt.date(2025, 11, 1), now=NOW
    )
    with pytest.raises(PermissionDenied, match="无权"):
        services.item_start(item=item, actor=users["school_b"], now=NOW)
    # The tutoring department does not verify a basic-education item; the supervision office may.
    services.item_start(item=item, actor=users[Role.SCHOOL_ADMIN], now=NOW)
    services.item_submit_evidence(
        item=item, actor=users[Role.SCHOOL_ADMIN], comment="ok", files=[pdf()], now=NOW
    )
    with pytest.raises(PermissionDenied, match="基础教育科"):
        services.item_verify(item=item, actor=users["tutoring_officer"], now=NOW)
    # An officer cannot submit for a school (the school answers its own items).
    services.item_return(item=item, actor=users["supervision"], comment="补充照片", now=NOW)
    with pytest.raises(PermissionDenied):
        services.item_submit_evidence(
            item=item, actor=users[Role.DEPARTMENT_OFFICER], comment="x", files=[pdf()], now=NOW
        )
    # A teacher has no part in it.
    with pytest.raises(PermissionDenied):
        services.item_start(item=item, actor=users[Role.TEACHER], now=NOW)


def test_return_needs_a_reason(district, make_item):
    item = make_item()
    for step in PATHS[S.EVIDENCE_SUBMITTED]:
        item = _run(step, item, district)
    with pytest.raises(DomainError, match="请填写"):
        services.item_return(item=item, actor=district.users[Role.DEPARTMENT_OFFICER], comment="  ", now=NOW)
    item.refresh_from_db()
    assert item.status == S.EVIDENCE_SUBMITTED


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"deadline": dt.date(2025, 9, 30)}, "不能早于今天"),
        ({"unit_id": 999999}, "责任单位不存在"),
        ({"title": " "}, "问题标题：不能为空"),
        ({"source": "rumour"}, "问题来源：取值无效"),
        ({"severity": "huge"}, "严重程度：取值无效"),
    ],
)
def test_bad_create_input(district, make_item, override, message):
    with pytest.raises(DomainError, match=message):
        make_item(**override)
    assert RectificationItem.objects.count() == 0


def test_assign_deadline_in_the_past_refused(district, make_item):
    item = make_item()
    with pytest.raises(DomainError, match="不能早于今天"):
        services.item_assign(
            item=item, actor=district.users[Role.DEPARTMENT_OFFICER], deadline=dt.date(2025, 9, 1), now=NOW
        )
    item.refresh_from_db()
    assert item.status == S.OPEN


def test_unit_outside_scope_is_unknown(district, make_item):
    with pytest.raises(DomainError, match="责任单位不存在"):
        make_item(actor=district.users["town_officer"], school=district.school_b)


def test_assign_to_a_person_of_another_school_refused(district, make_item):
    item = make_item()
    with pytest.raises(DomainError, match="责任人不存在"):
        services.item_assign(
            item=item,
            actor=district.users[Role.DEPARTMENT_OFFICER],
            deadline=dt.date(2025, 11, 1),
            responsible_person=district.users["school_b"],
            now=NOW,
        )


def test_comment_event(district, make_item):
    item = make_item()
    ev = services.item_comment(item=item, actor=district.users[Role.SCHOOL_ADMIN], comment="已收到", now=NOW)
    assert ev.action == EventAction.COMMENT and ev.from_status == ev.to_status == S.OPEN
