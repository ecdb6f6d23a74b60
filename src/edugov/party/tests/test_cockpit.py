"""The district cockpit shows the modules' cockpit cards (ModuleSpec.cockpit): the party coverage
card is a placeholder on the cockpit, fetched after the page, with the coverage worked by hand; a
school's landing page and a district officer whose department does not see party work have no
such card, and the cockpit keeps its figures and charts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from edugov.accounts.models import Role
from edugov.modules import cockpit_cards, landing_cards
from edugov.party import services
from edugov.testing import login, make_mini_district, make_school, make_user

pytestmark = pytest.mark.django_db

CARD_URL = reverse("web:landing_card", args=["party"])


@pytest.fixture
def md(db: Any) -> Any:
    md: Any = make_mini_district()
    md.personnel = make_user(Role.DEPARTMENT_OFFICER, area=md.district, department="personnel")
    md.school_c = make_school(town=md.town_b, name="乙镇丙村小学", urban_rural_code="220")
    return md


def _page(client: Any, user: Any, url: str) -> str:
    response = login(client, user).get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_district_officer_sees_the_party_coverage_on_the_cockpit(md, client):
    # Three schools (A, B, C; the teaching point is not counted), A covered: 1/3 = 33.3%; a 100%
    # target by 31 December needs the other 2.
    services.status_save(
        actor=md.personnel, school=md.school_a, org_kind="branch", rules_adopted=True,
        office_rules_adopted=True,
    )  # fmt: skip
    today = timezone.localdate()
    deadline = dt.date(today.year, 12, 31)
    services.target_set(actor=md.personnel, area=md.district, year=today.year, deadline=deadline)
    assert landing_cards(md.personnel) == []  # still the cockpit, not a landing page
    body = _page(client, md.personnel, reverse("web:home"))
    assert "主要指标" in body and 'id="chart-data"' in body
    assert f'hx-get="{CARD_URL}"' in body and "党组织领导的校长负责制" in body
    card = _page(client, md.personnel, CARD_URL)
    assert "覆盖 <strong>1</strong>/3 所学校（33.3%）" in card
    assert "还需2所" in card and f"还剩<strong>{(deadline - today).days}</strong>天" in card
    assert md.school_b.name in card and md.school_c.name in card and md.school_a.name not in card
    # the safety card is not the personnel department's: no placeholder, nothing served
    assert 'hx-get="' + reverse("web:landing_card", args=["safety"]) + '"' not in body
    assert _page(client, md.personnel, reverse("web:landing_card", args=["safety"])) == ""
    # the card's queries do not grow with the schools
    with CaptureQueriesContext(connection) as before:
        client.get(CARD_URL)
    make_school(town=md.town_a, name="甲街道第二小学")
    with CaptureQueriesContext(connection) as after:
        assert "覆盖 <strong>1</strong>/4 所学校（25.0%）" in client.get(CARD_URL).content.decode()
    assert len(after) == len(before)


def test_the_leader_sees_both_cards_and_the_safety_figures(md, client):
    leader = md.users[Role.LEADER]
    assert [c.context["module"] for c in cockpit_cards(leader)] == ["party", "safety"]
    card = _page(client, leader, reverse("web:landing_card", args=["safety"]))
    assert "今日尚无提醒" in card and "未整改隐患" in card and "<strong>0</strong> 项" in card


def test_a_school_landing_and_another_department_have_no_party_card(md, client):
    admin = md.users[Role.SCHOOL_ADMIN]
    assert cockpit_cards(admin) == []
    body = _page(client, admin, reverse("web:home"))
    assert "党组织领导的校长负责制" not in body and CARD_URL not in body
    # a landing page's role asking for the cockpit card: none declared for it
    assert login(client, admin).get(CARD_URL).status_code == 404
    # a basic-education officer keeps the cockpit but the party card is not theirs
    officer = md.users[Role.DEPARTMENT_OFFICER]
    assert "party" not in [c.context["module"] for c in cockpit_cards(officer)]
    body = _page(client, officer, reverse("web:home"))
    assert "主要指标" in body and CARD_URL not in body
    assert _page(client, officer, CARD_URL) == ""
