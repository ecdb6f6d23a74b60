"""校园安全 over the warehouse: exported, the province computation (`safety.warehouse`) gives the
selectors' figures for every school and town (a day's reminder coverage, the term's drills and
lessons), worked by hand on the safety tests' mini district; so do the bench's pandas peer and its
hand-written limit line over the same files."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import json
import math

import pandas as pd
import pyarrow.parquet as pq
import pytest
from django.utils import timezone

from edugov.registry.models import Term
from edugov.safety import channels, selectors, services
from edugov.safety.models import ClassReminder, Drill, DrillKind, SafetyLesson
from edugov.safety.warehouse import province_safety
from edugov.testing import make_class, make_school
from edugov.warehouse.export import warehouse_export

from .conftest import TODAY

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 1, 20, 1, tzinfo=dt.UTC)
# The bench lies outside the package mypy checks (scripts, typed loosely): imported by name.
bench = importlib.import_module("bench.province_safety")


@dataclasses.dataclass
class Built:
    world: object
    school_c: object
    wh: object


@pytest.fixture
def built(world, tmp_path) -> Built:
    """The holiday's first day sent to every class: A1 acknowledged by three parents, B1 by one,
    A2 confirmed by its head teacher; school C of town B archived after its class was reminded.
    Term 1 (to TODAY): school A held every drill due (and one more the day after), school B one
    evacuation; A gave the first lesson and two more (one topic twice), B the last lesson, and a
    lesson of B in term 2 does not count. Exported to the warehouse."""
    md = world.md
    day = world.holiday.days.get(date=TODAY)
    school_c = make_school(town=md.town_b, name="乙镇第二小学")
    class_c = make_class(school=school_c, year=md.year, number=1)
    ClassReminder.objects.create(day=day, school_class=class_c, token="c1-token")
    services.reminders_send(day=day, via=channels.StubChannel(), now=NOW)
    school_c.archived_at = timezone.now()
    school_c.save(update_fields=["archived_at"])
    a1 = ClassReminder.objects.get(day=day, school_class=md.class_a1)
    for key in ("p1", "p2", "p3"):
        services.acknowledge(token=a1.token, pupil_key=key)
    services.acknowledge(
        token=ClassReminder.objects.get(day=day, school_class=md.class_b1).token, pupil_key="q"
    )
    ClassReminder.objects.filter(day=day, school_class=md.class_a2).update(confirmed_at=NOW)
    term1, term2 = Term.objects.filter(school_year=md.year).order_by("number")
    for school, kind, on in (
        (md.school_a, "evacuation", dt.date(2025, 9, 10)),
        (md.school_a, "evacuation", dt.date(2025, 11, 10)),
        (md.school_a, "fire", dt.date(2025, 10, 10)),
        (md.school_a, "violence", dt.date(2025, 12, 10)),
        (md.school_a, "earthquake", TODAY + dt.timedelta(days=1)),  # after the day: not yet held
        (md.school_b, "evacuation", dt.date(2025, 9, 20)),
    ):
        Drill.objects.create(
            school=school, term=term1, kind=kind, held_on=on, participants=300, evaluation="好"
        )
    for school, term, kind, topic in (
        (md.school_a, term1, "first", "防溺水"),
        (md.school_a, term1, "lesson", "交通安全"),
        (md.school_a, term1, "lesson", "防溺水"),
        (md.school_b, term1, "last", "消防安全"),
        (md.school_b, term2, "lesson", "防欺凌"),
    ):
        SafetyLesson.objects.create(
            school=school, term=term, kind=kind, topic=topic, held_on=term.start_date, classes=6
        )
    wh = tmp_path / "wh"
    warehouse_export(directory=wh)
    return Built(world, school_c, wh)


def _same(a, b) -> bool:
    return (a is None and b is None) or (
        a is not None and b is not None and math.isclose(a, b, rel_tol=1e-12)
    )


def test_the_warehouse_gives_the_selectors_figures_for_every_school_and_town(built):
    world, md = built.world, built.world.md
    out = province_safety(directory=built.wh, day=TODAY, area=md.district)
    schools = out["schools"].set_index("school_id")
    towns = out["towns"].set_index("town_id")
    cov = selectors.coverage(actor=world.officer, day=TODAY)
    # Coverage: the schools with classes reminded that day, the archived one's included.
    reminded = schools[schools["classes"] > 0]
    assert set(reminded.index) == {c.school_id for c in cov.schools} and len(reminded) == len(cov.schools)
    for c in cov.schools:
        r = reminded.loc[c.school_id]
        assert [r.classes, r.sent, r.confirmed, r.acknowledged, r.acks, r.below_target] == [
            c.classes, c.sent, c.confirmed, c.acknowledged, c.acks, c.below_target
        ]  # fmt: skip
        assert _same(r.share, c.share)
    names = {md.town_a.pk: md.town_a.name, md.town_b.pk: md.town_b.name}
    by_name = {c.name: c for c in cov.towns}
    assert sorted(names[t] for t in towns.index[towns["classes"] > 0]) == sorted(by_name)
    for town_id, r in towns.iterrows():
        c = by_name[names[town_id]]
        assert [r.classes, r.sent, r.confirmed, r.acknowledged, r.acks, r.below_target] == [
            c.classes, c.sent, c.confirmed, c.acknowledged, c.acks, c.below_target
        ]  # fmt: skip
        assert _same(r.share, c.share)
    # Drills and lessons: every school not archived, as drill_status and lesson_status give them.
    status = selectors.drill_status(actor=world.officer, on=TODAY)
    listed = schools[schools["overdue"].notna()]
    assert sorted(listed.index) == sorted(s.school_id for s in status)
    for s in status:
        r = listed.loc[s.school_id]
        assert {k: r[f"drills_{k}"] for k in DrillKind.values if r[f"drills_{k}"]} == s.done
        assert [DrillKind(k).label for k in r.overdue.split(",") if k] == s.overdue
        lessons = selectors.lesson_status(actor=world.officer, school_id=s.school_id, on=TODAY)
        assert lessons is not None
        assert [r.lessons, r.topics, r["first"], r["last"]] == [
            lessons.lessons, len(lessons.topics), lessons.first, lessons.last
        ]  # fmt: skip
    # By hand. School A: 2 classes, both sent, 1 confirmed, 1 acknowledged by 3 parents (50%,
    # below the 90% target); every drill due held (the earthquake drill comes the day after); 3
    # lessons on 2 topics, the first lesson given. School B: 1 of 1 acknowledged; 2 evacuation
    # drills due at term's end and 1 held, fire and violence none. School C, archived: reminded,
    # no drills or lessons. Town B: B's and C's classes, 1 of 2 acknowledged; 1 school listed,
    # behind, with the last lesson.
    a, b, c = (schools.loc[x.pk] for x in (md.school_a, md.school_b, built.school_c))
    assert [a.classes, a.sent, a.confirmed, a.acknowledged, a.acks, a.share] == [2, 2, 1, 1, 3, 0.5]
    assert [a.drills_evacuation, a.drills_earthquake, a.overdue, a.lessons, a.topics, a["first"]] == [
        2, 0, "", 3, 2, True
    ]  # fmt: skip
    assert [b.classes, b.acknowledged, b.share, b.overdue, b["last"]] == [
        1,
        1,
        1.0,
        "evacuation,fire,violence",
        True,
    ]
    assert c.classes == 1 and pd.isna(c.overdue) and pd.isna(c.lessons) and pd.isna(c.drills_evacuation)
    tb = towns.loc[md.town_b.pk]
    assert [tb.classes, tb.acknowledged, tb.share, tb.schools, tb.schools_behind, tb.last_lessons] == [
        2, 1, 0.5, 1, 1, 1
    ]  # fmt: skip
    # The point of town A has no class: listed for drills, not in the day's coverage.
    assert schools.loc[md.point_a.pk].classes == 0 and towns.loc[md.town_a.pk].schools == 2


def test_a_day_without_reminders_and_before_any_term(built):
    md = built.world.md
    out = province_safety(directory=built.wh, day=dt.date(2025, 8, 1), area=md.district)
    schools = out["schools"]
    assert schools["classes"].sum() == 0 and schools["share"].isna().all()
    assert set(schools["school_id"]) == {md.school_a.pk, md.school_b.pk, md.point_a.pk}
    assert (schools["overdue"] == "").all() and (schools["lessons"] == 0).all()
    # Town A alone: only its own schools.
    a = province_safety(directory=built.wh, day=TODAY, area=md.town_a)["schools"]
    assert set(a["school_id"]) == {md.school_a.pk, md.point_a.pk}


def test_the_pandas_peer_and_the_limit_line_give_the_same_figures(built):
    md = built.world.md
    ours = province_safety(directory=built.wh, day=TODAY, area=md.district)
    digest, items = bench.digest(ours)
    peer = bench.pandas_compute(built.wh, day=TODAY, area_path=md.district.path)
    assert bench.compare_digests(digest, bench.digest(peer)[0]) == []
    limit, _ = bench.limit_frames(bench.limit_sql(built.wh, day=TODAY, area_path=md.district.path))
    assert bench.compare_digests(digest, bench.digest(limit)[0]) == []
    assert items == 4 and len(digest) == 4 + 2


def test_the_exported_tables_hold_no_token_text_or_author(built):
    """The parents' links, the day's message, a drill's evaluation and who recorded what stay in
    the operational database; the reminders are partitioned by the day's year and district."""
    manifest = json.loads((built.wh / "manifest.json").read_text(encoding="utf-8"))["tables"]
    left_out = {
        "safety_class_reminder": {"token"},
        "safety_holiday_day": {"text"},
        "safety_drill": {"evaluation", "created_by", "created_by_id"},
        "safety_lesson": {"created_by", "created_by_id"},
    }
    for name, columns in left_out.items():
        assert not columns & {c for c, _ in manifest[name]["columns"]}, name
    assert list(manifest["safety_class_reminder"]["partitions"]) == ["year=2026/district=310101"]
    assert list(manifest["safety_drill"]["partitions"]) == ["year=2025/district=310101"]
    tokens = set(ClassReminder.objects.values_list("token", flat=True))
    values = {
        str(v)
        for name in left_out
        for f in manifest[name]["files"]
        for row in pq.read_table(built.wh / f).to_pylist()
        for v in row.values()
    }
    assert tokens and not tokens & values and "好" not in values


