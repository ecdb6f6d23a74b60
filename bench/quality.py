"""Quality (质量监测·体质健康): value-added for every pair of assessments and fitness scoring of every
stored result of the demo district, each against a plain-pandas peer computing the same figures.

    run(work_dir, kinds) -> [(module, figure, value, peer, speed-up), ...] (speed-up: harness.speedup)

- on each of `kinds`: a fresh database with the demo district (`build-demo`, scale 1), then one
  step in a fresh process: the school-level value-added fit (`selectors._fit`, the empirical-Bayes
  model of valueadded.py) for every pair of assessments the pages offer, timed from the database,
  and the same estimator written in pandas (groupby) on the same pupils: the effects and intervals
  must agree to 1e-9; then every fitness result's raw measures read back and scored by the
  vectorised tables (`fitness_tables.score_arrays`), against the pupil-by-pupil scorer
  (`score_measures`, Decimal) applied row by row with pandas: the totals must be identical.

Standalone: `python -m bench.quality run [--kinds sqlite] [--scale 1]`.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import Database, run_step, speedup

MODULE = "quality"


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edugov.settings")
    import django

    django.setup()


def _pandas_value_added(frame: Any) -> Any:
    """The estimator of valueadded.py (within slope, DerSimonian-Laird between variance,
    shrinkage, 95% interval) in pandas: a peer for speed and a check of the figures."""
    import numpy as np
    import pandas as pd

    g = frame.groupby("group")
    n = g.size()
    yc = frame["post"] - g["post"].transform("mean")
    xc = frame["prior"] - g["prior"].transform("mean")
    beta = float((xc * yc).sum() / (xc * xc).sum())
    frame = frame.assign(resid=frame["post"] - beta * frame["prior"])
    rbar = frame.groupby("group")["resid"].mean()
    within = frame["resid"] - frame["group"].map(rbar)
    sigma2 = float((within**2).sum()) / (len(frame) - len(n) - 1)
    v = sigma2 / n
    w0 = 1 / v
    mu0 = float((w0 * rbar).sum() / w0.sum())
    q = float((w0 * (rbar - mu0) ** 2).sum())
    denom = float(w0.sum() - (w0**2).sum() / w0.sum())
    tau2 = max(0.0, (q - (len(n) - 1)) / denom) if denom > 0 else 0.0
    w = 1 / (tau2 + v)
    mu = float((w * rbar).sum() / w.sum())
    lam = tau2 / (tau2 + v)
    u = lam * (rbar - mu)
    half = 1.959963984540054 * np.sqrt(lam * v + (1 - lam) ** 2 / float(w.sum()))
    return pd.DataFrame({"effect": u, "low": u - half, "high": u + half})


def step_score() -> dict[str, Any]:
    _django()
    import numpy as np
    import pandas as pd

    from edugov.quality import fitness_tables as ft
    from edugov.quality import selectors
    from edugov.quality.models import MEASURES, FitnessResult, Result

    out: dict[str, Any] = {}
    # Value added ---------------------------------------------------------------------------
    started = time.perf_counter()
    pairs = selectors.assessment_pairs()
    fits = [selectors._fit(prior, post, "school")[0] for prior, post in pairs]
    out["va_seconds"] = time.perf_counter() - started
    out["va_pairs"] = len(pairs)
    out["va_pupils"] = sum(f.n_pupils for f in fits)
    started = time.perf_counter()
    worst = 0.0
    for (prior, post), fit in zip(pairs, fits, strict=True):
        before = pd.DataFrame(
            list(Result.objects.filter(assessment=prior).values_list("pupil_key", "score")),
            columns=["key", "prior"],
        )
        after = pd.DataFrame(
            list(Result.objects.filter(assessment=post).values_list("pupil_key", "score", "school_id")),
            columns=["key", "post", "group"],
        )
        frame = after.merge(before, on="key").astype({"post": float, "prior": float})
        peer = _pandas_value_added(frame)
        for e in fit.effects:
            worst = max(
                worst, abs(peer.loc[e.group, "effect"] - e.effect), abs(peer.loc[e.group, "low"] - e.low)
            )
    out["va_peer_seconds"] = time.perf_counter() - started
    out["va_max_difference"] = worst
    # Fitness -------------------------------------------------------------------------------
    fields = [f for f, _, _ in MEASURES]
    started = time.perf_counter()
    rows = pd.DataFrame(list(FitnessResult.objects.values_list("pk", "grade", "sex", "total", *fields)))
    rows.columns = ["pk", "grade", "sex", "total", *fields]
    out["fitness_read_seconds"] = time.perf_counter() - started
    started = time.perf_counter()
    totals = pd.Series(0, index=rows.index, dtype="int64")
    for (grade, sex), part in rows.groupby(["grade", "sex"]):
        measures = {f: part[f].astype(float).to_numpy() for f in fields if part[f].notna().all()}
        scored = ft.score_arrays(grade=int(grade), sex=str(sex), measures=measures)
        totals.loc[part.index] = scored["total"]
    out["fitness_seconds"] = time.perf_counter() - started
    out["fitness_results"] = len(rows)
    started = time.perf_counter()
    sample = rows.head(20_000)

    def one(r: Any) -> int:
        measures = {f: r[f] for f in fields if r[f] is not None and not pd.isna(r[f])}
        return int(ft.score_measures(grade=int(r["grade"]), sex=r["sex"], measures=measures).score.total * 10)

    peer_totals = sample.apply(one, axis=1)
    out["fitness_peer_seconds_per_row"] = (time.perf_counter() - started) / max(1, len(sample))
    out["fitness_mismatches"] = int((peer_totals != totals.loc[sample.index]).sum())
    stored = (rows["total"].astype(float) * 10).round().astype("int64")
    out["fitness_stored_mismatches"] = int((stored != totals).sum())
    out["bands"] = np.bincount(np.asarray(totals) >= 600).tolist()
    return out


def run(work_dir: Path, kinds: list[str], scale: str = "1") -> list[tuple[str, str, str, str, str]]:
    from bench.__main__ import step

    rows: list[tuple[str, str, str, str, str]] = []

    def add(figure: str, value: str, peer: str = "", ratio: str = "") -> None:
        rows.append((MODULE, figure, value, peer, ratio))
        print(f"  {MODULE:<14} {figure:<58} {value:>14}  {peer}  {ratio}", flush=True)

    for kind in kinds:
        with Database(kind, Path(work_dir)) as db:
            step(db, "build-demo", scale)
            r = run_step("bench.quality", db.env(), "score")
            add(
                f"value-added, {r['va_pairs']} pairs, {r['va_pupils']:,} pupils ({kind})",
                f"{r['va_seconds']:.2f} s",
                f"pandas peer {r['va_peer_seconds']:.2f} s, max diff {r['va_max_difference']:.1e}",
                speedup("pandas", r["va_peer_seconds"], r["va_seconds"]),
            )
            peer_all = r["fitness_peer_seconds_per_row"] * r["fitness_results"]
            add(
                f"fitness scoring, {r['fitness_results']:,} results ({kind})",
                f"{r['fitness_seconds']:.2f} s",
                f"pupil-by-pupil peer ~{peer_all:.1f} s, {r['fitness_mismatches']} mismatches, "
                f"{r['fitness_stored_mismatches']} vs stored",
                speedup("pupil-by-pupil pandas", peer_all, r["fitness_seconds"]),
            )
    return rows


def main(argv: list[str]) -> None:
    if argv and argv[0] == "score":
        import json

        print("BENCH " + json.dumps(step_score()), flush=True)
        return
    parser = argparse.ArgumentParser(prog="python -m bench.quality")
    parser.add_argument("command", choices=["run"])
    parser.add_argument("--kinds", default="sqlite")
    parser.add_argument("--scale", default="1")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="edugov-bench-quality-") as tmp:
        run(Path(tmp), [k for k in args.kinds.split(",") if k], args.scale)


if __name__ == "__main__":
    main(sys.argv[1:])
