"""Burden reads, always through the scoping point (the public class board is the one deliberate
exception: it is keyed by an unguessable token and returns no personal data). Results are frozen
dataclasses and plain chart payloads, never ORM objects for other apps."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from edugov.accounts.scope import scoped
from edugov.registry.calendar import SchoolCalendar
from edugov.registry.models import Grade, School, SchoolClass, SchoolType, TeachingAssignment, Term
from edugov.registry.selectors import current_school_year

from . import rules, weekly
from .models import (
    AfterSchoolService,
    ClassBoard,
    Exam,
    Homework,
    HomeworkType,
    ProgrammeKind,
    SurveyResponse,
)

COMPULSORY_GRADES = range(1, 10)
COMPULSORY_TYPES = (SchoolType.PRIMARY, SchoolType.JUNIOR, SchoolType.NINE_YEAR)


# Terms -------------------------------------------------------------------------------------------


def term_list() -> list[Term]:
    return list(Term.objects.select_related("school_year").order_by("-start_date"))


def default_term(*, user: Any) -> Term | None:
    """The term of the latest published homework the user may see; else the current year's term
    containing today; else the current year's first term."""
    latest = scoped(Homework, user).order_by("-date").values_list("date", flat=True).first()
    day = latest or timezone.localdate()
    term = Term.objects.select_related("school_year").filter(start_date__lte=day, end_date__gte=day).first()
    if term is not None:
        return term
    year = current_school_year()
    if year is None:
        return None
    return Term.objects.select_related("school_year").filter(school_year=year).order_by("start_date").first()


# Homework for teachers and schools ---------------------------------------------------------------


@dataclass(frozen=True)
class Assignment:
    class_id: int
    class_name: str
    grade: int
    subject: str


def teacher_assignments(*, user: Any) -> list[Assignment]:
    """The classes and subjects a teacher may publish homework for, current school year first."""
    if not getattr(user, "teacher_id", None):
        return []
    year = current_school_year()
    qs = scoped(TeachingAssignment, user).filter(
        teacher_id=user.teacher_id, school_class__archived_at__isnull=True
    )
    if year is not None:
        qs = qs.filter(school_class__school_year=year)
    out = []
    for a in qs.select_related("school_class").order_by(
        "school_class__grade", "school_class__number", "subject"
    ):
        out.append(Assignment(a.school_class_id, str(a.school_class), a.school_class.grade, a.subject))
    headed = scoped(SchoolClass, user).filter(head_teacher_id=user.teacher_id, archived_at__isnull=True)
    if year is not None:
        headed = headed.filter(school_year=year)
    seen = {a.class_id for a in out}
    out.extend(Assignment(c.pk, str(c), c.grade, "") for c in headed if c.pk not in seen)
    return out


def homework_list(
    *,
    user: Any,
    school_class: SchoolClass | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    mine: bool = False,
) -> QuerySet[Homework]:
    qs = scoped(Homework, user).select_related("school_class", "school_class__school")
    if school_class is not None:
        qs = qs.filter(school_class=school_class)
    if start is not None:
        qs = qs.filter(date__gte=start)
    if end is not None:
        qs = qs.filter(date__lte=end)
    if mine and getattr(user, "teacher_id", None):
        qs = qs.filter(teacher_id=user.teacher_id)
    return qs.order_by("-date", "school_class__grade", "school_class__number", "subject")


def written_total(*, school_class_id: int, date: dt.date) -> int:
    """The class's written minutes on a day (for the warning after publishing)."""
    return (
        Homework.objects.filter(
            school_class_id=school_class_id, date=date, homework_type=HomeworkType.WRITTEN
        ).aggregate(total=Sum("estimated_minutes"))["total"]
        or 0
    )


# The public board --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardItem:
    subject: str
    type_label: str
    content: str
    minutes: int
    layered: bool
    is_written: bool


@dataclass(frozen=True)
class BoardDay:
    date: dt.date
    items: list[BoardItem]
    written_minutes: int
    limit: float | None

    @property
    def over(self) -> bool:
        return self.limit is not None and self.written_minutes > self.limit


@dataclass(frozen=True)
class Board:
    school_name: str
    class_name: str
    grade: int
    limit: float | None
    limit_citation: str
    days: list[BoardDay]


BOARD_DAYS = 14


