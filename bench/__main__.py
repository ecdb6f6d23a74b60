"""`make bench`: every figure measured in this run, next to the peer it is compared with.

    python -m bench [--rows 1000000] [--peer-rows 100000] [--scale 10] [--users 50,200]
                    [--uploads 300] [--only import,peer,indicators,province,spark,refresh,web]

Every ratio printed is edugov's speed-up over the named peer: peer time / edugov time (above 1:
edugov ahead; below 1: behind).

Sections: import (1M class rows, SQLite and PostgreSQL), peer (django-import-export), indicators
(优质均衡 of the demo district on SQLite and PostgreSQL vs plain pandas), province (every module
with indicators at --scale in the Parquet warehouse: registry, resources and tutoring through the
demo generators and the export, a whole term of homework written straight to Parquet by
bench.province; then 优质均衡, 普及普惠, the 双减 weekly compliance and the tutoring risk scores
province-wide, each in a fresh process, on DuckDB against the 60 s / 8 GB target and the plain-pandas
peers and each module's limit line, one hand-written DuckDB query over the same files; with spark,
the same on Spark local and on a standalone Spark cluster on loopback, compared with DuckDB), spark
(Spark local and cluster on the same warehouse), refresh (incremental export after one district's
day of homework), pages
(every page and download of every demo role under `edugov serve`: first visit, p50, p95 against 500 ms / 1 s;
bench/pages.py), web (locust against gunicorn + PostgreSQL + Redis; deadline-peak uploads).

Each measurement runs in a fresh process on a fresh database (a temporary SQLite file, or a
temporary PostgreSQL database when the server on 127.0.0.1:5432 answers), so peak memory is the
process's own and no run warms another's cache.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import PG_ADMIN, Database, run_step, speedup


def _pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return True
    except Exception:
        return False


def step(db: Database, *args: str) -> dict:
    return run_step("bench.worker", db.env(), *args)


ROWS: list[tuple[str, str, str, str]] = []


def report(module: str, figure: str, value: str, peer: str = "", ratio: str = "") -> None:
    """`ratio` is `harness.speedup(...)`: "speed-up vs <peer> X", peer time / edugov time."""
    ROWS.append((module, figure, value, peer + (f"  {ratio}" if ratio else "")))
    print(f"  {module:<14} {figure:<58} {value:>14}  {peer}{'  ' + ratio if ratio else ''}", flush=True)


def bench_import(rows: int, work: Path, kinds: list[str]) -> None:
    csv_path = work / f"classes_{rows}.csv"
    for kind in kinds:
        with Database(kind, work) as db:
            step(db, "setup-classes", str(rows), str(csv_path))
            size_mb = csv_path.stat().st_size / 1e6
            first = step(db, "import-edugov", str(csv_path))
            assert first["status"] == "succeeded", first
            assert first["rows_in_db"] == rows, first
            again = step(db, "import-edugov", str(csv_path))
            assert again["unchanged"] == rows and again["rows_in_db"] == rows, again
            report(
                "ingest",
                f"{rows:,} class rows CSV ({size_mb:.0f} MB) into {kind}",
                f"{first['seconds']:.1f} s",
                f"{rows / first['seconds']:,.0f} rows/s, peak {first['peak_mb']:.0f} MB",
            )
            report(
                "ingest",
                f"  same file again (all {again['unchanged']:,} unchanged) on {kind}",
                f"{again['seconds']:.1f} s",
                f"peak {again['peak_mb']:.0f} MB",
            )


def bench_peer(rows: int, work: Path) -> None:
    good = work / f"peer_good_{rows}.csv"
    bad = work / f"peer_bad_{rows}.csv"
    with Database("sqlite", work) as db:
        step(db, "setup-classes", str(rows), str(good))
        ours = step(db, "import-edugov", str(good))
        ours_fp = step(db, "fingerprint")
    with Database("sqlite", work) as db:
        step(db, "setup-classes", str(rows), str(good))
        peer = step(db, "import-peer", str(good))
        peer_fp = step(db, "fingerprint")
    same = ours_fp == peer_fp
    report(
        "ingest",
        f"{rows:,} rows: edugov vs django-import-export (SQLite)",
        f"{ours['seconds']:.1f} s",
        f"django-import-export {peer['seconds']:.1f} s",
        speedup("django-import-export", peer["seconds"], ours["seconds"]),
    )
    report(
        "ingest",
        "  same rows stored by both (sha256 of every class row)",
        "yes" if same else "NO",
        f"{ours_fp['rows']:,} vs {peer_fp['rows']:,} rows",
    )
    with Database("sqlite", work) as db:
        step(db, "setup-classes", str(rows), str(bad), "--bad", "50")
        ours_bad = step(db, "import-edugov", str(bad))
    with Database("sqlite", work) as db:
        step(db, "setup-classes", str(rows), str(bad), "--bad", "50")
        peer_bad = step(db, "import-peer", str(bad))
    same_rejects = ours_bad["rejected_rows"] == peer_bad["rejected_rows"]
    report(
        "ingest",
        "  file with 50 bad rows: rows flagged edugov / peer",
        f"{len(ours_bad['rejected_rows'])} / {len(peer_bad['rejected_rows'])}",
        f"same rows: {'yes' if same_rejects else 'NO'}; "
        f"rows written {ours_bad['rows_in_db']} / {peer_bad['rows_in_db']}",
    )
    report(
        "ingest",
        "  rejected file: time edugov vs peer",
        f"{ours_bad['seconds']:.1f} s",
        f"django-import-export {peer_bad['seconds']:.1f} s",
        speedup("django-import-export", peer_bad["seconds"], ours_bad["seconds"]),
    )


def _compare(a_path: Path, b_path: Path) -> tuple[int, int]:
    """(units compared, units or CVs that differ beyond 1e-7 relative)."""
    import math

    a = json.loads(a_path.read_text())
    b = json.loads(b_path.read_text())

    def close(x: float | None, y: float | None) -> bool:
        if x is None or y is None:
            return x is None and y is None
        return math.isclose(x, y, rel_tol=1e-7, abs_tol=1e-9)

    bad = set(a["units"]) ^ set(b["units"])
    bad |= {
        k
        for k in set(a["units"]) & set(b["units"])
        if not all(close(x, y) for x, y in zip(a["units"][k], b["units"][k], strict=True))
    }
    bad |= {k for k in set(a["cvs"]) | set(b["cvs"]) if not close(a["cvs"].get(k), b["cvs"].get(k))}
    return len(a["units"]), len(bad)


def bench_indicators(work: Path, kinds: list[str]) -> None:
    for kind in kinds:
        with Database(kind, work) as db:
            step(db, "build-demo", "1")
            ours_json, peer_json = work / f"ind_{kind}.json", work / f"ind_{kind}_peer.json"
            ours = step(db, "evaluate", kind, "district", "-", str(ours_json))
            wh = work / f"wh_demo_{kind}"
            step(db, "export", str(wh))
            peer = step(db, "pandas-peer", str(wh), "district", str(peer_json))
            units, bad = _compare(ours_json, peer_json)
            report(
                "indicators",
                f"优质均衡 of the demo district on {kind} ({units} school·stage units)",
                f"{ours['seconds']:.2f} s",
                f"pandas (Parquet) {peer['seconds']:.2f} s; first call {ours['first_seconds']:.1f} s",
                speedup("pandas", peer["seconds"], ours["seconds"]),
            )
            report("indicators", f"  same values as pandas ({kind})", "yes" if not bad else f"NO ({bad})")


def bench_province(scale: float, work: Path, spark: bool, province: bool, refresh: bool = False) -> None:
    """Every module with indicators at `scale` in the warehouse: registry, resources and tutoring
    through the demo generators and the export; a whole term of homework written straight to
    Parquet (bench.province); then each module province-wide in a fresh process."""
    with Database("sqlite", work) as db:
        built = step(db, "build-province", str(scale))
        counts = built["counts"]
        report(
            "demo",
            f"demo --scale {scale:g} on SQLite: {counts.get('学校', 0):,} schools, "
            f"{counts.get('班级（三个学年）', 0):,} classes (registry, resources, tutoring)",
            f"{built['seconds']:.0f} s",
            "; ".join(f"{g} {s:.0f} s" for g, s in built["generators"].items())
            + f"; peak {built['peak_mb']:.0f} MB",
        )
        province_warehouse(db, work, spark, province, tutoring_copies=max(1, int(scale // 7)))
        if refresh:
            bench_refresh(db, work)


def bench_refresh(db: Database, work: Path) -> None:
    """Incremental refresh of the warehouse export: one district's day of homework changed
    (bench.province refresh), against the first export and a full rewrite."""
    r = run_step("bench.province", db.env(), "refresh", str(work / "wh_refresh"), "5")
    first, inc, full = r["first"], r["incremental"], r["full"]
    report(
        "warehouse",
        f"refresh: {r['homework_rows']:,} homework rows of {r['classes']:,} classes (5 days), exported",
        f"{first['seconds']:.1f} s",
        f"{r['rows']:,} rows, {first['written']} partitions, {first['bytes_written'] / 1e6:.2f} MB written",
    )
    report(
        "warehouse",
        f"  one district's next day ({r['changed_rows']:,} rows, district {r['district']} of "
        f"{r['districts']}): incremental",
        f"{inc['seconds']:.1f} s",
        f"{inc['written']} of {inc['written'] + inc['unchanged']} partitions rewritten "
        f"({', '.join(r['incremental_partitions'][:3])}), {inc.get('read', 0)} read, "
        f"{inc['bytes_written'] / 1e3:.0f} kB written; partition signatures and audit trail "
        f"{inc['checking']:.1f} s",
        speedup("full export", full["seconds"], inc["seconds"]),
    )
    report(
        "warehouse",
        "  the same warehouse rewritten in full (--full)",
        f"{full['seconds']:.1f} s",
        f"{full['written']} partitions, {full['bytes_written'] / 1e6:.2f} MB written",
    )


def province_warehouse(
    db: Database, work: Path, spark: bool, province: bool, tutoring_copies: int = 1
) -> None:
    """Export the built database into the warehouse, add the term's homework (and, above --scale 7,
    the tutoring institutions written `tutoring_copies` times over: the demo gives 40 a district),
    then measure every module."""
    wh = work / "wh_province"
    first = step(db, "export", str(wh))
    total_rows = sum(first["rows"].values())
    report(
        "warehouse",
        f"export {total_rows:,} rows, {first['written']} partitions (Parquet, zstd)",
        f"{first['seconds']:.1f} s",
        f"{first['bytes'] / 1e6:.1f} MB, peak {first['peak_mb']:.0f} MB",
    )
    again = step(db, "export", str(wh))
    report(
        "warehouse",
        f"  incremental export, nothing changed ({again['unchanged']} partitions checked)",
        f"{again['seconds']:.1f} s",
        f"{again['written']} rewritten",
    )
    hw = run_step("bench.province", db.env(), "homework", str(wh))
    report(
        "warehouse",
        f"  homework of the whole term to Parquet ({hw['rows']:,} rows, {hw['classes']:,} classes, "
        f"{hw['school_days']} school days)",
        f"{hw['seconds']:.1f} s",
        f"{hw['partitions']} partitions, {hw['bytes'] / 1e6:.1f} MB, peak {hw['peak_mb']:.0f} MB",
    )
    if tutoring_copies > 1:
        tut = run_step("bench.province", db.env(), "tutoring", str(wh), str(tutoring_copies))
        report(
            "warehouse",
            f"  tutoring tables written ×{tutoring_copies}, ids offset per copy "
            f"({tut['institutions']:,} institutions, {tut['rows']:,} rows)",
            f"{tut['seconds']:.1f} s",
            f"peak {tut['peak_mb']:.0f} MB",
        )
    rows = json.loads((wh / "manifest.json").read_text(encoding="utf-8"))["tables"]
    report(
        "warehouse",
        "  rows per table",
        f"{sum(t['rows'] for t in rows.values()):,}",
        ", ".join(f"{n} {t['rows']:,}" for n, t in sorted(rows.items()) if t["rows"]),
    )
    if province:
        ours_json, peer_json = work / "prov_duck.json", work / "prov_peer.json"
        ours = step(db, "evaluate", "duckdb", "province", str(wh), str(ours_json))
        peer = step(db, "pandas-peer", str(wh), "province", str(peer_json))
        units, bad = _compare(ours_json, peer_json)
        report(
            "indicators",
            f"优质均衡 province-wide on DuckDB over Parquet ({units:,} units)",
            f"{ours['seconds']:.1f} s",
            f"pandas {peer['seconds']:.1f} s; first call {ours['first_seconds']:.1f} s; "
            f"peak {ours['peak_mb']:.0f} MB",
            speedup("pandas", peer["seconds"], ours["seconds"]),
        )
        report("indicators", "  same values as pandas (province)", "yes" if not bad else f"NO ({bad})")
        every = step(db, "all-districts", "duckdb", str(wh))
        report(
            "indicators",
            f"  each of {every['districts']} districts evaluated in turn on DuckDB",
            f"{every['seconds']:.1f} s",
            f"peak {every['peak_mb']:.0f} MB",
        )
    bench_modules(db, wh, work, spark)


PEERS = {"balanced": "evaluation", "preschool": "evaluation", "homework": "weekly", "tutoring": "scores"}
LABELS = {
    "balanced": "优质均衡 (school·stage units)",
    "preschool": "普及普惠 (kindergartens)",
    "homework": "双减 weekly compliance (class-weeks)",
    "tutoring": "tutoring risk scores (institutions)",
}


def bench_modules(db: Database, wh: Path, work: Path, spark: bool) -> None:
    """Each module's indicators province-wide, each in a fresh process (peak RSS its own), on DuckDB
    over the warehouse, with its limit line (the engine table by one hand-written DuckDB query,
    `edugov.warehouse.limit`) and the plain-pandas peers where they exist; with `spark`, the same on
    Spark local[2] and on a standalone Spark cluster (a master and two 1-core workers on loopback,
    `edugov.warehouse.spark_cluster`), compared with DuckDB. Every ratio: edugov's speed-up."""
    from bench.province import MODULES, close_json, same_as_peer
    from edugov.warehouse import limit as lim

    engines = ["duckdb"] + (["spark", "spark-cluster"] if spark else [])
    cluster = None
    if spark:
        from edugov.warehouse import spark_cluster

        if spark_cluster.java_available():
            started = time.perf_counter()
            cluster = spark_cluster.start(port=spark_cluster.free_port(), workers=2, cores=1, memory="2g")
            report(
                "province",
                f"standalone Spark cluster started ({cluster.url}, 2 workers × 1 core, 2 GB)",
                f"{time.perf_counter() - started:.1f} s",
                "pyspark's sbin/spark-daemon.sh, SPARK_HOME = the pyspark package",
            )
        else:
            engines.remove("spark-cluster")
    totals: dict[str, list[float]] = {e: [0.0, 0.0, 0.0] for e in engines}  # first, warm, peak
    from bench import province_extra  # this round's modules over the warehouse

    try:
        for module in MODULES:
            for engine in engines:
                _bench_module(db, wh, work, module, engine, cluster, totals, close_json, same_as_peer, lim)
        province_extra.bench(db, wh, work, totals, cluster)
    finally:
        if cluster is not None:
            spark_cluster.stop(port=cluster.port, workers=cluster.workers)
    one = run_step("bench.province", db.env(), "all", "duckdb", str(wh))
    report(
        "province",
        "every module province-wide on duckdb in ONE process (first calls, SQL known beside the manifest)",
        f"{one['total_first']:.1f} s",
        f"warm {one['total_warm']:.1f} s (CPU {one['cpu_warm']:.1f} s); peak {one['peak_mb']:.0f} MB; "
        + ", ".join(f"{m} {t:.1f}/{one['warm'][m]:.1f} s" for m, t in one["first"].items())
        + f"; Django set-up {one.get('django', 0):.1f} s before; issue 20's 10 s: "
        + ("met" if one["total_first"] < 10 else "not met"),
    )
    for engine, (first, warm, peak) in totals.items():
        report(
            "province",
            f"every module province-wide on {engine}, each in a fresh process",
            f"{first:.1f} s",
            f"warm {warm:.1f} s; largest peak {peak:.0f} MB; target 60 s, 8 GB: "
            + ("met" if first < 60 and peak < 8192 else "NOT met")
            + "; issue 20's 10 s: "
            + ("met" if first < 10 else "not met"),
        )


