"""The compliance report's class-weeks as arrays, computed in bulk from the engine's table, and the
ClassWeek records built from them."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from itertools import repeat
from typing import Any

import numpy as np
import pandas as pd

from .. import rules
from .compliance_types import DAILY_BIN, DAILY_BINS, ClassInfo, ClassWeek


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
        return _ClassWeekColumns(
            class_id=empty,
            week=empty,
            grade=empty,
            school_id=empty,
            town_id=empty,
            limit=empty,
            days=empty,
            written=empty,
            tenths=empty,
            over=empty.astype(bool),
            excess_tenths=empty,
            days_over=empty,
            daily_bins={},
        )
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


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the block (as it was before, after it)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _class_week_records(table: _ClassWeekColumns, limit_values: list[float]) -> list[ClassWeek]:
    if not len(table):
        return []
    cache: dict[int, Decimal] = {}
    # The object columns by look-up arrays indexed by value (C, no Python call per record): the
    # weeks' dates from the first week on, the Decimals of every tenth up to the largest.
    first_week = int(table.week.min())
    dates = np.array(
        [dt.date.fromordinal(w) for w in range(first_week, int(table.week.max()) + 1)], dtype=object
    )
    values = np.concatenate([table.tenths, table.excess_tenths])
    tenths = np.empty(int(values.max()) + 1, dtype=object)
    for t in np.unique(values).tolist():
        tenths[t] = _tenths(t, cache)
    limits = np.array(limit_values, dtype=object)
    # tuple.__new__ over zipped columns: ClassWeek's own __new__ is a Python call per record (a
    # province has a million), this is ClassWeek._make's C path without its length check. The
    # cyclic garbage collector is paused meanwhile: a million new tuples (of plain values, no
    # cycles) would start its collections over and over, 1.4-2 s of CPU at scale 50 against 0.4 s.
    with _collector_paused():
        return list(
            map(
                tuple.__new__,
                repeat(ClassWeek),
                zip(
                    table.class_id.tolist(),
                    table.grade.tolist(),
                    table.school_id.tolist(),
                    table.town_id.tolist(),
                    dates[table.week - first_week].tolist(),
                    table.days.tolist(),
                    table.written.tolist(),
                    tenths[table.tenths].tolist(),
                    limits[table.limit].tolist(),
                    table.over.tolist(),
                    tenths[table.excess_tenths].tolist(),
                    table.days_over.tolist(),
                    strict=True,
                ),
            )
        )
