"""The limit line: a module's engine table computed by one hand-written DuckDB SQL query over the
warehouse's Parquet files (the same files the manifest lists), to measure how far edugov's Ibis
definitions are from what DuckDB can do with the same question, and to check they give the same
numbers.

Each `*_sql` function writes the query a data officer who knows DuckDB would write, by hand, from
the definition's documentation (not from Ibis's output): `homework_sql` is `burden.weekly.
class_week_table` (one row per class and week: written minutes, days over each limit, packed
daily-minute bins), `risk_sql` is `tutoring.risk_inputs.risk_input_table` (one row per institution:
every input of the collapse-risk score); 优质均衡's and 普及普惠's are in `limit_resources` (two
parts each: units and CVs, kindergartens and towns, `limit_parts`). The bench runs the module's
own Ibis definition on DuckDB over the same files, with Ibis's expression building, SQL
compilation and the query timed apart; `same_frames` compares the two, exact for integers and
text, 1e-9 relative for money."""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import limit_resources as res
from .limit_files import date, files

MODULES = ("balanced", "preschool", "homework", "tutoring")
TUTORING = ("institution", "order", "consumption", "refund", "statement", "complaint", "status_change")
ADVERSE = ("rectifying", "suspended")  # the adverse status changes the score counts (90 days)


_files, _date = files, date


def homework_sql(
    directory: str | Path,
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
) -> str:
    """Per class (of the school year, not archived, in `grades`) and week (ordinal of its Monday):
    the week's written minutes, days over each limit, and the days counted in bins of daily
    minutes packed 3 bits a bin (`weekly.class_week_table`'s columns)."""
    where = [
        f"school_year_id = {int(school_year_id)}",
        f"grade IN ({', '.join(str(int(g)) for g in grades)})",
        "archived_at IS NULL",
    ]
    if school_id is not None:
        where.append(f"school_id = {int(school_id)}")
    if school_ids is not None:
        where.append(f"school_id IN ({', '.join(str(int(s)) for s in school_ids) or 'NULL'})")
    if area_path:
        path = area_path.replace("'", "''")
        where.append(
            f"school_id IN (SELECT s.id FROM {_files(directory, 'school')} s "
            f"JOIN {_files(directory, 'area')} a ON s.area_id = a.id WHERE starts_with(a.path, '{path}'))"
        )
    over = ",\n  ".join(
        f"SUM(CASE WHEN day_written > {float(limit)!r} THEN 1 ELSE 0 END) AS over_{i}"
        for i, limit in enumerate(limits)
    )
    packed = "0"
    if bins:
        cases = " ".join(f"WHEN day_written < {(k + 1) * bin_width} THEN {8**k}" for k in range(bins - 1))
        packed = f"SUM(CASE {cases} ELSE {8 ** (bins - 1)} END)"
    return f"""
WITH classes AS (
  SELECT id FROM {_files(directory, "school_class")} WHERE {" AND ".join(where)}
),
daily AS (
  SELECT h.school_class_id, h.date,
         SUM(CASE WHEN h.homework_type = 'written' THEN h.estimated_minutes ELSE 0 END) AS day_written
  FROM {_files(directory, "homework")} h JOIN classes c ON h.school_class_id = c.id
  WHERE h.date BETWEEN {_date(start)} AND {_date(end)}
  GROUP BY h.school_class_id, h.date
)
SELECT school_class_id,
  date_diff('day', DATE '0001-01-01', date) + 2 - isodow(date) AS week,
  SUM(day_written) AS written,
  {over + "," if over else ""}
  {packed} AS bins
FROM daily
GROUP BY ALL
"""


