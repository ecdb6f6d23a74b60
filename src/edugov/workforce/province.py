"""Staffing, age structure and the five-year projection as one computation over four plain tables
(schools, classes, teachers' records, subject loads), written twice: DuckDB SQL over Parquet (the
province scale; `warehouse_spark` runs the same statement on Spark, transpiled) and pandas (its
peer). Both follow `selectors.staffing` and `selectors.overview`
figure by figure (norms.py's formulas, the 2025 retirement rule per birth month); `compare` says
where two results differ. `frames_from_db` reads a district's tables into the same shape.

Tables: schools(school_id, town_id, locale, village, teaching_stage); classes(school_id, grade,
pupils); teachers(record_id, school_id, employment_type, cert_stage, cert_subject, birth_year,
birth_month, sex); loads(record_id, subject, periods). Subjects are canonical (norms.canonical_subject)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from .norms import AGE_BANDS, STAGES_BY_ORDER, Norms

HORIZON_YEARS = 5
OUTPUTS = ("schools", "subjects", "heat", "ages", "retirements")
KEYS = {
    "schools": ["school_id"],
    "subjects": ["school_id", "subject"],
    "heat": ["town_id", "subject"],
    "ages": ["locale", "band"],
    "retirements": ["year", "locale"],
}


@dataclass(frozen=True)
class Params:
    """The norms and the day the computation is for, as plain numbers."""

    ratio: dict[str, float]
    village_ratio: dict[str, float]
    load: dict[str, float]
    periods: dict[str, dict[int, float]]
    retirement: dict[str, tuple[int, int, int, int]]  # "M"/"F" -> base, first year, step, cap
    today: tuple[int, int]  # (year, month)

    @classmethod
    def from_norms(cls, norms: Norms, year: int, month: int) -> Params:
        return cls(
            ratio={k: float(v) for k, v in norms.ratio.items()},
            village_ratio={k: float(v) for k, v in norms.village_class_ratio.items()},
            load={k: float(v) for k, v in norms.load.items()},
            periods={s: {int(g): float(p) for g, p in by.items()} for s, by in norms.periods.items()},
            retirement={"M": norms.retirement["male"], "F": norms.retirement["female"]},
            today=(year, month),
        )

    @property
    def today_months(self) -> int:
        return self.today[0] * 12 + self.today[1] - 1

    @property
    def horizon_months(self) -> int:
        return (self.today[0] + HORIZON_YEARS) * 12 + self.today[1] - 1


def _stage_sql(col: str) -> str:
    return (
        f"CASE WHEN {col} <= 0 THEN 'kindergarten' WHEN {col} <= 6 THEN 'primary' "
        f"WHEN {col} <= 9 THEN 'junior' ELSE 'senior' END"
    )


def _order_sql(col: str) -> str:
    return "CASE " + " ".join(f"WHEN {col} = '{s}' THEN {i}" for i, s in enumerate(STAGES_BY_ORDER)) + " END"


def norm_tables(p: Params) -> dict[str, pa.Table]:
    """The norms as three small tables the statement joins (`wf_norm_stage`, `wf_norm_periods`,
    `wf_norm_retire`): registered on DuckDB, temporary views on Spark."""
    stages = sorted(set(p.ratio) | set(p.load) | set(p.village_ratio))
    periods = [(s, g, v) for s, by in p.periods.items() for g, v in by.items() if v]
    return {
        "wf_norm_stage": pa.table(
            {
                "stage": pa.array(stages, pa.string()),
                "ratio": pa.array([float(p.ratio.get(s, 0.0)) for s in stages], pa.float64()),
                "village_ratio": pa.array([float(p.village_ratio.get(s, 0.0)) for s in stages], pa.float64()),
                "load": pa.array([float(p.load.get(s, 0.0)) for s in stages], pa.float64()),
            }
        ),
        "wf_norm_periods": pa.table(
            {
                "subject": pa.array([r[0] for r in periods], pa.string()),
                "grade": pa.array([r[1] for r in periods], pa.int64()),
                "periods": pa.array([r[2] for r in periods], pa.float64()),
            }
        ),
        "wf_norm_retire": pa.table(
            {
                "sex": pa.array(list(p.retirement), pa.string()),
                **{
                    name: pa.array([int(v[i]) for v in p.retirement.values()], pa.int64())
                    for i, name in enumerate(("base", "first_year", "step", "cap"))
                },
            }
        ),
    }


COLUMNS = {
    "schools": ["school_id", "students", "classes", "posts_needed", "posts_held", "teachers",
                "outside_certificate", "uncertified", "retiring"],
    "subjects": ["school_id", "subject", "need", "have", "qualified", "retiring"],
    "heat": ["town_id", "subject", "gap", "gap_in_five_years"],
    "ages": ["locale", "band", "teachers"],
    "retirements": ["year", "locale", "teachers"],
}  # fmt: skip


def province_sql(sources: dict[str, str], p: Params, *, materialize: bool = True) -> str:
    """The one statement of the five outputs, in DuckDB's SQL (`warehouse_spark` transpiles it for
    Spark); it reads `sources` and the `norm_tables` by name. `materialize`: DuckDB's hint that the
    shared intermediate tables are computed once (Spark has no such hint)."""
    n_stage, n_periods, n_retire = "wf_norm_stage", "wf_norm_periods", "wf_norm_retire"
    bands = " ".join(f"WHEN age BETWEEN {lo} AND {hi} THEN '{label}'" for label, lo, hi in AGE_BANDS)
    year, month = p.today
    mat = "MATERIALIZED " if materialize else ""
    s, c, t, ld = (sources[k] for k in ("schools", "classes", "teachers", "loads"))
    # One statement: a round trip per output and per intermediate table cost more than the work on
    # a district's or a small province's rows (each statement's planning and Parquet opening).
    # The outputs come back as one table, each row tagged by its output, its columns prefixed by
    # the output's number (so that no two outputs' types mix), then split.
    outputs = {
        "schools": f"""
        WITH st AS (SELECT school_id, {_stage_sql("grade")} AS stage, sum(pupils) AS pupils, sum(n) AS n
                    FROM wf_cls GROUP BY ALL),
             posts AS (SELECT st.school_id, sum(CASE WHEN x.village AND ns.village_ratio > 0
                                   THEN greatest(st.pupils / ns.ratio, st.n * ns.village_ratio)
                                   ELSE st.pupils / ns.ratio END) AS need
                       FROM st JOIN wf_s x USING (school_id) JOIN {n_stage} ns ON ns.stage = st.stage
                       WHERE ns.ratio > 0 GROUP BY ALL),
             pupils AS (SELECT school_id, sum(pupils) AS students, sum(n) AS classes
                        FROM wf_cls GROUP BY ALL),
             tt AS (SELECT school_id, count(*) AS teachers,
                           count(*) FILTER (WHERE employment_type = 'established') AS posts_held,
                           count(*) FILTER (WHERE cert_stage = 'none') AS uncertified,
                           count(*) FILTER (WHERE retire_m <= {p.horizon_months}) AS retiring
                    FROM wf_t GROUP BY ALL),
             outside AS (SELECT school_id, count(DISTINCT record_id) AS outside_certificate
                         FROM wf_sh WHERE NOT covered GROUP BY ALL)
        SELECT x.school_id, coalesce(pupils.students, 0)::BIGINT AS students,
               coalesce(pupils.classes, 0)::BIGINT AS classes,
               ceil(round(coalesce(posts.need, 0), 6))::BIGINT AS posts_needed,
               coalesce(tt.posts_held, 0)::BIGINT AS posts_held, coalesce(tt.teachers, 0)::BIGINT AS teachers,
               coalesce(outside.outside_certificate, 0)::BIGINT AS outside_certificate,
               coalesce(tt.uncertified, 0)::BIGINT AS uncertified,
               coalesce(tt.retiring, 0)::BIGINT AS retiring
        FROM wf_s x LEFT JOIN posts USING (school_id) LEFT JOIN pupils USING (school_id)
             LEFT JOIN tt USING (school_id) LEFT JOIN outside USING (school_id)""",
        "subjects": "SELECT school_id, subject, need, have, qualified, retiring FROM wf_subjects",
        "heat": """
        SELECT x.town_id, r.subject, sum(greatest(r.need - r.qualified, 0)) AS gap,
               sum(greatest(r.need - r.qualified + r.retiring, 0)) AS gap_in_five_years
        FROM wf_subjects r JOIN wf_s x USING (school_id) GROUP BY ALL""",
        "ages": f"""
        SELECT locale, CASE {bands} ELSE '{AGE_BANDS[-1][0]}' END AS band, count(*)::BIGINT AS teachers
        FROM (SELECT locale, {year} - birth_year - CASE WHEN {month} < birth_month THEN 1 ELSE 0 END AS age
              FROM wf_t) GROUP BY ALL""",
        "retirements": f"""
        SELECT (retire_m // 12)::BIGINT AS year, locale, count(*)::BIGINT AS teachers FROM wf_t
        WHERE retire_m >= {p.today_months} AND retire_m // 12 < {year + HORIZON_YEARS}
        GROUP BY ALL""",
    }
    # Every output's columns in every branch, NULL outside its own (UNION ALL BY NAME's table,
    # spelled out so that engines without BY NAME read it too).
    every = [(j, col) for j, other in enumerate(OUTPUTS) for col in COLUMNS[other]]

    def branch(i: int, name: str) -> str:
        picked = ", ".join((f'"{col}"' if j == i else "NULL") + f' AS "o{j}_{col}"' for j, col in every)
        order = ", ".join(KEYS[name])
        return (
            f"SELECT {i} AS wf_part, row_number() OVER (ORDER BY {order}) AS wf_row, {picked}"
            f" FROM ({outputs[name]}) wf_out"
        )

    tagged = "\n        UNION ALL\n".join(branch(i, name) for i, name in enumerate(OUTPUTS))
    return f"""
        WITH wf_s AS {mat}(SELECT * FROM {s}),
        wf_cls AS {mat}(
          SELECT school_id, grade, count(*) AS n, sum(pupils) AS pupils
          FROM {c} SEMI JOIN wf_s USING (school_id) GROUP BY ALL),
        wf_t AS {mat}(
          SELECT t.*, x.teaching_stage, x.locale, x.town_id,
                 (t.birth_year + n.base) * 12 + t.birth_month - 1
                 + CASE WHEN t.birth_year * 12 + t.birth_month - 1 >= n.first_year * 12
                        THEN least(n.cap,
                                   ((t.birth_year - n.first_year) * 12 + t.birth_month - 1) // n.step + 1)
                        ELSE 0 END AS retire_m
          FROM {t} t JOIN wf_s x USING (school_id) JOIN {n_retire} n ON n.sex = t.sex),
        wf_sh AS {mat}(
          WITH lt AS (SELECT record_id, subject, sum(periods) AS periods FROM {ld} GROUP BY ALL),
               tot AS (SELECT record_id, sum(periods) AS total FROM lt GROUP BY ALL HAVING sum(periods) > 0)
          SELECT lt.record_id, lt.subject, lt.periods / tot.total AS share, w.school_id,
                 w.retire_m <= {p.horizon_months} AS retires,
                 coalesce({_order_sql("w.cert_stage")} >= {_order_sql("w.teaching_stage")}
                   AND CASE WHEN w.cert_stage = 'kindergarten' THEN w.teaching_stage = 'kindergarten'
                            ELSE w.cert_subject = lt.subject END, false) AS covered
          FROM lt JOIN tot USING (record_id) JOIN wf_t w USING (record_id)),
        wf_subjects AS {mat}(
          WITH dem AS (SELECT c.school_id, np.subject, sum(c.n * np.periods / ns.load) AS need
                       FROM wf_cls c JOIN {n_periods} np ON np.grade = c.grade
                       JOIN {n_stage} ns ON ns.stage = {_stage_sql("c.grade")} AND ns.load > 0
                       GROUP BY ALL HAVING sum(c.n * np.periods / ns.load) <> 0),
               sup AS (SELECT school_id, subject, sum(share) AS have,
                              sum(CASE WHEN covered THEN share ELSE 0 END) AS qualified,
                              sum(CASE WHEN covered AND retires THEN share ELSE 0 END) AS retiring
                       FROM wf_sh GROUP BY ALL)
          SELECT dem.school_id, dem.subject, dem.need, coalesce(sup.have, 0.0) AS have,
                 coalesce(sup.qualified, 0.0) AS qualified, coalesce(sup.retiring, 0.0) AS retiring
          FROM dem LEFT JOIN sup USING (school_id, subject))
        {tagged}
        ORDER BY wf_part, wf_row
    """


def duckdb_compute(con: Any, sources: dict[str, str], p: Params) -> dict[str, pd.DataFrame]:
    """The five outputs by DuckDB. `sources` maps each table to a relation (`read_parquet(...)`
    or a registered name)."""
    # The norms as Arrow tables scanned by name: a VALUES list of a curriculum's ~80 rows costs
    # DuckDB's binder more than the computation over a district.
    norms = norm_tables(p)
    sql = province_sql(sources, p)
    for name, norm in norms.items():
        con.register(name, norm)
    try:
        table = _run(con, sql)
    finally:
        for name in norms:
            con.unregister(name)
    return split_outputs(table)


def split_outputs(table: pa.Table) -> dict[str, pd.DataFrame]:
    """The statement's one table (rows tagged by output, columns prefixed by its number) as the
    five frames."""
    part = table.column("wf_part").to_numpy()
    out: dict[str, pd.DataFrame] = {}
    for i, name in enumerate(OUTPUTS):
        rows = np.flatnonzero(part == i)
        piece = table.take(pa.array(rows)) if len(rows) else table.slice(0, 0)
        frame = piece.select([f"o{i}_{col}" for col in COLUMNS[name]]).to_pandas()
        frame.columns = COLUMNS[name]
        out[name] = frame
    return out


def _run(con: Any, sql: str) -> pa.Table:
    table: pa.Table = con.sql(sql).to_arrow_table()
    return table


def _stage(grades: pd.Series) -> pd.Series:
    return pd.Series(
        np.select([grades <= 0, grades <= 6, grades <= 9], ["kindergarten", "primary", "junior"], "senior"),
        index=grades.index,
    )


def pandas_compute(frames: dict[str, pd.DataFrame], p: Params) -> dict[str, pd.DataFrame]:
    """The same five outputs in pandas (merges and group-bys, no SQL)."""
    schools, classes, teachers, loads = (frames[k] for k in ("schools", "classes", "teachers", "loads"))
    order = {s: i for i, s in enumerate(STAGES_BY_ORDER)}
    cls = classes.groupby(["school_id", "grade"], as_index=False).agg(
        n=("pupils", "size"), pupils=("pupils", "sum")
    )
    # Schools: posts needed by stage (the village rule), held, teachers, retiring.
    st = (
        cls.assign(stage=_stage(cls["grade"]))
        .groupby(["school_id", "stage"], as_index=False)[["pupils", "n"]]
        .sum()
    )
    st = st.merge(schools[["school_id", "village"]], on="school_id")
    st["ratio"] = st["stage"].map(p.ratio).fillna(0.0)
    st["vr"] = st["stage"].map(p.village_ratio).fillna(0.0)
    st = st[st["ratio"] > 0]
    by_pupils = st["pupils"] / st["ratio"]
    st["need"] = np.where(
        st["village"] & (st["vr"] > 0), np.maximum(by_pupils, st["n"] * st["vr"]), by_pupils
    )
    posts = st.groupby("school_id")["need"].sum()
    t = teachers.merge(schools[["school_id", "teaching_stage", "locale", "town_id"]], on="school_id")
    r = pd.DataFrame(
        [(sex, *v) for sex, v in p.retirement.items()], columns=["sex", "base", "first", "step", "cap"]
    )
    t = t.merge(r, on="sex")
    since = (t["birth_year"] - t["first"]) * 12 + t["birth_month"] - 1
    delay = np.where(since >= 0, np.minimum(t["cap"], since // t["step"] + 1), 0)
    t["retire_m"] = (t["birth_year"] + t["base"]) * 12 + t["birth_month"] - 1 + delay
    t["retires"] = t["retire_m"] <= p.horizon_months
    lt = loads.groupby(["record_id", "subject"], as_index=False)["periods"].sum()
    lt["total"] = lt.groupby("record_id")["periods"].transform("sum")
    sh = lt[lt["total"] > 0].merge(
        t[["record_id", "school_id", "retires", "cert_stage", "cert_subject", "teaching_stage"]],
        on="record_id",
    )
    sh["share"] = sh["periods"] / sh["total"]
    co, to = sh["cert_stage"].map(order), sh["teaching_stage"].map(order)
    sh["covered"] = (co.notna() & to.notna() & (co >= to)) & np.where(
        sh["cert_stage"] == "kindergarten",
        sh["teaching_stage"] == "kindergarten",
        sh["cert_subject"] == sh["subject"],
    )
    per = t.groupby("school_id").agg(
        teachers=("record_id", "size"),
        posts_held=("employment_type", lambda e: int((e == "established").sum())),
        uncertified=("cert_stage", lambda e: int((e == "none").sum())),
        retiring=("retires", "sum"),
    )
    outside = sh[~sh["covered"]].groupby("school_id")["record_id"].nunique().rename("outside_certificate")
    pupils = cls.groupby("school_id").agg(students=("pupils", "sum"), classes=("n", "sum"))
    sc = schools[["school_id"]].set_index("school_id")
    sc = sc.join(pupils).join(posts.rename("posts_needed")).join(per).join(outside).fillna(0)
    sc["posts_needed"] = np.ceil(sc["posts_needed"].round(6))
    cols = [
        "students",
        "classes",
        "posts_needed",
        "posts_held",
        "teachers",
        "outside_certificate",
        "uncertified",
        "retiring",
    ]
    out: dict[str, pd.DataFrame] = {
        "schools": sc[cols].astype("int64").reset_index().sort_values("school_id")
    }
    # Subjects: need from classes x periods / load; teachers shared out by periods.
    per_grade = pd.DataFrame(
        [(s, g, v) for s, by in p.periods.items() for g, v in by.items() if v],
        columns=["subject", "grade", "periods"],
    )
    dem = cls.merge(per_grade, on="grade")
    dem["load"] = _stage(dem["grade"]).map(p.load).fillna(0.0).to_numpy()
    dem = dem[dem["load"] > 0]
    dem["need"] = dem["n"] * dem["periods"] / dem["load"]
    dem = dem.groupby(["school_id", "subject"], as_index=False)["need"].sum()
    dem = dem[dem["need"] != 0]
    sh["qualified"] = sh["share"].where(sh["covered"], 0.0)
    sh["retiring"] = sh["share"].where(sh["covered"] & sh["retires"], 0.0)
    sup = sh.groupby(["school_id", "subject"], as_index=False).agg(
        have=("share", "sum"), qualified=("qualified", "sum"), retiring=("retiring", "sum")
    )
    sub = dem.merge(sup, on=["school_id", "subject"], how="left").fillna(
        {"have": 0.0, "qualified": 0.0, "retiring": 0.0}
    )
    out["subjects"] = sub.sort_values(["school_id", "subject"]).reset_index(drop=True)
    heat = sub.merge(schools[["school_id", "town_id"]], on="school_id")
    heat["gap"] = (heat["need"] - heat["qualified"]).clip(lower=0)
    heat["gap_in_five_years"] = (heat["need"] - heat["qualified"] + heat["retiring"]).clip(lower=0)
    out["heat"] = heat.groupby(["town_id", "subject"], as_index=False)[["gap", "gap_in_five_years"]].sum()
    # Structure: age bands by locale, retirements by year and locale.
    year, month = p.today
    age = year - t["birth_year"] - (month < t["birth_month"]).astype("int64")
    band = pd.Series(AGE_BANDS[-1][0], index=t.index)
    for label, lo, hi in reversed(AGE_BANDS):
        band = band.mask(age.between(lo, hi), label)
    out["ages"] = (
        pd.DataFrame({"locale": t["locale"], "band": band}).groupby(["locale", "band"]).size()
        .rename("teachers").reset_index()
    )  # fmt: skip
    ry = t["retire_m"] // 12
    keep = (t["retire_m"] >= p.today_months) & (ry < year + HORIZON_YEARS)
    out["retirements"] = (
        pd.DataFrame({"year": ry[keep], "locale": t["locale"][keep]}).groupby(["year", "locale"]).size()
        .rename("teachers").reset_index()
    )  # fmt: skip
    return out


def compare(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame], *, tolerance: float = 1e-9) -> list[str]:
    """Where two results differ: rows missing on either side, integers not equal, numbers further
    apart than `tolerance`. Empty: the same numbers."""
    problems: list[str] = []
    for name in OUTPUTS:
        keys = KEYS[name]
        left = a[name].set_index(keys).sort_index()
        right = b[name].set_index(keys).sort_index()
        if list(left.index) != list(right.index):
            problems.append(f"{name}: {len(left)} rows vs {len(right)}, keys differ")
            continue
        for col in left.columns:
            x = left[col].to_numpy(dtype=float)
            y = right[col].to_numpy(dtype=float)
            bad = int((np.abs(x - y) > tolerance).sum())
            if bad:
                problems.append(f"{name}.{col}: {bad} rows differ")
    return problems


def frames_from_db(*, actor: Any, year: Any) -> dict[str, pd.DataFrame]:
    """A district's four tables for `year` as `selectors.staffing` reads them (the actor's scope,
    staffed school types, archived schools and classes left out; subjects made canonical)."""
    from django.db.models import F

    from edugov.accounts.scope import scoped
    from edugov.registry.models import Locale, School, SchoolClass

    from .models import SubjectLoad, TeacherYear
    from .norms import canonical_subject
    from .selectors import STAFFED_TYPES, _teaching_stage

    rows = list(
        scoped(School, actor)
        .filter(archived_at__isnull=True, school_type__in=STAFFED_TYPES)
        .values_list("pk", "area_id", "locale", "is_teaching_point", "school_type")
    )
    schools = pd.DataFrame(
        [
            (pk, area, loc, loc == Locale.RURAL or bool(point), _teaching_stage(kind))
            for pk, area, loc, point, kind in rows
        ],
        columns=["school_id", "town_id", "locale", "village", "teaching_stage"],
    )
    ids = [r[0] for r in rows]
    classes = pd.DataFrame(
        list(
            SchoolClass.objects.filter(
                school_year=year, school_id__in=ids, archived_at__isnull=True
            ).values_list("school_id", "grade", F("boys") + F("girls"))
        ),
        columns=["school_id", "grade", "pupils"],
    )
    teachers = pd.DataFrame(
        list(
            scoped(TeacherYear, actor)
            .filter(school_year=year, school_id__in=ids)
            .values_list(
                "pk",
                "school_id",
                "employment_type",
                "certificate_stage",
                "certificate_subject",
                "birth_year",
                "birth_month",
                "teacher__sex",
            )
        ),
        columns=[
            "record_id",
            "school_id",
            "employment_type",
            "cert_stage",
            "cert_subject",
            "birth_year",
            "birth_month",
            "sex",
        ],
    )
    teachers["cert_subject"] = teachers["cert_subject"].map(canonical_subject)
    loads = pd.DataFrame(
        list(
            scoped(SubjectLoad, actor)
            .filter(teacher_year__school_year=year, teacher_year__school_id__in=ids)
            .values_list("teacher_year_id", "subject", "weekly_periods")
        ),
        columns=["record_id", "subject", "periods"],
    )
    loads["subject"] = loads["subject"].map(canonical_subject)
    return {"schools": schools, "classes": classes, "teachers": teachers, "loads": loads}
