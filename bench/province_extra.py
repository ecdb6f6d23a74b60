"""This round's modules in the province run (bench.province): those whose province figures come
from the Parquet warehouse. 师资队伍 (workforce): `workforce.warehouse.province_staffing`, the
staffing, age structure and five-year projection of every staffed school of the province on
DuckDB over the exported files, or on Spark (the same statement transpiled: workforce.warehouse_spark);
its pandas peer reads the same files with pandas and computes
`workforce.province.pandas_compute`; its limit line is `edugov.warehouse.limit_workforce`.

学位预测 (planning): bench.province_planning (the forecast and places gaps of every district over
the warehouse's files, its pandas peer and limit line), dispatched from here; 校园安全 (safety)
likewise from bench.province_safety (reminder coverage, drills and lessons of every school).

质量监测 (quality) is not here: its figures are not computed from the warehouse (none of its
tables is exported; see bench.quality, which writes its own Parquet files).

    python -m bench.province measure workforce duckdb|spark WAREHOUSE OUT_JSON   # via bench.province
    python -m bench.province peer workforce WAREHOUSE WORK_DIR OUT_JSON
    python -m bench.province limit workforce WAREHOUSE
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

from bench import province_planning, province_safety
from bench.harness import timed_runs

MODULES = ("workforce", "planning", "safety")
TODAY = dt.date(2026, 9, 1)  # bench.workforce's day: the projection's five years run from it
LABELS = {
    "workforce": "师资队伍 staffing + structure + 5-year (schools)",
    "planning": province_planning.LABEL,
    "safety": province_safety.LABEL,
}
LIMIT_LABELS = {
    "workforce": "  limit line: the five outputs by one hand-written DuckDB query",
    "planning": province_planning.LIMIT_LABEL,
    "safety": province_safety.LIMIT_LABEL,
}
TABLES = {  # the workforce computation's warehouse tables, by their name in the manifest
    "school": "school",
    "area": "area",
    "school_class": "school_class",
    "teacher": "teacher",
    "teacher_year": "workforce_teacher_year",
    "subject_load": "workforce_subject_load",
}


def _province() -> tuple[Any, Any]:
    from bench.province import _province

    return _province()


def _warehouse() -> Path:
    """The warehouse of the enclosing `use_warehouse` block."""
    from edugov.indicators.backends import Workspace

    directory = Workspace("duckdb", {}).warehouse
    if directory is None:
        raise SystemExit("workforce: run inside use_warehouse (the province computation reads the warehouse)")
    return Path(directory)


def run_workforce(engine: str) -> Any:
    if engine not in ("duckdb", "spark"):
        raise SystemExit(f"workforce: the province computation runs on DuckDB or Spark, not {engine}")
    from edugov.workforce.warehouse import province_staffing

    year, area = _province()
    return province_staffing(directory=_warehouse(), school_year=year, area=area, today=TODAY, engine=engine)


def workforce_digest(out: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Every row of the five outputs, keyed by its output and keys."""
    from edugov.workforce.province import KEYS, OUTPUTS

    digest: dict[str, Any] = {}
    for name in OUTPUTS:
        keys = KEYS[name]
        frame = out[name]
        values = [c for c in frame.columns if c not in keys]
        for row in frame.itertuples(index=False):
            d = row._asdict()
            key = "|".join(str(d[k]) for k in keys)
            digest[f"wf|{name}|{key}"] = [_plain(d[c]) for c in values]
    return digest, len(out["schools"])


def _plain(v: Any) -> Any:
    if hasattr(v, "item"):
        v = v.item()
    return v


# The pandas peer: the same files read with pandas, the same figures computed in pandas ----------


def _read(directory: Path, table: str, columns: list[str], school_year_id: int | None = None) -> Any:
    """A table's files read with pandas; with `school_year_id`, that year's partitions only (as
    the module's computation and its limit line read them)."""
    import pandas as pd

    from edugov.warehouse.limit_files import table_files

    files = table_files(directory, table, school_year_id)
    return pd.concat([pd.read_parquet(f, columns=columns) for f in files], ignore_index=True)


