"""Findings → items: one item per cause, reopening, cause disappearing; overdue escalation."""

from __future__ import annotations

import datetime as dt

import pytest

from edugov.accounts.models import Role
from edugov.common.errors import DomainError
from edugov.rectification import services
from edugov.rectification.findings import Finding, Unit, register_finding_source, unregister_finding_source
from edugov.rectification.models import EventAction, ItemStatus, Notification, RectificationItem
from edugov.rectification.sources import OVERSIZED
from edugov.testing import make_class

from .conftest import NOW, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_source():
    present: dict[str, Finding] = {}

    def source(ctx):  # type: ignore[no-untyped-def]
        yield from present.values()

    register_finding_source("test.fake", source, label="测试")
    yield present
    unregister_finding_source("test.fake")


def _finding(key: str, unit: Unit) -> Finding:
    return Finding(
        cause_key=key,
        source="test.fake",
        unit=unit,
        title=f"问题{key}",
        evidence="数据显示……",
        severity="high",
        required_action="整改",
        department="basic_education",
        deadline_days=10,
    )


def test_oversized_classes_become_one_item_per_school(district):
    make_class(school=district.school_a, year=district.year, number=3, boys=30, girls=26)  # 56: oversized
    make_class(
        school=district.school_a, year=district.year, number=4, boys=35, girls=32
    )  # 67: very oversized
    make_class(school=district.school_b, year=district.year, number=2, boys=28, girls=27)  # 55: fine
    result = services.findings_sync(source=OVERSIZED, now=NOW)
    assert (result.found, result.created) == (1, 1)
    item = RectificationItem.objects.get()
    assert item.school == district.school_a and item.severity == "high" and item.status == ItemStatus.OPEN
    assert item.cause_key == f"{OVERSIZED}:{district.school_a.pk}:2025"
    assert "3年级3班（56人）" in item.evidence and "3年级4班（67人）" in item.evidence
    assert "其中66人及以上1个" in item.evidence
    assert item.deadline == dt.date(2025, 11, 30)  # 60 days
    # Rerun: no duplicate.
    again = services.findings_sync(source=OVERSIZED, now=NOW + dt.timedelta(days=1))
    assert (again.created, again.still_open) == (0, 1)
    assert RectificationItem.objects.count() == 1


def test_rerun_creates_no_duplicates_and_reopens_closed(district, fake_source):
    fake_source["k1"] = _finding("k1", Unit.school(district.school_a.pk))
    fake_source["k2"] = _finding("k2", Unit.area(district.town_b.pk))
    first = services.findings_sync(source="test.fake", now=NOW)
    assert (first.found, first.created) == (2, 2)
    second = services.findings_sync(source="test.fake", now=NOW)
    assert (second.created, second.reopened, second.still_open) == (0, 0, 2)
    assert RectificationItem.objects.count() == 2

    # Close k1 through the workflow.
    officer, school = district.users[Role.DEPARTMENT_OFFICER], district.users[Role.SCHOOL_ADMIN]
    item = RectificationItem.objects.get(cause_key="k1")
    services.item_assign(item=item, actor=officer, deadline=dt.date(2025, 10, 20), now=NOW)
    services.item_start(item=item, actor=school, now=NOW)
    services.item_submit_evidence(item=item, actor=school, comment="done", files=[pdf()], now=NOW)
    services.item_verify(item=item, actor=officer, now=NOW)

    # Cause still present at the next computation: the same item reopens.
    later = NOW + dt.timedelta(days=30)
    third = services.findings_sync(source="test.fake", now=later)
    assert (third.created, third.reopened) == (0, 1)
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN and item.reopen_count == 1 and item.closed_at is None
    assert item.deadline == dt.date(2025, 11, 10)  # 10 days after the recomputation
    assert (last := item.events.last()) is not None and last.action == EventAction.REOPEN
    assert Notification.objects.filter(item=item, kind="reopened", user=school).exists()
    assert RectificationItem.objects.count() == 2


def test_cause_disappearing_is_recorded_and_coming_back(district, fake_source):
    fake_source["k1"] = _finding("k1", Unit.school(district.school_a.pk))
    services.findings_sync(source="test.fake", now=NOW)
    fake_source.clear()
    gone = services.findings_sync(source="test.fake", now=NOW)
    assert gone.cause_gone == 1
    item = RectificationItem.objects.get()
    assert item.cause_present is False and item.status == ItemStatus.OPEN  # closes only by verification
    assert (last := item.events.last()) is not None and last.action == EventAction.CAUSE_GONE
    assert services.findings_sync(source="test.fake", now=NOW).cause_gone == 0  # recorded once
    fake_source["k1"] = _finding("k1", Unit.school(district.school_a.pk))
    back = services.findings_sync(source="test.fake", now=NOW)
    assert back.cause_back == 1
    item.refresh_from_db()
    assert item.cause_present is True


