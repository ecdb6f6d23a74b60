"""Planning (学位·布局): the enrolment forecast and places gaps, for the demo district from the
database with the pages' own code, and for every district of a province on DuckDB against a pandas
version of the same method.

    run(work_dir, kinds) -> [(module, figure, value, peer, speed-up), ...] (speed-up: harness.speedup)

- on each of `kinds`: a fresh database with the demo district (`build-demo`, scale 1), then, in a
  fresh process, what the 学位预测 page computes (selectors.inputs from the registry's classes and
  the towns' figures, then planning_overview: the grade-progression forecast, its back-test, places
  against demand), timed from the database against the 1 s target; the same district's inputs
  turned into the bulk tables (edugov.planning.bulk) and forecast by DuckDB and by pandas: every
  town's demand, places, gap, oversized classes, over-capacity schools and first short year must be
  the page's;
- the province: the demo district's tables written `scale` times to Parquet (district 1 as built,
  each other district's pupils and births drawn at 85-115 % of the demo's per school and per town
  year, ids offset), then the forecast and gaps of every district on DuckDB over the Parquet files
  (one query, edugov.planning.bulk.duck) in a fresh process, against the 15 s target, and the
  pandas version (bulk.frames, year by year) in another: every school-grade-year and every gap
  must agree (1e-9 relative).

Standalone: `python -m bench.planning run [--kinds sqlite] [--scale 50]` (default 50: a province;
the districts are cheap copies, so the run stays short).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.harness import Database, run_step, speedup

MODULE = "planning"
DEFAULT_SCALE = 50
TARGET_DEMO = 1.0
TARGET_PROVINCE = 15.0


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edugov.settings")
    import django

    django.setup()


def _peak_mb() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _params(d: dict[str, Any]) -> Any:
    from edugov.planning.bulk import Params

    return Params(
        horizon=int(d["horizon"]),
        yield_per_100=d["yield_per_100"],
        class_size=d["class_size"],
        oversized_min=float(d["oversized_min"]),
    )


def step_demo(out_dir: str) -> dict[str, Any]:
    """The page's forecast and gaps of the demo district from the database, then the bulk versions
    on the same inputs, compared; the district's tables and parameters written for the province."""
    _django()
    import dataclasses

    from edugov.planning import selectors
    from edugov.rectification.findings import BureauReader
    from edugov.registry.models import Area, AreaLevel

    district = Area.objects.filter(level=AreaLevel.DISTRICT).order_by("code").first()
    actor: Any = BureauReader(area=district)
    horizon = 5
    started = time.perf_counter()
    data = selectors.inputs(actor=actor)
    read = time.perf_counter() - started
    overview = selectors.planning_overview(actor=actor, horizon=horizon, data=data)
    total = time.perf_counter() - started
    again = time.perf_counter()
    selectors.planning_overview(actor=actor, horizon=horizon)
    warm = time.perf_counter() - again
    # DuckDB and pandas only now: imported before, they slow the ORM's row conversion in this
    # process (0.15 s to 0.7 s for the page's reading), which the page's own process does not pay.
    import duckdb

    from edugov.planning import bulk
    from edugov.planning.bulk import duck, frames

    n = selectors.norms()
    p = bulk.params_from_norms(n, horizon)
    tables = bulk.tables_from_inputs(
        data, selectors.school_places(actor=actor, norms=n), selectors.project_places(actor=actor), n
    )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_parquet(out / f"{name}.parquet", index=False)
    (out / "params.json").write_text(json.dumps(dataclasses.asdict(p)), encoding="utf-8")
    con = duckdb.connect()
    for name, frame in tables.items():
        con.register(name, frame)
    started = time.perf_counter()
    _, g_duck = duck.run(con, {name: name for name in tables}, p)
    duck_seconds = time.perf_counter() - started
    started = time.perf_counter()
    _, g_pandas = frames.run(tables, p)
    pandas_seconds = time.perf_counter() - started
    # the page's rows against the bulk gaps (rounded as the page rounds them)
    from edugov.planning.warehouse import page_differences

    cells, differ = page_differences(overview, g_duck, 1)
    rows_bulk = len(g_duck)
    same_pandas, bad_pandas = bulk.compare(g_duck, g_pandas, bulk.GAP_KEYS)
    return {
        "seconds": total,
        "read_seconds": read,
        "warm_seconds": warm,
        "schools": len(data.histories),
        "towns": len(data.towns),
        "years": data.years,
        "rows": len(overview.rows),
        "cells": cells,
        "short": sum(1 for r in overview.rows if r.first_short),
        "bulk_rows": rows_bulk,
        "differ": differ[:5],
        "n_differ": len(differ),
        "duck_seconds": duck_seconds,
        "pandas_seconds": pandas_seconds,
        "pandas_compared": same_pandas,
        "pandas_differ": bad_pandas[:3],
    }


