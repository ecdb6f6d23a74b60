"""The safety tables the warehouse exports (keys, dates, statuses and counts: no token, no text, no
author), and the province's safety figures on DuckDB over them: per school and per town, a day's
holiday reminder coverage (`selectors.coverage`), the term's drills against the rules
(`selectors.drill_status`) and its safety lessons (`selectors.lesson_status`), in one statement."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from . import rules
from .models import DrillKind, LessonKind

# Reminder coverage: counts over the day's reminders (one per class and holiday day).
COVERAGE = ("classes", "sent", "confirmed", "acknowledged", "acks")
DRILLS = tuple(f"drills_{k}" for k in DrillKind.values)  # drills held this term up to the day
LESSONS = ("lessons", "topics", "first", "last")
SCHOOL_COLUMNS = ("school_id", "town_id", *COVERAGE, "share", "below_target", *DRILLS, "overdue", *LESSONS)
TOWN_COLUMNS = ("town_id", *COVERAGE, "share", "below_target", "schools", "schools_behind",
                "first_lessons", "last_lessons")  # fmt: skip


def register() -> None:
    from edugov.warehouse.registry import register_table

    from .models import ClassReminder, Drill, HolidayDay, SafetyLesson

    # A reminder's token is the parents' key to acknowledge; the day's text is the message; who
    # recorded a drill or lesson, and a drill's evaluation, stay in the operational database too.
    register_table("safety_holiday_day", HolidayDay, day="date", area="holiday__area", exclude=("text",))
    register_table(
        "safety_class_reminder",
        ClassReminder,
        day="day__date",
        area="school_class__school__area",
        exclude=("token",),
    )
    by_term = {"school_year": "term__school_year", "area": "school__area"}
    register_table("safety_drill", Drill, **by_term, exclude=("evaluation", "created_by"))
    register_table("safety_lesson", SafetyLesson, **by_term, exclude=("created_by",))


@dataclass(frozen=True)
class Term:
    """The term the figures are of (`selectors.current_term`) and the drills due by the day."""

    pk: int
    school_year_id: int
    start_year: int  # its school year's: the warehouse's partition of its drills and lessons
    due: dict[str, int]  # kind -> drills due by the day (rules.drills_due)

    @classmethod
    def on(cls, day: dt.date) -> Term | None:
        from .selectors import current_term

        term = current_term(day)
        if term is None:
            return None
        end = min(day, term.end_date)
        due = {
            k: rules.drills_due(k, term_start=term.start_date, term_end=term.end_date, on=end)
            for k in rules.drills_per_term()
        }
        return cls(term.pk, term.school_year_id, term.school_year.start_year, due)


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def safety_sql(
    views: dict[str, str], *, day: dt.date, term: Term | None, area_path: str, target: float
) -> str:
    """One statement: a row per school under `area_path` (every school not archived, and any
    archived one whose classes were reminded that day; `level` 'school') and per town ('town').
    `views` maps school, area, school_class, holiday_day, class_reminder, drill and lesson to
    relations. As the selectors: a class's reminders are counted (sent, confirmed by the head
    teacher, acknowledged by a parent at least once, acknowledgements) by the school the class
    belongs to, a town's as its schools' sum; drills of the term held up to the day by kind, a
    kind overdue when fewer than due (`overdue`: their codes in the rules' order); lessons of the
    term, their topics, and whether the first and the last lesson were given. Drills and lessons
    are those of schools not archived (NULL for the others), and none without a term."""
    s, a, c, hd, r, d, ls = (
        views[k]
        for k in ("school", "area", "school_class", "holiday_day", "class_reminder", "drill", "lesson")
    )
    t = -1 if term is None else int(term.pk)  # no term: no drill or lesson counts
    due = term.due if term is not None else {}
    on = f"DATE '{day.isoformat()}'"
    held = ", ".join(
        f"count(*) FILTER (kind = {_text(k)}) AS {col}"
        for k, col in zip(DrillKind.values, DRILLS, strict=True)
    )
    drills = ", ".join(f"CASE WHEN listed THEN coalesce({col}, 0) END AS {col}" for col in DRILLS)
    # ',kind' per kind behind, the first comma cut: not concat_ws, which sqlglot writes for Spark
    # with each argument coalesced to '' (so a kind on time would leave its comma).
    behind = " || ".join(
        f"CASE WHEN coalesce(drills_{k}, 0) < {int(n)} THEN {_text(',' + k)} ELSE '' END"
        for k, n in due.items()
    )
    overdue = f"substr({behind}, 2)" if behind else "''"
    share = "CASE WHEN classes > 0 THEN acknowledged / classes END"
    below = f"coalesce({share} < {float(target)!r}, false)"
    figures = "classes, sent, confirmed, acknowledged, acks"
    town_sums = ", ".join(f"sum({f})::BIGINT AS {f}" for f in COVERAGE)
    return f"""
WITH sch AS (
  SELECT s.id AS school_id, s.area_id AS town_id, s.archived_at IS NULL AS listed
  FROM {s} s JOIN {a} a ON a.id = s.area_id WHERE starts_with(a.path, {_text(area_path)})
),
reminded AS (
  SELECT c.school_id, count(*) AS classes, count(r.sent_at) AS sent, count(r.confirmed_at) AS confirmed,
    count(*) FILTER (r.acks > 0) AS acknowledged, sum(r.acks) AS acks
  FROM {r} r JOIN {c} c ON c.id = r.school_class_id
  WHERE r.day_id IN (SELECT id FROM {hd} WHERE date = {on})
  GROUP BY c.school_id
),
held AS (
  SELECT school_id, {held} FROM {d} WHERE term_id = {t} AND held_on <= {on} GROUP BY school_id
),
taught AS (
  SELECT school_id, count(*) AS lessons, count(DISTINCT topic) AS topics,
    bool_or(kind = {_text(LessonKind.FIRST)}) AS first, bool_or(kind = {_text(LessonKind.LAST)}) AS last
  FROM {ls} WHERE term_id = {t} GROUP BY school_id
),
per_school AS (
  SELECT sch.school_id, sch.town_id, sch.listed,
    coalesce(reminded.classes, 0)::BIGINT AS classes, coalesce(reminded.sent, 0)::BIGINT AS sent,
    coalesce(reminded.confirmed, 0)::BIGINT AS confirmed,
    coalesce(reminded.acknowledged, 0)::BIGINT AS acknowledged, coalesce(reminded.acks, 0)::BIGINT AS acks,
    {drills},
    CASE WHEN listed THEN {overdue} END AS overdue,
    CASE WHEN listed THEN coalesce(taught.lessons, 0)::BIGINT END AS lessons,
    CASE WHEN listed THEN coalesce(taught.topics, 0)::BIGINT END AS topics,
    CASE WHEN listed THEN coalesce(taught.first, false) END AS first,
    CASE WHEN listed THEN coalesce(taught.last, false) END AS last
  FROM sch LEFT JOIN reminded USING (school_id) LEFT JOIN held USING (school_id)
    LEFT JOIN taught USING (school_id)
  WHERE sch.listed OR reminded.classes IS NOT NULL
),
towns AS (
  SELECT town_id, {town_sums}, count(*) FILTER (listed)::BIGINT AS schools,
    count(*) FILTER (listed AND overdue <> '')::BIGINT AS schools_behind,
    count(*) FILTER (listed AND first)::BIGINT AS first_lessons,
    count(*) FILTER (listed AND last)::BIGINT AS last_lessons
  FROM per_school GROUP BY town_id
)
SELECT 'school' AS level, school_id, town_id, {figures}, {share} AS share, {below} AS below_target,
  {", ".join(DRILLS)}, overdue, lessons, topics, first, last,
  NULL::BIGINT AS schools, NULL::BIGINT AS schools_behind, NULL::BIGINT AS first_lessons,
  NULL::BIGINT AS last_lessons
FROM per_school
UNION ALL
SELECT 'town', NULL, town_id, {figures}, {share}, {below},
  {", ".join("NULL::BIGINT" for _ in DRILLS)}, NULL, NULL, NULL, NULL, NULL,
  schools, schools_behind, first_lessons, last_lessons
FROM towns"""


def split(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The statement's rows as two frames, `schools` and `towns`, ordered by their keys."""
    schools = frame[frame["level"] == "school"][list(SCHOOL_COLUMNS)]
    towns = frame[frame["level"] == "town"][list(TOWN_COLUMNS)]
    return {
        "schools": schools.sort_values("school_id").reset_index(drop=True),
        "towns": towns.sort_values("town_id").reset_index(drop=True),
    }


def views_of(state: Any, *, day: dt.date, term: Term | None) -> dict[str, str]:
    """The relations `safety_sql` reads, from the warehouse's state: reminders and holiday days of
    the day's calendar year, drills and lessons of the term's school year."""
    from edugov.registry.models import Area, School, SchoolClass

    from .models import ClassReminder, Drill, HolidayDay, SafetyLesson

    views = {
        k: state.view(m) for k, m in {"school": School, "area": Area, "school_class": SchoolClass}.items()
    }
    # Both partitioned `year=<year>/...`: the calendar year of the day, the term's school year.
    views["holiday_day"] = state.year_view(HolidayDay, day.year)
    views["class_reminder"] = state.year_view(ClassReminder, day.year)
    for key, model in (("drill", Drill), ("lesson", SafetyLesson)):
        views[key] = state.view(model) if term is None else state.year_view(model, term.start_year)
    return views


def province_safety(
    *, directory: str | Path, day: dt.date, area: Any, engine: str = "duckdb"
) -> dict[str, pd.DataFrame]:
    """Every school and town under `area`: the day's reminder coverage, the term's drills and
    lessons, from the warehouse on DuckDB (the views made once per manifest,
    `indicators.warehouse_duckdb`). The term and its drills due are the operational database's.
    `engine="spark"`: the same statement on Spark (`warehouse_spark`)."""
    if engine == "spark":
        from .warehouse_spark import spark_safety

        return spark_safety(directory=directory, day=day, area=area)
    if engine != "duckdb":
        from edugov.indicators.backends import EngineError

        raise EngineError(f"校园安全的全省计算只能用 duckdb 或 spark 引擎，不能用 {engine}")
    from edugov.indicators.warehouse_duckdb import warehouse_state

    state = warehouse_state(Path(directory))
    term = Term.on(day)
    sql = safety_sql(
        views_of(state, day=day, term=term),
        day=day,
        term=term,
        area_path=area.path,
        target=rules.reminder_target(),
    )
    return split(state.con.sql(sql).df())
