"""学位预测 (planning) in the province run (bench.province, through bench.province_extra): the forecast
and places gaps of every district of the province on DuckDB over the warehouse
(`planning.warehouse.province_forecast`: the bulk tables as subqueries over the warehouse's views,
then `planning.bulk.duck`'s one query). Its pandas peer reads the same files with pandas and
computes `planning.bulk.frames.run` (the same method year by year). Its limit line: the bulk query
is already hand-written DuckDB SQL (no Ibis, no compilation), so the limit is that query with its
tables read straight from the Parquet files on a fresh in-memory DuckDB, outside Django and the
warehouse state; edugov / limit then shows what the module's call adds around the query.

    python -m bench.province measure planning duckdb|spark WAREHOUSE OUT_JSON
    python -m bench.province peer planning WAREHOUSE WORK_DIR OUT_JSON
    python -m bench.province limit planning WAREHOUSE
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from bench.harness import timed_runs

HORIZON = 5  # the 学位预测 page's default
LABEL = "学位预测 forecast + places gaps (town·stage·years)"
LIMIT_LABEL = "  limit line: the bulk query (hand-written SQL) over the Parquet files, outside Django"


def _province() -> tuple[Any, Any]:
    from bench.province import _province

    return _province()


def _peak() -> float:
    from bench.province import _peak_mb

    return _peak_mb()


def _warehouse() -> Path:
    from edugov.indicators.backends import Workspace

    directory = Workspace("duckdb", {}).warehouse
    if directory is None:
        raise SystemExit("planning: run inside use_warehouse (the province computation reads the warehouse)")
    return Path(directory)


def run(engine: str) -> Any:
    if engine not in ("duckdb", "spark"):
        raise SystemExit(f"planning: the province computation runs on DuckDB or Spark, not {engine}")
    from edugov.planning.warehouse import province_forecast
    from edugov.planning.warehouse_spark import spark_forecast

    year, area = _province()
    forecast = spark_forecast if engine == "spark" else province_forecast
    return forecast(directory=_warehouse(), school_year=year, area=area, horizon=HORIZON)


def _plain(v: Any) -> Any:
    return v.item() if hasattr(v, "item") else v


def digest(out: Any) -> tuple[dict[str, Any], int]:
    """Every school·year·grade of the projection and every gap row, keyed by their keys."""
    from edugov.planning.bulk import GAP_KEYS, SCHOOL_KEYS

    schools, gaps = out
    result: dict[str, Any] = {}
    for name, frame, keys in (("s", schools, SCHOOL_KEYS), ("g", gaps, GAP_KEYS)):
        values = [c for c in frame.columns if c not in keys]
        for row in frame.itertuples(index=False):
            d = row._asdict()
            key = "|".join(str(d[k]) for k in keys)
            result[f"pl|{name}|{key}"] = [_plain(d[c]) for c in values]
    return result, len(gaps)


# The pandas peer: the same files read with pandas, the same method in pandas ---------------------


def _read(directory: Path, table: str, columns: list[str], last_year: int | None = None) -> Any:
    """A table's files (with `last_year`, those of the school years starting by then) as one frame."""
    import pandas as pd

    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    parts = manifest["tables"][table]["partitions"]
    files = [
        p["file"]
        for key, p in parts.items()
        if last_year is None or not key.startswith("year=") or int(key.split("/")[0][5:]) <= last_year
    ]
    return pd.concat([pd.read_parquet(directory / f, columns=columns) for f in files], ignore_index=True)


def pandas_tables(directory: Path, *, start_year: int, area_path: str) -> dict[str, Any]:
    """The five tables of `planning.bulk` read from the warehouse's files with pandas, as a data
    officer would script them: the classes of the school years up to `start_year` summed by school,
    year and grade; each town's district found from its path (province / city / district / ...)."""
    import pandas as pd

    from edugov.planning.warehouse import TABLES
    from edugov.registry.models import AreaLevel

    area = _read(directory, "area", ["id", "path", "level"])
    districts = area[area["level"] == AreaLevel.DISTRICT]
    district_id = dict(zip(districts["path"], districts["id"], strict=True))
    area = area[area["path"].str.startswith(area_path)]
    district_path = area["path"].str.split("/").str[:4].str.join("/") + "/"
    town_district = pd.Series(district_path.map(district_id).to_numpy(), index=area["id"].to_numpy()).dropna()

    def in_towns(frame: Any, column: str) -> Any:
        frame = frame[frame[column].isin(town_district.index)]
        return frame.assign(district=frame[column].map(town_district).astype("int64"))

    years = _read(directory, "school_year", ["id", "start_year"])
    years = years[years["start_year"] <= start_year]
    school = _read(directory, "school", ["id", "area_id", "archived_at"])
    school = in_towns(school[school["archived_at"].isna()], "area_id")
    cls = _read(
        directory,
        "school_class",
        ["school_id", "school_year_id", "grade", "boys", "girls", "archived_at"],
        start_year,
    )
    cls = cls[cls["archived_at"].isna() & cls["grade"].between(1, 9)]
    cls = cls.merge(years.rename(columns={"id": "school_year_id", "start_year": "year"}), on="school_year_id")
    cls = cls.merge(school.rename(columns={"id": "school_id", "area_id": "town"}), on="school_id")
    cls["pupils"] = cls["boys"] + cls["girls"]
    enrolment = (
        cls.groupby(["district", "town", "school_id", "year", "grade"])
        .agg(pupils=("pupils", "sum"), classes=("pupils", "size"))
        .reset_index()
        .rename(columns={"school_id": "school"})
    )
    towns = in_towns(
        _read(directory, TABLES["town_year"], ["area_id", "year", "births", "population", "net_migration"]),
        "area_id",
    ).rename(columns={"area_id": "town"})
    housing = in_towns(
        _read(directory, TABLES["housing"], ["area_id", "completion_year", "households"]), "area_id"
    ).rename(columns={"area_id": "town"})
    capacity = _read(directory, TABLES["capacity"], ["school_id", "stage", "classrooms"])
    projects = _read(
        directory,
        TABLES["project"],
        ["school_id", "stage", "places_added", "completed_on", "planned_completion"],
    )
    done = pd.to_datetime(projects["completed_on"].fillna(projects["planned_completion"]))
    projects = pd.DataFrame(
        {
            "school": projects["school_id"],
            "stage": projects["stage"],
            "places": projects["places_added"],
            "join_year": done.dt.year + (done.dt.month > 8).astype("int64"),  # selectors.join_year
        }
    )
    return {
        "enrolment": enrolment,
        "towns": towns[["district", "town", "year", "births", "population", "net_migration"]],
        "housing": housing[["district", "town", "completion_year", "households"]],
        "capacity": capacity.rename(columns={"school_id": "school"}),
        "projects": projects,
    }


