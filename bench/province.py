"""The province run: every module with indicators at `--scale 50`, in the Parquet warehouse, each
recomputed province-wide in a fresh process on DuckDB (and on Spark, for parity).

The demo generators build registry, resources (优质均衡 and 普及普惠 data) and tutoring into SQLite
(`bench.worker build-province`) and `edugov warehouse export` writes them; homework publication of a
whole term is too slow through the database at this size, so `write_homework` writes it straight
into the warehouse: the same rows as `bench.burden.fill_term` (3-4 written subjects a school day,
an oral task most days, every 15th school over the limit in grades 4-9 every third week), the same
columns, partitions, checksums and manifest entry as the export would give.

    python -m bench.province homework WAREHOUSE
    python -m bench.province measure MODULE ENGINE WAREHOUSE OUT_JSON   # balanced|preschool|homework|tutoring
    python -m bench.province all ENGINE WAREHOUSE   # every module in one process: total, peak memory
    python -m bench.province tutoring WAREHOUSE COPIES
    python -m bench.province peer homework|tutoring WAREHOUSE WORK_DIR OUT_JSON
    python -m bench.province limit homework|tutoring WAREHOUSE   # the limit line (edugov.warehouse.limit)
    python -m bench.province refresh NEW_DIR [DAYS]   # incremental export: one district's day changed

Every step reports its own process start-up (interpreter start to `main`, imports of this file
included) and Django set-up apart from the work it measures.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench import province_extra
from bench.harness import settle, timed_runs

MODULES = ("balanced", "preschool", "homework", "tutoring")
LIMITS = {1: 0, 2: 0, 3: 60, 4: 60, 5: 60, 6: 60, 7: 90, 8: 90, 9: 90}  # double_reduction_2021.toml


def _process_age() -> float:
    """Seconds since this process started (the kernel's start time): the interpreter's start-up and
    the imports so far, before any work."""
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime", encoding="ascii") as f:
            uptime = float(f.read().split()[0])
        return max(0.0, uptime - start_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return 0.0


STARTUP: dict[str, float] = {}


def _django() -> None:
    STARTUP["startup"] = _process_age()
    started = time.perf_counter()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edugov.settings")
    import django

    django.setup()
    STARTUP["django"] = time.perf_counter() - started


def _peak_mb() -> float:
    """This process's peak RSS. Not ru_maxrss: Linux carries it over fork and exec, so a step started
    by a large parent would report the parent's size (the bench driver holds a million-key JSON)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# Homework of a whole term, straight into the warehouse --------------------------------------------


def _homework_frame(
    classes: np.ndarray, days: list[dt.date], hot: np.ndarray, rng: np.random.Generator
) -> Any:
    """Columns of one district's homework: classes is (n, 2) of (class id, grade), hot a bool per
    class (its school is one of the hot ones)."""
    import pyarrow as pa

    from edugov.burden.demo import JUNIOR_WRITTEN, PRIMARY_WRITTEN

    subjects = list(dict.fromkeys(("语文", *PRIMARY_WRITTEN, *JUNIOR_WRITTEN)))
    code = {s: i for i, s in enumerate(subjects)}
    primary = np.array([code[s] for s in PRIMARY_WRITTEN])
    junior = np.array([code[s] for s in JUNIOR_WRITTEN])
    n_c, n_d = len(classes), len(days)
    day_idx = np.tile(np.arange(n_d), n_c)
    cls_idx = np.repeat(np.arange(n_c), n_d)
    grade = classes[cls_idx, 1]
    base = np.where(grade <= 2, 0, np.where(grade <= 6, 45, 75))
    third_week = np.array([d.isocalendar()[1] % 3 == 0 for d in days])[day_idx]
    is_hot = hot[cls_idx] & (grade >= 4) & third_week
    limit = np.vectorize(LIMITS.get)(grade) if len(grade) else grade
    target = np.where(
        is_hot,
        (limit * rng.uniform(1.08, 1.3, len(grade))).astype(np.int64),
        (base * rng.uniform(0.6, 1.08, len(grade))).astype(np.int64),
    )
    k = np.where(grade <= 6, len(primary), 4)
    minutes = np.maximum(5, (np.round(target / k / 5) * 5).astype(np.int64))
    # Written rows: every primary subject, or 4 junior subjects drawn per class-day.
    wp = np.flatnonzero((base > 0) & (grade <= 6))
    wj = np.flatnonzero(grade >= 7)
    picks = np.argsort(rng.random((len(wj), len(junior))), axis=1)[:, :4]
    w_cd = np.concatenate([np.repeat(wp, len(primary)), np.repeat(wj, 4)])
    w_subj = np.concatenate([np.tile(primary, len(wp)), junior[picks].ravel()])
    oral = np.flatnonzero(rng.random(len(grade)) < 0.7)
    cd = np.concatenate([w_cd, oral])
    subj = np.concatenate([w_subj, np.full(len(oral), code["语文"])])
    written = np.concatenate([np.ones(len(w_cd), bool), np.zeros(len(oral), bool)])
    mins = np.concatenate([minutes[w_cd], np.full(len(oral), 15)])
    order = np.lexsort((~written, cd))  # class, then day, written before oral (as fill_term)
    cd, subj, written, mins = cd[order], subj[order], written[order], mins[order]
    day_values = np.array([(d - dt.date(1970, 1, 1)).days for d in days], dtype=np.int32)

    def dictionary(idx: np.ndarray, values: list[str]) -> pa.Array:
        return pa.DictionaryArray.from_arrays(pa.array(idx.astype(np.int32)), pa.array(values)).cast(
            pa.string()
        )

    return {
        "school_class_id": pa.array(classes[cls_idx[cd], 0], pa.int64()),
        "date": pa.array(day_values[day_idx[cd]], pa.int32()).cast(pa.date32()),
        "subject": dictionary(subj, subjects),
        "homework_type": dictionary((~written).astype(np.int32), ["written", "oral"]),
        "content": dictionary((~written).astype(np.int32), ["练习", "朗读课文三遍"]),
        "estimated_minutes": pa.array(mins, pa.int64()),
        "layered": pa.array(np.zeros(len(cd), bool)),
    }


def write_homework(directory: str, seed: int = 1) -> dict[str, Any]:
    """Every compulsory class's homework over the whole current term, per (school year, district)
    partition, then the manifest's `homework` entry."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from bench.burden import _term
    from edugov.registry.calendar import SchoolCalendar
    from edugov.registry.models import SchoolClass
    from edugov.warehouse import export as wx
    from edugov.warehouse.registry import warehouse_tables

    started = time.perf_counter()
    root = Path(directory)
    table = warehouse_tables()["homework"]
    schema = wx.arrow_schema(table)
    fingerprint = wx._schema_fingerprint(schema)
    term = _term()
    days = SchoolCalendar.for_year(term.school_year).school_days(term.start_date, term.end_date)
    rows = list(
        SchoolClass.objects.filter(
            school_year=term.school_year, grade__in=range(1, 10), archived_at__isnull=True
        )
        .order_by("pk")
        .values_list("pk", "grade", "school_id", "school__area_id")
    )
    dmap = wx.DistrictMap()
    schools = sorted({s for _, _, s, _ in rows})
    pick = np.random.default_rng(seed)
    hot_schools = set(pick.choice(schools, size=max(1, len(schools) // 15), replace=False).tolist())
    by_district: dict[str, list[tuple[int, int, int]]] = {}
    for pk, grade, school_id, area_id in rows:
        by_district.setdefault(dmap.district_of.get(area_id, wx.NO_DISTRICT), []).append(
            (pk, grade, school_id)
        )
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    partitions: dict[str, Any] = {}
    next_id = 1
    for n, district in enumerate(sorted(by_district)):
        cls = np.array(by_district[district], dtype=np.int64)
        hot = np.isin(cls[:, 2], list(hot_schools))
        cols = _homework_frame(cls[:, :2], days, hot, np.random.default_rng(seed * 1000 + n))
        count = len(cols["school_class_id"])
        cols["id"] = pa.array(np.arange(next_id, next_id + count), pa.int64())
        next_id += count
        for name in ("teacher_id", "created_by_id"):
            cols[name] = pa.nulls(count, pa.int64())
        cols["created_at"] = pa.array(np.full(count, np.datetime64(now.replace(tzinfo=None), "us"))).cast(
            pa.timestamp("us", tz="UTC")
        )
        data = pa.Table.from_arrays([cols[f.name] for f in schema], schema=schema)
        key = wx.partition_key(table, term.school_year.start_year, district)
        rel = Path(table.name) / key / "part-0.parquet"
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        acc = wx._Acc()
        for start in range(0, count, 1_000_000):
            acc.add(wx._row_hashes(data.slice(start, 1_000_000)))
        pq.write_table(data, target, compression="zstd")
        partitions[key] = {
            "file": rel.as_posix(),
            "rows": acc.rows,
            "checksum": acc.checksum(fingerprint),
            "bytes": target.stat().st_size,
            "sha256": wx._file_sha256(target),
        }
    manifest = wx.read_manifest(root) or {"schema_version": wx.SCHEMA_VERSION, "tables": {}}
    manifest["tables"]["homework"] = {
        "model": table.model._meta.label,
        "columns": [[f.name, str(f.type)] for f in schema],
        "partition_by": ["year", "district"],
        "rows": sum(p["rows"] for p in partitions.values()),
        "bytes": sum(p["bytes"] for p in partitions.values()),
        "files": [p["file"] for p in partitions.values()],
        "partitions": partitions,
        "year_of": "school_year.start_year",
    }
    tmp = root / (wx.MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, root / wx.MANIFEST)
    return {
        "seconds": time.perf_counter() - started,
        "rows": next_id - 1,
        "classes": len(rows),
        "school_days": len(days),
        "partitions": len(partitions),
        "bytes": sum(p["bytes"] for p in partitions.values()),
        "peak_mb": _peak_mb(),
    }


# Tutoring at a province's size: the generator's institutions and money rows written over ----------

# Columns holding ids that must differ from copy to copy, and the table each refers to.
_TUTORING_IDS = {
    "tutoring_institution": {"id": "tutoring_institution"},
    "tutoring_order": {"id": "tutoring_order", "institution_id": "tutoring_institution"},
    "tutoring_consumption": {
        "id": "tutoring_consumption",
        "institution_id": "tutoring_institution",
        "order_id": "tutoring_order",
    },
    "tutoring_refund": {
        "id": "tutoring_refund",
        "institution_id": "tutoring_institution",
        "order_id": "tutoring_order",
    },
    "tutoring_statement": {"id": "tutoring_statement", "institution_id": "tutoring_institution"},
    "tutoring_complaint": {"id": "tutoring_complaint", "institution_id": "tutoring_institution"},
    "tutoring_status_change": {"id": "tutoring_status_change", "institution_id": "tutoring_institution"},
}


def replicate_tutoring(directory: str, copies: str) -> dict[str, Any]:
    """Every tutoring partition of the warehouse written `copies` times over in place (ids offset per
    copy, so each copy is a further set of institutions with their own orders and money rows in the
    same district and year): the demo gives 300 institutions in its district and 40 in each other,
    a province has several times more. Manifest entries (rows, checksums, files) follow."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from edugov.warehouse import export as wx

    started = time.perf_counter()
    root, n = Path(directory), int(copies)
    manifest = wx.read_manifest(root)
    tables = manifest["tables"]
    offsets = {}
    for name in _TUTORING_IDS:
        top = 0
        for part in tables[name]["partitions"].values():
            ids = pq.read_table(root / part["file"], columns=["id"])["id"]
            top = max(top, pc.max(ids).as_py() or 0)
        offsets[name] = top + 1
    rows = 0
    for name, refers in _TUTORING_IDS.items():
        entry = tables[name]
        for part in entry["partitions"].values():
            path = root / part["file"]
            data = pq.read_table(path)
            fingerprint = part["checksum"].split(":", 1)[0]
            copies_of = []
            for k in range(n):
                copy = data
                for column, table in refers.items():
                    i = copy.schema.get_field_index(column)
                    copy = copy.set_column(
                        i, column, pc.add(copy[column], pa.scalar(k * offsets[table], pa.int64()))
                    )
                copies_of.append(copy)
            data = pa.concat_tables(copies_of)
            acc = wx._Acc()
            for start in range(0, data.num_rows, 1_000_000):
                acc.add(wx._row_hashes(data.slice(start, 1_000_000)))
            tmp = path.with_suffix(".parquet.tmp")
            pq.write_table(data, tmp, compression="zstd")
            os.replace(tmp, path)
            part.update(
                rows=acc.rows,
                checksum=acc.checksum(fingerprint),
                bytes=path.stat().st_size,
                sha256=wx._file_sha256(path),
            )
        entry["rows"] = sum(p["rows"] for p in entry["partitions"].values())
        entry["bytes"] = sum(p["bytes"] for p in entry["partitions"].values())
        rows += entry["rows"]
    tmp = root / (wx.MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, root / wx.MANIFEST)
    return {
        "seconds": time.perf_counter() - started,
        "rows": rows,
        "institutions": tables["tutoring_institution"]["rows"],
        "peak_mb": _peak_mb(),
    }


# One module's indicators, province-wide, in this process ------------------------------------------


def _province() -> tuple[Any, Any]:
    from edugov.registry.models import Area, AreaLevel, SchoolYear

    year = SchoolYear.objects.get(is_current=True)
    return year, Area.objects.filter(level=AreaLevel.PROVINCE).order_by("path").first()


def _balanced(engine: str) -> Any:
    from edugov.resources.evaluation import evaluate_balanced

    year, area = _province()
    return evaluate_balanced(school_year=year, area=area, engine=engine)


def _balanced_digest(ev: Any) -> tuple[dict[str, Any], int]:
    from edugov.registry.models import Stage

    digest: dict[str, Any] = {}
    for s in ev.schools:
        digest[f"unit|{s.school_id}|{s.stage}"] = [r.value for r in s.indicators]
        digest[f"verdict|{s.school_id}|{s.stage}"] = [s.passed, s.met_count]
    stage_of = {Stage(s).label: s for s in ("primary", "junior")}
    for f in ev.findings:
        key = f"finding|{f.school_id}|{stage_of[f.stage]}"
        digest[key] = digest.get(key, 0) + 1
    digest |= {f"cv|{c.stage}|{c.code}": c.cv for c in ev.cvs}
    digest |= {f"town|{t.area_id}|{t.stage}": [t.students, list(t.values.values())] for t in ev.towns}
    digest |= {f"district|{d.stage}": [d.students, list(d.values.values())] for d in ev.district}
    digest |= {
        f"guarantee|{g.code}": [
            g.checked, sorted(f.school_id for f in g.failures if f.school_id is not None), len(g.failures)
        ]
        for g in ev.guarantee
    }  # fmt: skip
    return digest, len(ev.schools)


def _preschool(engine: str) -> Any:
    from edugov.resources.preschool import evaluate_preschool

    year, area = _province()
    return evaluate_preschool(school_year=year, area=area, engine=engine)


def _preschool_digest(ev: Any) -> tuple[dict[str, Any], int]:
    def values(results: Any) -> list[Any]:
        return [[r.value, r.numerator, r.denominator, r.met] for r in results]

    digest: dict[str, Any] = {f"district|{r.code}": values([r]) for r in ev.district}
    digest |= {
        f"town|{t.town_id}": [t.kindergartens, t.children, t.population, values(t.results)] for t in ev.towns
    }
    digest |= {
        f"kg|{k.school_id}": [
            k.children,
            k.classes,
            k.classes_over,
            k.max_class_size,
            k.teachers,
            k.fulltime_teachers,
            k.certified_teachers,
            k.over_size,
            values(k.results),
        ]
        for k in ev.kindergartens
    }
    return digest, len(ev.kindergartens)


def _homework(engine: str) -> Any:
    from bench.burden import _Reader, _term
    from edugov.burden.selectors import homework_compliance

    return homework_compliance(user=_Reader(), term=_term(), engine=engine)


def _homework_digest(report: Any) -> tuple[dict[str, Any], int]:
    digest: dict[str, Any] = {
        f"hw|{c.class_id}|{c.week_start}": [
            c.written_minutes,
            c.school_days,
            str(c.average),
            c.over,
            c.days_over,
        ]
        for c in report.class_weeks
    }
    digest |= {f"bins|{g}|{b}": n for g, bins in report.daily_bins.items() for b, n in bins.items()}
    digest |= {
        f"over|{o.class_id}": [
            o.weeks_measured,
            o.weeks_over,
            o.longest_run,
            str(o.max_average),
            str(o.mean_excess),
            o.escalated,
        ]
        for o in report.over_classes
    }
    digest["total"] = [report.total.class_weeks, report.total.over_weeks, str(report.total.average_sum)]
    return digest, len(report.class_weeks)


def _tutoring(engine: str) -> Any:
    from bench.tutoring import ON
    from edugov.tutoring import risk_inputs

    return risk_inputs.scores(on=ON, ws=risk_inputs.risk_workspace(engine))


def _tutoring_digest(scores: Any) -> tuple[dict[str, Any], int]:
    return {f"risk|{i}": [r.score, r.level, r.reasons] for i, (_, r) in scores.items()}, len(scores)


RUN = {"balanced": _balanced, "preschool": _preschool, "homework": _homework, "tutoring": _tutoring}
RUN["workforce"] = province_extra.run_workforce  # this round's modules over the warehouse
RUN["planning"] = province_extra.province_planning.run
RUN["safety"] = province_extra.province_safety.run
DIGEST = {
    "balanced": _balanced_digest,
    "preschool": _preschool_digest,
    "homework": _homework_digest,
    "tutoring": _tutoring_digest,
    "workforce": province_extra.workforce_digest,
    "planning": province_extra.province_planning.digest,
    "safety": province_extra.province_safety.digest,
}


def measure(module: str, engine: str, warehouse: str, out: str) -> dict[str, Any]:
    """`module` province-wide on `engine` over the warehouse: the first call (imports, compiling,
    Spark's session start included) and a second, warm one."""
    from edugov.indicators.backends import use_warehouse

    with use_warehouse(warehouse):
        # The module's computation only: the digest is the bench's.
        result, runs, cpu = timed_runs(lambda: RUN[module](engine))
    digest, items = DIGEST[module](result)
    Path(out).write_text(json.dumps(digest, default=str), encoding="utf-8")
    master = ""
    if engine == "spark":
        from edugov.indicators.backends import spark_session

        # A Spark Connect session has no SparkContext: its master is the server's address.
        master = os.environ.get("EDUGOV_SPARK_REMOTE") or spark_session().sparkContext.master
    return {
        "first": runs[0],
        "seconds": min(runs[1:]),  # warm: the better of two (the machine is shared)
        "cpu": min(cpu[1:]),  # warm, CPU seconds of every thread (DuckDB's included)
        "items": items,
        "peak_mb": _peak_mb(),
        "master": master,
        **STARTUP,
    }


def measure_all(engine: str, warehouse: str) -> dict[str, Any]:
    """Every module province-wide on `engine` in this one process, one after another: each module's
    first call (the process's imports and the known questions' SQL read from beside the manifest
    included), then the whole round again, warm; wall and CPU seconds, the process's peak RSS."""
    from edugov.indicators.backends import use_warehouse

    first: dict[str, float] = {}
    warm: dict[str, float] = {}
    every = (*MODULES, *province_extra.MODULES)
    started_all, cpu_all = time.perf_counter(), time.process_time()
    with use_warehouse(warehouse):
        for module in every:
            started = time.perf_counter()
            RUN[module](engine)
            first[module] = time.perf_counter() - started
        total_first = time.perf_counter() - started_all
        cpu_first = time.process_time() - cpu_all
        settle()  # as the server after its warming
        started_all, cpu_all = time.perf_counter(), time.process_time()
        for module in every:
            started = time.perf_counter()
            RUN[module](engine)
            warm[module] = time.perf_counter() - started
    return {
        "first": first,
        "warm": warm,
        "total_first": total_first,
        "cpu_first": cpu_first,
        "total_warm": time.perf_counter() - started_all,
        "cpu_warm": time.process_time() - cpu_all,
        "peak_mb": _peak_mb(),
        **STARTUP,
    }


# The limit line: the engine table by one hand-written DuckDB query, against edugov's definition ---


def edugov_frame(
    builder: Any, tables: Any, directory: str, params: dict[str, Any]
) -> tuple[Any, dict[str, float]]:
    """One of the module's own Ibis questions on DuckDB over the warehouse: (result, seconds of
    building the expression, compiling it to SQL and the query). A table the question shares with
    others (`Workspace.shared`) is computed while building: its time counts in "build"."""
    from edugov.indicators.backends import Workspace

    times: dict[str, float] = {}
    started = time.perf_counter()
    ws = Workspace.from_warehouse("duckdb", directory, tables)
    expr = builder(ws, **params)
    times["build"] = time.perf_counter() - started
    backend = ws.backend
    assert backend is not None  # a warehouse workspace always has its DuckDB connection
    started = time.perf_counter()
    sql = str(backend.compile(expr))
    times["compile"] = time.perf_counter() - started
    started = time.perf_counter()
    frame = backend.con.sql(sql).df()  # the compiled SQL as it stands: the query alone
    times["query"] = time.perf_counter() - started
    return frame, times


def asked_again(questions: list[tuple[str, Any, Any, dict[str, Any]]], directory: str) -> float:
    """Seconds to ask every question of a module with their SQL known, the rows handed back as
    DuckDB's Arrow columns (`Workspace.query_arrow`, as the modules take them; the limit line's
    seconds are timed alike, `limit.limit_frame`): one fresh workspace per set of tables, so a
    table the questions share (`Workspace.shared`, the 优质均衡 unit table) is computed once, as
    in the module's call. Not `Workspace.query`: its DataFrame of 双减's million class-weeks
    took longer than the query (2.7 s against 1.0 s), and no module asks for it."""
    from edugov.indicators.backends import Workspace

    workspaces: dict[int, Any] = {}
    for _, builder, tables, params in questions:  # known: asked once before
        Workspace.from_warehouse("duckdb", directory, tables).query_arrow(builder, **params)
    started = time.perf_counter()
    for _, builder, tables, params in questions:
        if id(tables) not in workspaces:
            workspaces[id(tables)] = Workspace.from_warehouse("duckdb", directory, tables)
        workspaces[id(tables)].query_arrow(builder, **params)
    return time.perf_counter() - started


# The questions each module asks the engine, and the parts of its limit line they match.
PARTS = {
    "balanced": {"units": "_unit_values", "cvs": "_cvs", "facts": "_facts"},
    "preschool": {"units": "_kindergartens", "towns": "_towns"},
}


def _questions(module: str, warehouse: str) -> list[tuple[str, Any, Any, dict[str, Any]]]:
    """(limit part, builder, workspace tables, arguments) of the module's province computation,
    caught as the module asks them."""
    from edugov.indicators.backends import Workspace, use_warehouse
    from edugov.warehouse import limit as lim

    if module == "homework":
        from bench.burden import _Reader, _term
        from edugov.burden import weekly
        from edugov.burden.selectors import homework_compliance

        with use_warehouse(warehouse):
            params = lim.homework_question(
                lambda: homework_compliance(user=_Reader(), term=_term(), engine="duckdb")
            )
        return [("table", weekly.class_week_table, weekly.WEEKLY_TABLES, params)]
    if module == "tutoring":
        from bench.tutoring import ON
        from edugov.tutoring import risk_inputs

        return [("table", risk_inputs.risk_input_table, risk_inputs.RISK_TABLES, {"on": ON})]
    from edugov.resources.indicators import PRESCHOOL_TABLES, WORKSPACE_TABLES

    asked: dict[str, tuple[Any, dict[str, Any]]] = {}
    originals = {name: getattr(Workspace, name) for name in ("query", "query_arrow")}

    def spy(original: Any) -> Any:
        def asking(self: Any, builder: Any, /, **params: Any) -> Any:
            asked[builder.__qualname__] = (builder, params)
            return original(self, builder, **params)

        return asking

    for name, original in originals.items():
        setattr(Workspace, name, spy(original))
    try:
        with use_warehouse(warehouse):
            RUN[module]("duckdb")
    finally:
        for name, original in originals.items():
            setattr(Workspace, name, original)
    tables = WORKSPACE_TABLES if module == "balanced" else PRESCHOOL_TABLES
    return [(part, asked[name][0], tables, asked[name][1]) for part, name in PARTS[module].items()]


def limit(module: str, warehouse: str) -> dict[str, Any]:
    """`module`'s engine questions (`edugov.warehouse.limit`) province-wide on DuckDB over the
    warehouse: edugov's Ibis definitions (building the expression, compiling it, the query; and
    the warm call) and the hand-written SQL, each timed and summed over the module's parts; the
    results compared value by value."""
    from edugov.warehouse import limit as lim

    out: dict[str, Any] = {"build": 0.0, "compile": 0.0, "query": 0.0, "build_warm": 0.0, "compile_warm": 0.0}
    out |= {"known": 0.0, "limit": 0.0, "rows": 0, "differ": [], "n_differ": 0}
    from edugov.indicators import warehouse_duckdb

    questions = _questions(module, warehouse)
    warehouse_duckdb._LOCAL.__dict__.clear()  # a fresh connection: the first ask builds and compiles anew
    for part, builder, tables, params in questions:
        sql = dict(lim.limit_parts(module, warehouse, **params))[part]
        # Each twice, alternating, the faster query kept (the files are then in the page cache for
        # both); Ibis's building and compiling as in a fresh process (the first time).
        ours, times = edugov_frame(builder, tables, warehouse, params)
        theirs, seconds = lim.limit_frame(sql)
        _, again = edugov_frame(builder, tables, warehouse, params)
        _, seconds_again = lim.limit_frame(sql)
        rows, differ = lim.same_frames(module if part == "table" else f"{module}.{part}", ours, theirs)
        out["build"] += times["build"]
        out["compile"] += times["compile"]
        out["query"] += min(times["query"], again["query"])
        out["build_warm"] += again["build"]
        out["compile_warm"] += again["compile"]
        out["limit"] += min(seconds, seconds_again)
        out["rows"] += rows
        out["differ"] += [f"{part}: {d}" for d in differ[:5]]
        out["n_differ"] += len(differ)
    out["known"] = min(asked_again(questions, warehouse) for _ in range(2))
    return {**STARTUP, **out, "differ": out["differ"][:5], "peak_mb": _peak_mb()}


# Incremental refresh: one district's day of homework changed, against a full export -------------


def refresh(directory: str, days: str = "5") -> dict[str, Any]:
    """A term's first `days` school days of homework in the database for every compulsory class
    (three written subjects and an oral task a day), exported; then one district's classes publish
    the next day's homework and the warehouse is exported again (only changed partitions), then
    rewritten in full: time, bytes written and partitions rewritten of each."""
    from bench.burden import _term
    from edugov.burden.models import Homework
    from edugov.registry.calendar import SchoolCalendar
    from edugov.registry.models import SchoolClass
    from edugov.warehouse import export as wx

    term = _term()
    school_days = SchoolCalendar.for_year(term.school_year).school_days(term.start_date, term.end_date)
    n = int(days)
    classes = list(
        SchoolClass.objects.filter(
            school_year=term.school_year, grade__in=range(1, 10), archived_at__isnull=True
        )
        .order_by("pk")
        .values_list("pk", "school__area_id")
    )
    dmap = wx.DistrictMap()

    def publish(pks: list[int], day: dt.date) -> int:
        rows = [
            Homework(
                school_class_id=pk,
                date=day,
                subject=subject,
                homework_type=kind,
                content="练习" if kind == "written" else "朗读课文三遍",
                estimated_minutes=minutes,
            )
            for pk in pks
            for subject, kind, minutes in (
                ("语文", "written", 20),
                ("数学", "written", 20),
                ("英语", "written", 15),
                ("语文", "oral", 15),
            )
        ]
        Homework.objects.bulk_create(rows, batch_size=5000)
        return len(rows)

    every = [pk for pk, _ in classes]
    rows = sum(publish(every, day) for day in school_days[:n])
    root = Path(directory)
    first = wx.warehouse_export(directory=root)
    districts = sorted({dmap.district_of.get(a, wx.NO_DISTRICT) for _, a in classes})
    one = districts[0]
    changed = publish([pk for pk, a in classes if dmap.district_of.get(a) == one], school_days[n])
    inc = wx.warehouse_export(directory=root)
    full = wx.warehouse_export(directory=root, full=True)

    def figures(r: Any) -> dict[str, Any]:
        return {
            "seconds": r.seconds,
            "checking": r.seconds_checking,
            "written": len(r.written),
            "read": len(r.read),
            "unchanged": len(r.unchanged),
            "bytes_written": r.bytes_written,
        }

    return {
        "homework_rows": rows,
        "classes": len(classes),
        "district": one,
        "districts": len(districts),
        "changed_rows": changed,
        "rows": sum(first.rows.values()),
        "bytes": full.bytes,
        "first": figures(first),
        "incremental": figures(inc),
        "incremental_partitions": inc.written,
        "full": figures(full),
        "peak_mb": _peak_mb(),
    }


# Plain pandas peers over the same warehouse files ------------------------------------------------

_TUTORING_FILES = {
    "institution": "tutoring_institution",
    "order": "tutoring_order",
    "consumption": "tutoring_consumption",
    "refund": "tutoring_refund",
    "statement": "tutoring_statement",
    "complaint": "tutoring_complaint",
    "status_change": "tutoring_status_change",
}


def _link(directory: Path, name: str, target: Path) -> None:
    link = directory / f"{name}.parquet"  # a directory of partitions reads as one table
    if not link.exists():
        link.symlink_to(target, target_is_directory=True)


def peer(module: str, warehouse: str, work: str, out: str) -> dict[str, Any]:
    """The independent plain-pandas implementations of bench.burden and bench.tutoring over the
    warehouse's partitions (the calendar and the classes' grades read from the database)."""
    from bench.burden import _export, pandas_weekly
    from bench.tutoring import ON, pandas_scores

    wh, directory = Path(warehouse), Path(work)
    directory.mkdir(parents=True, exist_ok=True)
    if module in ("balanced", "preschool"):
        from bench import pandas_peer_balanced, pandas_peer_preschool
        from edugov.standards.loader import library

        year, area = _province()
        where = {"school_year_id": year.pk, "area_path": area.path}
        limits, size = pandas_peer_preschool.class_limits_of(
            library(), area_path=area.path, year=year.start_year
        )

        rules, min_points = pandas_peer_balanced.rules_of(
            library(), area_path=area.path, year=year.start_year
        )

        def run() -> dict[str, Any]:
            if module == "balanced":
                return pandas_peer_balanced.evaluate(wh, **where, rules=rules, min_points=min_points)
            return pandas_peer_preschool.evaluate(wh, **where, class_limits=limits, size_limit=size)

    elif module == "homework":
        _export(directory)  # bench.burden's files: classes, calendar, term (homework: none in the database)
        (directory / "homework.parquet").unlink()
        _link(directory, "homework", wh / "homework")

        def run() -> dict[str, Any]:
            weekly = pandas_weekly(directory)
            return {"hw|{}|{}".format(*k.split(":")): v for k, v in weekly.items()}
    else:
        for name, table in _TUTORING_FILES.items():
            _link(directory, name, wh / table)

        def run() -> dict[str, Any]:
            return {f"risk|{i}": [s, lv] for i, (s, lv) in pandas_scores(directory, ON).items()}

    # Timed as the module is (`measure`): the first call, then the better of two warm ones. At
    # scale 1 the first call is mostly pyarrow's Parquet import and first reads (0.2-0.7 s
    # against 0.05 s warm), so edugov warm against pandas first would flatter edugov.
    digest, runs, cpu = timed_runs(run)  # the peer reads the files itself
    extra = {"first": runs[0], "cpu": min(cpu[1:]), "cpu_first": cpu[0]}
    Path(out).write_text(json.dumps(digest, default=str), encoding="utf-8")
    return {"seconds": min(runs[1:]), "items": len(digest), "peak_mb": _peak_mb(), **extra}


def same_as_peer(ours_path: Path, peer_path: Path) -> tuple[int, list[str]]:
    """(peer keys, keys that differ): the peer's keys against ours of the same prefixes (`hw|`,
    `kg|`, ...); the peers give fewer figures per key (minutes, days, average and verdict; score
    and level; value, numerator and denominator), compared as the leading ones of ours, list by
    list; floats within 1e-9 relative (pandas and DuckDB sum in different orders)."""
    ours = json.loads(ours_path.read_text(encoding="utf-8"))
    theirs = json.loads(peer_path.read_text(encoding="utf-8"))
    prefixes = tuple({k.split("|")[0] + "|" for k in theirs})
    mine = {k: v for k, v in ours.items() if k.startswith(prefixes)}

    def fits(m: Any, t: Any) -> bool:
        if isinstance(m, list) and isinstance(t, list):
            return len(t) <= len(m) and all(fits(a, b) for a, b in zip(m, t, strict=False))
        if isinstance(m, float) and isinstance(t, float | int) and not isinstance(t, bool):
            return math.isclose(m, t, rel_tol=1e-9, abs_tol=1e-12)
        return bool(m == t)

    differ = sorted(set(mine) ^ set(theirs))
    differ += sorted(k for k in set(mine) & set(theirs) if not fits(mine[k], theirs[k]))
    return len(theirs), differ


def close_json(a_path: Path, b_path: Path) -> tuple[int, list[str]]:
    """(keys, keys that differ): exact for everything but floats, which may differ by 1e-9 relative
    (DuckDB and Spark sum doubles in different orders)."""

    def close(x: Any, y: Any) -> bool:
        if isinstance(x, float) or isinstance(y, float):
            if x is None or y is None:
                return x is None and y is None
            return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)
        if isinstance(x, list) and isinstance(y, list):
            return len(x) == len(y) and all(close(p, q) for p, q in zip(x, y, strict=True))
        return x == y

    a = json.loads(a_path.read_text(encoding="utf-8"))
    b = json.loads(b_path.read_text(encoding="utf-8"))
    differ = sorted(set(a) ^ set(b)) + sorted(k for k in set(a) & set(b) if not close(a[k], b[k]))
    return len(a), differ


def main(argv: list[str]) -> None:
    _django()
    if argv[0] == "homework":
        out = write_homework(argv[1])
    elif argv[0] == "measure":
        out = measure(*argv[1:5])
    elif argv[0] == "all":
        out = measure_all(*argv[1:3])
    elif argv[0] == "tutoring":
        out = replicate_tutoring(argv[1], argv[2])
    elif argv[0] == "peer":
        out = (province_extra.peer if argv[1] in province_extra.MODULES else peer)(*argv[1:5])
    elif argv[0] == "limit":
        out = (province_extra.limit if argv[1] in province_extra.MODULES else limit)(*argv[1:3])
    elif argv[0] == "refresh":
        out = refresh(*argv[1:3])
    else:
        raise SystemExit(f"unknown step {argv[0]}")
    print("BENCH " + json.dumps(out), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
