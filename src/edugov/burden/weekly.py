"""Weekly written-homework compliance as one Ibis expression: one row per class and week with the
week's written minutes, how many of its days were over each limit, and the days counted in bins
of daily minutes. The same definition runs on SQLite and PostgreSQL (the operational database:
what the pages show) and on DuckDB and Spark (the warehouse, province scale); the average over
the week's school days, its rounding and the verdict are then given by `rules` in the selector."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import ibis

from edugov.indicators.backends import Workspace, database_engine
from edugov.indicators.engine import flag
from edugov.registry.models import Area, School, SchoolClass

from .models import Homework, HomeworkType

WEEKLY_TABLES = {"homework": Homework, "school_class": SchoolClass, "school": School, "area": Area}


def weekly_workspace(engine: str | None = None) -> Workspace:
    return Workspace(engine or database_engine(), WEEKLY_TABLES)


def _ordinal(day: Any, years: Sequence[int]) -> Any:
    """A date column's proleptic ordinal (`date.toordinal()`) from its year and day of the year:
    native on all four engines (SQLite 3.40 has no date arithmetic on a column)."""
    offset = ibis.cases(*((day.year() == y, dt.date(y, 1, 1).toordinal() - 1) for y in years))
    return offset + day.day_of_year()


def class_week_table(
    ws: Workspace,
    *,
    school_year_id: int,
    start: dt.date,
    end: dt.date,
    grades: Sequence[int],
    limits: Sequence[float],
    bin_width: int,
    bins: int,
    school_id: int | None = None,
    school_ids: Sequence[int] | None = None,
    area_path: str = "",
) -> Any:
    """Per class of the school year (not archived, in `grades`, optionally of one school, of some
    schools or under an area) and week with homework between `start` and `end`:

    - `week`: the ordinal of the week's Monday;
    - `written`: the week's written minutes;
    - `over_<i>`: days whose written minutes exceeded `limits[i]`;
    - `bin_<k>`: days with `k * bin_width` to `(k + 1) * bin_width - 1` written minutes (the last
      bin open-ended).
    """
    cls = ws.table("school_class")
    cls = cls.filter(
        cls.school_year_id == school_year_id, cls.grade.isin(list(grades)), cls.archived_at.isnull()
    )
    if school_id is not None:
        cls = cls.filter(cls.school_id == school_id)
    if school_ids is not None:
        cls = cls.filter(cls.school_id.isin(sorted(school_ids)))
    counted = cls.select(counted_class=cls.id, counted_school=cls.school_id)
    if area_path:
        school, area = ws.table("school"), ws.table("area")
        inside = area.filter(area.path.startswith(area_path)).select(inside_area=area.id)
        schools = school.join(inside, school.area_id == inside.inside_area).select(inside_school=school.id)
        counted = counted.join(schools, counted.counted_school == schools.inside_school)
    hw = ws.table("homework")
    hw = hw.filter(hw.date >= ibis.literal(start), hw.date <= ibis.literal(end))
    # Inner joins on keys (one row per class): every engine plans them, no semi-join dialects.
    hw = hw.join(counted, hw.school_class_id == counted.counted_class)
    minutes = ibis.ifelse(hw.homework_type == HomeworkType.WRITTEN.value, hw.estimated_minutes, 0)
    daily = hw.group_by([hw.school_class_id, hw.date]).aggregate(day_written=minutes.sum())
    years = range(start.year, end.year + 1)
    daily = daily.mutate(week=_ordinal(daily.date, years) - daily.date.day_of_week.index())
    w = daily.day_written
    sums: dict[str, Any] = {"written": w.sum()}
    for i, limit in enumerate(limits):
        sums[f"over_{i}"] = flag(w > limit).sum()
    for k in range(bins):
        low = k * bin_width
        sums[f"bin_{k}"] = flag(w >= low if k == bins - 1 else (w >= low) & (w < low + bin_width)).sum()
    return daily.group_by([daily.school_class_id, daily.week]).aggregate(**sums)


@dataclass(frozen=True)
class WeekRow:
    class_id: int
    week_start: dt.date
    written: int
    days_over: tuple[int, ...]  # per limit, in the order asked for
    bins: tuple[int, ...]


def class_week_rows(ws: Workspace, **kwargs: Any) -> Iterator[WeekRow]:
    """The rows of `class_week_table` (same arguments) as plain values, whatever the engine."""
    n_limits, n_bins = len(kwargs["limits"]), kwargs["bins"]
    frame = ws.execute(class_week_table(ws, **kwargs))
    over = [f"over_{i}" for i in range(n_limits)]
    binned = [f"bin_{k}" for k in range(n_bins)]
    for row in frame.to_dict("records"):
        yield WeekRow(
            class_id=int(row["school_class_id"]),
            week_start=dt.date.fromordinal(int(row["week"])),
            written=int(row["written"] or 0),
            days_over=tuple(int(row[c] or 0) for c in over),
            bins=tuple(int(row[c] or 0) for c in binned),
        )