def peer(module: str, warehouse: str, work: str, out: str) -> dict[str, Any]:
    """The plain-pandas peer over the warehouse's files, timed as the module is: the first call,
    then the better of two warm ones (reading, filtering and computing)."""
    from edugov.planning.bulk import frames
    from edugov.planning.warehouse import bulk_params

    del module, work  # the peer reads the warehouse's files directly
    year, area = _province()
    params = bulk_params(HORIZON)
    result, runs, cpu = timed_runs(
        lambda: frames.run(
            pandas_tables(Path(warehouse), start_year=year.start_year, area_path=area.path), params
        )
    )
    found, _ = digest(result)
    Path(out).write_text(json.dumps(found, default=str), encoding="utf-8")
    return {
        "seconds": min(runs[1:]),
        "first": runs[0],
        "cpu": min(cpu[1:]),
        "cpu_first": cpu[0],
        "items": len(found),
        "peak_mb": _peak(),
    }


# The limit line: the bulk query over the Parquet files, outside Django -----------------------------


def limit_sources(directory: Path, *, start_year: int, area_path: str) -> dict[str, str]:
    """`province_sources` over `read_parquet` of the manifest's files (the classes of the school years
    starting by `start_year`), no warehouse state."""
    from edugov.planning.warehouse import TABLES, province_sources

    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))

    def files(table: str, last_year: int | None = None) -> str:
        parts = manifest["tables"][table]["partitions"]
        chosen = [
            str(directory / p["file"])
            for key, p in parts.items()
            if last_year is None or not key.startswith("year=") or int(key.split("/")[0][5:]) <= last_year
        ]
        return "read_parquet([" + ", ".join("'" + f.replace("'", "''") + "'" for f in chosen) + "])"

    views = {k: files(k) for k in ("area", "school_year", "school")}
    views["school_class"] = files("school_class", start_year)
    views |= {k: files(t) for k, t in TABLES.items()}
    return province_sources(views, start_year=start_year, area_path=area_path)


def limit(module: str, warehouse: str) -> dict[str, Any]:
    """edugov's province computation over the warehouse (first call on a fresh connection, then the
    better of two warm calls) and the limit line (the better of two, each on a fresh in-memory
    DuckDB), compared row by row (`planning.bulk.compare`)."""
    import duckdb

    from edugov.indicators import warehouse_duckdb
    from edugov.planning.bulk import GAP_KEYS, SCHOOL_KEYS, compare
    from edugov.planning.warehouse import bulk_params, province_forecast, run_sources

    del module
    year, area = _province()
    params = bulk_params(HORIZON)
    warehouse_duckdb._LOCAL.__dict__.clear()  # a fresh connection: views made anew

    def ours() -> tuple[Any, float]:
        started = time.perf_counter()
        out = province_forecast(directory=warehouse, school_year=year, area=area, horizon=HORIZON)
        return out, time.perf_counter() - started

    def theirs() -> tuple[Any, float]:
        started = time.perf_counter()
        sources = limit_sources(Path(warehouse), start_year=year.start_year, area_path=area.path)
        out = run_sources(duckdb.connect(), sources, params)
        return out, time.perf_counter() - started

    (schools, gaps), first = ours()
    (l_schools, l_gaps), a = theirs()
    seconds = min(a, theirs()[1])
    warm = min(ours()[1] for _ in range(2))
    n_s, bad_s = compare(schools, l_schools, SCHOOL_KEYS)
    n_g, bad_g = compare(gaps, l_gaps, GAP_KEYS)
    differ = bad_s + bad_g
    return {
        "first": first,
        "known": warm,
        "limit": seconds,
        "rows": n_s + n_g,
        "differ": differ[:5],
        "n_differ": len(differ) + abs(len(schools) - len(l_schools)) + abs(len(gaps) - len(l_gaps)),
        "peak_mb": _peak(),
    }
