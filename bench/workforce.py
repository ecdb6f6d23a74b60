"""Workforce (师资队伍): staffing against the norms, age structure and the five-year projection of
the demo district from the database, and the same computation at province scale on DuckDB over
Parquet against a plain-pandas version of it, with the numbers checked equal.

    run(work_dir, kinds, scale=50) -> [(module, figure, value, peer, speed-up), ...] (harness.speedup)

- on each of `kinds`: a fresh database with the demo district (`build-demo`, scale 1), then one
  step in a fresh process: `selectors.overview` (every school's staffing, subject needs and gaps,
  the five-year projection, age pyramid and retirement curve) timed from the database against the
  1 s target; then the district's tables read into frames and computed by `workforce.province`
  on DuckDB and in pandas: both must give the selector's numbers;
- province: the workforce tables are not in the warehouse at this size (the demo generator through
  the database would take hours), so `generate` writes a province of `scale` districts straight to
  Parquet (schools, classes, teachers' records, subject loads; ~8,000 teachers a district: 400,000
  at scale 50), then in fresh processes the DuckDB SQL over the files (10 s target) and pandas over
  the same files compute the same five outputs, compared to 1e-9.

Standalone: `python -m bench.workforce run [--kinds sqlite] [--scale 50] [--skip-demo]`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import Database, run_step, speedup

MODULE = "workforce"
SCALE = 50
TODAY = (2026, 9)
SCHOOLS_PER_DISTRICT = 165  # ~8,000 teachers a district at ~1:13


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edugov.settings")
    import django

    django.setup()


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _Reader:
    """The whole district, as the bureau's cockpit reads it."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    role = "district_admin"
    area = None
    school_id = teacher_id = institution_id = None


# Demo district from the database ------------------------------------------------------------------


def step_demo() -> dict[str, Any]:
    _django()

    import duckdb
    from django.utils import timezone

    from edugov.workforce import selectors
    from edugov.workforce.province import Params, compare, duckdb_compute, frames_from_db, pandas_compute

    today = timezone.localdate()
    actor = _Reader()
    year = selectors.current_year()
    started = time.perf_counter()
    ov = selectors.overview(actor=actor, year=year, today=today)
    seconds = time.perf_counter() - started
    st = ov.staffing
    started = time.perf_counter()
    again = selectors.overview(actor=actor, year=year, today=today)
    warm = time.perf_counter() - started
    assert again.totals == ov.totals
    params = Params.from_norms(st.norms, today.year, today.month)
    frames = frames_from_db(actor=actor, year=year)
    started = time.perf_counter()
    con = duckdb.connect()
    for name, frame in frames.items():
        con.register(f"src_{name}", frame)
    ours = duckdb_compute(con, {k: f"src_{k}" for k in frames}, params)
    duck_seconds = time.perf_counter() - started
    started = time.perf_counter()
    peer = pandas_compute(frames, params)
    pandas_seconds = time.perf_counter() - started
    problems = compare(ours, peer)
    # The selector's figures (rounded to two places) against the SQL's.
    schools = ours["schools"].set_index("school_id")
    subjects = ours["subjects"].set_index(["school_id", "subject"])
    mismatches = 0
    for s in st.schools:
        row = schools.loc[s.school_id]
        mismatches += [
            row.posts_needed,
            row.posts_held,
            row.teachers,
            row.retiring,
            row.outside_certificate,
        ] != [
            s.posts_needed,
            s.posts_held,
            s.teachers,
            s.retiring,
            s.outside_certificate,
        ]
        for sub in s.subjects:
            r = subjects.loc[(s.school_id, sub.subject)]
            mismatches += any(
                abs(round(float(x), 2) - y) > 0.0100001
                for x, y in ((r.need, sub.need), (r.qualified, sub.qualified), (r.retiring, sub.retiring))
            )
    return {
        "seconds": seconds,
        "warm_seconds": warm,
        "schools": len(st.schools),
        "teachers": ov.totals["teachers"],
        "subject_rows": sum(len(s.subjects) for s in st.schools),
        "gap_in_five_years": round(
            sum(max(r.gap_in_five_years, 0) for s in st.schools for r in s.subjects), 2
        ),
        "duckdb_seconds": duck_seconds,
        "pandas_seconds": pandas_seconds,
        "engines_differ": problems,
        "selector_mismatches": mismatches,
    }


