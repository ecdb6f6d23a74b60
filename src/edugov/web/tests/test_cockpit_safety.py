"""The safety card on the district cockpit (ModuleSpec.cockpit): today's holiday reminders and the
open hazards, counted by hand on a mini district; a school's landing page has no such card."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from edugov.accounts.models import Role
from edugov.modules import cockpit_cards
from edugov.safety import channels, services
from edugov.safety.models import ClassReminder
from edugov.testing import login, make_mini_district, make_user

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 1, 20)
NOW = dt.datetime(2026, 1, 20, 10, tzinfo=dt.UTC)
CARD_URL = reverse("web:landing_card", args=["safety"])


def test_the_safety_officer_sees_today_s_reminders_and_the_open_hazards(client, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: TODAY)
    md = make_mini_district()
    officer = make_user(Role.DEPARTMENT_OFFICER, area=md.district, department="safety")
    holiday = services.holiday_schedule(
        actor=officer, area=md.district, name="寒假", starts_on=TODAY, ends_on=TODAY + dt.timedelta(days=1)
    )
    day = holiday.days.get(date=TODAY)
    assert services.reminders_send(day=day, via=channels.StubChannel(), now=NOW) == 3  # A1, A2, B1
    services.acknowledge(token=ClassReminder.objects.get(day=day, school_class=md.class_a1).token)
    # one inspection, two hazards, one of them major; neither rectified yet
    services.inspection_record(
        actor=md.users[Role.SCHOOL_ADMIN],
        school=md.school_a,
        kind="fire",
        inspected_on=TODAY - dt.timedelta(days=1),
        hazards=[services.HazardInput("灭火器过期", "minor"), services.HazardInput("消防通道堵塞", "major")],
        now=NOW,
    )
    assert [c.context["module"] for c in cockpit_cards(officer)] == ["safety"]  # not party's
    home = login(client, officer).get(reverse("web:home")).content.decode()
    assert "主要指标" in home and f'hx-get="{CARD_URL}"' in home
    card = client.get(CARD_URL).content.decode()
    # 3 classes reminded, 1 acknowledged: 33%; 2 open hazards, 1 major
    assert "已发送 <strong>3</strong>/3 个班级，家长确认 <strong>1</strong> 个班级（33%）" in card
    assert "<strong>2</strong> 项，其中重大隐患" in card and "1 项</span>" in card
    # a school's landing page shows no cockpit card, and the card is not served to it
    admin = md.users[Role.SCHOOL_ADMIN]
    assert cockpit_cards(admin) == []
    assert CARD_URL not in login(client, admin).get(reverse("web:home")).content.decode()
    assert client.get(CARD_URL).status_code == 404
