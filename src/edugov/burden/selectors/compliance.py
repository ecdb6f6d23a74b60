"""Homework compliance (双减 written-homework limits) for the classes in the user's scope: the
report with its groups by school, grade, subject, teacher and week."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from django.db.models import QuerySet

from edugov.accounts.scope import scoped
from edugov.indicators.backends import database_engine
from edugov.indicators.cache import cached_rows
from edugov.registry.calendar import SchoolCalendar
from edugov.registry.models import Grade, School, SchoolClass, Term

from .. import rules, weekly
from .compliance_types import (
    DAILY_BIN,
    DAILY_BINS,
    NARROW_TO_SCHOOLS,
    ClassInfo,
    ClassOverLimit,
    ClassWeek,
    ComplianceGroup,
    ComplianceReport,
)
from .compliance_weeks import _class_week_columns, _class_week_records, _ClassWeekColumns
from .terms import COMPULSORY_GRADES


def _class_infos(qs: QuerySet[SchoolClass]) -> dict[int, ClassInfo]:
    rows = qs.values_list(
        "pk",
        "name",
        "grade",
        "number",
        "school_id",
        "school__name",
        "school__area_id",
        "school__area__name",
        "school__area__path",
    )
    return {
        pk: ClassInfo(pk, name or f"{Grade(grade).label}({number})班", grade, sid, sname, tid, tname, path)
        for pk, name, grade, number, sid, sname, tid, tname, path in rows
    }


@cached_rows("burden.class_weeks")
def class_week_frame(*, engine: str, **kwargs: Any) -> pd.DataFrame:
    """The engine's class-week table (`weekly.class_week_frame`), cached until the next committed
    write: the query over a term's homework is most of the page's time, and every user of a
    district asks the same one. Arguments must be plain (sorted tuples, not sets) to key it."""
    return weekly.class_week_frame(weekly.weekly_workspace(engine), **kwargs)


@dataclass
class _Prepared:
    start: dt.date
    end: dt.date
    weeks: list[dt.date]
    school_days_by_week: dict[dt.date, int]
    classes: dict[int, ClassInfo]
    table: _ClassWeekColumns
    limit_values: list[float]


def _prepare(
    *,
    user: Any,
    term: Term,
    start: dt.date | None,
    end: dt.date | None,
    school: School | None,
    area_path: str,
    engine: str | None,
) -> _Prepared:
    """The classes in the user's scope and their class-week columns over the period (the engine's
    cached class-week table), shared by the report and the per-school counts."""
    start = max(start or term.start_date, term.start_date)
    end = min(end or term.end_date, term.end_date)
    classes_qs = scoped(SchoolClass, user).filter(
        school_year_id=term.school_year_id, grade__in=COMPULSORY_GRADES, archived_at__isnull=True
    )
    if school is not None:
        classes_qs = classes_qs.filter(school=school)
    if area_path:
        classes_qs = classes_qs.filter(school__area__path__startswith=area_path)
    classes = _class_infos(classes_qs)
    calendar = SchoolCalendar.for_year(term.school_year)
    first_week = rules.week_start(start)
    weeks: list[dt.date] = []
    school_days_by_week: dict[dt.date, int] = {}
    week = first_week
    while week <= end:
        weeks.append(week)
        school_days_by_week[week] = len(calendar.school_days(week, week + dt.timedelta(days=6)))
        week += dt.timedelta(days=7)
    limits: dict[tuple[int, str], Any] = {}

    def limit_of(info: ClassInfo) -> Any:
        key = (info.grade, info.area_path)
        if key not in limits:
            limits[key] = rules.written_limit(
                info.grade, area_path=info.area_path, year=term.school_year.start_year
            )
        return limits[key]

    limit_values = sorted({lim.value for info in classes.values() if (lim := limit_of(info)) is not None})
    # Only the classes the user may see count; the engine is narrowed to their schools when few.
    school_ids = {info.school_id for info in classes.values()}
    frame = (
        class_week_frame(
            engine=engine or database_engine(),
            school_year_id=term.school_year_id,
            start=start,
            end=end,
            grades=COMPULSORY_GRADES,
            limits=limit_values,
            bin_width=DAILY_BIN,
            bins=DAILY_BINS,
            school_id=school.pk if school is not None else None,
            school_ids=tuple(sorted(school_ids)) if len(school_ids) <= NARROW_TO_SCHOOLS else None,
            area_path=area_path,
        )
        if classes and start <= end
        else None
    )
    table = _class_week_columns(frame, classes, limit_of, limit_values, school_days_by_week)
    return _Prepared(start, end, weeks, school_days_by_week, classes, table, limit_values)


def homework_compliance(
    *,
    user: Any,
    term: Term,
    start: dt.date | None = None,
    end: dt.date | None = None,
    school: School | None = None,
    area_path: str = "",
    engine: str | None = None,
) -> ComplianceReport:
    """Weekly written-homework compliance of every class the user may see, over a term (or part of
    it). A class-week counts when the class published any homework that week; its average is the
    week's written minutes over the week's school days from the calendar.

    The class-week figures come from one definition (`weekly.class_week_table`) computed on
    `engine`: the operational database by default, DuckDB or Spark (over the warehouse inside
    `use_warehouse`) for a province."""
    p = _prepare(
        user=user, term=term, start=start, end=end, school=school, area_path=area_path, engine=engine
    )
    start, end, weeks, school_days_by_week = p.start, p.end, p.weeks, p.school_days_by_week
    classes, table, limit_values = p.classes, p.table, p.limit_values
    report = _summarise(
        term=term,
        start=start,
        end=end,
        weeks=weeks,
        school_days_by_week=school_days_by_week,
        classes=classes,
        table=table,
        limit_values=limit_values,
        escalate_after=rules.escalate_after_weeks(year=term.school_year.start_year),
    )
    report.daily_bins = table.daily_bins
    return report


def school_compliance_counts(
    *, user: Any, term: Term, end: dt.date | None = None
) -> dict[int, tuple[int, int]]:
    """Per school in the user's scope: (class-weeks measured, class-weeks over the written-homework
    limit) over the term up to `end`: the figures of `homework_compliance(...).by_school` without
    building the report's per-class-week records (for the school appraisal)."""
    p = _prepare(user=user, term=term, start=None, end=end, school=None, area_path="", engine=None)
    if not len(p.table):
        return {}
    ids, index = np.unique(p.table.school_id, return_inverse=True)
    weeks = np.bincount(index)
    over = np.bincount(index, weights=p.table.over.astype(np.int64))
    return {int(s): (int(n), int(o)) for s, n, o in zip(ids, weeks, over, strict=True)}


