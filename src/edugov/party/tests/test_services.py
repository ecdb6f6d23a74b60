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
from edugov.party.models import MeetingCount, PartyStatus
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
    found = list(not_covered(FindingContext(now=dt.datetime(2027, 1, 5, tzinfo=dt.UTC))))
    assert found == []  # the 2026 target is judged in 2026 only (year of the deadline)
    services.target_set(actor=md.personnel, area=md.district, year=2027, deadline=dt.date(2027, 1, 2))
    found = list(not_covered(FindingContext(now=dt.datetime(2027, 1, 5, tzinfo=dt.UTC))))
    assert sorted(f.unit.id for f in found) == sorted([md.school_b.pk, md.school_c.pk])
    assert "未制定校长办公会议议事规则" in next(f.evidence for f in found if f.unit.id == md.school_b.pk)


def test_a_target_share_above_100_is_refused(md):
    with pytest.raises(DomainError, match="0至100"):
        services.target_set(
            actor=md.personnel, area=md.district, year=2026, deadline=dt.date(2026, 12, 31), share=120
        )
