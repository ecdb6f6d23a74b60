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

- province scale (no database): `--province-scale` (50 by default: 3,000 schools, about 1.2 M
  pupils' prior and post scores and 1.2 M fitness results over every grade the schools have, 1-12,
  each sex alike), generated straight to Parquet. Value added three ways on the same file:
  edugov's estimator (`valueadded.fit_value_added`, numpy), the same estimator with its per-pupil
  passes as one DuckDB aggregation over the Parquet file (the per-school sums; the small
  per-school algebra after it in numpy), and the pandas peer; effects and intervals must agree.
  Fitness: DuckDB reads each grade and sex from the Parquet file and the vectorised tables score
  it; the peer is the pupil-by-pupil scorer on a sample of about 5,000 rows, as many from each
  grade and sex (its time scaled to all rows), the totals compared on that sample.

Standalone: `python -m bench.quality run [--kinds sqlite] [--scale 1] [--province-scale 50]`,
or only the province: `python -m bench.quality province [--province-scale 50]`.
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


VA_SUMS_SQL = """
SELECT school, count(*) AS n, sum(prior) AS sx, sum(post) AS sy, sum(prior * prior) AS sxx,
       sum(prior * post) AS sxy, sum(post * post) AS syy
FROM read_parquet(?) GROUP BY school ORDER BY school
"""


def _value_added_from_sums(s: dict[str, Any]) -> Any:
    """valueadded.fit_value_added's estimator from each school's sums (one pass over the pupils,
    done by DuckDB): the within slope, residual means and within variance follow from n, Σx, Σy,
    Σx², Σxy, Σy² per school; then DerSimonian-Laird, shrinkage and the 95% interval."""
    import numpy as np
    import pandas as pd

    from edugov.quality.valueadded import Z95

    n = s["n"].astype(np.float64)
    sx, sy, sxx, sxy, syy = (s[k].astype(np.float64) for k in ("sx", "sy", "sxx", "sxy", "syy"))
    beta = float((sxy - sx * sy / n).sum() / (sxx - sx * sx / n).sum())
    rbar = (sy - beta * sx) / n
    within = float((syy - 2 * beta * sxy + beta * beta * sxx - n * rbar * rbar).sum())
    sigma2 = within / (float(n.sum()) - len(n) - 1)
    v = sigma2 / n
    w0 = 1 / v
    mu0 = float(w0 @ rbar / w0.sum())
    q = float(w0 @ (rbar - mu0) ** 2)
    denom = float(w0.sum() - (w0 @ w0) / w0.sum())
    tau2 = max(0.0, (q - (len(n) - 1)) / denom) if denom > 0 else 0.0
    w = 1 / (tau2 + v)
    mu = float(w @ rbar / w.sum())
    lam = tau2 / (tau2 + v)
    u = lam * (rbar - mu)
    half = Z95 * np.sqrt(lam * v + (1 - lam) ** 2 / float(w.sum()))
    return pd.DataFrame({"effect": u, "low": u - half, "high": u + half}, index=s["school"])


def _school_grades(tables: Any) -> list[int]:
    """Every school grade some kind of school teaches (registry.SCHOOL_TYPE_GRADES: 1-12; the
    kindergarten levels, 0 and below, are outside the fitness standard), each of which must have
    its tables encoded for both sexes: the bench refuses to leave one out."""
    from edugov.registry.models import SCHOOL_TYPE_GRADES

    grades = sorted({g for span in SCHOOL_TYPE_GRADES.values() for g in span if g >= 1})
    missing = sorted(set(grades) - set(tables.grades()))
    if missing:
        raise SystemExit(f"fitness tables missing for grades {missing}")
    return grades