def _groups(
    table: _ClassWeekColumns,
    key: np.ndarray,
    make: Any,
    limit_values: list[float],
    firsts: tuple[np.ndarray, np.ndarray] | None = None,
) -> dict[Any, ComplianceGroup]:
    """ComplianceGroup per value of `key` (in order of first appearance among the sorted
    class-weeks, as adding them one by one would give), with the same sums: counted on the arrays
    (numpy's bincount and unique), no per-class-week Python object. `firsts` (the first row of
    each class, and of each class among its weeks over the limit) says the key is the class's own
    (grade, school, town): its distinct classes are then read from one row per class."""
    if not len(table):
        return {}
    values, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    n = len(values)
    sizes = np.bincount(inverse, minlength=n)
    # Counts and tenths of minutes are integers far below 2**53: exact as bincount's doubles.
    over = np.bincount(inverse, weights=table.over, minlength=n).astype(np.int64)
    tenths = np.bincount(inverse, weights=table.tenths, minlength=n).astype(np.int64)
    excess = np.full(n, -1, dtype=np.int64)
    np.maximum.at(excess, inverse, np.where(table.over, table.excess_tenths, -1))
    limit = table.limit[first]
    if firsts is not None:
        rows, over_rows = firsts
        classes = _classes_by_group(inverse[rows], table.class_id[rows], n)
        classes_over = _classes_by_group(inverse[over_rows], table.class_id[over_rows], n)
    else:
        classes = _classes_by_group(inverse, table.class_id, n)
        classes_over = _classes_by_group(inverse[table.over], table.class_id[table.over], n)
    out: dict[Any, ComplianceGroup] = {}
    for g in np.argsort(first, kind="stable").tolist():
        k = values[g].item()
        group = make(k, limit_values[int(limit[g])])
        group.class_weeks = int(sizes[g])
        group.over_weeks = int(over[g])
        group.average_sum = Decimal(int(tenths[g])).scaleb(-1)
        group.max_excess = Decimal(int(excess[g])).scaleb(-1) if excess[g] > 0 else Decimal(0)
        group.classes = classes[g]
        group.classes_over = classes_over[g]
        out[k] = group
    return out