def board_for_token(token: str, *, today: dt.date | None = None) -> Board | None:
    """The public homework board: school and class names and the homework of the last two weeks;
    no teacher, no pupil, no publisher. None for an unknown token."""
    if not token or len(token) > 64:
        return None
    board = (
        ClassBoard.objects.select_related(
            "school_class", "school_class__school", "school_class__school__area"
        )
        .filter(token=token, school_class__archived_at__isnull=True)
        .first()
    )
    if board is None:
        return None
    cls = board.school_class
    today = today or timezone.localdate()
    limit = rules.written_limit(cls.grade, area_path=cls.school.area.path)
    rows = Homework.objects.filter(
        school_class=cls,
        date__lte=today + dt.timedelta(days=7),
        date__gte=today - dt.timedelta(days=BOARD_DAYS),
    ).values_list("date", "subject", "homework_type", "content", "estimated_minutes", "layered")
    by_day: dict[dt.date, list[BoardItem]] = defaultdict(list)
    for date, subject, kind, content, minutes, layered in rows.order_by("-date", "subject"):
        by_day[date].append(
            BoardItem(
                subject, HomeworkType(kind).label, content, minutes, layered, kind == HomeworkType.WRITTEN
            )
        )
    days = [
        BoardDay(
            date,
            items,
            sum(i.minutes for i in items if i.is_written),
            limit.value if limit else None,
        )
        for date, items in sorted(by_day.items(), reverse=True)
    ]
    return Board(
        school_name=cls.school.name,
        class_name=str(cls),
        grade=cls.grade,
        limit=limit.value if limit else None,
        limit_citation=limit.rule.citation() if limit else "",
        days=days,
    )


# Compliance --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassInfo:
    id: int
    name: str
    grade: int
    school_id: int
    school_name: str
    town_id: int
    town_name: str
    area_path: str


class ClassWeek(NamedTuple):
    """One class's week (a record per class-week: a province has a million of them)."""

    class_id: int
    grade: int
    school_id: int
    town_id: int
    week_start: dt.date
    school_days: int
    written_minutes: int
    average: Decimal
    limit: float
    over: bool
    excess: Decimal  # minutes above the limit (0 when within)
    days_over: int  # school days whose written total alone exceeded the limit


@dataclass
class ComplianceGroup:
    key: Any
    name: str
    class_weeks: int = 0
    over_weeks: int = 0
    average_sum: Decimal = Decimal(0)
    max_excess: Decimal = Decimal(0)
    classes: set[int] = field(default_factory=set)
    classes_over: set[int] = field(default_factory=set)
    limit: float | None = None

    def add(self, cw: ClassWeek) -> None:
        self.class_weeks += 1
        self.average_sum += cw.average
        self.classes.add(cw.class_id)
        if cw.over:
            self.over_weeks += 1
            self.classes_over.add(cw.class_id)
            self.max_excess = max(self.max_excess, cw.excess)

    @property
    def rate(self) -> Decimal | None:
        """Share of class-weeks within the limit (numerators and denominators summed, not averaged)."""
        if not self.class_weeks:
            return None
        return (Decimal(self.class_weeks - self.over_weeks) / self.class_weeks).quantize(Decimal("0.001"))

    @property
    def rate_percent(self) -> str:
        return "—" if self.rate is None else f"{self.rate * 100:.1f}%"

    @property
    def mean_average(self) -> Decimal:
        return rules.round1(self.average_sum / self.class_weeks) if self.class_weeks else Decimal(0)


@dataclass(frozen=True)
class ClassOverLimit:
    class_id: int
    class_name: str
    school_id: int
    school_name: str
    town_name: str
    grade: int
    limit: float
    weeks_measured: int
    weeks_over: int
    longest_run: int
    max_average: Decimal
    mean_excess: Decimal
    escalated: bool

    @property
    def grade_label(self) -> str:
        return Grade(self.grade).label


