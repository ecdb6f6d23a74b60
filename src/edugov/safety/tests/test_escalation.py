"""A major hazard's item goes to the bureau leaders at once (the rectification's public
item_escalate_now) and the bureau's safety office is told through the channel; a minor one waits
for its deadline like any item."""

from __future__ import annotations

import datetime as dt

import pytest

from edugov.accounts.models import Role
from edugov.rectification import services as rectification
from edugov.rectification.models import EscalationLevel, Notification, RectificationItem
from edugov.safety import channels, services

from .conftest import TODAY

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 1, 20, 10, tzinfo=dt.UTC)


def test_a_major_hazard_is_escalated_at_once_and_the_bureau_told(world, django_capture_on_commit_callbacks):
    stub = channels.StubChannel()
    with django_capture_on_commit_callbacks(execute=True):
        inspection = services.inspection_record(
            actor=world.md.users[Role.SCHOOL_ADMIN],
            school=world.md.school_a,
            kind="fire",
            inspected_on=TODAY,
            hazards=[
                services.HazardInput("消防通道堵塞", "major"),
                services.HazardInput("灭火器过期", "minor"),
            ],
            now=NOW,
            via=stub,
        )
    hazards = {h.severity: h for h in inspection.hazards.all()}
    major = RectificationItem.objects.get(pk=hazards["major"].item_id or 0)
    minor = RectificationItem.objects.get(pk=hazards["minor"].item_id or 0)
    assert major.escalation_level == EscalationLevel.LEADER
    assert minor.escalation_level == EscalationLevel.NONE
    leader = world.md.users[Role.LEADER]
    assert Notification.objects.filter(user=leader, item=major, kind="escalated").count() == 1
    assert not Notification.objects.filter(item=minor, kind="escalated").exists()
    # one message, to the bureau, naming the school, the hazard and the deadline (3 days)
    assert [m.to for m in stub.sent] == [services.BUREAU]
    text = stub.sent[0].text
    assert "重大隐患" in text and world.md.school_a.name in text and "消防通道堵塞" in text
    assert "2026年01月23日" in text
    # escalating again changes nothing
    assert rectification.item_escalate_now(item_id=major.pk, reason="重大隐患立即上报", now=NOW) is False
    assert Notification.objects.filter(user=leader, item=major, kind="escalated").count() == 1


def test_a_failed_channel_keeps_the_record(world, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setenv("SAFETY_CHANNEL", "sms")  # not configured: the send is refused
    monkeypatch.delenv("SAFETY_SMS_URL", raising=False)
    with django_capture_on_commit_callbacks(execute=True):
        inspection = services.inspection_record(
            actor=world.officer,
            school=world.md.school_a,
            kind="water",
            inspected_on=TODAY,
            hazards=[services.HazardInput("河道护栏破损", "major")],
            now=NOW,
        )
    item = RectificationItem.objects.get(pk=inspection.hazards.get().item_id or 0)
    assert item.escalation_level == EscalationLevel.LEADER
