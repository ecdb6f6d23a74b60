"""Party leadership status: refusals in Chinese with nothing written (a meeting count below zero,
an attachment without its school), the district's coverage against its target worked out by hand,
and the findings once the deadline has passed. Statuses and counts only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from edugov.accounts.models import Role
from edugov.common.errors import DomainError
from edugov.party import selectors, services
from edugov.party.findings import not_covered
from edugov.party.models import MeetingCount, PartyStatus, TutoringPartyCount
from edugov.rectification.findings import FindingContext
from edugov.testing import make_mini_district, make_school, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def md(db: Any) -> Any:
    md: Any = make_mini_district()
    md.personnel = make_user(Role.DEPARTMENT_OFFICER, area=md.district, department="personnel")
    md.school_c = make_school(town=md.town_b, name="乙镇丙村小学", urban_rural_code="220")
    return md


def test_a_meeting_count_below_zero_is_refused_and_nothing_is_written(md):
    admin = md.users[Role.SCHOOL_ADMIN]
    with pytest.raises(DomainError, match="党组织会议次数不能小于0"):
        services.meetings_save(
            actor=admin, school=md.school_a, term="2026-2027-1", party_meetings=-1, office_meetings=3
        )
    with pytest.raises(DomainError, match="学期格式"):
        services.meetings_save(
            actor=admin, school=md.school_a, term="2026-1", party_meetings=1, office_meetings=3
        )
    assert not MeetingCount.objects.exists()
    services.meetings_save(
        actor=admin, school=md.school_a, term="2026-2027-1", party_meetings=4, office_meetings=6
    )
    services.meetings_save(
        actor=admin, school=md.school_a, term="2026-2027-1", party_meetings=5, office_meetings=6
    )
    assert list(MeetingCount.objects.values_list("party_meetings", flat=True)) == [5]


def test_an_attachment_needs_its_school(md):
    with pytest.raises(DomainError, match="请选择所联合或挂靠的学校"):
        services.status_save(
            actor=md.personnel,
            school=md.school_c,
            org_kind="attached",
            rules_adopted=True,
            office_rules_adopted=True,
        )
    assert not PartyStatus.objects.exists()


def test_coverage_against_the_target_by_hand(md):
    # Three schools (A, B, C; the teaching point is not counted): A covered, B has only the
    # party rules, C has nothing. Target 100% by 2026-12-31: 1 of 3 covered, 2 still needed.
    services.status_save(
        actor=md.personnel, school=md.school_a, org_kind="branch", rules_adopted=True,
        office_rules_adopted=True, demonstration=True, brand="红烛先锋",
    )  # fmt: skip
    services.status_save(
        actor=md.personnel,
        school=md.school_b,
        org_kind="branch",
        rules_adopted=True,
        office_rules_adopted=False,
    )
    services.target_set(actor=md.personnel, area=md.district, year=2026, deadline=dt.date(2026, 12, 31))
    c = selectors.coverage(actor=md.personnel, today=dt.date(2026, 12, 5), term="2026-2027-1")
    assert (c.schools, c.covered, c.share, c.needed, c.days_left, c.overdue) == (3, 1, 33.3, 2, 26, False)
    assert (c.demonstration, c.branded) == (1, 1)
    assert [(t.town, t.schools, t.covered) for t in c.towns] == [("乙镇", 2, 0), ("甲街道", 1, 1)]
    # a town officer sees its town only, against the same district target
    town = selectors.coverage(actor=md.users["town_officer"], today=dt.date(2026, 12, 5), term="2026-2027-1")
    assert town.target is not None
    assert (town.schools, town.covered, town.target.deadline) == (1, 1, dt.date(2026, 12, 31))
    # after the deadline: one finding per school not covered, none before it
    assert list(not_covered(FindingContext(now=dt.datetime(2026, 12, 5, tzinfo=dt.UTC)))) == []
    assert list(not_covered(FindingContext(now=dt.datetime(2026, 12, 31, 12, tzinfo=dt.UTC)))) == []
    # the year-end deadline is judged from the next day on, into the new year
    found = list(not_covered(FindingContext(now=dt.datetime(2027, 1, 5, tzinfo=dt.UTC))))
    assert sorted(f.unit.id for f in found) == sorted([md.school_b.pk, md.school_c.pk])
    assert {f.cause_key.rsplit(":", 1)[1] for f in found} == {"2026"}
    assert "未制定校长办公会议议事规则" in next(f.evidence for f in found if f.unit.id == md.school_b.pk)
    assert "党组织未建立" in next(f.evidence for f in found if f.unit.id == md.school_c.pk)
    # a later target whose deadline has passed takes over (its own cause keys)
    services.target_set(actor=md.personnel, area=md.district, year=2027, deadline=dt.date(2027, 1, 2))
    found = list(not_covered(FindingContext(now=dt.datetime(2027, 1, 5, tzinfo=dt.UTC))))
    assert {f.cause_key.rsplit(":", 1)[1] for f in found} == {"2027"} and len(found) == 2


def test_a_target_share_above_100_is_refused(md):
    with pytest.raises(DomainError, match="0至100"):
        services.target_set(
            actor=md.personnel, area=md.district, year=2026, deadline=dt.date(2026, 12, 31), share=120
        )


def test_tutoring_institutions_coverage_is_kept_as_counts(md):
    with pytest.raises(DomainError, match="合计13家，不能多于机构总数12家"):
        services.tutoring_counts_save(
            actor=md.personnel, area=md.district, year=2026, institutions=12, own_org=5, joint_org=8
        )
    with pytest.raises(DomainError, match="单独建立不能小于0"):
        services.tutoring_counts_save(
            actor=md.personnel, area=md.district, year=2026, institutions=12, own_org=-1, joint_org=0
        )
    assert not TutoringPartyCount.objects.exists()
    services.tutoring_counts_save(
        actor=md.personnel, area=md.district, year=2026, institutions=40, own_org=6, joint_org=24
    )
    row = selectors.tutoring_counts(md.personnel, 2026)
    assert row is not None and (row.covered, row.share) == (30, 75.0)  # 30 / 40
    # the next year shows the latest counts until the new ones are entered
    assert selectors.tutoring_counts(md.users["town_officer"], 2027) == row
    # a school cannot keep them
    from edugov.common.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.tutoring_counts_save(
            actor=md.users[Role.SCHOOL_ADMIN],
            area=md.district,
            year=2026,
            institutions=1,
            own_org=1,
            joint_org=0,
        )


def test_the_coverage_page_and_the_landing_card_track_the_deadline(md, client):
    from django.urls import reverse
    from django.utils import timezone

    from edugov.party.landing import coverage_card
    from edugov.testing import login

    services.status_save(
        actor=md.personnel,
        school=md.school_a,
        org_kind="branch",
        rules_adopted=True,
        office_rules_adopted=True,
    )
    today = timezone.localdate()
    services.target_set(
        actor=md.personnel, area=md.district, year=today.year, deadline=dt.date(today.year, 12, 31)
    )
    card = coverage_card(md.personnel)
    assert card is not None
    ctx = card.context
    assert (ctx["schools"], ctx["covered"], ctx["needed"]) == (3, 1, 2)
    assert ctx["days_left"] == (dt.date(today.year, 12, 31) - today).days
    assert sorted(r.school_id for r in ctx["uncovered"]) == sorted([md.school_b.pk, md.school_c.pk])
    assert coverage_card(md.users[Role.SCHOOL_ADMIN]) is None
    client = login(client, md.personnel)
    bad = client.post(reverse("party:coverage"), {"form": "tutoring", "institutions": "10", "own_org": "11"})
    assert bad.status_code == 400 and "不能多于机构总数10家" in bad.content.decode()
    assert not TutoringPartyCount.objects.exists()
    ok = client.post(
        reverse("party:coverage"),
        {"form": "tutoring", "institutions": "10", "own_org": "3", "joint_org": "5"},
    )
    assert ok.status_code == 302
    page = client.get(reverse("party:coverage")).content.decode()
    assert "覆盖8家（80.0%）" in page and "尚未实行的学校" in page