@dataclass
class ComplianceReport:
    term: Term | None
    start: dt.date
    end: dt.date
    weeks: list[dt.date]
    school_days_by_week: dict[dt.date, int]
    classes: dict[int, ClassInfo]
    class_weeks: list[ClassWeek]
    total: ComplianceGroup
    by_grade: list[ComplianceGroup]
    by_school: list[ComplianceGroup]
    by_town: list[ComplianceGroup]
    by_week: list[ComplianceGroup]
    over_classes: list[ClassOverLimit]
    escalate_after: int
    citations: list[str]
    classes_total: int
    classes_publishing: int
    # written minutes per class and published day, counted in 10-minute bins by grade:
    # {grade: {bin_start: class-days}}
    daily_bins: dict[int, dict[int, int]] = field(default_factory=dict)

    @property
    def escalated(self) -> list[ClassOverLimit]:
        return [c for c in self.over_classes if c.escalated]


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
        weekly.class_week_frame(
            weekly.weekly_workspace(engine),
            school_year_id=term.school_year_id,
            start=start,
            end=end,
            grades=COMPULSORY_GRADES,
            limits=limit_values,
            bin_width=DAILY_BIN,
            bins=DAILY_BINS,
            school_id=school.pk if school is not None else None,
            school_ids=school_ids if len(school_ids) <= NARROW_TO_SCHOOLS else None,
            area_path=area_path,
        )
        if classes and start <= end
        else None
    )
    table = _class_week_columns(frame, classes, limit_of, limit_values, school_days_by_week)
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


@dataclass
class _ClassWeekColumns:
    """The report's class-weeks as arrays (one element per class-week, sorted by week and class),
    computed in bulk from the engine's table; `rows` builds the ClassWeek records from them."""

    class_id: np.ndarray
    week: np.ndarray  # ordinal of the Monday
    grade: np.ndarray
    school_id: np.ndarray
    town_id: np.ndarray
    limit: np.ndarray  # index into the limit values
    days: np.ndarray
    written: np.ndarray
    tenths: np.ndarray  # the weekly average in tenths of a minute, rounded half up
    over: np.ndarray
    excess_tenths: np.ndarray  # 0 when within the limit
    days_over: np.ndarray
    daily_bins: dict[int, dict[int, int]]

    def __len__(self) -> int:
        return len(self.class_id)


def _tenths(n: int, cache: dict[int, Decimal]) -> Decimal:
    value = cache.get(n)
    if value is None:
        value = cache[n] = Decimal(n).scaleb(-1)
    return value


def _class_week_columns(
    frame: Any,
    classes: dict[int, ClassInfo],
    limit_of: Any,
    limit_values: list[float],
    school_days_by_week: dict[dt.date, int],
) -> _ClassWeekColumns:
    empty = np.zeros(0, dtype=np.int64)
    if frame is None or not len(frame) or not classes:
        return _ClassWeekColumns(*([empty] * 9), empty.astype(bool), empty, empty, {})
    infos = list(classes.values())
    limit_index = np.array(
        [limit_values.index(lim.value) if (lim := limit_of(info)) is not None else -1 for info in infos],
        dtype=np.int64,
    )
    pos = pd.Index(np.fromiter(classes, dtype=np.int64, count=len(classes))).get_indexer(
        frame["school_class_id"].to_numpy()
    )
    keep = pos >= 0
    keep[keep] = limit_index[pos[keep]] >= 0  # a class without a limit (not compulsory) is left out
    pos = pos[keep]
    grade = np.array([i.grade for i in infos], dtype=np.int64)[pos]
    # Daily minutes in bins by grade, over every published day of the classes counted.
    packed = frame["bins"].to_numpy()[keep]
    daily_bins: dict[int, dict[int, int]] = {}
    for g in np.unique(grade).tolist():
        of_grade = packed[grade == g]
        counts = {k * DAILY_BIN: int(((of_grade >> (3 * k)) & 7).sum()) for k in range(DAILY_BINS)}
        if any(counts.values()):
            daily_bins[g] = {b: n for b, n in counts.items() if n}
    week = frame["week"].to_numpy()[keep]
    days_of = {w.toordinal(): d for w, d in school_days_by_week.items()}
    days = pd.Series(week).map(days_of).fillna(0).astype("int64").to_numpy()
    limit = limit_index[pos]
    over_cols = frame[[f"over_{i}" for i in range(len(limit_values))]].to_numpy()[keep]
    days_over = over_cols[np.arange(len(limit)), limit] if len(limit) else np.zeros(0, dtype=np.int64)
    written = frame["written"].to_numpy()[keep]
    counted = days > 0  # a week without school days has no average
    order = np.lexsort((frame["school_class_id"].to_numpy()[keep][counted], week[counted]))
    sel = np.flatnonzero(counted)[order]
    pos, week, limit, days, written, days_over = (
        pos[sel],
        week[sel],
        limit[sel],
        days[sel],
        written[sel],
        days_over[sel],
    )
    # rules.weekly_average in integers: written / days to 0.1 minute, rounded half up.
    tenths = (written * 20 + days) // (2 * days)
    # rules.is_over: strictly above the limit; tenths > 10 * limit <=> tenths > floor(10 * limit).
    threshold = np.array(
        [int((Decimal(str(v)) * 10).to_integral_value(rounding="ROUND_FLOOR")) for v in limit_values]
    )
    over = tenths > threshold[limit] if len(limit_values) else np.zeros(len(tenths), dtype=bool)
    excess = np.zeros(len(tenths), dtype=np.int64)
    cache: dict[int, Decimal] = {}
    for i in np.flatnonzero(over).tolist():  # few: rules.round1 on the Decimal difference, as ever
        diff = rules.round1(_tenths(int(tenths[i]), cache) - Decimal(str(limit_values[limit[i]])))
        excess[i] = int(diff.scaleb(1))
    return _ClassWeekColumns(
        class_id=np.array(list(classes), dtype=np.int64)[pos],
        week=week,
        grade=np.array([i.grade for i in infos], dtype=np.int64)[pos],
        school_id=np.array([i.school_id for i in infos], dtype=np.int64)[pos],
        town_id=np.array([i.town_id for i in infos], dtype=np.int64)[pos],
        limit=limit,
        days=days,
        written=written,
        tenths=tenths,
        over=over,
        excess_tenths=excess,
        days_over=days_over,
        daily_bins=daily_bins,
    )