def test_a_parents_acknowledgement_reaches_the_next_incremental_export(built):
    """An acknowledgement counts on its reminder in place (no audit event: a parent, no account);
    the reminder's `updated_at` moves in the same statement, so the next incremental export reads
    the partition again and the warehouse holds the new count."""
    md = built.world.md

    def acks_in_warehouse() -> int:
        manifest = json.loads((built.wh / "manifest.json").read_text(encoding="utf-8"))["tables"]
        files = manifest["safety_class_reminder"]["files"]
        return sum(int(r["acks"]) for f in files for r in pq.read_table(built.wh / f).to_pylist())

    before = acks_in_warehouse()
    assert before == 4
    b1 = ClassReminder.objects.get(day__date=TODAY, school_class=md.class_b1)
    services.acknowledge(token=b1.token, pupil_key="q2")
    result = warehouse_export(directory=built.wh)
    assert "safety_class_reminder/year=2026/district=310101" in {str(w) for w in result.written}
    assert acks_in_warehouse() == before + 1


def test_the_days_reminders_come_from_its_calendar_years_files_only(built):
    """Reminders and holiday days are partitioned by the day's calendar year: the province
    computation reads that year's files (a reminder of the year before, in its own file, is not
    opened), and its figures stay those of every file."""
    from edugov.indicators import warehouse_duckdb
    from edugov.safety.models import HolidayDay

    md = built.world.md
    before = province_safety(directory=built.wh, day=TODAY, area=md.district)
    last_year = dt.date(TODAY.year - 1, 12, 30)
    day = HolidayDay.objects.create(holiday=built.world.holiday, date=last_year, topic="防溺水", text="提醒")
    ClassReminder.objects.create(day=day, school_class=md.class_a1, token="old-token", acks=5)
    warehouse_export(directory=built.wh)
    state = warehouse_duckdb.warehouse_state(built.wh)
    assert state.years(ClassReminder) == [TODAY.year - 1, TODAY.year]
    files = state.year_files(ClassReminder, TODAY.year)
    assert files and all(f"/year={TODAY.year}/" in f for f in files)
    assert len(state.year_files(ClassReminder, [TODAY.year - 1, TODAY.year])) > len(files)
    after = province_safety(directory=built.wh, day=TODAY, area=md.district)
    assert f"wh_safety_classreminder__y{TODAY.year}" in state.views
    assert f"wh_safety_classreminder__y{TODAY.year - 1}" not in state.views
    pd.testing.assert_frame_equal(before["schools"], after["schools"])
    # The year before, on its own day: its one reminder, five acknowledgements.
    old = province_safety(directory=built.wh, day=last_year, area=md.district)["schools"]
    assert old["acks"].sum() == 5 and old["classes"].sum() == 1