def _bench_module(
    db: Database,
    wh: Path,
    work: Path,
    module: str,
    engine: str,
    cluster: Any,
    totals: dict[str, list[float]],
    close_json: Any,
    same_as_peer: Any,
    lim: Any,
) -> None:
    out = work / f"mod_{module}_{engine}.json"
    env = db.env()
    if engine == "spark-cluster":
        env["EDUGOV_SPARK_MASTER"] = cluster.url
    m = run_step("bench.province", env, "measure", module, engine.split("-")[0], str(wh), str(out))
    totals[engine][0] += m["first"]
    totals[engine][1] += m["seconds"]
    totals[engine][2] = max(totals[engine][2], m["peak_mb"])
    peer_note, ratio = "", ""
    if engine == "duckdb" and PEERS[module]:
        peer_out = work / f"mod_{module}_peer.json"
        p = run_step(
            "bench.province", db.env(), "peer", module, str(wh), str(work / f"peer_{module}"), str(peer_out)
        )
        n, bad = same_as_peer(out, peer_out)
        peer_note = (
            f"pandas {p['seconds']:.2f} s"
            + (f" warm, {p['first']:.2f} s first" if "first" in p else " (one call, fresh process)")
            + f" (peak {p['peak_mb']:.0f} MB), same as pandas for {n:,}: "
            + ("yes" if not bad else f"NO ({len(bad)}: {', '.join(bad[:3])})")
            + "; "
        )
        ratio = speedup("pandas", p["seconds"], m["seconds"])
    where = f" ({m['master']})" if m.get("master") else ""
    report(
        "province",
        f"{LABELS[module]} on {engine}: {m['items']:,}",
        f"{m['first']:.1f} s",
        f"{peer_note}warm {m['seconds']:.1f} s; process start-up {m.get('startup', 0):.1f} s, "
        f"Django set-up {m.get('django', 0):.1f} s; peak {m['peak_mb']:.0f} MB{where}",
        ratio,
    )
    if engine != "duckdb":
        n, bad = close_json(work / f"mod_{module}_duckdb.json", out)
        report(
            "province",
            f"  same figures as DuckDB ({engine}, {n:,} keys)",
            "yes" if not bad else f"NO ({len(bad)}: {', '.join(bad[:3])})",
        )
        return
    if module not in lim.MODULES:
        report("province", "  limit line (hand-written DuckDB SQL)", "—", "not written for this module yet")
        return
    li = run_step("bench.province", db.env(), "limit", module, str(wh))
    engine_time = li["build"] + li["compile"] + li["query"]
    report(
        "province",
        "  limit line: the engine "
        + ("table" if module in ("homework", "tutoring") else "tables")
        + " by hand-written DuckDB SQL",
        f"{li['limit']:.2f} s",
        f"edugov's definition: Ibis build {li['build']:.2f} s + compile {li['compile']:.2f} s "
        f"(again {li['build_warm'] + li['compile_warm']:.2f} s) + query {li['query']:.2f} s; "
        f"asked again with its SQL known {li['known']:.2f} s; "
        f"module call warm {m['seconds']:.2f} s ({m.get('cpu', 0):.2f} s CPU), first {m['first']:.2f} s",
        speedup("limit (module, warm)", li["limit"], m["seconds"])
        + "; "
        + speedup("limit (engine, first)", li["limit"], engine_time)
        + "; "
        + speedup("limit (engine, warm)", li["limit"], li["known"]),
    )
    report(
        "province",
        f"  same numbers as the limit line ({li['rows']:,} rows, every column)",
        "yes" if not li["n_differ"] else f"NO ({li['n_differ']}: {'; '.join(li['differ'][:3])})",
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--peer-rows", type=int, default=100_000)
    parser.add_argument(
        "--scale", type=float, default=10, help="demo scale of the province sections (50: a province)"
    )
    parser.add_argument("--users", default="50,200", help="concurrent users of the web load test")
    parser.add_argument("--uploads", type=int, default=300, help="concurrent uploads of the deadline peak")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated sections: import,peer,indicators,province,spark,refresh,burden,tutoring,"
        "rectification,quality,workforce,planning,groups,load,pages,safety,web",
    )
    args = parser.parse_args()
    only = set(filter(None, args.only.split(",")))
    kinds = ["sqlite"] + (["postgres"] if _pg_available() else [])
    started = time.perf_counter()
    print(
        f"edugov bench · {time.strftime('%Y-%m-%d %H:%M')} · {os.cpu_count()} cores · "
        f"databases: {', '.join(kinds)}"
    )
    with tempfile.TemporaryDirectory(prefix="edugov-bench-") as tmp:
        work = Path(tmp)
        if not only or "import" in only:
            bench_import(args.rows, work, kinds)
        if not only or "peer" in only:
            bench_peer(args.peer_rows, work)
        if not only or "indicators" in only:
            bench_indicators(work, kinds)
        if not only or only & {"province", "spark", "refresh"}:
            bench_province(
                args.scale,
                work,
                spark=not only or "spark" in only,
                province=not only or "province" in only,
                refresh=not only or "refresh" in only,
            )
        for section in (
            "burden",
            "tutoring",
            "rectification",
            "quality",
            "workforce",
            "planning",
            "groups",
            "load",
            "pages",
            "safety",
        ):
            # Module benches: bench/<module>.py exposes run(work_dir, kinds) -> table rows.
            if (not only or section in only) and importlib.util.find_spec(f"bench.{section}"):
                module = importlib.import_module(f"bench.{section}")
                ROWS.extend(
                    (m, f, v, p + (f"  {r}" if r else "")) for m, f, v, p, r in module.run(work, kinds)
                )
        if not only or "web" in only:
            from bench.web import bench_web

            bench_web(
                work, users=[int(u) for u in args.users.split(",") if u], uploads=args.uploads, report=report
            )
    print(f"bench finished in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
