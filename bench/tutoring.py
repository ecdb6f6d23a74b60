"""Tutoring: the daily prepaid-fee risk recomputation (跑路预警) for every institution over a year of
orders and lesson consumption.

    run(work_dir, kinds) -> [(module, figure, value, peer, speed-up), ...] (speed-up: harness.speedup)

- on each of `kinds` ("sqlite", "postgres"): a fresh database with the demo district (`demo --seed 1`:
  300 institutions, ~1.1M order/consumption/statement rows), then the score computation (the Ibis
  expression of edugov.tutoring.risk_inputs plus the points of risk.score) and the full daily
  recomputation (`risk_compute`: scores, snapshots and alerts written);
- on DuckDB at --scale 50: the demo district's tutoring tables written 50 times over to Parquet
  (institution, order and statement ids offset per copy: 15,000 institutions, ~57M rows), read
  through Workspace.from_warehouse, the same expression;
- next to each: `pandas_scores`, an independent plain-pandas implementation of the rules in
  docs/tutoring-risk-score.md, over the same rows (Parquet). Both must give every institution the
  same score and level.

Each step runs in its own process (`python -m bench.tutoring STEP ...`), printing one JSON line.
Standalone: `python -m bench.tutoring run [--kinds sqlite,postgres] [--scale 50]`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from bench.harness import PG_ADMIN, Database, run_step, same_json, speedup


def _bench_day() -> dt.date:
    """The day the demo is built for and the scores are computed on: today in the demo's time zone,
    pinned by EDUGOV_BENCH_DAY (set by `run`) so that steps in separate processes agree."""
    pinned = os.environ.get("EDUGOV_BENCH_DAY")
    return dt.date.fromisoformat(pinned) if pinned else dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()


ON = _bench_day()
SCALE = 50
ROUNDS = 3
MODULE = "tutoring"

# The tables the computation reads, by logical name (files in the warehouse directories).
TABLES = {
    "institution": "tutoring.Institution",
    "order": "tutoring.Order",
    "consumption": "tutoring.Consumption",
    "refund": "tutoring.Refund",
    "statement": "tutoring.CustodyStatement",
    "complaint": "tutoring.Complaint",
    "status_change": "tutoring.StatusChange",
}


# Plain pandas peer ------------------------------------------------------------------------------


def _read(directory: Path, name: str, columns: list[str]) -> pd.DataFrame:
    return pd.read_parquet(directory / f"{name}.parquet", columns=columns)


def pandas_scores(directory: Path, on: dt.date) -> dict[int, tuple[int, str]]:
    """Every institution's (score, level) as of `on`, from the rules as documented, in pandas."""
    day = pd.Timestamp(on)
    d30, d60, d90 = day - pd.Timedelta(days=30), day - pd.Timedelta(days=60), day - pd.Timedelta(days=90)
    inst = _read(directory, "institution", ["id", "status", "custody_mode", "risk_reserve"]).set_index("id")
    idx = inst.index

    def by_inst(frame: pd.DataFrame, mask: Any, col: str = "amount", how: str = "sum") -> pd.Series:
        part = frame.loc[mask]
        grouped = part.groupby("institution_id")[col]
        out = grouped.sum() if how == "sum" else grouped.size()
        return out.reindex(idx, fill_value=0)

    o = _read(directory, "order", ["institution_id", "paid_on", "amount"])
    o["paid_on"] = pd.to_datetime(o["paid_on"])
    o = o[o["paid_on"] <= day]
    sales = by_inst(o, slice(None))
    sales_old = by_inst(o, o["paid_on"] <= d30)
    sales_30 = by_inst(o, o["paid_on"] > d30)
    del o
    c = _read(directory, "consumption", ["institution_id", "date", "amount"])
    c["date"] = pd.to_datetime(c["date"])
    c = c[c["date"] <= day]
    consumed = by_inst(c, slice(None))
    consumed_old = by_inst(c, c["date"] <= d30)
    cons_30 = by_inst(c, c["date"] > d30)
    cons_prev = by_inst(c, (c["date"] > d60) & (c["date"] <= d30))
    del c
    r = _read(directory, "refund", ["institution_id", "status", "requested_on", "paid_on", "amount"])
    r["requested_on"] = pd.to_datetime(r["requested_on"])
    r["paid_on"] = pd.to_datetime(r["paid_on"])
    paid = r[(r["status"] == "paid") & (r["paid_on"] <= day)]
    refunded = by_inst(paid, slice(None))
    refunded_old = by_inst(paid, paid["paid_on"] <= d30)
    waiting = (r["requested_on"] <= day) & (
        (r["status"] == "requested") | ((r["status"] == "paid") & (r["paid_on"] > day))
    )
    backlog = by_inst(r, waiting, how="size")
    cp = _read(directory, "complaint", ["institution_id", "submitted_on"]).dropna(subset=["institution_id"])
    cp["submitted_on"] = pd.to_datetime(cp["submitted_on"])
    complaints = by_inst(cp, (cp["submitted_on"] > d30) & (cp["submitted_on"] <= day), "submitted_on", "size")
    sc = _read(directory, "status_change", ["institution_id", "to_status", "changed_on"])
    sc["changed_on"] = pd.to_datetime(sc["changed_on"])
    adverse = by_inst(
        sc,
        sc["to_status"].isin(["rectifying", "suspended"])
        & (sc["changed_on"] > d90)
        & (sc["changed_on"] <= day),
        "changed_on",
        "size",
    )
    st = _read(directory, "statement", ["institution_id", "date", "balance"])
    st["date"] = pd.to_datetime(st["date"])

    def latest(upto: pd.Timestamp) -> tuple[pd.Series, pd.Series]:
        rows = st[st["date"] <= upto].sort_values(["institution_id", "date"])
        last = rows.drop_duplicates("institution_id", keep="last").set_index("institution_id")
        return last["balance"].reindex(idx, fill_value=0.0), last["date"].reindex(idx)

    bal_now, last_day = latest(day)
    bal_old, _ = latest(d30)

    cents = lambda s: np.round(s.astype("float64"), 2)  # noqa: E731
    reserve = cents(inst["risk_reserve"])
    unconsumed = cents(sales) - cents(consumed) - cents(refunded)
    unconsumed_old = cents(sales_old) - cents(consumed_old) - cents(refunded_old)
    custody = cents(bal_now) + reserve
    with np.errstate(divide="ignore", invalid="ignore"):
        cov = pd.Series(np.where(unconsumed > 0, custody / unconsumed, np.nan), index=idx)
        cov_old = pd.Series(
            np.where(unconsumed_old > 0, (cents(bal_old) + reserve) / unconsumed_old, np.nan), index=idx
        )
    s30, c30, cprev = cents(sales_30), cents(cons_30), cents(cons_prev)
    has_cov = cov.notna()
    pts = np.select([has_cov & (cov < 0.5), has_cov & (cov < 0.8), has_cov & (cov < 1.0)], [40, 25, 10], 0)
    pts += np.where(has_cov & (cov < 1.0) & cov_old.notna() & (cov_old - cov >= 0.2), 10, 0)
    pts += np.where((s30 > 0) & (s30 > 2 * c30), 15, 0)
    pts += np.where((cprev > 0) & (c30 < cprev / 2), 15, 0)
    pts += np.select([backlog >= 10, backlog >= 3], [20, 10], 0)
    pts += np.select([complaints >= 5, complaints >= 2], [15, 8], 0)
    closed = inst["status"].isin(["revoked", "closed"]) & (unconsumed > 0)
    pts += np.where(closed, 30, np.where(adverse > 0, 10, 0))
    stale = (day - last_day).dt.days
    bank = (unconsumed > 0) & (inst["custody_mode"] == "custody") & (last_day.isna() | (stale > 7))
    pts += np.where(bank, 10, 0)
    pts = np.minimum(pts, 100)
    levels = np.select([pts >= 60, pts >= 30], ["high", "medium"], "low")
    return {int(i): (int(p), str(lv)) for i, p, lv in zip(idx, pts, levels, strict=True)}