def risk_sql(directory: str | Path, *, on: dt.date) -> str:
    """Per institution, every input of the risk score as of `on` (docs/tutoring-risk-score.md)."""
    f = {k: _files(directory, f"tutoring_{k}") for k in TUTORING}
    d0, d30 = _date(on), _date(on - dt.timedelta(days=30))
    d60, d90 = _date(on - dt.timedelta(days=60)), _date(on - dt.timedelta(days=90))
    adverse = ", ".join(f"'{s}'" for s in ADVERSE)  # 责令整改中, 停业整顿

    def latest(upto: str, prefix: str) -> str:
        # The latest statement on or before the day; every statement of that day (as the definition).
        return f"""(
  SELECT st.institution_id, l.{prefix}_day, st.balance AS balance_{prefix}
  FROM (SELECT institution_id, max(date) AS {prefix}_day FROM {f["statement"]} WHERE date <= {upto}
        GROUP BY institution_id) l
  JOIN {f["statement"]} st ON st.institution_id = l.institution_id AND st.date = l.{prefix}_day
)"""

    return f"""
SELECT i.id AS institution_id, i.status, i.custody_mode, CAST(i.risk_reserve AS DOUBLE) AS risk_reserve,
  coalesce(o.sales, 0) AS sales, coalesce(o.sales_old, 0) AS sales_old, coalesce(o.sales_30, 0) AS sales_30,
  coalesce(c.consumed, 0) AS consumed, coalesce(c.consumed_old, 0) AS consumed_old,
  coalesce(c.cons_30, 0) AS cons_30, coalesce(c.cons_prev, 0) AS cons_prev,
  coalesce(r.refunded, 0) AS refunded, coalesce(r.refunded_old, 0) AS refunded_old,
  coalesce(b.backlog, 0) AS backlog, coalesce(b.backlog_amount, 0) AS backlog_amount,
  coalesce(cp.complaints, 0) AS complaints, coalesce(a.adverse, 0) AS adverse,
  n.now_day, coalesce(n.balance_now, 0) AS balance_now, od.old_day, coalesce(od.balance_old, 0) AS balance_old
FROM {f["institution"]} i
LEFT JOIN (
  SELECT institution_id, sum(amount) AS sales, sum(amount) FILTER (paid_on <= {d30}) AS sales_old,
         sum(amount) FILTER (paid_on > {d30}) AS sales_30
  FROM {f["order"]} WHERE paid_on <= {d0} GROUP BY institution_id
) o ON o.institution_id = i.id
LEFT JOIN (
  SELECT institution_id, sum(amount) AS consumed, sum(amount) FILTER (date <= {d30}) AS consumed_old,
         sum(amount) FILTER (date > {d30}) AS cons_30,
         sum(amount) FILTER (date > {d60} AND date <= {d30}) AS cons_prev
  FROM {f["consumption"]} WHERE date <= {d0} GROUP BY institution_id
) c ON c.institution_id = i.id
LEFT JOIN (
  SELECT institution_id, sum(amount) AS refunded, sum(amount) FILTER (paid_on <= {d30}) AS refunded_old
  FROM {f["refund"]} WHERE status = 'paid' AND paid_on <= {d0} GROUP BY institution_id
) r ON r.institution_id = i.id
LEFT JOIN (
  SELECT institution_id, count(*) AS backlog, sum(amount) AS backlog_amount
  FROM {f["refund"]}
  WHERE requested_on <= {d0} AND (status = 'requested' OR (status = 'paid' AND paid_on > {d0}))
  GROUP BY institution_id
) b ON b.institution_id = i.id
LEFT JOIN (
  SELECT institution_id, count(*) AS complaints FROM {f["complaint"]}
  WHERE institution_id IS NOT NULL AND submitted_on > {d30} AND submitted_on <= {d0} GROUP BY institution_id
) cp ON cp.institution_id = i.id
LEFT JOIN (
  SELECT institution_id, count(*) AS adverse FROM {f["status_change"]}
  WHERE to_status IN ({adverse}) AND changed_on > {d90} AND changed_on <= {d0} GROUP BY institution_id
) a ON a.institution_id = i.id
LEFT JOIN {latest(d0, "now")} n ON n.institution_id = i.id
LEFT JOIN {latest(d30, "old")} od ON od.institution_id = i.id
ORDER BY institution_id
"""


def limit_frame(sql: str) -> tuple[pd.DataFrame, float]:
    """The hand-written query on a fresh in-memory DuckDB: (result, seconds). The seconds are the
    query's, its rows handed back as Arrow columns (as edugov's questions take theirs,
    `Workspace.query_arrow`); the DataFrame to compare is made from those columns after."""
    import duckdb

    con = duckdb.connect()
    started = time.perf_counter()
    table = con.sql(sql).to_arrow_table()
    seconds = time.perf_counter() - started
    frame = con.from_arrow(table).df()
    con.close()
    return frame, seconds


