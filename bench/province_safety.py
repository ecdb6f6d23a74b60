"""校园安全 (safety) in the province run (bench.province, through bench.province_extra): every school
and town of the province on the demo's day, `safety.warehouse.province_safety` on DuckDB (or
Spark: safety.warehouse_spark) over the exported files (the day's holiday reminder coverage, the
term's drills against the rules, its safety lessons); its pandas peer reads the same files with
pandas and computes the same figures in pandas; its limit line is one hand-written DuckDB query
straight over the files.

    python -m bench.province measure safety duckdb|spark WAREHOUSE OUT_JSON
    python -m bench.province peer safety WAREHOUSE WORK_DIR OUT_JSON
    python -m bench.province limit safety WAREHOUSE
    python -m bench.province all duckdb WAREHOUSE   # with every module of the round

The day is the demo's (the one its holiday is built around, recorded in the audit trail): the
reminders of the days before are acknowledged, the day's own in part, those after not yet sent.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from functools import cache
from pathlib import Path
from typing import Any

from bench.harness import timed_runs

LABEL = "校园安全 reminder coverage + drills + lessons (schools)"
LIMIT_LABEL = "  limit line: schools and towns by one hand-written DuckDB query"
# What the figures are compared by: counts exactly, the share within 1e-9 relative.
SHARES = ("share",)
TABLES = {  # the computation's warehouse tables, by their name in the manifest
    "school": "school",
    "area": "area",
    "school_class": "school_class",
    "holiday_day": "safety_holiday_day",
    "class_reminder": "safety_class_reminder",
    "drill": "safety_drill",
    "lesson": "safety_lesson",
}


@cache
def bench_day() -> dt.date:
    """The day the demo was built for (its holiday runs three days either side), else the last
    holiday day."""
    from django.db.models import Max

    from edugov.audit.models import AuditEvent
    from edugov.safety.models import HolidayDay

    built = (
        AuditEvent.objects.filter(model="demo.DemoDistrict").order_by("-pk").values_list("changes", flat=True)
    )
    for changes in built[:1]:
        if isinstance(changes, dict) and changes.get("today"):
            return dt.date.fromisoformat(changes["today"])
    last = HolidayDay.objects.aggregate(last=Max("date"))["last"]
    if last is None:
        raise SystemExit("safety: no holiday day in the database")
    return last


def run(engine: str) -> Any:
    """The module's computation on DuckDB or on Spark (the same statement, transpiled)."""
    if engine not in ("duckdb", "spark"):
        raise SystemExit(f"safety: the province computation runs on DuckDB or Spark, not {engine}")
    from bench.province_extra import _province, _warehouse
    from edugov.safety.warehouse import province_safety

    _, area = _province()
    return province_safety(directory=_warehouse(), day=bench_day(), area=area, engine=engine)


def _value(column: str, v: Any) -> Any:
    import pandas as pd

    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, str):
        return v
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, bool) or column in ("first", "last", "below_target"):
        return bool(v)
    return float(v) if column in SHARES else int(v)