# Steps, each in its own process -----------------------------------------------------------------


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edugov.settings")
    import django

    django.setup()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def step_build() -> dict[str, Any]:
    _django()
    from django.core.management import call_command

    from edugov.audit.context import acting
    from edugov.audit.models import AuditSource
    from edugov.demo.services import demo_build

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with acting(source=AuditSource.COMMAND):
        result = demo_build(seed=1, scale=1, today=ON)
    return {"seconds": time.perf_counter() - started, "counts": result.counts}


def _export(directory: Path) -> int:
    """The computation's tables as Parquet (dates as dates) plus a warehouse manifest."""
    from django.apps import apps

    from edugov.indicators.backends import read_model_frame

    directory.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {"tables": {}}
    rows = 0
    for name, label in TABLES.items():
        model = apps.get_model(label)
        frame = read_model_frame(model)
        for f in model._meta.concrete_fields:
            if f.get_internal_type() == "DateField":
                frame[f.column] = frame[f.column].dt.date
        frame.to_parquet(directory / f"{name}.parquet", index=False)
        manifest["tables"][name] = {"model": label, "files": [f"{name}.parquet"]}
        rows += len(frame)
    (directory / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return rows


def _ours(result: dict[int, Any]) -> dict[str, list[Any]]:
    return {str(i): [r.score, r.level] for i, (_, r) in sorted(result.items())}


def step_measure(out_dir: str) -> dict[str, Any]:
    _django()
    from django.db import connection

    from edugov.tutoring import risk_inputs
    from edugov.tutoring.models import Consumption, CustodyStatement, Institution, Order
    from edugov.tutoring.services import risk_compute

    started = time.perf_counter()
    result = risk_inputs.scores(on=ON)
    first = time.perf_counter() - started
    warm = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        result = risk_inputs.scores(on=ON)
        warm.append(time.perf_counter() - started)
    full = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        risk_compute(on=ON)
        full.append(time.perf_counter() - started)
    out = Path(out_dir)
    rows = _export(out / "district")
    (out / "ours.json").write_text(json.dumps(_ours(result)), encoding="utf-8")
    return {
        "vendor": connection.vendor,
        "first": first,
        "seconds": sorted(warm)[len(warm) // 2],
        "full": sorted(full)[len(full) // 2],
        "institutions": Institution.objects.count(),
        "money_rows": Order.objects.count() + Consumption.objects.count() + CustodyStatement.objects.count(),
        "exported_rows": rows,
    }


# Columns holding ids that must differ from copy to copy.
_OFFSETS = {
    "institution": ["id"],
    "order": ["id", "institution_id"],
    "consumption": ["id", "institution_id", "order_id"],
    "refund": ["id", "institution_id", "order_id"],
    "statement": ["id", "institution_id"],
    "complaint": ["id", "institution_id"],
    "status_change": ["id", "institution_id"],
}


def step_replicate(district: str, province: str, copies: str) -> dict[str, Any]:
    """The district's tables written `copies` times over, ids offset per copy (DuckDB, Parquet)."""
    import duckdb

    src, dst, n = Path(district), Path(province), int(copies)
    dst.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    started = time.perf_counter()

    def files(name: str) -> str:
        return str(src / f"{name}.parquet")

    offsets = {
        name: 1
        + int(con.execute(f"SELECT coalesce(max(id), 0) FROM read_parquet('{files(name)}')").fetchone()[0])
        for name in TABLES
    }
    refers = {"id": None, "institution_id": "institution", "order_id": "order"}
    rows = 0
    for name in TABLES:
        cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{files(name)}')").fetchall()]
        select = ", ".join(
            f'"{c}" + k * {offsets[refers[c] or name]} AS "{c}"' if c in _OFFSETS[name] else f'"{c}"'
            for c in cols
        )
        target = str(dst / f"{name}.parquet")
        con.execute(
            f"COPY (SELECT {select} FROM read_parquet('{files(name)}'), range({n}) AS r(k)) "
            f"TO '{target}' (FORMAT parquet, COMPRESSION zstd)"
        )
        rows += int(con.execute(f"SELECT count(*) FROM read_parquet('{target}')").fetchone()[0])
    (dst / "manifest.json").write_text((src / "manifest.json").read_text(encoding="utf-8"), encoding="utf-8")
    return {"seconds": time.perf_counter() - started, "rows": rows}


def step_duckdb(province: str, out_json: str) -> dict[str, Any]:
    _django()
    from edugov.indicators.backends import Workspace
    from edugov.tutoring import risk_inputs

    started = time.perf_counter()
    ws = Workspace.from_warehouse("duckdb", province, risk_inputs.RISK_TABLES)
    result = risk_inputs.scores(on=ON, ws=ws)
    first = time.perf_counter() - started
    started = time.perf_counter()
    ws = Workspace.from_warehouse("duckdb", province, risk_inputs.RISK_TABLES)
    result = risk_inputs.scores(on=ON, ws=ws)
    seconds = time.perf_counter() - started
    Path(out_json).write_text(json.dumps(_ours(result)), encoding="utf-8")
    return {"first": first, "seconds": seconds, "institutions": len(result), "peak_mb": _peak_mb()}


def step_pandas(directory: str, out_json: str) -> dict[str, Any]:
    started = time.perf_counter()
    result = pandas_scores(Path(directory), ON)
    seconds = time.perf_counter() - started
    Path(out_json).write_text(
        json.dumps({str(i): [s, lv] for i, (s, lv) in sorted(result.items())}), encoding="utf-8"
    )
    return {"seconds": seconds, "institutions": len(result), "peak_mb": _peak_mb()}


STEPS = {
    "build": step_build,
    "measure": step_measure,
    "replicate": step_replicate,
    "duckdb": step_duckdb,
    "pandas": step_pandas,
}


# Driver -----------------------------------------------------------------------------------------


def _step(env: dict[str, str] | None, *args: str) -> dict[str, Any]:
    return run_step("bench.tutoring", env, *args)


def run(work_dir: Path, kinds: list[str], scale: int = SCALE) -> list[tuple[str, str, str, str, str]]:
    rows: list[tuple[str, str, str, str, str]] = []

    def add(figure: str, value: str, peer: str = "", ratio: str = "") -> None:
        rows.append((MODULE, figure, value, peer, ratio))
        print(
            f"  {MODULE:<14} {figure:<58} {value:>14}  {peer}{'  ' + ratio if ratio else ''}",
            flush=True,
        )

    work_dir = Path(work_dir)
    os.environ.setdefault("EDUGOV_BENCH_DAY", ON.isoformat())  # every step's process: the same day
    district_dir: Path | None = None
    for kind in kinds:
        out = work_dir / f"tutoring_{kind}"
        with Database(kind, work_dir) as db:
            built = _step(db.env(), "build")
            m = _step(db.env(), "measure", str(out))
        peer = _step(None, "pandas", str(out / "district"), str(out / "peer.json"))
        n, bad = same_json(out / "ours.json", out / "peer.json")
        add(
            f"demo district on {kind}: {m['institutions']} institutions, {m['money_rows']:,} money rows",
            f"{built['seconds']:.0f} s",
            "demo --seed 1 (every module)",
        )
        add(
            f"  daily risk scores, all institutions ({kind})",
            f"{m['seconds']:.2f} s",
            f"pandas (Parquet) {peer['seconds']:.2f} s; first call {m['first']:.2f} s",
            speedup("pandas", peer["seconds"], m["seconds"]),
        )
        add(f"  daily recomputation with snapshots and alerts ({kind})", f"{m['full']:.2f} s", "target < 2 s")
        add(
            f"  same score and level as pandas ({kind}, {n} institutions)",
            "yes" if not bad else f"NO ({bad})",
        )
        district_dir = district_dir or out / "district"
    if district_dir is not None and scale:
        province = work_dir / f"tutoring_scale{scale}"
        rep = _step(None, "replicate", str(district_dir), str(province), str(scale))
        duck = _step(None, "duckdb", str(province), str(work_dir / "tutoring_duck.json"))
        peer = _step(None, "pandas", str(province), str(work_dir / "tutoring_duck_peer.json"))
        n, bad = same_json(work_dir / "tutoring_duck.json", work_dir / "tutoring_duck_peer.json")
        add(
            f"--scale {scale}: demo district ×{scale} to Parquet ({rep['rows']:,} rows)",
            f"{rep['seconds']:.1f} s",
            "DuckDB COPY, ids offset per copy",
        )
        add(
            f"  daily risk scores on DuckDB ({duck['institutions']:,} institutions)",
            f"{duck['seconds']:.1f} s",
            f"pandas {peer['seconds']:.1f} s (peak {peer['peak_mb']:.0f} MB); first {duck['first']:.1f} s; "
            f"peak {duck['peak_mb']:.0f} MB; target < 60 s",
            speedup("pandas", peer["seconds"], duck["seconds"]),
        )
        add(
            f"  same score and level as pandas (DuckDB, {n:,} institutions)",
            "yes" if not bad else f"NO ({bad})",
        )
    return rows


def _pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return True
    except Exception:
        return False


def main(argv: list[str]) -> None:
    if argv and argv[0] in STEPS:
        print("BENCH " + json.dumps(STEPS[argv[0]](*argv[1:]), default=str), flush=True)
        return
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.tutoring")
    parser.add_argument("command", choices=["run"])
    parser.add_argument("--kinds", default="")
    parser.add_argument("--scale", type=int, default=SCALE)
    args = parser.parse_args(argv)
    kinds = [k for k in args.kinds.split(",") if k] or (
        ["sqlite"] + (["postgres"] if _pg_available() else [])
    )
    with tempfile.TemporaryDirectory(prefix="edugov-bench-tutoring-") as tmp:
        run(Path(tmp), kinds, scale=args.scale)


if __name__ == "__main__":
    main(sys.argv[1:])