def limit_parts(module: str, directory: str | Path, **params: Any) -> list[tuple[str, str]]:
    """The module's hand-written queries, as (part, SQL): the part names the edugov question
    (`resources.school_stages._unit_values`, ...) whose frame it must equal."""
    if module == "homework":
        return [("table", homework_sql(directory, **params))]
    if module == "tutoring":
        return [("table", risk_sql(directory, **params))]
    if module == "balanced":
        limits = params.pop("limits")  # the guarantee facts' standards; the units do not use them
        facts = {k: params[k] for k in ("school_year_id", "area_path")}
        return [
            ("units", res.balanced_sql(directory, **params)),
            ("cvs", res.balanced_cv_sql(directory, **params)),
            ("facts", res.balanced_facts_sql(directory, **facts, limits=limits)),
        ]
    if module == "preschool":
        return [
            ("units", res.preschool_sql(directory, **params)),
            ("towns", res.preschool_towns_sql(directory, **params)),
        ]
    raise ValueError(f"no limit line for {module}")


def limit_sql(module: str, directory: str | Path, **params: Any) -> str:
    """The module's single hand-written query (the modules of one part)."""
    (_, sql), *more = limit_parts(module, directory, **params)
    if more:
        raise ValueError(f"{module} has {len(more) + 1} parts: use limit_parts")
    return sql


KEYS = {
    "homework": ["school_class_id", "week"],
    "tutoring": ["institution_id"],
    "balanced.units": ["school_id", "stage"],
    "balanced.cvs": ["stage", "indicator"],
    "balanced.facts": ["school_id"],
    "preschool.units": ["school_id", "school_year_id"],
    "preschool.towns": ["town_id", "school_year_id"],
}


def same_frames(module: str, ours: pd.DataFrame, limit: pd.DataFrame) -> tuple[int, list[str]]:
    """(rows compared, differences): the same keys, and per key the same value in every column
    (integers and text exact, money within 1e-9 relative; a sum of nothing is 0 on both sides).
    `module` is a module of one part, or "module.part" (`limit_parts`)."""
    keys = KEYS[module]
    problems: list[str] = []
    if sorted(ours.columns) != sorted(limit.columns):
        return len(ours), [f"columns {sorted(ours.columns)} vs {sorted(limit.columns)}"]
    a = ours.sort_values(keys, kind="stable").reset_index(drop=True)
    b = limit[list(ours.columns)].sort_values(keys, kind="stable").reset_index(drop=True)
    if len(a) != len(b):
        return len(a), [f"rows {len(a)} vs {len(b)}"]
    for column in a.columns:
        if a[column].dtype.kind in "iuf" and b[column].dtype.kind in "iuf":
            x_, y_ = a[column].to_numpy("float64"), b[column].to_numpy("float64")
            ok = np.isclose(x_, y_, rtol=1e-9, atol=1e-9) | (np.isnan(x_) & np.isnan(y_))
            if ok.all():
                continue
        for i, (x, y) in enumerate(zip(a[column].tolist(), b[column].tolist(), strict=True)):
            if not _same(x, y):
                problems.append(f"{column} of {a.loc[i, keys].tolist()}: {x!r} vs {y!r}")
                if len(problems) > 20:
                    return len(a), problems
    return len(a), problems


def _plain(v: Any) -> Any:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(v, "isoformat"):
        return str(v)[:10]
    if isinstance(v, str):
        return v
    return float(v)


def _same(x: Any, y: Any) -> bool:
    x, y = _plain(x), _plain(y)
    if isinstance(x, float) and isinstance(y, float):
        return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)
    return x == y


class _Caught(Exception):
    pass


def homework_question(call: Any) -> dict[str, Any]:
    """The arguments `burden.selectors.homework_compliance` gives the engine's class-week table,
    caught by running `call()` up to that point (the classes, limits and dates it asks about)."""
    from edugov.burden.selectors import compliance

    seen: dict[str, Any] = {}
    original = compliance.class_week_frame

    def record(*, engine: str, **kwargs: Any) -> Any:
        seen.update(kwargs)
        raise _Caught

    compliance.class_week_frame = record  # type: ignore[assignment]
    try:
        call()
    except _Caught:
        pass
    finally:
        compliance.class_week_frame = original
    return seen