def digest(out: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Every school's and town's figures, keyed by the level and the id."""
    from edugov.safety.warehouse import SCHOOL_COLUMNS, TOWN_COLUMNS

    rows: dict[str, Any] = {}
    for level, frame, columns in (
        ("school", out["schools"], SCHOOL_COLUMNS),
        ("town", out["towns"], TOWN_COLUMNS),
    ):
        key, *values = columns
        for row in frame[list(columns)].itertuples(index=False):
            d = row._asdict()
            rows[f"sf|{level}|{int(d[key])}"] = [_value(c, d[c]) for c in values]
    return rows, len(out["schools"])


def compare_digests(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """The keys whose figures differ (or that one side lacks)."""

    def close(x: Any, y: Any) -> bool:
        if isinstance(x, float) and isinstance(y, float):
            return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)
        return bool(x == y) and type(x) is type(y)

    differ = sorted(set(a) ^ set(b))
    return differ + sorted(
        k for k in set(a) & set(b) if len(a[k]) != len(b[k]) or not all(map(close, a[k], b[k]))
    )


def _read_year(directory: Path, table: str, year: int | None, columns: list[str]) -> Any:
    import pandas as pd

    # The year's partitions (the day's calendar year for reminders and holiday days, the term's
    # school year for drills and lessons), as edugov reads them.
    from edugov.warehouse.limit_files import table_files

    paths = table_files(directory, table, year=year)
    return pd.concat([pd.read_parquet(f, columns=columns) for f in paths], ignore_index=True)


def _term(day: dt.date) -> Any:
    from edugov.safety.warehouse import Term

    return Term.on(day)


# The pandas peer: the same files read with pandas, the same figures computed in pandas -----------


def pandas_compute(directory: Path, *, day: dt.date, area_path: str) -> dict[str, Any]:
    """The schools' and towns' figures from the warehouse's files in plain pandas, as a data
    officer would script them from the selectors' definitions."""
    import pandas as pd

    from bench.province_extra import _read
    from edugov.safety import rules
    from edugov.safety.models import DrillKind

    term = _term(day)
    area = _read(directory, TABLES["area"], ["id", "path"]).rename(columns={"id": "area_id"})
    school = _read(directory, TABLES["school"], ["id", "area_id", "archived_at"]).merge(area, on="area_id")
    school = school[school["path"].str.startswith(area_path)]
    sch = pd.DataFrame(
        {"school_id": school["id"], "town_id": school["area_id"], "listed": school["archived_at"].isna()}
    )
    year = None if term is None else term.start_year
    hd = _read_year(directory, TABLES["holiday_day"], day.year, ["id", "date"])
    days = set(hd.loc[pd.to_datetime(hd["date"]) == pd.Timestamp(day), "id"])
    rem = _read_year(
        directory,
        TABLES["class_reminder"],
        day.year,
        ["day_id", "school_class_id", "sent_at", "confirmed_at", "acks"],
    )
    rem = rem[rem["day_id"].isin(days)]
    cls = _read(directory, TABLES["school_class"], ["id", "school_id"]).rename(
        columns={"id": "school_class_id"}
    )
    rem = rem.merge(cls, on="school_class_id")
    rem["ackd"] = rem["acks"] > 0
    cov = rem.groupby("school_id").agg(
        classes=("acks", "size"),
        sent=("sent_at", "count"),
        confirmed=("confirmed_at", "count"),
        acknowledged=("ackd", "sum"),
        acks=("acks", "sum"),
    )
    kinds = list(DrillKind.values)
    dr = _read_year(directory, TABLES["drill"], year, ["school_id", "term_id", "kind", "held_on"])
    lessons = _read_year(directory, TABLES["lesson"], year, ["school_id", "term_id", "kind", "topic"])
    tid = -1 if term is None else term.pk
    dr = dr[(dr["term_id"] == tid) & (pd.to_datetime(dr["held_on"]) <= pd.Timestamp(day))]
    held = dr.groupby(["school_id", "kind"]).size().unstack(fill_value=0).reindex(columns=kinds, fill_value=0)
    held.columns = [f"drills_{k}" for k in kinds]
    lessons = lessons[lessons["term_id"] == tid].assign(
        is_first=lambda f: f["kind"] == "first", is_last=lambda f: f["kind"] == "last"
    )
    taught = lessons.groupby("school_id").agg(
        lessons=("topic", "size"),
        topics=("topic", "nunique"),
        first=("is_first", "any"),
        last=("is_last", "any"),
    )
    per = sch.merge(cov, on="school_id", how="left").merge(held, on="school_id", how="left")
    per = per.merge(taught, on="school_id", how="left")
    per = per[per["listed"] | per["classes"].notna()].copy()
    for c in ("classes", "sent", "confirmed", "acknowledged", "acks"):
        per[c] = per[c].fillna(0).astype("int64")
    listed = per["listed"]
    late = [
        (per[f"drills_{k}"].fillna(0) < n).map({True: k, False: ""})
        for k, n in ({} if term is None else term.due).items()
    ]
    behind = pd.Series(
        [",".join(k for k in ks if k) for ks in zip(*late, strict=True)] if late else "", index=per.index
    )
    per["overdue"] = behind.astype(object).where(listed, None)
    for c in [*held.columns, "lessons", "topics"]:
        per[c] = per[c].fillna(0).where(listed)
    for c in ("first", "last"):
        per[c] = per[c].astype("boolean").fillna(False).astype(object).where(listed, None)
    target = rules.reminder_target()
    per["share"] = (per["acknowledged"] / per["classes"]).where(per["classes"] > 0)
    per["below_target"] = per["share"] < target
    towns = (
        per.assign(
            behind=listed & (per["overdue"] != ""),
            with_first=listed & (per["first"] == True),  # noqa: E712  (object column: True, False, None)
            with_last=listed & (per["last"] == True),  # noqa: E712
        )
        .groupby("town_id")
        .agg(
            classes=("classes", "sum"),
            sent=("sent", "sum"),
            confirmed=("confirmed", "sum"),
            acknowledged=("acknowledged", "sum"),
            acks=("acks", "sum"),
            schools=("listed", "sum"),
            schools_behind=("behind", "sum"),
            first_lessons=("with_first", "sum"),
            last_lessons=("with_last", "sum"),
        )
        .reset_index()
    )
    towns["share"] = (towns["acknowledged"] / towns["classes"]).where(towns["classes"] > 0)
    towns["below_target"] = towns["share"] < target
    return {"schools": per.reset_index(drop=True), "towns": towns}


def peer(module: str, warehouse: str, work: str, out: str) -> dict[str, Any]:
    """The plain-pandas peer over the warehouse's files: reading, filtering and computing timed, the
    first run (it pays pandas' and pyarrow's first reads) and the better of two more."""
    from bench.province_extra import _peak, _province

    del module, work  # the peer reads the warehouse's files directly
    _, area = _province()
    day = bench_day()
    result, runs, cpu = timed_runs(lambda: pandas_compute(Path(warehouse), day=day, area_path=area.path))
    rows, _ = digest(result)
    Path(out).write_text(json.dumps(rows, default=str), encoding="utf-8")
    return {
        "first": runs[0],
        "seconds": min(runs[1:]),
        "cpu": min(cpu[1:]),
        "items": len(rows),
        "peak_mb": _peak(),
    }


# The limit line: the same figures by one hand-written DuckDB query straight over the files --------


def limit_sql(directory: str | Path, *, day: dt.date, area_path: str) -> str:
    """One query from the definitions (not from `safety.warehouse`'s SQL): each school's reminders
    of the day joined and counted, its drills and lessons by correlated counts, the towns by
    regrouping the schools' rows."""
    from edugov.safety import rules
    from edugov.safety.models import DrillKind
    from edugov.warehouse.limit_files import date, files, text

    term = _term(day)
    tid, due, year = (-1, {}, None) if term is None else (term.pk, term.due, term.start_year)
    d, on = directory, date(day)

    def of_year(table: str, y: int | None) -> str:
        return files(d, table, year=y)

    drills = ",\n    ".join(
        f"CASE WHEN listed THEN (SELECT count(*) FROM dr WHERE dr.school_id = p.school_id "
        f"AND dr.kind = '{k}') END AS drills_{k}"
        for k in DrillKind.values
    )
    late = " || ".join(f"CASE WHEN drills_{k} < {n} THEN ',{k}' ELSE '' END" for k, n in due.items()) or "''"
    counts = "classes, sent, confirmed, acknowledged, acks"
    share = "if(classes = 0, NULL, acknowledged / classes)"
    below = f"coalesce({share} < {rules.reminder_target()!r}, false)"
    return f"""
WITH sch AS (
  SELECT s.id AS school_id, s.area_id AS town_id, s.archived_at IS NULL AS listed
  FROM {files(d, "school")} s, {files(d, "area")} a
  WHERE a.id = s.area_id AND a.path LIKE {text(area_path)} || '%'
),
rem AS (
  SELECT c.school_id, r.sent_at, r.confirmed_at, r.acks
  FROM {of_year("safety_class_reminder", day.year)} r
  JOIN {of_year("safety_holiday_day", day.year)} h ON h.id = r.day_id AND h.date = {on}
  JOIN {files(d, "school_class")} c ON c.id = r.school_class_id
),
dr AS (SELECT school_id, kind FROM {of_year("safety_drill", year)} WHERE term_id = {tid} AND held_on <= {on}),
le AS (SELECT school_id, kind, topic FROM {of_year("safety_lesson", year)} WHERE term_id = {tid}),
p AS (
  SELECT sch.school_id, any_value(sch.town_id) AS town_id, any_value(sch.listed) AS listed,
    count(rem.school_id) AS classes, count(rem.sent_at) AS sent, count(rem.confirmed_at) AS confirmed,
    sum(CASE WHEN rem.acks > 0 THEN 1 ELSE 0 END) AS acknowledged, sum(rem.acks) AS acks
  FROM sch LEFT JOIN rem ON rem.school_id = sch.school_id
  GROUP BY sch.school_id
  HAVING any_value(sch.listed) OR count(rem.school_id) > 0
),
full_rows AS (
  SELECT p.school_id, p.town_id, p.listed, p.classes, p.sent, p.confirmed,
    coalesce(p.acknowledged, 0) AS acknowledged, coalesce(p.acks, 0) AS acks,
    {drills},
    CASE WHEN listed THEN (SELECT count(*) FROM le WHERE le.school_id = p.school_id) END AS lessons,
    CASE WHEN listed THEN (SELECT count(DISTINCT topic) FROM le WHERE le.school_id = p.school_id) END
      AS topics,
    CASE WHEN listed THEN EXISTS (SELECT 1 FROM le WHERE le.school_id = p.school_id AND le.kind = 'first') END
      AS first,
    CASE WHEN listed THEN EXISTS (SELECT 1 FROM le WHERE le.school_id = p.school_id AND le.kind = 'last') END
      AS last
  FROM p
),
schools AS (
  SELECT *, CASE WHEN listed THEN ltrim({late}, ',') END AS overdue FROM full_rows
)
SELECT 'school' AS level, school_id, town_id, {counts}, {share} AS share, {below} AS below_target,
  {", ".join(f"drills_{k}" for k in DrillKind.values)}, overdue, lessons, topics, first, last,
  NULL AS schools, NULL AS schools_behind, NULL AS first_lessons, NULL AS last_lessons
FROM schools
UNION ALL BY NAME
SELECT 'town' AS level, town_id, {counts}, {share} AS share, {below} AS below_target,
  schools, schools_behind, first_lessons, last_lessons
FROM (
  SELECT town_id, sum(classes) AS classes, sum(sent) AS sent, sum(confirmed) AS confirmed,
    sum(acknowledged) AS acknowledged, sum(acks) AS acks, sum(listed::INT) AS schools,
    sum((listed AND overdue <> '')::INT) AS schools_behind, sum((listed AND first)::INT) AS first_lessons,
    sum((listed AND last)::INT) AS last_lessons
  FROM schools GROUP BY town_id
)"""


def limit_frames(sql: str) -> tuple[dict[str, Any], float]:
    """`limit_sql`'s query on a fresh in-memory DuckDB: (schools and towns, seconds of the query
    and its result)."""
    import duckdb

    from edugov.safety.warehouse import split

    con = duckdb.connect()
    started = time.perf_counter()
    frame = con.sql(sql).df()
    seconds = time.perf_counter() - started
    con.close()
    return split(frame), seconds


def limit(module: str, warehouse: str) -> dict[str, Any]:
    """edugov's province computation over the warehouse (first call on a fresh connection, then the
    better of two warm calls) and the limit line's query (its first run, then the better of two,
    each on a fresh in-memory DuckDB), compared school by school and town by town."""
    from bench.province_extra import _peak, _province
    from edugov.indicators import warehouse_duckdb
    from edugov.safety.warehouse import province_safety

    del module
    _, area = _province()
    day = bench_day()
    warehouse_duckdb._LOCAL.__dict__.clear()  # a fresh connection: views made anew

    def ours() -> tuple[Any, float]:
        started = time.perf_counter()
        out = province_safety(directory=warehouse, day=day, area=area)
        return out, time.perf_counter() - started

    def cpu(run: Any) -> float:  # CPU seconds of every thread (DuckDB's included): a shared machine
        used = time.process_time()
        run()
        return time.process_time() - used

    result, first = ours()
    sql = limit_sql(warehouse, day=day, area_path=area.path)
    theirs, limit_first = limit_frames(sql)
    seconds = min(limit_frames(sql)[1] for _ in range(2))
    warm = min(ours()[1] for _ in range(2))
    limit_cpu = min(cpu(lambda: limit_frames(sql)) for _ in range(2))
    known_cpu = min(cpu(ours) for _ in range(2))
    mine, _ = digest(result)
    differ = compare_digests(mine, digest(theirs)[0])
    return {
        "first": first,
        "known": warm,
        "limit": seconds,
        "limit_first": limit_first,
        "limit_cpu": limit_cpu,
        "known_cpu": known_cpu,
        "rows": len(mine),
        "differ": differ[:5],
        "n_differ": len(differ),
        "peak_mb": _peak(),
    }
