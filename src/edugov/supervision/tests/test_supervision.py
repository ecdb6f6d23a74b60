"""Supervision: checklists as data, scoring by hand, findings → items, scope, bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from edugov.accounts.models import Role
from edugov.audit.models import AuditEvent
from edugov.common.errors import DomainError, PermissionDenied
from edugov.rectification.models import ItemSource, RectificationItem
from edugov.supervision import selectors as sup_selectors
from edugov.supervision import services as supervision
from edugov.supervision.models import SupervisionPlan, SupervisionVisit
from edugov.testing import make_user

from .conftest import NOW

pytestmark = pytest.mark.django_db
TODAY = NOW.date()

# 责任督学挂牌督导: RI01 15, RI02 10, RI03 15, RI04 15, RI05 15, RI06 10, RI07 20 (= 100), ratio 0.6
GOOD = {"RI01": 15, "RI02": 8, "RI03": 9, "RI04": "8.9", "RI05": 15, "RI06": 10, "RI07": 20}


@pytest.fixture
def plan(district):  # type: ignore[no-untyped-def]
    return supervision.plan_create(
        actor=district.users[Role.DISTRICT_ADMIN],
        title="2025年秋季责任督学挂牌督导",
        kind="routine",
        checklist_code="responsible_inspector",
        start_date=TODAY - dt.timedelta(days=10),
        end_date=TODAY + dt.timedelta(days=20),
        school_ids=[district.school_a.pk, district.school_b.pk],
        inspector_ids=[district.users[Role.INSPECTOR].pk],
        now=NOW,
    )


def _entries(scores: dict[str, Any], **extra: Any) -> dict[str, dict[str, Any]]:
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
        actor=inspector,
        plan=plan,
        school_id=district.school_a.pk,
        visited_on=TODAY,
        entries=_entries({"RI01": 15}),
        now=NOW,
    )
    assert raised == [] and draft.status == "draft" and draft.total == Decimal("15")
    visit, raised = supervision.visit_save(
        actor=inspector,
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
            actor=inspector,
            plan=plan,
            school_id=district.school_a.pk,
            visited_on=TODAY,
            entries=_entries(GOOD),
            submit=True,
            now=NOW,
        )
    assert RectificationItem.objects.filter(source=ItemSource.SUPERVISION).count() == 2
    progress = sup_selectors.plan_progress(actor=district.users[Role.DISTRICT_ADMIN], plan=plan)
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
        "actor": district.users[Role.INSPECTOR],
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
            actor=other, plan=plan, school_id=district.school_a.pk, visited_on=TODAY, entries={}, now=NOW
        )
    with pytest.raises(PermissionDenied):
        supervision.plan_create(
            actor=district.users[Role.SCHOOL_ADMIN],
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
            actor=district.users[Role.DISTRICT_ADMIN],
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
            actor=district.users[Role.INSPECTOR],
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
            actor=inspector,
            plan=plan,
            school_id=school.pk,
            visited_on=TODAY,
            entries=_entries(GOOD),
            submit=True,
            now=NOW,
        )
    mine = sup_selectors.visit_list(actor=district.users[Role.SCHOOL_ADMIN])
    assert [v.school_id for v in mine] == [district.school_a.pk]
    assert sup_selectors.visit_list(actor=district.users["school_b"]).get().school_id == district.school_b.pk


# Editing a plan ----------------------------------------------------------------------------------


def _plan_args(plan: SupervisionPlan, **change: Any) -> dict[str, Any]:
    args = {
        "title": plan.title,
        "kind": plan.kind,
        "checklist_code": plan.checklist_code,
        "start_date": plan.start_date,
        "end_date": plan.end_date,
        "school_ids": sorted(plan.schools.values_list("pk", flat=True)),
        "inspector_ids": sorted(plan.inspectors.values_list("pk", flat=True)),
        "now": NOW,
    }
    return {**args, **change}


def test_plan_update_changes_and_audits(district, plan):  # type: ignore[no-untyped-def]
    admin = district.users[Role.DISTRICT_ADMIN]
    updated = supervision.plan_update(
        actor=admin,
        plan=plan,
        **_plan_args(
            plan,
            title="2025年秋季“双减”专项督导",
            kind="special",
            checklist_code="double_reduction_special",
            end_date=TODAY + dt.timedelta(days=40),
            school_ids=[district.school_a.pk],
        ),
    )
    updated.refresh_from_db()
    assert updated.kind == "special" and updated.checklist["code"] == "double_reduction_special"
    assert list(updated.schools.all()) == [district.school_a]
    event = AuditEvent.objects.get(model="supervision.SupervisionPlan", action="update")
    assert event.actor == admin
    assert event.changes["schools"] == [[district.school_a.pk, district.school_b.pk], [district.school_a.pk]]
    assert event.changes["checklist_code"] == ["responsible_inspector", "double_reduction_special"]
    assert event.changes["end_date"][1] == (TODAY + dt.timedelta(days=40)).isoformat()
    supervision.plan_update(actor=admin, plan=updated, **_plan_args(updated))  # nothing changed
    assert AuditEvent.objects.filter(model="supervision.SupervisionPlan", action="update").count() == 1


def test_plan_update_keeps_recorded_visits_valid(district, plan):  # type: ignore[no-untyped-def]
    admin = district.users[Role.DISTRICT_ADMIN]
    inspector = district.users[Role.INSPECTOR]
    supervision.visit_save(
        actor=inspector,
        plan=plan,
        school_id=district.school_a.pk,
        visited_on=TODAY - dt.timedelta(days=2),
        entries=_entries({"RI01": 15}),
        now=NOW,
    )
    bad: list[tuple[dict[str, Any], str]] = [
        ({"checklist_code": "double_reduction_special"}, "该督导计划已有督导记录，不能更换督导清单"),
        ({"school_ids": [district.school_b.pk]}, "学校“甲街道第一小学”已有督导记录，不能移出计划"),
        (
            {"start_date": TODAY - dt.timedelta(days=1)},
            "计划期须包含已有督导记录的日期（2025年9月29日至2025年9月29日）",
        ),
        ({"end_date": TODAY - dt.timedelta(days=1)}, "结束日期不能早于今天（2025年10月1日）"),
        ({"end_date": TODAY - dt.timedelta(days=11)}, "结束日期不能早于开始日期"),
        ({"title": " "}, "督导计划：不能为空且不超过200字"),
        ({"kind": "nope"}, "类型：取值无效"),
        ({"checklist_code": "nope"}, "未配置的督导清单：nope"),
        ({"school_ids": []}, "请至少选择一所学校"),
        ({"school_ids": [district.school_a.pk, 999999]}, "责任单位不存在或不在您的数据范围内"),
        ({"inspector_ids": [district.users[Role.LEADER].pk]}, "督学：请选择有效的督学账号"),
    ]
    for change, message in bad:
        with pytest.raises(DomainError) as exc:
            supervision.plan_update(actor=admin, plan=plan, **_plan_args(plan, **change))
        assert exc.value.message == message, change
    assert not AuditEvent.objects.filter(model="supervision.SupervisionPlan", action="update").exists()
    # the visited school stays, the period may still move around the visit
    supervision.plan_update(
        actor=admin, plan=plan, **_plan_args(plan, start_date=TODAY - dt.timedelta(days=2), title="改名")
    )
    assert sup_selectors.plan_get(actor=admin, pk=plan.pk).title == "改名"
    # once every school's visit is submitted the plan is closed to edits
    for school in (district.school_a, district.school_b):
        supervision.visit_save(
            actor=inspector, plan=plan, school_id=school.pk, visited_on=TODAY, entries=_entries(GOOD),
            submit=True, now=NOW,
        )  # fmt: skip
    with pytest.raises(DomainError) as exc:
        supervision.plan_update(actor=admin, plan=plan, **_plan_args(plan, title="再改"))
    assert exc.value.message == "该督导计划的学校已全部完成督导，不能再修改"


def test_plan_update_permissions(district, plan):  # type: ignore[no-untyped-def]
    town_admin = make_user(Role.DISTRICT_ADMIN, area=district.town_a)
    # sees the plan (one of its schools is in 甲街道) but may not re-plan 乙镇's school
    assert sup_selectors.plan_get(actor=town_admin, pk=plan.pk)
    assert not supervision.may_edit_plan(town_admin, plan)
    assert supervision.may_edit_plan(district.users["supervision"], plan)
    for user in (
        town_admin,
        district.users[Role.DEPARTMENT_OFFICER],  # basic_education: not the supervision office
        district.users[Role.INSPECTOR],
        district.users[Role.LEADER],
        district.users[Role.SCHOOL_ADMIN],
    ):
        with pytest.raises(PermissionDenied):
            supervision.plan_update(actor=user, plan=plan, **_plan_args(plan, title="改"))
    assert sup_selectors.plan_get(actor=district.users[Role.DISTRICT_ADMIN], pk=plan.pk).title == plan.title


def test_school_visit_scores_sum_submitted_visits(district, plan):  # type: ignore[no-untyped-def]
    inspector = district.users[Role.INSPECTOR]
    common = {"actor": inspector, "plan": plan, "visited_on": TODAY, "now": NOW}
    supervision.visit_save(school_id=district.school_a.pk, entries=_entries(GOOD), submit=True, **common)
    supervision.visit_save(school_id=district.school_b.pk, entries=_entries({"RI01": 15}), **common)
    bureau = district.users[Role.DISTRICT_ADMIN]
    ids = [district.school_a.pk, district.school_b.pk]
    got = sup_selectors.school_visit_scores(actor=bureau, school_ids=ids, start=TODAY, end=TODAY)
    # school A: one submitted visit, 85.9 of 100; school B's draft does not count
    assert set(got) == {district.school_a.pk}
    a = got[district.school_a.pk]
    assert (a.visits, a.total, a.max_total) == (1, Decimal("85.9"), Decimal("100"))
    later = sup_selectors.school_visit_scores(
        actor=bureau, school_ids=ids, start=TODAY + dt.timedelta(days=1), end=TODAY + dt.timedelta(days=9)
    )
    assert later == {}
    own = sup_selectors.school_visit_scores(
        actor=district.users[Role.SCHOOL_ADMIN], school_ids=ids, start=TODAY, end=TODAY
    )
    assert set(own) == {district.school_a.pk}  # a school reads its own visits only
