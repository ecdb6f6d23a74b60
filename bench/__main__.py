"""`make bench`: every figure measured in this run, next to the peer it is compared with.

    python -m bench [--rows 1000000] [--peer-rows 100000] [--scale 10] [--users 50,200]
                    [--uploads 300] [--only import,peer,indicators,province,spark,web]

Sections: import (1M class rows, SQLite and PostgreSQL), peer (django-import-export), indicators
(优质均衡 of the demo district on SQLite and PostgreSQL vs plain pandas), province (demo at --scale,
warehouse export, DuckDB over Parquet vs plain pandas, every district; the 双减 weekly compliance
and the tutoring risk scores of the whole province on SQLite, on DuckDB over Parquet and, with
spark, on Spark: the same class-weeks and scores), spark (Spark local on the same warehouse), web
(locust against gunicorn + PostgreSQL + Redis; deadline-peak uploads).

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

from bench.harness import PG_ADMIN, Database, run_step, same_json


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
    ROWS.append((module, figure, value, peer + (f"  ×{ratio}" if ratio else "")))
    print(f"  {module:<14} {figure:<58} {value:>14}  {peer}{'  ratio ' + ratio if ratio else ''}", flush=True)


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
        f"{peer['seconds'] / ours['seconds']:.1f}",
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
        f"{peer_bad['seconds'] / ours_bad['seconds']:.1f}",
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
                f"{ours['seconds'] / peer['seconds']:.1f}",
            )
            report("indicators", f"  same values as pandas ({kind})", "yes" if not bad else f"NO ({bad})")


def bench_province(scale: float, work: Path, spark: bool, province: bool) -> None:
    with Database("sqlite", work) as db:
        built = step(db, "build-demo", str(scale))
        counts = built["counts"]
        report(
            "demo",
            f"demo --scale {scale:g} on SQLite: {counts.get('学校', 0):,} schools, "
            f"{counts.get('班级（三个学年）', 0):,} classes",
            f"{built['seconds']:.0f} s",
            f"peak {built['peak_mb']:.0f} MB",
        )
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
                f"{ours['seconds'] / peer['seconds']:.1f}",
            )
            report("indicators", "  same values as pandas (province)", "yes" if not bad else f"NO ({bad})")
            every = step(db, "all-districts", "duckdb", str(wh))
            report(
                "indicators",
                f"  each of {every['districts']} districts evaluated in turn on DuckDB",
                f"{every['seconds']:.1f} s",
                f"peak {every['peak_mb']:.0f} MB",
            )
        if spark:
            duck_json = work / "prov_duck.json"
            if not duck_json.exists():
                step(db, "evaluate", "duckdb", "province", str(wh), str(duck_json))
            spark_json = work / "prov_spark.json"
            sp = step(db, "evaluate", "spark", "province", str(wh), str(spark_json))
            units, bad = _compare(duck_json, spark_json)
            report(
                "indicators",
                f"优质均衡 province-wide on Spark local[2] over Parquet ({units:,} units)",
                f"{sp['seconds']:.1f} s",
                f"first run incl. session start {sp['first_seconds']:.1f} s",
            )
            report("indicators", "  same values as DuckDB (Spark)", "yes" if not bad else f"NO ({bad})")
        if province:
            bench_modules(db, wh, work, spark)


def bench_modules(db: Database, wh: Path, work: Path, spark: bool) -> None:
    """The 双减 weekly compliance and the tutoring risk scores of the whole demo province on the
    operational database (SQLite), on DuckDB over the warehouse and (with spark) on Spark."""
    runs = [("sqlite", "-")] + [("duckdb", str(wh))] + ([("spark", str(wh))] if spark else [])
    reference = None
    for engine, source in runs:
        digest = work / f"modules_{engine}.json"
        m = step(db, "modules", engine, source, str(digest))
        where = "the database" if source == "-" else "Parquet"
        report(
            "burden",
            f"weekly compliance province-wide, {engine} over {where} ({m['class_weeks']:,} class-weeks)",
            f"{m['burden_seconds']:.1f} s",
            f"first call {m['burden_first']:.1f} s; peak {m['peak_mb']:.0f} MB",
        )
        report(
            "tutoring",
            f"risk scores province-wide, {engine} over {where} ({m['institutions']:,} institutions)",
            f"{m['tutoring_seconds']:.1f} s",
            f"first call {m['tutoring_first']:.1f} s",
        )
        if reference is None:
            reference = digest
            continue
        keys, bad = same_json(reference, digest)  # exact: minutes, averages, verdicts, scores, reasons
        report(
            "indicators",
            f"  same class-weeks and scores as SQLite ({engine}, {keys:,})",
            "yes" if not bad else f"NO ({bad})",
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
        help="comma-separated sections: import,peer,indicators,province,spark,burden,tutoring,"
        "rectification,load,web",
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
        if not only or "province" in only or "spark" in only:
            bench_province(
                args.scale, work, spark=not only or "spark" in only, province=not only or "province" in only
            )
        for section in ("burden", "tutoring", "rectification", "load"):
            # Module benches: bench/<module>.py exposes run(work_dir, kinds) -> table rows.
            if (not only or section in only) and importlib.util.find_spec(f"bench.{section}"):
                module = importlib.import_module(f"bench.{section}")
                ROWS.extend(
                    (m, f, v, p + (f"  ×{r}" if r else "")) for m, f, v, p, r in module.run(work, kinds)
                )
        if not only or "web" in only:
            from bench.web import bench_web

            bench_web(
                work, users=[int(u) for u in args.users.split(",") if u], uploads=args.uploads, report=report
            )
    print(f"bench finished in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
