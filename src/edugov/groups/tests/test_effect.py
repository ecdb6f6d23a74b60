"""The effect is computed when its data changes, not on the page: the refresh stores hand-worked
gaps, the group page and the report read them with every compute path made to fail, a membership
change or an audited change to a source record in the district marks the group, the periodic job
recomputes what is marked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from edugov.audit.models import AuditAction, AuditEvent
from edugov.audit.services import audit_record
from edugov.groups import effect as E
from edugov.groups import services
from edugov.groups.models import EffectSnapshot
from edugov.groups.services import effect as effect_services
from edugov.registry.models import SchoolYear
from edugov.scheduler.registry import JobContext, get_job
from edugov.testing import login

pytestmark = pytest.mark.django_db

YEARS = (2022, 2023, 2024, 2025)


@pytest.fixture
def sources(world, monkeypatch):
    """Four school years; the district's 优质均衡 figures and the other measures by hand. Lead A
    meets 9 indicators every year; B meets 5, 6 before joining (2025) and 8 after: gaps 4, 3, 1;
    C (rural) meets 3, 3, 4 and 4 after joining: gaps 6, 6, 5, 5. Teacher share: A 90%, B 70%."""
    for start in YEARS:
        SchoolYear.objects.get_or_create(
            start_year=start,
            defaults={"start_date": dt.date(start, 9, 1), "end_date": dt.date(start + 1, 8, 31)},
        )
    a, b, c = world.md.school_a.pk, world.md.school_b.pk, world.school_c.pk
    met = {2022: {a: 9, c: 3}, 2023: {a: 9, b: 5, c: 3}, 2024: {a: 9, b: 6, c: 4}, 2025: {a: 9, b: 8, c: 4}}
    calls: list[int] = []

    def balanced(year_id: int, district_id: int):
        calls.append(year_id)
        start = SchoolYear.objects.get(pk=year_id).start_year
        return 12, {pk: [("primary", n)] for pk, n in met.get(start, {}).items()}

    monkeypatch.setattr(effect_services, "balanced_met", balanced)
    monkeypatch.setattr(E, "_qualified_share", lambda actor, y, ids: {a: 90.0, b: 70.0})
    monkeypatch.setattr(E, "_value_added", lambda actor, y, ids, lead: {})
    monkeypatch.setattr(E, "_fitness_pass", lambda ids, y: {})
    AuditEvent.objects.update(at=timezone.now() - dt.timedelta(hours=1))  # the set-up is old news
    return calls


def _fail(*args, **kwargs):
    raise AssertionError("the page computed the effect")


def test_the_refresh_stores_the_gaps_and_the_page_only_reads_them(world, sources, monkeypatch):
    assert services.effect_refresh() == 1
    # one evaluation per school year for the whole refresh (2 groups would still read it once)
    assert len(sources) == 4
    snap = EffectSnapshot.objects.get(group=world.group)
    assert snap.stale_since is None and snap.years == [f"{y}学年" for y in YEARS]
    for name in ("effect", "other_measures", "balanced_met", "_qualified_share", "effect_payload"):
        monkeypatch.setattr(E, name, _fail)
    monkeypatch.setattr(effect_services, "balanced_met", _fail)
    stored = E.effect_stored(world.group)
    series = {s.school_id: s for s in stored.effect.series}
    b, c = series[world.md.school_b.pk], series[world.school_c.pk]
    assert b.gaps == [None, 4, 3, 1] and (b.before, b.after, b.verdict) == (3.5, 1, "差距缩小")
    assert c.gaps == [6, 6, 5, 5] and (c.before, c.after, c.verdict) == (5.67, 5, "差距缩小")
    assert stored.effect.indicators == 12 and not stored.stale
    teachers = {m.code: m for m in stored.measures}["teachers"]
    by_school = {s.school_id: s.gaps for s in teachers.series}
    assert by_school == {world.md.school_b.pk: [20.0] * 4, world.school_c.pk: [None] * 4}
    body = login(Client(), world.officer).get(reverse("groups:group", args=[world.group.pk])).content.decode()
    assert "计算于" in body and "差距缩小" in body and "5.67" in body and "后台正在重新计算" not in body


def test_the_cockpit_counts_the_members_that_narrowed_from_the_stored_figures(world, sources):
    assert E.narrowing_summary([world.group]) == {world.group.pk: "尚未计算"}
    services.effect_refresh()
    # B (gaps 4, 3, 1) and C (6, 6, 5, 5) both narrow on the indicators; no value-added data
    assert E.narrowing_summary([world.group]) == {world.group.pk: "指标2/2所"}


def test_the_page_before_any_computation_says_so(world, monkeypatch):
    for name in ("effect", "other_measures", "balanced_met", "effect_payload"):
        monkeypatch.setattr(E, name, _fail)
    response = login(Client(), world.head).get(reverse("groups:group", args=[world.group.pk]))
    assert response.status_code == 200
    assert "办学成效尚未计算" in response.content.decode()


def test_a_membership_change_marks_the_group_and_its_task_recomputes_it(
    world, sources, django_capture_on_commit_callbacks
):
    from edugov.registry.models import Area
    from edugov.testing import make_school

    services.effect_refresh()
    school = make_school(town=Area.objects.get(code="310101002"), name="乙镇丁村小学", urban_rural_code="220")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.member_add(
            actor=world.officer, group=world.group, school=school, joined_on=dt.date(2026, 9, 1)
        )
    snap = EffectSnapshot.objects.get(group=world.group)
    assert snap.stale_since is not None and E.effect_stored(world.group).stale
    for callback in callbacks:  # the commit: the task recomputes (ImmediateBackend in tests)
        callback()
    snap.refresh_from_db()
    assert snap.stale_since is None
    assert school.name in {s["school_name"] for s in snap.payload["series"]}


def test_an_audited_change_to_a_source_in_the_district_marks_the_group(world, sources):
    services.effect_refresh()
    district = world.md.school_a.area.parent
    # homework and master studios are not sources; another district's fitness results are not this group's
    audit_record(action=AuditAction.CREATE, model_label="burden.Homework", area_path=district.path)
    audit_record(action=AuditAction.CREATE, model_label="workforce.Studio", area_path=district.path)
    audit_record(action=AuditAction.IMPORT, model_label="quality.FitnessResult", area_path="/99/9999/")
    audit_record(action=AuditAction.EXPORT, model_label="quality.FitnessResult", area_path=district.path)
    assert services.effect_mark_changed() == 0
    audit_record(action=AuditAction.IMPORT, model_label="quality.FitnessResult", area_path=district.path)
    assert services.effect_mark_changed() == 1
    assert EffectSnapshot.objects.get(group=world.group).stale_since is not None
    # the periodic job recomputes what is marked and clears the mark
    job = get_job("groups.effect_refresh")
    assert job is not None
    summary = job.fn(JobContext(now=timezone.now()))
    assert "已重新计算1个集团" in summary
    assert EffectSnapshot.objects.get(group=world.group).stale_since is None


def test_a_new_school_year_puts_the_stored_figures_out_of_date(world, sources):
    services.effect_refresh()
    assert services.effect_refresh() == 0  # nothing changed: nothing computed
    SchoolYear.objects.get_or_create(
        start_year=2026, defaults={"start_date": dt.date(2026, 9, 1), "end_date": dt.date(2027, 8, 31)}
    )
    stored = E.effect_stored(world.group)
    assert stored.stale and stored.effect.years[-1] == "2025学年"  # the old figures, flagged
    assert services.effect_refresh() == 1
    assert EffectSnapshot.objects.get(group=world.group).years[-1] == "2026学年"


def test_the_report_reads_the_stored_effect(world, sources, monkeypatch):
    from edugov.groups.reports import group_document

    services.effect_refresh()
    monkeypatch.setattr(E, "effect", _fail)
    monkeypatch.setattr(E, "other_measures", _fail)
    doc = group_document(actor=world.officer, group=world.group.pk, term="2025-2026-1")
    effect_section = next(s for s in doc.sections if s.key == "effect")
    assert {r[0]: r[-1] for r in effect_section.rows} == {
        world.md.school_b.name: "差距缩小",
        world.school_c.name: "差距缩小",
    }
    assert "计算于" in (effect_section.note or "")