def _class_week_records(table: _ClassWeekColumns, limit_values: list[float]) -> list[ClassWeek]:
    cache: dict[int, Decimal] = {}
    dates = {w: dt.date.fromordinal(w) for w in np.unique(table.week).tolist()}
    tenths = {
        t: _tenths(t, cache) for t in np.unique(np.concatenate([table.tenths, table.excess_tenths])).tolist()
    }
    return list(
        map(
            ClassWeek,
            table.class_id.tolist(),
            table.grade.tolist(),
            table.school_id.tolist(),
            table.town_id.tolist(),
            [dates[w] for w in table.week.tolist()],
            table.days.tolist(),
            table.written.tolist(),
            [tenths[t] for t in table.tenths.tolist()],
            [limit_values[i] for i in table.limit.tolist()],
            table.over.tolist(),
            [tenths[t] for t in table.excess_tenths.tolist()],
            table.days_over.tolist(),
        )
    )


DAILY_BIN = 10  # minutes
DAILY_BINS = 16  # 0-9, 10-19, ..., 150 and more
NARROW_TO_SCHOOLS = 200  # a user seeing at most this many schools: the query lists them


def _groups(
    table: _ClassWeekColumns, key: np.ndarray, make: Any, limit_values: list[float]
) -> dict[Any, ComplianceGroup]:
    """ComplianceGroup per value of `key` (in order of first appearance among the sorted
    class-weeks, as adding them one by one would give), with the same sums."""
    if not len(table):
        return {}
    frame = pd.DataFrame(
        {
            "key": key,
            "class_id": table.class_id,
            "over": table.over,
            "tenths": table.tenths,
            "excess": np.where(table.over, table.excess_tenths, -1),
            "limit": table.limit,
        }
    )
    grouped = frame.groupby("key", sort=False)
    agg = grouped.agg(
        n=("over", "size"),
        over=("over", "sum"),
        tenths=("tenths", "sum"),
        excess=("excess", "max"),
        limit=("limit", "first"),
    )
    classes = grouped["class_id"].unique()
    over_frame = frame[frame["over"]]
    classes_over = over_frame.groupby("key", sort=False)["class_id"].unique()
    out: dict[Any, ComplianceGroup] = {}
    for k, n, over, tenths, excess, limit in zip(
        agg.index.tolist(),
        agg["n"].tolist(),
        agg["over"].tolist(),
        agg["tenths"].tolist(),
        agg["excess"].tolist(),
        agg["limit"].tolist(),
        strict=True,
    ):
        group = make(k, limit_values[limit])
        group.class_weeks = n
        group.over_weeks = over
        group.average_sum = Decimal(tenths).scaleb(-1)
        group.max_excess = Decimal(excess).scaleb(-1) if excess > 0 else Decimal(0)
        group.classes = set(classes[k].tolist())
        group.classes_over = set(classes_over[k].tolist()) if k in classes_over.index else set()
        out[k] = group
    return out


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
    school_names = {i.school_id: i.school_name for i in classes.values()}
    town_names = {i.town_id: i.town_name for i in classes.values()}
    total = _groups(
        table,
        np.zeros(len(table), dtype=np.int64),
        lambda k, lim: ComplianceGroup("all", "全部"),
        limit_values,
    )
    total_group = total.get(0, ComplianceGroup("all", "全部"))
    grades = _groups(
        table, table.grade, lambda g, lim: ComplianceGroup(g, Grade(g).label, limit=lim), limit_values
    )
    schools = _groups(
        table,
        table.school_id,
        lambda sid, lim: ComplianceGroup(sid, school_names[sid]),
        limit_values,
    )
    towns = _groups(
        table,
        table.town_id,
        lambda tid, lim: ComplianceGroup(tid, town_names[tid]),
        limit_values,
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
    per_class_weeks = dict(zip(*np.unique(table.class_id, return_counts=True), strict=True))
    over_by_class: dict[int, list[ClassWeek]] = defaultdict(list)
    for cw in class_weeks:
        if cw.over:
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


def compliance_charts(report: ComplianceReport, *, heatmap_rows: int = 25) -> dict[str, Any]:
    """ECharts payloads as plain data: rate by grade, average vs limit by grade, weekly trend, and
    a heatmap of the classes most over the limit by week (value = average / limit)."""
    grades = report.by_grade
    by_class_week = {(c.class_id, c.week_start): c for c in report.class_weeks}
    top = report.over_classes[:heatmap_rows]
    heat = []
    for y, cls in enumerate(top):
        for x, wk in enumerate(report.weeks):
            cw = by_class_week.get((cls.class_id, wk))
            if cw is not None:
                heat.append([x, y, float(cw.average)])
    months: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for cw in report.class_weeks:
        slot = months[f"{cw.week_start:%Y-%m}"]  # a week belongs to the month of its Monday
        slot[0] += 1
        slot[1] += int(cw.over)
    month_keys = sorted(months)
    stages = (
        ("小学一、二年级（不布置书面作业）", range(1, 3)),
        ("小学三至六年级", range(3, 7)),
        ("初中", range(7, 10)),
    )
    dist_series = []
    for label, grades_in in stages:
        counts = [0] * DAILY_BINS
        for g in grades_in:
            for start, n in report.daily_bins.get(g, {}).items():
                counts[start // DAILY_BIN] += n
        total = sum(counts)
        if not total:
            continue
        limit = rules.written_limit(grades_in[0])
        suffix = f"（上限{limit.value:g}分钟）" if limit is not None and grades_in[0] >= 3 else ""
        dist_series.append(
            {"name": label + suffix, "data": [round(c * 100 / total, 1) for c in counts], "type": "bar"}
        )
    bins = [f"{i * DAILY_BIN}-{i * DAILY_BIN + DAILY_BIN - 1}" for i in range(DAILY_BINS - 1)]
    bins.append(f"{(DAILY_BINS - 1) * DAILY_BIN}以上")
    return {
        "month_trend": {
            "key": "month_trend",
            "kind": "line",
            "unit": "%",
            "categories": [f"{k[:4]}年{int(k[5:])}月" for k in month_keys],
            "series": [
                {
                    "name": "达标率",
                    "data": [round((m[0] - m[1]) * 100 / m[0], 1) for m in (months[k] for k in month_keys)],
                },
            ],
        },
        "daily_distribution": {
            "key": "daily_distribution",
            "kind": "bar",
            "unit": "%",
            "categories": bins,
            "series": dist_series,
        },
        "grade_rate": {
            "key": "grade_rate",
            "kind": "bar",
            "unit": "%",
            "categories": [g.name for g in grades],
            "series": [
                {"name": "达标率", "data": [float(g.rate * 100) if g.rate is not None else 0 for g in grades]}
            ],
        },
        "grade_minutes": {
            "key": "grade_minutes",
            "kind": "bar",
            "unit": "分钟",
            "categories": [g.name for g in grades],
            "series": [
                {"name": "周平均每天书面作业（分钟）", "data": [float(g.mean_average) for g in grades]},
                {"name": "上限", "data": [g.limit or 0 for g in grades], "type": "line"},
            ],
        },
        "week_trend": {
            "key": "week_trend",
            "kind": "line",
            "unit": "%",
            "categories": [g.name for g in report.by_week],
            "series": [
                {
                    "name": "达标率",
                    "data": [float(g.rate * 100) if g.rate is not None else None for g in report.by_week],
                }
            ],
        },
        "heatmap": {
            "key": "heatmap",
            "kind": "heatmap",
            "unit": "分钟",
            "categories": [f"{w:%m-%d}" for w in report.weeks],
            "rows": [f"{c.school_name} {c.class_name}" for c in top],
            "limits": [c.limit for c in top],
            "series": [{"name": "周平均每天书面作业", "data": heat}],
        },
    }


# Exams -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExamViolationRow:
    exam_id: int
    school_id: int
    school_name: str
    date: dt.date
    grade: int
    subject: str
    kind_label: str
    message: str
    rule: str


def exam_list(*, user: Any, term: Term | None = None, school: School | None = None) -> QuerySet[Exam]:
    qs = scoped(Exam, user).select_related("school", "term")
    if term is not None:
        qs = qs.filter(term=term)
    if school is not None:
        qs = qs.filter(school=school)
    return qs


def exam_violation_list(
    *, user: Any, term: Term | None = None, school: School | None = None
) -> list[ExamViolationRow]:
    exams = list(exam_list(user=user, term=term, school=school))
    by_id = {e.pk: e for e in exams}
    facts = [
        rules.ExamFacts(e.pk, e.school_id, e.term_id, e.grade, e.subject, e.kind, e.is_paper, e.result_form)
        for e in exams
    ]
    year = term.school_year.start_year if term is not None else None
    out = []
    for v in rules.exam_violations(facts, year=year):
        e = by_id[v.exam_id]
        out.append(
            ExamViolationRow(
                e.pk,
                e.school_id,
                e.school.name,
                e.date,
                e.grade,
                e.subject,
                e.get_kind_display(),
                v.message,
                v.rule,
            )
        )
    return sorted(out, key=lambda r: (r.school_name, r.date, r.grade, r.subject))


@dataclass(frozen=True)
class ExamRow:
    exam_id: int
    school_name: str
    date: dt.date
    grade: int
    subject: str
    kind_label: str
    is_paper: bool
    result_label: str
    problems: tuple[str, ...]


def exam_rows(*, user: Any, term: Term, school: School | None = None, limit: int = 200) -> list[ExamRow]:
    """The registered exams of the term, newest first, each with the rules it breaks."""
    problems: dict[int, list[str]] = defaultdict(list)
    for v in exam_violation_list(user=user, term=term, school=school):
        problems[v.exam_id].append(v.message)
    qs = exam_list(user=user, term=term, school=school).order_by("-created_at", "-pk")[:limit]
    return [
        ExamRow(
            e.pk,
            e.school.name,
            e.date,
            e.grade,
            e.subject,
            e.get_kind_display(),
            e.is_paper,
            e.get_result_form_display(),
            tuple(problems.get(e.pk, ())),
        )
        for e in qs
    ]


def exam_problems(*, user: Any, exam: Exam) -> list[str]:
    """The rules one exam breaks, counted with the other exams of its school and term."""
    rows = exam_violation_list(user=user, term=exam.term, school=exam.school)
    return [v.message for v in rows if v.exam_id == exam.pk]


def school_choices(*, user: Any, writable: bool = False) -> list[tuple[int, str]]:
    """The compulsory-education schools in the user's scope (for the bureau's entry forms; with
    `writable`, only those the user may register for: the write scope)."""
    return list(
        scoped(School, user, mode="write" if writable else "read")
        .filter(archived_at__isnull=True, school_type__in=COMPULSORY_TYPES, is_teaching_point=False)
        .order_by("code")
        .values_list("pk", "name")
    )


def after_school_service(*, user: Any, school: School, term: Term) -> AfterSchoolService | None:
    return scoped(AfterSchoolService, user).filter(school=school, term=term).first()


# After-school service ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AfterSchoolRow:
    school_id: int
    school_name: str
    provided: bool
    days_per_week: int | None = None
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    programmes: tuple[str, ...] = ()
    pupils_total: int = 0
    pupils_requested: int = 0
    pupils_enrolled: int = 0
    average_attendance: int = 0
    staff_own: int = 0
    staff_external: int = 0
    problems: tuple[str, ...] = ()
    flexible_dismissal: bool = False
    fee_per_term: Decimal | None = None
    satisfaction_rate: Decimal | None = None

    @property
    def compliant(self) -> bool:
        return self.provided and not self.problems


@dataclass(frozen=True)
class AfterSchoolSummary:
    rows: list[AfterSchoolRow]
    schools: int
    providing: int
    end_time_ok: int
    pupils_total: int
    pupils_requested: int
    pupils_enrolled: int
    average_attendance: int
    flexible: int = 0
    charging: int = 0
    satisfaction_mean: Decimal | None = None

    @staticmethod
    def _pct(num: int, den: int) -> str:
        return "—" if not den else f"{num * 100 / den:.1f}%"

    @property
    def providing_rate(self) -> str:
        return self._pct(self.providing, self.schools)

    @property
    def enrolled_rate(self) -> str:
        return self._pct(self.pupils_enrolled, self.pupils_total)

    @property
    def requested_served_rate(self) -> str:
        return self._pct(min(self.pupils_enrolled, self.pupils_requested), self.pupils_requested)

    @property
    def attendance_rate(self) -> str:
        return self._pct(self.average_attendance, self.pupils_enrolled)

    @property
    def end_time_rate(self) -> str:
        return self._pct(self.end_time_ok, self.providing)

    @property
    def flexible_rate(self) -> str:
        return self._pct(self.flexible, self.providing)

    @property
    def satisfaction_percent(self) -> str:
        return "—" if self.satisfaction_mean is None else f"{self.satisfaction_mean * 100:.1f}%"


def school_ids_under(*, user: Any, area_path: str) -> set[int]:
    return set(scoped(School, user).filter(area__path__startswith=area_path).values_list("pk", flat=True))


def after_school_overview(
    *, user: Any, term: Term, school: School | None = None, school_ids: set[int] | None = None
) -> AfterSchoolSummary:
    """Every compulsory school in scope with its after-school service of the term (or none)."""
    schools = scoped(School, user).filter(
        archived_at__isnull=True, school_type__in=COMPULSORY_TYPES, is_teaching_point=False
    )
    if school is not None:
        schools = schools.filter(pk=school.pk)
    if school_ids is not None:
        schools = schools.filter(pk__in=school_ids)
    services = {
        s.school_id: s
        for s in scoped(AfterSchoolService, user).filter(term=term).select_related("school__area")
    }
    labels = dict(ProgrammeKind.choices)
    rows = []
    for pk, name, path in schools.values_list("pk", "name", "area__path").order_by("code"):
        s = services.get(pk)
        if s is None:
            rows.append(AfterSchoolRow(pk, name, False, problems=("未开展课后服务",)))
            continue
        check = rules.after_school_check(
            days_per_week=s.days_per_week,
            start_time=s.start_time,
            end_time=s.end_time,
            area_path=path,
            year=term.school_year.start_year,
        )
        rows.append(
            AfterSchoolRow(
                pk,
                name,
                True,
                s.days_per_week,
                s.start_time,
                s.end_time,
                tuple(labels.get(p, p) for p in s.programmes),
                s.pupils_total,
                s.pupils_requested,
                s.pupils_enrolled,
                s.average_attendance,
                s.staff_own,
                s.staff_external,
                tuple(check.problems),
                s.flexible_dismissal,
                s.fee_per_term,
                s.satisfaction_rate,
            )
        )
    provided = [r for r in rows if r.provided]
    rated = [r for r in provided if r.satisfaction_rate is not None]
    # Satisfaction weighted by the pupils enrolled: a large school's parents count as many as they are.
    weight = sum(r.pupils_enrolled for r in rated)
    satisfaction = (
        (sum(r.satisfaction_rate * r.pupils_enrolled for r in rated) / weight).quantize(Decimal("0.0001"))  # type: ignore[operator]
        if weight
        else None
    )
    return AfterSchoolSummary(
        rows=rows,
        schools=len(rows),
        providing=len(provided),
        end_time_ok=sum(1 for r in provided if not any("结束时间" in p for p in r.problems)),
        pupils_total=sum(r.pupils_total for r in provided),
        pupils_requested=sum(r.pupils_requested for r in provided),
        pupils_enrolled=sum(r.pupils_enrolled for r in provided),
        average_attendance=sum(r.average_attendance for r in provided),
        flexible=sum(1 for r in provided if r.flexible_dismissal),
        charging=sum(1 for r in provided if r.fee_per_term),
        satisfaction_mean=satisfaction,
    )


# Questionnaires: actual burden and five managements ----------------------------------------------


@dataclass(frozen=True)
class SurveyClassRow:
    class_id: int
    class_name: str
    school_name: str
    grade: int
    responses: int
    reported_minutes: Decimal
    published_minutes: Decimal | None
    underreported: bool
    sleep_ok_share: Decimal | None
    phone_kept_share: Decimal | None
    activity_ok_share: Decimal | None
    reading_minutes: Decimal | None
    school_id: int = 0


def _share(num: int, den: int) -> Decimal | None:
    return (Decimal(num) / den).quantize(Decimal("0.001")) if den else None


def survey_comparison(
    *,
    user: Any,
    term: Term,
    report: ComplianceReport | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[SurveyClassRow]:
    """Per class: questionnaire means against the published written minutes (per school day over
    the weeks the class published), flagging classes whose reported time exceeds the published one
    by more than the configured margin; and the five-managements shares."""
    report = report or homework_compliance(user=user, term=term)
    published: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for cw in report.class_weeks:
        published[cw.class_id][0] += cw.written_minutes
        published[cw.class_id][1] += cw.school_days
    rows = (
        scoped(SurveyResponse, user)
        .filter(survey_date__gte=term.start_date, survey_date__lte=term.end_date)
        .values(
            "school_class_id",
            "school_class__grade",
            "school_class__name",
            "school_class__school__name",
            "school_class__school_id",
        )
        .annotate(
            n=Count("id"),
            minutes=Sum("homework_minutes"),
            phone_yes=Count("id", filter=Q(phone_kept_by_school=True)),
            phone_n=Count("phone_kept_by_school"),
            activity_n=Count("activity_minutes"),
            activity_ok=Count("id", filter=Q(activity_minutes__gte=120)),
            reading_sum=Sum("reading_minutes"),
            reading_n=Count("reading_minutes"),
        )
        .order_by("school_class__school__name", "school_class__grade", "school_class__name")
    )
    sleep_rows = (
        scoped(SurveyResponse, user)
        .filter(survey_date__gte=term.start_date, survey_date__lte=term.end_date)
        .values_list("school_class_id", "school_class__grade", "sleep_hours")
    )
    if start is not None or end is not None:
        window = Q(survey_date__gte=start or term.start_date, survey_date__lte=end or term.end_date)
        rows = rows.filter(window)
        sleep_rows = sleep_rows.filter(window)
    sleep_ok: dict[int, int] = defaultdict(int)
    for class_id, grade, hours in sleep_rows.iterator(chunk_size=10_000):
        need = rules.sleep_min_hours(grade)
        if need is not None and hours is not None and hours >= Decimal(str(need)):
            sleep_ok[class_id] += 1
    margin = Decimal(str(rules.underreport_margin()))
    out = []
    for r in rows:
        cid = r["school_class_id"]
        reported = rules.round1(Decimal(r["minutes"] or 0) / r["n"])
        pub = published.get(cid)
        pub_avg = rules.round1(Decimal(pub[0]) / pub[1]) if pub and pub[1] else None
        flagged = reported > (pub_avg or Decimal(0)) * (1 + margin) if pub_avg is not None else reported > 0
        out.append(
            SurveyClassRow(
                cid,
                r["school_class__name"] or f"{r['school_class__grade']}年级",
                r["school_class__school__name"],
                r["school_class__grade"],
                r["n"],
                reported,
                pub_avg,
                flagged,
                _share(sleep_ok[cid], r["n"]),
                _share(r["phone_yes"], r["phone_n"]),
                _share(r["activity_ok"], r["activity_n"]),
                rules.round1(Decimal(r["reading_sum"]) / r["reading_n"]) if r["reading_n"] else None,
                r["school_class__school_id"],
            )
        )
    return out


def board_list(*, user: Any, class_ids: Iterable[int]) -> dict[int, str]:
    """Tokens of the boards that exist for these classes (for showing the parents' link)."""
    return dict(
        scoped(ClassBoard, user)
        .filter(school_class_id__in=list(class_ids))
        .values_list("school_class_id", "token")
    )