def step_write(demo_dir: str, wh: str, scale: str, seed: int = 1) -> dict[str, Any]:
    """The demo district's tables written `scale` times to Parquet: district 1 as built, the others
    with each school's pupils and each town's births of a year drawn at 85-115 %, ids offset."""
    import numpy as np
    import pandas as pd

    started = time.perf_counter()
    src = {
        n: pd.read_parquet(Path(demo_dir) / f"{n}.parquet")
        for n in ("enrolment", "towns", "housing", "capacity", "projects")
    }
    rng = np.random.default_rng(seed)
    parts: dict[str, list[Any]] = {n: [] for n in src}
    for d in range(int(float(scale))):
        off = d * 1_000_000
        e = src["enrolment"].copy()
        t = src["towns"].copy()
        if d:
            school_factor = {s: rng.uniform(0.85, 1.15) for s in sorted(e["school"].unique())}
            e["pupils"] = (e["pupils"] * e["school"].map(school_factor)).round().astype("int64")
            t["births"] = (t["births"] * rng.uniform(0.85, 1.15, len(t))).round()
        e = e.assign(district=d + 1, town=e["town"] + off, school=e["school"] + off)
        t = t.assign(district=d + 1, town=t["town"] + off)
        h = src["housing"].assign(district=d + 1, town=src["housing"]["town"] + off)
        c = src["capacity"].assign(school=src["capacity"]["school"] + off)
        pj = src["projects"].assign(school=src["projects"]["school"] + off)
        for name, frame in (
            ("enrolment", e),
            ("towns", t),
            ("housing", h),
            ("capacity", c),
            ("projects", pj),
        ):
            parts[name].append(frame)
    root = Path(wh)
    rows = 0
    size = 0
    for name, frames in parts.items():
        target = root / name / "part-0.parquet"
        target.parent.mkdir(parents=True, exist_ok=True)
        frame = pd.concat(frames, ignore_index=True)
        frame.to_parquet(target, index=False, compression="zstd")
        rows += len(frame)
        size += target.stat().st_size
    (root / "params.json").write_text(
        (Path(demo_dir) / "params.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    return {
        "seconds": time.perf_counter() - started,
        "districts": int(float(scale)),
        "rows": rows,
        "enrolment_rows": sum(len(f) for f in parts["enrolment"]),
        "schools": int(sum(f["school"].nunique() for f in parts["enrolment"])),
        "bytes": size,
    }


def step_province(engine: str, wh: str, out: str) -> dict[str, Any]:
    """Every district's forecast and gaps from the Parquet files, on DuckDB or in pandas, timed from
    reading the files to the result frames; results written to `out` (Parquet) for the comparison."""
    root = Path(wh)
    p = _params(json.loads((root / "params.json").read_text(encoding="utf-8")))
    names = ("enrolment", "towns", "housing", "capacity", "projects")
    import duckdb
    import pandas as pd

    from edugov.planning.bulk import duck, frames

    started = time.perf_counter()
    if engine == "duckdb":
        con = duckdb.connect()
        for n in names:  # each file read once, not once per reference in the query
            con.execute(
                f"CREATE TEMP TABLE {n} AS SELECT * FROM read_parquet('{(root / n).as_posix()}/*.parquet')"
            )
        schools, gaps = duck.run(con, {n: n for n in names}, p)
    else:
        tables = {n: pd.read_parquet(root / n) for n in names}
        schools, gaps = frames.run(tables, p)
    seconds = time.perf_counter() - started
    from edugov.planning import bulk

    Path(out).mkdir(parents=True, exist_ok=True)
    schools.to_parquet(Path(out) / "schools.parquet", index=False)
    gaps.to_parquet(Path(out) / "gaps.parquet", index=False)
    short = bulk.first_short(gaps)
    return {
        "seconds": seconds,
        "peak_mb": _peak_mb(),
        "school_rows": len(schools),
        "gap_rows": len(gaps),
        "short": len(short),
        "districts": int(gaps["district"].nunique()),
    }


def step_compare(a: str, b: str) -> dict[str, Any]:
    import pandas as pd

    from edugov.planning import bulk

    out: dict[str, Any] = {}
    for name, keys in (("schools", bulk.SCHOOL_KEYS), ("gaps", bulk.GAP_KEYS)):
        n, bad = bulk.compare(
            pd.read_parquet(Path(a) / f"{name}.parquet"), pd.read_parquet(Path(b) / f"{name}.parquet"), keys
        )
        out[name] = n
        out[f"{name}_differ"] = bad
    return out


def run(
    work_dir: Path, kinds: list[str], scale: str = str(DEFAULT_SCALE)
) -> list[tuple[str, str, str, str, str]]:
    from bench.__main__ import step

    rows: list[tuple[str, str, str, str, str]] = []

    def add(figure: str, value: str, peer: str = "", ratio: str = "") -> None:
        rows.append((MODULE, figure, value, peer, ratio))
        print(f"  {MODULE:<14} {figure:<58} {value:>14}  {peer}  {ratio}", flush=True)

    work = Path(work_dir)
    demo_dir = work / "planning_demo"
    for kind in kinds:
        with Database(kind, work) as db:
            step(db, "build-demo", "1")
            r = run_step("bench.planning", db.env(), "demo", str(demo_dir))
            add(
                f"forecast and gaps of the demo district, page's code ({kind}; {r['schools']} schools, "
                f"{r['cells']} town·stage·years)",
                f"{r['seconds']:.2f} s",
                f"target {TARGET_DEMO:g} s: {'met' if r['seconds'] < TARGET_DEMO else 'NOT met'}; reading "
                f"{r['read_seconds']:.2f} s; again {r['warm_seconds']:.2f} s; with the back-test",
            )
            add(
                f"  same figures by DuckDB / pandas (bulk) as the page ({kind})",
                "yes"
                if not r["n_differ"] and not r["pandas_differ"]
                else f"NO ({r['differ'] or r['pandas_differ']})",
                f"DuckDB {r['duck_seconds']:.2f} s, pandas {r['pandas_seconds']:.2f} s on the same inputs; "
                f"{r['short']} town·stages short",
            )
    if not (demo_dir / "params.json").exists():
        return rows
    wh = work / "planning_province"
    w = run_step("bench.planning", None, "write", str(demo_dir), str(wh), scale)
    add(
        f"province: {w['districts']} districts, {w['schools']:,} schools written to Parquet",
        f"{w['seconds']:.1f} s",
        f"{w['rows']:,} rows ({w['enrolment_rows']:,} school·year·grade), {w['bytes'] / 1e6:.1f} MB",
    )
    ours = run_step("bench.planning", None, "province", "duckdb", str(wh), str(work / "planning_duck"))
    peer = run_step("bench.planning", None, "province", "pandas", str(wh), str(work / "planning_pandas"))
    add(
        f"forecast and gaps of every district on DuckDB ({ours['districts']} districts, "
        f"{ours['gap_rows']:,} town·stage·years)",
        f"{ours['seconds']:.2f} s",
        f"target {TARGET_PROVINCE:g} s: {'met' if ours['seconds'] < TARGET_PROVINCE else 'NOT met'}; "
        f"pandas {peer['seconds']:.2f} s; peak {ours['peak_mb']:.0f} MB (pandas {peer['peak_mb']:.0f} MB)",
        speedup("pandas", peer["seconds"], ours["seconds"]),
    )
    c = run_step(
        "bench.planning", None, "compare", str(work / "planning_duck"), str(work / "planning_pandas")
    )
    same = not c["schools_differ"] and not c["gaps_differ"]
    add(
        "  same numbers as pandas (every school·grade·year and gap)",
        "yes" if same else f"NO ({(c['schools_differ'] + c['gaps_differ'])[:3]})",
        f"{c['schools']:,} school rows, {c['gaps']:,} gap rows; {ours['short']} town·stages short "
        f"(pandas {peer['short']})",
    )
    return rows


def main(argv: list[str]) -> None:
    if argv and argv[0] in {"demo", "write", "province", "compare"}:
        fn: Callable[..., dict[str, Any]] = {
            "demo": step_demo,
            "write": step_write,
            "province": step_province,
            "compare": step_compare,
        }[argv[0]]
        print("BENCH " + json.dumps(fn(*argv[1:]), default=str), flush=True)
        return
    parser = argparse.ArgumentParser(prog="python -m bench.planning")
    parser.add_argument("command", choices=["run"])
    parser.add_argument("--kinds", default="sqlite")
    parser.add_argument(
        "--scale", default=str(DEFAULT_SCALE), help="districts of the province (50: a province)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="edugov-bench-planning-") as tmp:
        run(Path(tmp), [k for k in args.kinds.split(",") if k], args.scale)


if __name__ == "__main__":
    main(sys.argv[1:])
