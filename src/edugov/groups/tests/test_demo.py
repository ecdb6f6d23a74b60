"""The groups demo on the registry's small demo district (scale 0.1, three towns) with the
generators the effect reads (registry, accounts, resources, groups, quality and the effect itself):
every group has members besides its lead school, and the two storied members' gaps to their lead
school narrow or do not, on the 优质均衡 indicators and in value-added, computed by the effect from
the scores the quality demo wrote with the effects the groups demo planted."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from edugov.demo.base import DemoContext, generators
from edugov.groups import demo as groups_demo
from edugov.groups.effect import effect_stored
from edugov.groups.models import GroupKind, SchoolGroup
from edugov.quality import demo as quality_demo
from edugov.quality.selectors import school_value_added
from edugov.testing import rows_shared_by_tests
from edugov.workforce.models import TeacherYear

TODAY = dt.date(2026, 12, 1)  # school years 2024, 2025 and 2026 (current); the groups joined in 2024
BUILT = ("registry", "accounts", "resources", "groups", "quality", "groups_effect")


@pytest.fixture(scope="module")
def built(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Any:
    ctx = DemoContext(seed=1, scale=0.1, today=TODAY)
    with (
        rows_shared_by_tests(django_db_blocker, tmp_path_factory.mktemp("media")),
        pytest.MonkeyPatch.context() as mp,
    ):
        # Fitness and exam lines are not what this module checks (the effect reads none of them
        # in its verdicts asserted here); leaving them out keeps the build short.
        mp.setattr(quality_demo, "build_fitness", lambda ctx: None)
        mp.setattr(quality_demo, "build_outcomes", lambda ctx: None)
        for gen in generators():
            if gen.name in BUILT:
                gen.fn(ctx)
        yield ctx


def _series(group: SchoolGroup, school_id: int, measure: str | None = None) -> Any:
    stored = effect_stored(group)
    assert stored.computed and not stored.stale
    if measure is None:
        series = stored.effect.series
    else:
        series = next(m for m in stored.measures if m.code == measure).series
    return next(s for s in series if s.school_id == school_id)


@pytest.mark.django_db
def test_every_group_has_members_besides_its_lead_school(built):
    groups = list(SchoolGroup.objects.order_by("pk"))
    assert len(groups) >= 3
    for group in groups:
        schools = {m.school_id for m in group.memberships.all()}
        assert group.lead_school_id in schools and len(schools) >= 2, group.name
    # no school in two groups (the demo writes in bulk, past the service's check)
    everyone = [m.school_id for g in groups for m in g.memberships.all()]
    assert len(everyone) == len(set(everyone))


@pytest.mark.django_db
def test_the_narrowing_member_narrows_and_the_stalling_one_does_not(built):
    story = built.state["groups"]
    close = list(SchoolGroup.objects.filter(kind=GroupKind.CLOSE).order_by("pk"))
    narrowing_group, stalling_group = close[:2]
    # 优质均衡 indicators: the lead school's count met minus the member's, per school year
    narrowing = _series(narrowing_group, story["narrowing"])
    stalling = _series(stalling_group, story["stalling"])
    assert narrowing.gaps[0] > narrowing.gaps[-1] and narrowing.verdict == "差距缩小"
    assert stalling.gaps[-1] >= stalling.gaps[0] and stalling.verdict in ("差距扩大", "差距未缩小")
    # Value-added: the lead school's estimate minus the member's, 2024 and 2025 (none yet for 2026)
    va_n = _series(narrowing_group, story["narrowing"], "value_added")
    va_s = _series(stalling_group, story["stalling"], "value_added")
    assert va_n.gaps[2] is None and va_s.gaps[2] is None
    assert None not in va_n.gaps[:2] and None not in va_s.gaps[:2]
    # planted gaps: 10 then 2 points, and 4 then 9; estimates are shrunk towards 0, so the
    # narrowing is asserted by a clear margin, the stalling gap by its direction
    assert va_n.gaps[0] - va_n.gaps[1] > 3 and va_n.verdict == "差距缩小"
    assert va_s.gaps[1] - va_s.gaps[0] > 0 and va_s.verdict == "差距扩大"
    # consistent with the planted effects: the narrowing member adds less than expected in the
    # year it joined (its interval wholly below 0) and its gap then falls
    rows = {r["year"]: r for r in school_value_added([story["narrowing"]])[story["narrowing"]]}
    assert rows[2024]["high"] < 0 and rows[2025]["effect"] > rows[2024]["effect"]


@pytest.mark.django_db
def test_a_year_without_teacher_records_has_no_teacher_figure(built):
    """The teacher structure gap is "no data" in a school year without teacher-year records (this
    build has no workforce records), not a gap of 0 between two shares of 0%."""
    recorded = set(TeacherYear.objects.values_list("school_year__start_year", flat=True).distinct())
    for group in SchoolGroup.objects.all():
        teachers = next(m for m in effect_stored(group).measures if m.code == "teachers")
        for s in teachers.series:
            for label, gap in s.cells:
                if int(label.removesuffix("学年")) not in recorded:
                    assert gap is None, (group.name, s.school_name, label)


@pytest.mark.django_db
def test_value_added_exists_for_two_consecutive_years_for_every_tested_school(built):
    known = built.state["quality"]["known_effects"]
    assert sorted(known) == [2024, 2025]
    by_school = school_value_added(sorted(known[2024]))
    years = {pk: sorted({r["year"] for r in rows}) for pk, rows in by_school.items()}
    # every school tested in the second year was tested in the first too (teaching points whose
    # pupils move to a central school for grade 4 have the first year only)
    second = {pk for pk, ys in years.items() if 2025 in ys}
    assert len(second) >= 10 and all(years[pk] == [2024, 2025] for pk in second)
    planted = built.state[groups_demo.VA_PLANTED]
    for pk, by_year in planted.items():
        assert {y: known[y][pk] for y in (2024, 2025)} == by_year