def pandas_frames(directory: Path, *, school_year_id: int, area_path: str) -> dict[str, Any]:
    """The four tables of `workforce.province` read from the warehouse's files with pandas, as a
    data officer would script them: staffed schools under the area, the year's classes, records
    and loads; subjects made canonical."""
    import pandas as pd

    from edugov.registry.models import SCHOOL_TYPE_GRADES
    from edugov.workforce.norms import canonical_subject, stage_of_grade
    from edugov.workforce.selectors import STAFFED_TYPES

    area = _read(directory, TABLES["area"], ["id", "path"])
    school = _read(
        directory,
        TABLES["school"],
        ["id", "area_id", "locale", "is_teaching_point", "school_type", "archived_at"],
    )
    school = school.merge(area.rename(columns={"id": "area_id"}), on="area_id")
    school = school[
        school["archived_at"].isna()
        & school["school_type"].isin(STAFFED_TYPES)
        & school["path"].str.startswith(area_path)
    ]
    stage = {t: stage_of_grade(min(SCHOOL_TYPE_GRADES[t])) for t in STAFFED_TYPES}
    schools = pd.DataFrame(
        {
            "school_id": school["id"].to_numpy(),
            "town_id": school["area_id"].to_numpy(),
            "locale": school["locale"].to_numpy(),
            "village": ((school["locale"] == "rural") | school["is_teaching_point"].fillna(False)).to_numpy(),
            "teaching_stage": school["school_type"].map(stage).to_numpy(),
        }
    )
    ids = set(schools["school_id"])
    cls = _read(
        directory,
        TABLES["school_class"],
        ["school_id", "school_year_id", "grade", "boys", "girls", "archived_at"],
        school_year_id,
    )
    cls = cls[
        (cls["school_year_id"] == school_year_id) & cls["archived_at"].isna() & cls["school_id"].isin(ids)
    ]
    classes = pd.DataFrame(
        {"school_id": cls["school_id"], "grade": cls["grade"], "pupils": cls["boys"] + cls["girls"]}
    ).reset_index(drop=True)
    ty = _read(
        directory,
        TABLES["teacher_year"],
        ["id", "teacher_id", "school_id", "school_year_id", "employment_type", "certificate_stage",
         "certificate_subject", "birth_year", "birth_month"],
        school_year_id,
    )  # fmt: skip
    ty = ty[(ty["school_year_id"] == school_year_id) & ty["school_id"].isin(ids)]
    sex = _read(directory, TABLES["teacher"], ["id", "sex"]).rename(columns={"id": "teacher_id"})
    ty = ty.merge(sex, on="teacher_id")
    subjects = {}

    def canonical(series: Any) -> Any:
        for name in series.unique():
            if name not in subjects:
                subjects[name] = canonical_subject(name)
        return series.map(subjects)

    teachers = pd.DataFrame(
        {
            "record_id": ty["id"],
            "school_id": ty["school_id"],
            "employment_type": ty["employment_type"],
            "cert_stage": ty["certificate_stage"],
            "cert_subject": canonical(ty["certificate_subject"]),
            "birth_year": ty["birth_year"],
            "birth_month": ty["birth_month"],
            "sex": ty["sex"],
        }
    ).reset_index(drop=True)
    ld = _read(
        directory, TABLES["subject_load"], ["teacher_year_id", "subject", "weekly_periods"], school_year_id
    )
    ld = ld[ld["teacher_year_id"].isin(set(teachers["record_id"]))]
    loads = pd.DataFrame(
        {
            "record_id": ld["teacher_year_id"],
            "subject": canonical(ld["subject"]),
            "periods": ld["weekly_periods"],
        }
    ).reset_index(drop=True)
    return {"schools": schools, "classes": classes, "teachers": teachers, "loads": loads}


def _params(year: Any, area: Any) -> Any:
    from edugov.workforce.norms import Norms
    from edugov.workforce.province import Params

    return Params.from_norms(Norms.load_for(area.path, year.start_year), TODAY.year, TODAY.month)


def peer(module: str, warehouse: str, work: str, out: str) -> dict[str, Any]:
    """The plain-pandas peer over the warehouse's files: reading, filtering and computing timed (the
    better of two runs)."""
    if module == "planning":
        return province_planning.peer(module, warehouse, work, out)
    if module == "safety":
        return province_safety.peer(module, warehouse, work, out)
    from edugov.workforce.province import pandas_compute

    del work  # the peer reads the warehouse's files directly
    year, area = _province()
    params = _params(year, area)
    # The better of two, as edugov's warm call (the first pays pandas' imports).
    result, runs, cpu = timed_runs(
        lambda: pandas_compute(
            pandas_frames(Path(warehouse), school_year_id=year.pk, area_path=area.path), params
        ),
        times=2,
    )
    seconds = min(runs)
    digest, _ = workforce_digest(result)
    Path(out).write_text(json.dumps(digest, default=str), encoding="utf-8")
    return {"seconds": seconds, "cpu": min(cpu), "items": len(digest), "peak_mb": _peak()}


def _peak() -> float:
    from bench.province import _peak_mb

    return _peak_mb()


# The limit line: the five outputs by hand-written DuckDB SQL, against edugov's computation --------


