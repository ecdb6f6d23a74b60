"""A closed item is done: the daily escalation leaves it alone and its pages show no escalated badge."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from edugov.accounts.models import Role
from edugov.rectification import services
from edugov.rectification.models import EscalationLevel, EventAction, ItemStatus
from edugov.testing import login

from .conftest import NOW, pdf

pytestmark = pytest.mark.django_db
# the badges, not the words: the timeline keeps "已逾期1天，升级至科室负责人" as history
BADGES = [f'<span class="badge danger">{label}</span>' for value, label in EscalationLevel.choices if value]


def test_closed_escalated_item_is_not_escalated_again_nor_badged(client, district, make_item):
    officer, school = district.users[Role.DEPARTMENT_OFFICER], district.users[Role.SCHOOL_ADMIN]
    item = make_item(title="逾期后销号的问题", deadline=dt.date(2025, 10, 5))
    services.item_assign(item=item, actor=officer, deadline=dt.date(2025, 10, 5), now=NOW)
    services.item_start(item=item, actor=school, now=NOW)
    day1 = NOW + dt.timedelta(days=5)  # 10-06: one day overdue
    assert services.items_escalate_overdue(now=day1).item_ids == [item.pk]
    item.refresh_from_db()
    assert item.escalation_level == EscalationLevel.DEPARTMENT

    login(client, officer)
    page = client.get(reverse("rectification:item_detail", args=[item.pk])).content.decode()
    assert BADGES[0] in page  # while it is open, the badge is there

    services.item_submit_evidence(item=item, actor=school, comment="已整改", files=[pdf()], now=day1)
    services.item_verify(item=item, actor=officer, now=day1 + dt.timedelta(hours=1))
    item.refresh_from_db()
    assert item.status == ItemStatus.CLOSED
    events = item.events.count()

    for later in (NOW + dt.timedelta(days=20), NOW + dt.timedelta(days=40)):  # well past the leader step
        result = services.items_escalate_overdue(now=later)
        assert result.escalated == 0 and item.pk not in result.item_ids
    assert item.events.count() == events
    assert not item.events.filter(action=EventAction.ESCALATE, at__gt=day1 + dt.timedelta(hours=1)).exists()

    detail = client.get(reverse("rectification:item_detail", args=[item.pk])).content.decode()
    listing = client.get(reverse("rectification:item_list")).content.decode()
    assert "逾期后销号的问题" in listing
    for page in (detail, listing):
        assert not any(badge in page for badge in BADGES)