def test_institution_finding_carries_its_unit(district, fake_source):
    fake_source["i1"] = _finding(
        "i1",
        Unit.institution(7, name="某培训学校", area_id=district.town_a.pk, longitude=121.5, latitude=31.2),
    )
    services.findings_sync(source="test.fake", now=NOW)
    item = RectificationItem.objects.get()
    assert (item.unit_kind, item.institution_id, item.unit_name, item.area) == (
        "institution",
        7,
        "某培训学校",
        district.town_a,
    )


def test_unknown_source(district):
    with pytest.raises(DomainError, match="未登记"):
        services.findings_sync(source="nope", now=NOW)


def test_escalation_with_a_frozen_clock(district, make_item):
    officer = district.users[Role.DEPARTMENT_OFFICER]
    leader = district.users[Role.LEADER]
    item = make_item(deadline=dt.date(2025, 10, 10))
    done = make_item(deadline=dt.date(2025, 10, 10), title="已提交的事项")
    services.item_assign(item=done, actor=officer, deadline=dt.date(2025, 10, 10), now=NOW)
    services.item_start(item=done, actor=district.users[Role.SCHOOL_ADMIN], now=NOW)
    services.item_submit_evidence(
        item=done, actor=district.users[Role.SCHOOL_ADMIN], comment="ok", files=[pdf()], now=NOW
    )

    on_deadline = dt.datetime(2025, 10, 10, 20, 0, tzinfo=NOW.tzinfo)
    assert services.items_escalate_overdue(now=on_deadline).escalated == 0
    day1 = on_deadline + dt.timedelta(days=1)  # 1 day overdue
    r1 = services.items_escalate_overdue(now=day1)
    assert (r1.escalated, r1.to_department, r1.item_ids) == (
        1,
        1,
        [item.pk],
    )  # evidence waiting: not the unit's
    assert Notification.objects.filter(user=officer, kind="escalated").count() == 1
    assert services.items_escalate_overdue(now=day1).escalated == 0  # idempotent on the same day
    day7 = on_deadline + dt.timedelta(days=7)
    assert services.items_escalate_overdue(now=day7).escalated == 0  # 7 days: still the department
    day8 = on_deadline + dt.timedelta(days=8)
    r2 = services.items_escalate_overdue(now=day8)
    assert (r2.escalated, r2.to_leaders) == (1, 1)
    assert Notification.objects.filter(user=leader, kind="escalated").count() == 1
    item.refresh_from_db()
    assert item.escalation_level == 2
    assert [e.comment for e in item.events.filter(action="escalate")] == [
        "已逾期1天，升级至科室负责人",
        "已逾期8天，升级至局领导",
    ]
    assert services.items_escalate_overdue(now=day8 + dt.timedelta(days=30)).escalated == 0


def test_escalation_jumps_one_level_per_run(district, make_item):
    make_item(deadline=dt.date(2025, 10, 1))
    far = dt.datetime(2025, 12, 1, 9, 0, tzinfo=NOW.tzinfo)
    assert services.items_escalate_overdue(now=far).to_department == 1
    assert services.items_escalate_overdue(now=far).to_leaders == 1


def test_daily_round_sends_digest(district, make_item, settings, mailoutbox):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    school = district.users[Role.SCHOOL_ADMIN]
    school.email = "school@example.cn"
    school.save()
    item = make_item(deadline=dt.date(2025, 10, 3))
    services.item_assign(
        item=item, actor=district.users[Role.DEPARTMENT_OFFICER], deadline=dt.date(2025, 10, 3), now=NOW
    )
    result = services.daily_round(now=NOW)
    assert result == {"escalated": 0, "due_soon": 1, "emails": 1}
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["school@example.cn"]
    assert "新交办" in mailoutbox[0].body and "即将到期" in mailoutbox[0].body
    assert services.daily_round(now=NOW) == {"escalated": 0, "due_soon": 0, "emails": 0}


def test_due_soon_notice_written_with_an_iso_date_still_counts(district, make_item):
    """A notice sent before dates were shown the Chinese way (整改期限2025-10-03) is not sent again."""
    item = make_item(deadline=dt.date(2025, 10, 3))
    Notification.objects.create(
        user=district.users[Role.SCHOOL_ADMIN],
        item=item,
        kind="due_soon",
        message=f"整改事项即将到期（整改期限2025-10-03）：{item.title}",
        created_at=NOW,
    )
    assert services.notifications_due_soon(now=NOW) == 0
    Notification.objects.all().delete()
    assert services.notifications_due_soon(now=NOW) >= 1
    assert "整改期限2025年10月3日" in Notification.objects.get(user=district.users[Role.SCHOOL_ADMIN]).message