# Province: generated straight to Parquet -----------------------------------------------------------


def generate(directory: str, scale: float, seed: int = 1) -> dict[str, Any]:
    """A province of `scale` districts: ~165 staffed schools a district (urban, town, rural; primary,
    junior, nine-year, senior), classes by grade, teachers near 1:13 with the rural schools older and
    short of music, art and PE specialists, some outside their certificate, and their subject loads."""
    _django()
    import numpy as np
    import pandas as pd

    from edugov.workforce.norms import Norms

    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    norms = Norms.load_for()
    subjects = sorted(norms.periods)
    weight = np.array([sum(norms.periods[s].values()) for s in subjects], dtype=float)
    key = np.isin(subjects, ["音乐", "美术", "体育与健康"])
    n_schools = round(SCHOOLS_PER_DISTRICT * scale)
    kinds = np.array(["primary", "junior", "nine_year", "senior"])
    kind = rng.choice(4, n_schools, p=[0.6, 0.22, 0.13, 0.05])
    locale = rng.choice(np.array(["urban", "town", "rural"]), n_schools, p=[0.25, 0.3, 0.45])
    towns_per_district = 12
    town = (np.arange(n_schools) * towns_per_district // SCHOOLS_PER_DISTRICT) + 1
    grades_of = {0: range(1, 7), 1: range(7, 10), 2: range(1, 10), 3: range(10, 13)}
    stage_of = {0: "primary", 1: "junior", 2: "primary", 3: "senior"}
    size = {"urban": (4, 8, 40, 48), "town": (2, 5, 32, 45), "rural": (1, 2, 6, 30)}
    school_ids = np.arange(1, n_schools + 1)
    c_school, c_grade, c_pupils = [], [], []
    for sid, k, loc in zip(school_ids, kind, locale, strict=True):
        lo, hi, plo, phi = size[str(loc)]
        for g in grades_of[int(k)]:
            n = int(rng.integers(lo, hi + 1))
            c_school.extend([sid] * n)
            c_grade.extend([g] * n)
            c_pupils.extend(rng.integers(plo, phi + 1, n).tolist())
    classes = pd.DataFrame({"school_id": c_school, "grade": c_grade, "pupils": c_pupils})
    pupils = classes.groupby("school_id")["pupils"].sum().reindex(school_ids, fill_value=0).to_numpy()
    per_school = np.maximum(2, np.round(pupils / rng.uniform(11.0, 15.0, n_schools))).astype(int)
    n = int(per_school.sum())
    t_school = np.repeat(school_ids, per_school)
    t_loc = np.repeat(locale, per_school)
    t_stage = np.repeat(np.array([stage_of[int(k)] for k in kind]), per_school)
    rural = t_loc == "rural"
    # Main subject by periods, rural schools with a third of the key-subject specialists.
    p_urban = weight / weight.sum()
    w_rural = np.where(key, weight / 3, weight)
    p_rural = w_rural / w_rural.sum()
    main = np.where(rural, rng.choice(len(subjects), n, p=p_rural), rng.choice(len(subjects), n, p=p_urban))
    subj = np.array(subjects)
    order = np.array(["primary", "junior", "senior"])
    cert_stage = t_stage.copy()
    up = rng.random(n) < 0.08
    cert_stage[up & (t_stage == "primary")] = "junior"
    cert_stage[up & (t_stage == "junior")] = "senior"
    cert_stage[rng.random(n) < np.where(rural, 0.06, 0.02)] = "none"
    cert_subject = subj[main]
    other = rng.random(n) < np.where(rural, 0.15, 0.05)  # teaching outside the certificate's subject
    cert_subject[other] = subj[rng.choice(len(subjects), int(other.sum()))]
    cert_subject[cert_stage == "none"] = ""
    age = np.clip(rng.normal(np.where(rural, 48, 40), 9), 22, 62).astype(int)
    birth_month = rng.integers(1, 13, n)
    teachers = pd.DataFrame(
        {
            "record_id": np.arange(1, n + 1),
            "school_id": t_school,
            "employment_type": rng.choice(
                np.array(["established", "contract", "retired_programme", "volunteer"]),
                n,
                p=[0.86, 0.1, 0.01, 0.03],
            ),
            "cert_stage": cert_stage,
            "cert_subject": cert_subject,
            "birth_year": TODAY[0] - age - (birth_month > TODAY[1]),
            "birth_month": birth_month,
            "sex": np.where(rng.random(n) < 0.62, "F", "M"),
        }
    )
    second = rng.random(n) < 0.3
    idx = np.flatnonzero(second)
    loads = pd.concat(
        [
            pd.DataFrame(
                {
                    "record_id": teachers["record_id"],
                    "subject": subj[main],
                    "periods": rng.integers(10, 17, n),
                }
            ),
            pd.DataFrame(
                {
                    "record_id": teachers["record_id"].to_numpy()[idx],
                    "subject": subj[(main[idx] + rng.integers(1, len(subjects), len(idx))) % len(subjects)],
                    "periods": rng.integers(2, 5, len(idx)),
                }
            ),
        ],
        ignore_index=True,
    )
    schools = pd.DataFrame(
        {
            "school_id": school_ids,
            "town_id": town,
            "locale": locale,
            "village": locale == "rural",
            "teaching_stage": [stage_of[int(k)] for k in kind],
        }
    )
    del order, kinds
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in (("schools", schools), ("classes", classes), ("teachers", teachers), ("loads", loads)):
        frame.to_parquet(out / f"{name}.parquet", index=False)
    return {
        "seconds": time.perf_counter() - started,
        "schools": n_schools,
        "classes": len(classes),
        "pupils": int(classes["pupils"].sum()),
        "teachers": n,
        "loads": len(loads),
        "mb": sum(f.stat().st_size for f in out.glob("*.parquet")) / 1e6,
    }


def _params() -> Any:
    from edugov.workforce.norms import Norms
    from edugov.workforce.province import Params

    return Params.from_norms(Norms.load_for(), *TODAY)


def _write(result: dict[str, Any], out_json: str) -> None:
    Path(out_json).write_text(
        json.dumps({name: frame.to_dict(orient="split") for name, frame in result.items()}), encoding="utf-8"
    )


def step_province(engine: str, directory: str, out_json: str) -> dict[str, Any]:
    _django()
    import pandas as pd

    from edugov.workforce.province import duckdb_compute, pandas_compute

    params = _params()
    files = {k: str(Path(directory) / f"{k}.parquet") for k in ("schools", "classes", "teachers", "loads")}
    started = time.perf_counter()
    if engine == "duckdb":
        import duckdb

        con = duckdb.connect()
        result = duckdb_compute(con, {k: f"read_parquet('{f}')" for k, f in files.items()}, params)
    else:
        result = pandas_compute({k: pd.read_parquet(f) for k, f in files.items()}, params)
    seconds = time.perf_counter() - started
    _write(result, out_json)
    return {
        "seconds": seconds,
        "peak_mb": _peak_mb(),
        "rows": {k: len(v) for k, v in result.items()},
        "short": int((result["heat"]["gap"] >= 1.0).sum()),
        "short_in_five_years": int((result["heat"]["gap_in_five_years"] >= 1.0).sum()),
    }


def step_compare(a: str, b: str) -> dict[str, Any]:
    import pandas as pd

    from edugov.workforce.province import compare

    def load(path: str) -> dict[str, Any]:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        return {k: pd.DataFrame(v["data"], columns=v["columns"]) for k, v in raw.items()}

    return {"problems": compare(load(a), load(b))}


# Run ------------------------------------------------------------------------------------------------


def run(
    work_dir: Path, kinds: list[str], scale: float = SCALE, demo: bool = True
) -> list[tuple[str, str, str, str, str]]:
    from bench.__main__ import step

    rows: list[tuple[str, str, str, str, str]] = []

    def add(figure: str, value: str, peer: str = "", ratio: str = "") -> None:
        rows.append((MODULE, figure, value, peer, ratio))
        print(f"  {MODULE:<14} {figure:<58} {value:>14}  {peer}  {ratio}", flush=True)

    for kind in kinds if demo else []:
        with Database(kind, Path(work_dir)) as db:
            step(db, "build-demo", "1")
            r = run_step("bench.workforce", db.env(), "demo")
            add(
                f"staffing+structure+5-year, {r['schools']} schools, {r['teachers']:,} teachers ({kind})",
                f"{r['seconds']:.2f} s",
                f"target 1 s; again {r['warm_seconds']:.2f} s; {r['subject_rows']} subject rows, "
                f"5-year gap {r['gap_in_five_years']}",
            )
            same = not r["engines_differ"] and not r["selector_mismatches"]
            add(
                f"  same figures from frames on DuckDB / pandas ({kind})",
                f"{r['duckdb_seconds']:.2f} s",
                f"pandas {r['pandas_seconds']:.2f} s; same as the selector: {'yes' if same else 'NO'} "
                f"({r['selector_mismatches']} rows, {len(r['engines_differ'])} columns differ)",
                speedup("pandas", r["pandas_seconds"], r["duckdb_seconds"]),
            )
    if scale:
        wh = Path(work_dir) / f"workforce_province_{scale:g}"
        g = run_step("bench.workforce", None, "generate", str(wh), str(scale))
        add(
            f"province scale {scale:g}: {g['teachers']:,} teachers, {g['schools']:,} schools, Parquet",
            f"{g['seconds']:.1f} s",
            f"{g['classes']:,} classes, {g['pupils']:,} pupils, {g['loads']:,} loads, {g['mb']:.1f} MB",
        )
        d = run_step("bench.workforce", None, "province", "duckdb", str(wh), str(wh / "duckdb.json"))
        p = run_step("bench.workforce", None, "province", "pandas", str(wh), str(wh / "pandas.json"))
        c = run_step("bench.workforce", None, "compare", str(wh / "duckdb.json"), str(wh / "pandas.json"))
        add(
            f"province staffing+structure+5-year on DuckDB ({g['teachers']:,} teachers)",
            f"{d['seconds']:.2f} s",
            f"target 10 s; pandas {p['seconds']:.2f} s, peak {d['peak_mb']:.0f} vs {p['peak_mb']:.0f} MB",
            speedup("pandas", p["seconds"], d["seconds"]),
        )
        add(
            "  same numbers DuckDB vs pandas (5 outputs, 1e-9)",
            "yes" if not c["problems"] else "NO",
            f"{d['rows']['subjects']:,} school-subject rows; town x subject cells short now "
            f"{d['short']:,}, in five years {d['short_in_five_years']:,}"
            + (f"; {c['problems']}" if c["problems"] else ""),
        )
    return rows


def main(argv: list[str]) -> None:
    if argv and argv[0] in ("demo", "generate", "province", "compare"):
        cmd, rest = argv[0], argv[1:]
        if cmd == "demo":
            out = step_demo()
        elif cmd == "generate":
            out = generate(rest[0], float(rest[1]))
        elif cmd == "province":
            out = step_province(rest[0], rest[1], rest[2])
        else:
            out = step_compare(rest[0], rest[1])
        print("BENCH " + json.dumps(out), flush=True)
        return
    parser = argparse.ArgumentParser(prog="python -m bench.workforce")
    parser.add_argument("command", choices=["run"])
    parser.add_argument("--kinds", default="sqlite")
    parser.add_argument("--scale", type=float, default=SCALE, help="districts in the province (0: none)")
    parser.add_argument("--skip-demo", action="store_true", help="only the province part")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="edugov-bench-workforce-") as tmp:
        run(Path(tmp), [k for k in args.kinds.split(",") if k], args.scale, demo=not args.skip_demo)


if __name__ == "__main__":
    main(sys.argv[1:])