def step_province(scale: float) -> dict[str, Any]:
    _django()
    import duckdb
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    from edugov.quality import fitness_tables as ft
    from edugov.quality.demo import _fitness_measures
    from edugov.quality.models import MEASURES
    from edugov.quality.valueadded import fit_value_added, simulate

    out: dict[str, Any] = {"scale": scale}
    with tempfile.TemporaryDirectory(prefix="edugov-bench-province-") as tmp:
        work = Path(tmp)
        # Value added ------------------------------------------------------------------------
        started = time.perf_counter()
        post, prior, groups, truth = simulate(seed=17, n_groups=max(2, round(60 * scale)), pupils=(150, 650))
        va_path = str(work / "value_added.parquet")
        pq.write_table(pa.table({"school": groups, "prior": prior, "post": post}), va_path)
        out["va_generate_seconds"] = time.perf_counter() - started
        out["va_pupils"], out["va_schools"] = len(groups), len(truth)
        started = time.perf_counter()
        table = pq.read_table(va_path)
        fit = fit_value_added(
            post=table["post"].to_numpy(), prior=table["prior"].to_numpy(), groups=table["school"].to_numpy()
        )
        out["va_numpy_seconds"] = time.perf_counter() - started
        started = time.perf_counter()
        con = duckdb.connect()
        sums = con.execute(VA_SUMS_SQL, [va_path]).fetchnumpy()
        duck = _value_added_from_sums(sums)
        out["va_duckdb_seconds"] = time.perf_counter() - started
        started = time.perf_counter()
        frame = pd.read_parquet(va_path).rename(columns={"school": "group"})
        peer = _pandas_value_added(frame)
        out["va_pandas_seconds"] = time.perf_counter() - started
        ours = pd.DataFrame(
            [(e.group, e.effect, e.low, e.high) for e in fit.effects],
            columns=["group", "effect", "low", "high"],
        ).set_index("group")
        cols = ["effect", "low", "high"]
        out["va_numpy_vs_pandas"] = float((ours[cols] - peer.loc[ours.index, cols]).abs().to_numpy().max())
        out["va_duckdb_vs_pandas"] = float((duck[cols] - peer.loc[duck.index, cols]).abs().to_numpy().max())
        known = np.array([truth[g] for g in ours.index])
        out["va_recovery_correlation"] = float(np.corrcoef(known, ours["effect"])[0, 1])
        out["va_coverage"] = float(((ours["low"] <= known) & (known <= ours["high"])).mean())
        # Fitness ----------------------------------------------------------------------------
        started = time.perf_counter()
        rng = np.random.default_rng(23)
        grades = _school_grades(ft.tables())
        out["fitness_grades"] = grades
        groups_n = 2 * len(grades)  # each grade, each sex
        # The same 1.2 M results at scale 50 as when only grades 1 and 7 were simulated, now
        # spread over every grade and sex.
        per_group = max(1, round(24_000 * scale / groups_n))
        fields = [f for f, _, _ in MEASURES]
        parts = []
        for grade in grades:
            for sex in ("M", "F"):
                m = _fitness_measures(
                    rng, grade, sex, per_group, dict.fromkeys(("bmi", "run", "vital", "reach"), 0.0), 0.0
                )
                cols = {f: m.get(f, np.full(per_group, np.nan)) for f in fields}
                parts.append(
                    pa.table({"grade": np.full(per_group, grade), "sex": np.full(per_group, sex), **cols})
                )
        fit_path = str(work / "fitness.parquet")
        pq.write_table(pa.concat_tables(parts), fit_path)
        out["fitness_generate_seconds"] = time.perf_counter() - started
        out["fitness_results"] = groups_n * per_group
        started = time.perf_counter()
        totals: dict[tuple[int, str], Any] = {}
        for grade in grades:
            for sex in ("M", "F"):
                got = con.execute(
                    f"SELECT {', '.join(fields)} FROM read_parquet(?) WHERE grade = ? AND sex = ?",
                    [fit_path, grade, sex],
                ).fetchnumpy()
                measures = {f: np.asarray(got[f], dtype=np.float64) for f in fields}
                measures = {f: a for f, a in measures.items() if not np.isnan(a).any()}
                totals[(grade, sex)] = ft.score_arrays(grade=grade, sex=sex, measures=measures)["total"]
        out["fitness_duckdb_seconds"] = time.perf_counter() - started
        started = time.perf_counter()
        rows = pd.read_parquet(fit_path)
        # About 5,000 rows for the pupil-by-pupil peer, the same number from every grade and sex.
        sample = rows.groupby(["grade", "sex"], group_keys=False).head(-(-5_000 // groups_n))
        out["fitness_sample"] = len(sample)

        def one(r: Any) -> int:
            measures = {f: r[f] for f in fields if not pd.isna(r[f])}
            return int(
                ft.score_measures(grade=int(r["grade"]), sex=r["sex"], measures=measures).score.total * 10
            )

        peer_totals = sample.apply(one, axis=1)
        out["fitness_peer_seconds_per_row"] = (time.perf_counter() - started) / len(sample)
        mismatches = 0
        for (grade, sex), part in sample.groupby(["grade", "sex"]):
            first = part.index - rows.index[(rows["grade"] == grade) & (rows["sex"] == sex)][0]
            mismatches += int((np.asarray(totals[(grade, sex)])[first] != peer_totals.loc[part.index]).sum())
        out["fitness_mismatches"] = mismatches
        con.close()
    return out


def province_rows(scale: float, add: Any) -> None:
    r = run_step("bench.quality", None, "province", str(scale))
    add(
        f"province value-added, {r['va_schools']:,} schools, {r['va_pupils']:,} pupils (DuckDB)",
        f"{r['va_duckdb_seconds']:.2f} s",
        f"pandas {r['va_pandas_seconds']:.2f} s, numpy {r['va_numpy_seconds']:.2f} s, "
        f"max diff {max(r['va_duckdb_vs_pandas'], r['va_numpy_vs_pandas']):.1e}, "
        f"r={r['va_recovery_correlation']:.3f}, coverage {r['va_coverage']:.1%}",
        speedup("pandas", r["va_pandas_seconds"], r["va_duckdb_seconds"]),
    )
    peer_all = r["fitness_peer_seconds_per_row"] * r["fitness_results"]
    grades = r["fitness_grades"]
    add(
        f"province fitness scoring, {r['fitness_results']:,} results, grades {grades[0]}-{grades[-1]} "
        "(DuckDB + numpy)",
        f"{r['fitness_duckdb_seconds']:.2f} s",
        f"pupil-by-pupil peer ~{peer_all:.0f} s, "
        f"{r['fitness_mismatches']} mismatches on {r['fitness_sample']:,}",
        speedup("pupil-by-pupil pandas", peer_all, r["fitness_duckdb_seconds"]),
    )


def run(
    work_dir: Path, kinds: list[str], scale: str = "1", province_scale: float | None = None
) -> list[tuple[str, str, str, str, str]]:
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
    scale_p = (
        province_scale if province_scale is not None else float(os.environ.get("EDUGOV_BENCH_PROVINCE", "50"))
    )
    if scale_p > 0:
        province_rows(scale_p, add)
    return rows


def main(argv: list[str]) -> None:
    if argv and argv[0] == "score":
        import json

        print("BENCH " + json.dumps(step_score()), flush=True)
        return
    if argv and argv[0] == "province" and len(argv) == 2:
        import json

        print("BENCH " + json.dumps(step_province(float(argv[1]))), flush=True)
        return
    parser = argparse.ArgumentParser(prog="python -m bench.quality")
    parser.add_argument("command", choices=["run", "province"])
    parser.add_argument("--kinds", default="sqlite")
    parser.add_argument("--scale", default="1")
    parser.add_argument("--province-scale", type=float, default=50.0)
    args = parser.parse_args(argv)
    if args.command == "province":
        province_rows(args.province_scale, lambda *row: print("  ".join(row), flush=True))
        return
    with tempfile.TemporaryDirectory(prefix="edugov-bench-quality-") as tmp:
        run(Path(tmp), [k for k in args.kinds.split(",") if k], args.scale, args.province_scale)


if __name__ == "__main__":
    main(sys.argv[1:])