def limit(module: str, warehouse: str) -> dict[str, Any]:
    """edugov's province computation over the warehouse (first call on a fresh connection, then the
    better of two warm calls) and the limit line's one query (the better of two, on a fresh
    in-memory DuckDB), compared output by output (`workforce.province.compare`)."""
    if module == "planning":
        return province_planning.limit(module, warehouse)
    if module == "safety":
        return province_safety.limit(module, warehouse)
    from edugov.indicators import warehouse_duckdb
    from edugov.warehouse.limit_workforce import workforce_frames, workforce_sql
    from edugov.workforce.norms import SUBJECT_ALIASES
    from edugov.workforce.province import compare
    from edugov.workforce.warehouse import province_staffing

    year, area = _province()
    params = _params(year, area)
    warehouse_duckdb._LOCAL.__dict__.clear()  # a fresh connection: views made anew

    def ours() -> tuple[Any, float]:
        started = time.perf_counter()
        out = province_staffing(directory=warehouse, school_year=year, area=area, today=TODAY)
        return out, time.perf_counter() - started

    result, first = ours()
    sql = workforce_sql(
        warehouse, school_year_id=year.pk, area_path=area.path, params=params, aliases=SUBJECT_ALIASES
    )
    theirs, a = workforce_frames(sql)
    seconds = min(a, workforce_frames(sql)[1])
    warm = min(ours()[1] for _ in range(2))
    differ = compare(result, theirs)
    return {
        "first": first,
        "known": warm,
        "limit": seconds,
        "rows": sum(len(f) for f in theirs.values()),
        "differ": differ[:5],
        "n_differ": len(differ),
        "peak_mb": _peak(),
    }


# The bench's report rows --------------------------------------------------------------------------


def bench(db: Any, wh: Path, work: Path, totals: dict[str, list[float]], cluster: Any = None) -> None:
    """Each module of this round province-wide on DuckDB in a fresh process, its pandas peer and
    its limit line, reported as bench.__main__ reports the others (every ratio edugov's speed-up);
    then on the Spark engines `totals` names (Spark local, and the standalone `cluster` through
    EDUGOV_SPARK_MASTER), compared with DuckDB."""
    from bench.__main__ import report
    from bench.harness import run_step
    from bench.province import close_json

    for module in MODULES:
        _bench_duckdb(db, wh, work, totals, module)
        for engine in [e for e in totals if e.startswith("spark")]:
            out = work / f"mod_{module}_{engine}.json"
            env = db.env()
            if engine == "spark-cluster":
                env["EDUGOV_SPARK_MASTER"] = cluster.url
            m = run_step("bench.province", env, "measure", module, "spark", str(wh), str(out))
            totals[engine][0] += m["first"]
            totals[engine][1] += m["seconds"]
            totals[engine][2] = max(totals[engine][2], m["peak_mb"])
            n, bad = close_json(work / f"mod_{module}_duckdb.json", out)
            report(
                "province",
                f"{LABELS[module]} on {engine}: {m['items']:,}",
                f"{m['first']:.1f} s",
                f"warm {m['seconds']:.1f} s; Django set-up {m.get('django', 0):.1f} s; "
                f"peak {m['peak_mb']:.0f} MB ({m.get('master', '')}); same figures as DuckDB for {n:,} keys: "
                + ("yes" if not bad else f"NO ({len(bad)}: {', '.join(bad[:3])})"),
            )


def _bench_duckdb(db: Any, wh: Path, work: Path, totals: dict[str, list[float]], module: str) -> None:
    """The module on DuckDB in a fresh process, its pandas peer and its limit line."""
    from bench.__main__ import report
    from bench.harness import run_step, speedup
    from bench.province import close_json

    out, peer_out = work / f"mod_{module}_duckdb.json", work / f"mod_{module}_peer.json"
    m = run_step("bench.province", db.env(), "measure", module, "duckdb", str(wh), str(out))
    if "duckdb" in totals:
        totals["duckdb"][0] += m["first"]
        totals["duckdb"][1] += m["seconds"]
        totals["duckdb"][2] = max(totals["duckdb"][2], m["peak_mb"])
    p = run_step(
        "bench.province", db.env(), "peer", module, str(wh), str(work / f"peer_{module}"), str(peer_out)
    )
    n, bad = close_json(out, peer_out)
    report(
        "province",
        f"{LABELS[module]} on duckdb: {m['items']:,}",
        f"{m['first']:.1f} s",
        f"pandas {p['seconds']:.2f} s ({p['cpu']:.2f} s CPU; peak {p['peak_mb']:.0f} MB), "
        f"same as pandas for {n:,}: "
        + ("yes" if not bad else f"NO ({len(bad)}: {', '.join(bad[:3])})")
        + f"; warm {m['seconds']:.2f} s ({m.get('cpu', 0):.2f} s CPU); process start-up "
        f"{m.get('startup', 0):.1f} s, Django set-up {m.get('django', 0):.1f} s; "
        f"peak {m['peak_mb']:.0f} MB",
        speedup("pandas", p["seconds"], m["seconds"]),
    )
    li = run_step("bench.province", db.env(), "limit", module, str(wh))
    report(
        "province",
        LIMIT_LABELS[module],
        f"{li['limit']:.2f} s",
        f"edugov's computation: first {li['first']:.2f} s, warm {li['known']:.2f} s; "
        f"module call warm {m['seconds']:.2f} s",
        speedup("limit (module, warm)", li["limit"], m["seconds"])
        + "; "
        + speedup("limit (engine, first)", li["limit"], li["first"]),
    )
    report(
        "province",
        f"  same numbers as the limit line ({li['rows']:,} rows, every column)",
        "yes" if not li["n_differ"] else f"NO ({li['n_differ']}: {'; '.join(li['differ'][:3])})",
    )