def _classes_by_group(group: np.ndarray, class_id: np.ndarray, n: int) -> list[set[int]]:
    """The distinct class ids of each of `n` groups (group index per class-week), each group's
    added in ascending order."""
    if not len(group):
        return [set() for _ in range(n)]
    pairs = group.astype(np.int64) * (int(class_id.max()) + 1) + class_id
    # Already distinct and sorted when grouped by week (the rows are by week, then class): no sort.
    if not bool((pairs[1:] > pairs[:-1]).all()):
        pairs = np.unique(pairs)
    bounds = np.searchsorted(pairs // (int(class_id.max()) + 1), np.arange(n + 1))
    ids = (pairs % (int(class_id.max()) + 1)).tolist()
    return [set(ids[bounds[g] : bounds[g + 1]]) for g in range(n)]


def _summarise(
    *,
    term: Term | None,
    start: dt.date,
    end: dt.date,
    weeks: list[dt.date],
    school_days_by_week: dict[dt.date, int],
    classes: dict[int, ClassInfo],
    table: _ClassWeekColumns,
    limit_values: list[float],
    escalate_after: int,
) -> ComplianceReport:
    class_weeks = _class_week_records(table, limit_values)
    # One row per class (its first class-week), and per class with weeks over the limit: grade,
    # school and town are the class's own, so their groups' distinct classes are read from these.
    class_ids, first_rows, class_counts = np.unique(table.class_id, return_index=True, return_counts=True)
    over_at = np.flatnonzero(table.over)
    firsts = (first_rows, over_at[np.unique(table.class_id[over_at], return_index=True)[1]])
    school_names = {i.school_id: i.school_name for i in classes.values()}
    town_names = {i.town_id: i.town_name for i in classes.values()}
    total = _groups(
        table,
        np.zeros(len(table), dtype=np.int64),
        lambda k, lim: ComplianceGroup("all", "全部"),
        limit_values,
        firsts,
    )
    total_group = total.get(0, ComplianceGroup("all", "全部"))
    grades = _groups(
        table,
        table.grade,
        lambda g, lim: ComplianceGroup(g, Grade(g).label, limit=lim),
        limit_values,
        firsts,
    )
    schools = _groups(
        table,
        table.school_id,
        lambda sid, lim: ComplianceGroup(sid, school_names[sid]),
        limit_values,
        firsts,
    )
    towns = _groups(
        table,
        table.town_id,
        lambda tid, lim: ComplianceGroup(tid, town_names[tid]),
        limit_values,
        firsts,
    )
    by_week_found = _groups(
        table, table.week, lambda w, lim: ComplianceGroup(dt.date.fromordinal(w), ""), limit_values
    )
    by_week: dict[dt.date, ComplianceGroup] = {}
    for w in weeks:
        group = by_week_found.get(w.toordinal())
        if group is None:
            group = ComplianceGroup(w, f"{w:%m-%d}")
        group.key, group.name = w, f"{w:%m-%d}"
        by_week[w] = group
    per_class_weeks = dict(zip(class_ids.tolist(), class_counts.tolist(), strict=True))
    over_by_class: dict[int, list[ClassWeek]] = defaultdict(list)
    for i in over_at.tolist():  # the class-weeks over the limit, in the records' order
        cw = class_weeks[i]
        over_by_class[cw.class_id].append(cw)
    over_classes: list[ClassOverLimit] = []
    for class_id, over in over_by_class.items():
        info = classes[class_id]
        run = rules.longest_run(c.week_start for c in over)
        over_classes.append(
            ClassOverLimit(
                class_id=class_id,
                class_name=info.name,
                school_id=info.school_id,
                school_name=info.school_name,
                town_name=info.town_name,
                grade=info.grade,
                limit=over[0].limit,
                weeks_measured=int(per_class_weeks[class_id]),
                weeks_over=len(over),
                longest_run=run,
                max_average=max(c.average for c in over),
                mean_excess=rules.round1(sum(c.excess for c in over) / len(over)),
                escalated=run >= escalate_after,
            )
        )
    over_classes.sort(key=lambda c: (-int(c.escalated), -c.weeks_over, -c.mean_excess, c.class_id))
    rule = rules.written_limit(3)
    citations = [f"{rule.rule.name}：{rule.rule.citation()}"] if rule is not None else []
    return ComplianceReport(
        term=term,
        start=start,
        end=end,
        weeks=weeks,
        school_days_by_week=school_days_by_week,
        classes=classes,
        class_weeks=class_weeks,
        total=total_group,
        by_grade=[grades[g] for g in sorted(grades)],
        by_school=sorted(schools.values(), key=lambda g: (g.rate or 0, g.name)),
        by_town=sorted(towns.values(), key=lambda g: (g.rate or 0, g.name)),
        by_week=[by_week[w] for w in weeks],
        over_classes=over_classes,
        escalate_after=escalate_after,
        citations=citations,
        classes_total=len(classes),
        classes_publishing=len(per_class_weeks),
    )
