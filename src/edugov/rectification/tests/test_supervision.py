"""Supervision: checklists as data, scoring by hand, findings → items, scope, bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from edugov.accounts.models import Role
from edugov.common.errors import DomainError, PermissionDenied
from edugov.rectification import supervision
from edugov.rectification.models import ItemSource, RectificationItem, SupervisionVisit
from edugov.testing import make_user

from .conftest import NOW

pytestmark = pytest.mark.django_db
TODAY = NOW.date()

# 责任督学挂牌督导: RI01 15, RI02 10, RI03 15, RI04 15, RI05 15, RI06 10, RI07 20 (= 100), ratio 0.6
GOOD = {"RI01": 15, "RI02": 8, "RI03": 9, "RI04": "8.9", "RI05": 15, "RI06": 10, "RI07": 20}


@pytest.fixture
def plan(district):  # type: ignore[no-untyped-def]
    return supervision.plan_create(
        user=district.users[Role.DISTRICT_ADMIN],
        title="2025年秋季责任督学挂牌督导",
        kind="routine",
        checklist_code="responsible_inspector",
        start_date=TODAY - dt.timedelta(days=10),
        end_date=TODAY + dt.timedelta(days=20),
        school_ids=[district.school_a.pk, district.school_b.pk],
        inspector_ids=[district.users[Role.INSPECTOR].pk],
        now=NOW,
    )


def _entries(scores, **extra):  # type: ignore[no-untyped-def]
    e = {k: {"score": v, "note": ""} for k, v in scores.items()}
    for k, v in extra.items():
        e[k] = {**e.get(k, {}), **v}
    return e


def test_checklists_load():
    c = supervision.checklists()["responsible_inspector"]
    assert sum(i["max_score"] for i in c["items"]) == 100
    assert {i["section"] for i in c["items"]} == {"看什么", "问什么（找谁谈）", "查什么"}


def test_scoring_and_findings_by_hand(district, plan):  # type: ignore[no-untyped-def]
    inspector = district.users[Role.INSPECTOR]
    draft, raised = supervision.visit_save(
        user=inspector,
        plan=plan,
        school_id=district.school_a.pk,
        visited_on=TODAY,
        entries=_entries({"RI01": 15}),
        now=NOW,
    )
    assert raised == [] and draft.status == "draft" and draft.total == Decimal("15")
    visit, raised = supervision.visit_save(
        user=inspector,
        plan=plan,
        school_id=district.school_a.pk,
        visited_on=TODAY,
        entries=_entries(GOOD, RI07={"flagged": True, "note": "安全台账缺失两个月"}),
        submit=True,
        now=NOW,
    )
    # total 15 + 8 + 9 + 8.9 + 15 + 10 + 20 = 85.9 of 100
    assert visit.total == Decimal("85.9") and visit.max_total == Decimal("100")
    # findings: RI03 9 < 15×0.6 = 9? no (equal); RI04 8.9 < 9 yes; RI07 flagged → 2
    codes = sorted(i.evidence_data["item"] for i in raised)
    assert codes == ["RI04", "RI07"]
    assert visit.findings == 2
    assert {i.source for i in raised} == {ItemSource.SUPERVISION}
    ri07 = next(i for i in raised if i.evidence_data["item"] == "RI07")
    assert ri07.department == "supervision_office" and "安全台账缺失两个月" in ri07.evidence
    # submitted visits cannot change, and findings are not raised twice
    with pytest.raises(DomainError):
        supervision.visit_save(
            user=inspector,
            plan=plan,
            school_id=district.school_a.pk,
            visited_on=TODAY,
            entries=_entries(GOOD),
            submit=True,
            now=NOW,
        )
    assert RectificationItem.objects.filter(source=ItemSource.SUPERVISION).count() == 2
    progress = supervision.plan_progress(user=district.users[Role.DISTRICT_ADMIN], plan=plan)
    assert (progress["schools"], progress["submitted"], progress["findings"], progress["percent"]) == (
        2,
        1,
        2,
        50.0,
    )
    assert progress["avg_score_rate"] == 85.9


@pytest.mark.parametrize(
    ("entries", "kwargs"),
    [
        ({"RI99": {"score": 5}}, {}),  # unknown checklist item
        ({"RI01": {"score": 16}}, {}),  # above max
        ({"RI01": {"score": -1}}, {}),
        ({"RI01": {"score": "abc"}}, {}),
        ({"RI01": {"score": "NaN"}}, {}),
        ({"RI01": {"score": "1.25"}}, {}),
        ({"RI01": {"score": True}}, {}),
        ({"RI01": {"score": 10}}, {"submit": True}),  # not every item scored
        ({"RI01": {"score": 10}}, {"visited_on": TODAY + dt.timedelta(days=1)}),
        ({"RI01": {"score": 10}}, {"visited_on": TODAY - dt.timedelta(days=30)}),
        ({"RI01": {"score": 10}}, {"visited_on": "2025-13-01"}),
    ],
)
def test_bad_input_changes_nothing(district, plan, entries, kwargs):  # type: ignore[no-untyped-def]
    args = {
        "user": district.users[Role.INSPECTOR],
        "plan": plan,
        "school_id": district.school_a.pk,
        "visited_on": TODAY,
        "entries": entries,
        "now": NOW,
    }
    with pytest.raises(DomainError):
        supervision.visit_save(**{**args, **kwargs})
    assert SupervisionVisit.objects.count() == 0 and RectificationItem.objects.count() == 0


def test_who_may_inspect_and_plan(district, plan):  # type: ignore[no-untyped-def]
    other = make_user(Role.INSPECTOR, area=district.district)
    with pytest.raises(PermissionDenied):
        supervision.visit_save(
            user=other, plan=plan, school_id=district.school_a.pk, visited_on=TODAY, entries={}, now=NOW
        )
    with pytest.raises(PermissionDenied):
        supervision.plan_create(
            user=district.users[Role.SCHOOL_ADMIN],
            title="x",
            kind="routine",
            checklist_code="responsible_inspector",
            start_date=TODAY,
            end_date=TODAY,
            school_ids=[district.school_a.pk],
            inspector_ids=[other.pk],
        )
    with pytest.raises(DomainError):
        supervision.plan_create(
            user=district.users[Role.DISTRICT_ADMIN],
            title="x",
            kind="routine",
            checklist_code="nope",
            start_date=TODAY,
            end_date=TODAY,
            school_ids=[district.school_a.pk],
            inspector_ids=[other.pk],
        )
    with pytest.raises(DomainError):
        supervision.visit_save(
            user=district.users[Role.INSPECTOR],
            plan=plan,
            school_id=district.point_a.pk,
            visited_on=TODAY,
            entries={},
            now=NOW,
        )


def test_school_admin_sees_only_own_visits(district, plan):  # type: ignore[no-untyped-def]
    inspector = district.users[Role.INSPECTOR]
    for school in (district.school_a, district.school_b):
        supervision.visit_save(
            user=inspector,
            plan=plan,
            school_id=school.pk,
            visited_on=TODAY,
            entries=_entries(GOOD),
            submit=True,
            now=NOW,
        )
    mine = supervision.visit_list(user=district.users[Role.SCHOOL_ADMIN])
    assert [v.school_id for v in mine] == [district.school_a.pk]
    assert supervision.visit_list(user=district.users["school_b"]).get().school_id == district.school_b.pk
