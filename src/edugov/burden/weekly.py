"""Weekly written-homework compliance as one Ibis expression: one row per class and week with the
week's written minutes, how many of its days were over each limit, and the days counted in bins
of daily minutes. The same definition runs on SQLite and PostgreSQL (the operational database:
what the pages show) and on DuckDB and Spark (the warehouse, province scale); the average over
the week's school days, its rounding and the verdict are then given by `rules` in the selector."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any, NamedTuple

import ibis
import pandas as pd

from edugov.indicators.backends import Workspace, database_engine
from edugov.indicators.engine import flag
from edugov.registry.models import Area, School, SchoolClass

from .models import Homework, HomeworkType

WEEKLY_TABLES = {"homework": Homework, "school_class": SchoolClass, "school": School, "area": Area}
MAX_BINS = 17  # 3 bits per bin: the packed sum stays below 2**53, exact even as a double


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
    - `bins`: the days with `k * bin_width` to `(k + 1) * bin_width - 1` written minutes (the last
      bin open-ended), bin k's count in bits 3k to 3k + 2 (`class_week_rows` unpacks them).
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
    if bins:
        # A week has at most 7 days, so each bin's count fits in 3 bits: one sum of 8**bin per day
        # carries every count, one aggregate instead of one per bin (a third of the query's time
        # on SQLite).
        if bins > MAX_BINS:
            raise ValueError(f"at most {MAX_BINS} bins")
        packed = ibis.cases(
            *((w < (k + 1) * bin_width, 8**k) for k in range(bins - 1)), else_=8 ** (bins - 1)
        )
        sums["bins"] = packed.sum()
    return daily.group_by([daily.school_class_id, daily.week]).aggregate(**sums)


class WeekRow(NamedTuple):
    class_id: int
    week_start: dt.date
    written: int
    days_over: list[int]  # per limit, in the order asked for
    bins: list[int]


@lru_cache(maxsize=256)
def _database_table(engine: str, frozen: tuple[tuple[str, Any], ...]) -> Any:
    # On SQLite/PostgreSQL the tables are unbound names, so an expression serves every request
    # asking the same question: building it costs 10-20 ms, more than a school's query.
    return class_week_table(Workspace(engine, WEEKLY_TABLES), **dict(frozen))


def _frozen(value: Any) -> Any:
    if isinstance(value, set | frozenset):
        return tuple(sorted(value))
    if isinstance(value, list | range):
        return tuple(value)
    return value


def class_week_frame(ws: Workspace, **kwargs: Any) -> pd.DataFrame:
    """The rows of `class_week_table` (same arguments) as one DataFrame of int64 columns
    `school_class_id`, `week` (ordinal of the Monday), `written`, `over_<i>` and `bins` (packed; 0
    when no bins were asked for): the engine's output as a table, for report-building in bulk."""
    columns = ["school_class_id", "week", "written"] + [f"over_{i}" for i in range(len(kwargs["limits"]))]
    if ws.engine in ("sqlite", "postgres"):
        expr = _database_table(ws.engine, tuple(sorted((k, _frozen(v)) for k, v in kwargs.items())))
        names, rows = ws.rows(expr)
        frame = pd.DataFrame.from_records(rows, columns=names)
    else:
        arrow = ws.query_arrow(class_week_table, **kwargs)
        if arrow is not None:
            # Over the warehouse on DuckDB: the engine's columns straight into int64 arrays (its
            # sums are DECIMAL(38, 0), which a DataFrame would hold as Python Decimals).
            out = pd.DataFrame({c: _int64(arrow[c]) for c in columns})
            out["bins"] = _int64(arrow["bins"]) if "bins" in arrow.column_names else 0
            return out
        frame = ws.query(class_week_table, **kwargs)
    out = pd.DataFrame(
        {c: pd.to_numeric(frame[c]).fillna(0).astype("int64") if len(frame) else [] for c in columns},
        dtype="int64",
    )
    out["bins"] = (
        pd.to_numeric(frame["bins"]).fillna(0).astype("int64") if "bins" in frame and len(frame) else 0
    )
    return out


def _int64(column: Any) -> Any:
    """An Arrow column of integers (any width, or DECIMAL(38, 0)) as int64 values, NULL as 0."""
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.fill_null(column.cast(pa.int64()), 0).to_numpy()


def class_week_rows(ws: Workspace, **kwargs: Any) -> Iterator[WeekRow]:
    """The rows of `class_week_table` (same arguments) as plain Python values, whatever the engine
    (sums may come back as Decimal, numpy or float; a sum of nothing as NULL)."""
    if ws.engine in ("sqlite", "postgres"):
        expr = _database_table(ws.engine, tuple(sorted((k, _frozen(v)) for k, v in kwargs.items())))
    else:
        expr = class_week_table(ws, **kwargs)
    names, rows = ws.rows(expr)
    at = {name: i for i, name in enumerate(names)}
    over = [at[f"over_{i}"] for i in range(len(kwargs["limits"]))]
    shifts = [3 * k for k in range(kwargs["bins"])]
    key, week, written, binned = at["school_class_id"], at["week"], at["written"], at.get("bins")
    for r in rows:
        packed = int(r[binned] or 0) if binned is not None else 0
        yield WeekRow(
            int(r[key]),
            dt.date.fromordinal(int(r[week])),
            int(r[written] or 0),
            [int(r[i] or 0) for i in over],
            [(packed >> s) & 7 for s in shifts],
        )
