"""Import fault injection: `edugov import` runs in a subprocess that is killed (SIGKILL) at random
moments and at every write step, or whose database session is terminated mid-transaction
(pg_terminate_backend from another connection; on SQLite the process is killed instead). After
each fault the database holds either nothing of the file or all of it (the data compared row by
row, every other table counted), the batch left "running" by the dead worker is swept to
"failed", and a re-run of the same file completes with exact contents.

`make test` runs a few faults of each kind; `make soak` (EDUGOV_SOAK=1) runs 50 of each.
"""

from __future__ import annotations

import random
import signal
import time
from collections import Counter
from pathlib import Path

import pytest

from edugov.ingest.faults import POINTS
from edugov.ingest.samples import CLASSES_PER_SCHOOL_GRADE, sample_school_codes, write_classes_csv

from .live import VENDORS, LiveDb, live_db, record, soak

SCHOOLS = 12
BASE_ROWS = soak(3_000, 6_000)
GRADE_NUMBERS = {
    "一年级": 1, "二年级": 2, "三年级": 3, "四年级": 4, "五年级": 5, "六年级": 6,
    "七年级": 7, "八年级": 8, "九年级": 9, "高一": 10, "高二": 11, "高三": 12,
}  # fmt: skip

CLASSES_SQL = """
SELECT s.code, y.start_year, c.grade, c.number, c.name, c.boys, c.girls
FROM registry_schoolclass c JOIN registry_school s ON s.id = c.school_id
JOIN registry_schoolyear y ON y.id = c.school_year_id
"""

SESSION_SQL = "SELECT pid FROM pg_stat_activity WHERE application_name = %s AND pid <> pg_backend_pid()"


def classes(db: LiveDb) -> dict[tuple, tuple]:
    return {(r[0], r[1], r[2], r[3]): (r[4], r[5], r[6]) for r in db.query(CLASSES_SQL)}


def file_rows(path: Path) -> dict[tuple, tuple]:
    import csv

    with path.open(encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        return {
            (code, int(year[:4]), GRADE_NUMBERS[grade], int(number)): (name, int(boys), int(girls))
            for code, year, grade, number, name, boys, girls in reader
        }


@pytest.fixture(scope="module", params=VENDORS)
def db(request, tmp_path_factory):
    with live_db(request.param, tmp_path_factory.mktemp(request.param)) as live:
        live.run(
            "shell", "-c",
            f"from edugov.ingest.samples import ensure_sample_schools; ensure_sample_schools({SCHOOLS})",
        )  # fmt: skip
        yield live


def _terminate_backend(db: LiveDb, app: str, proc, delay: float) -> bool:
    """From another connection, end the subprocess's session `delay` seconds into its import.
    False if the import ended first (no fault injected). One connection for the polling: a new
    one every few milliseconds (a server process each) took the CPU from the import under test."""
    fire_at = time.monotonic() + delay
    with db.connect() as conn:
        while proc.poll() is None:
            if time.monotonic() >= fire_at:
                rows = conn.execute(SESSION_SQL, (app,)).fetchall()
                if rows:
                    conn.execute("SELECT pg_terminate_backend(%s)", (rows[0][0],))
                    return True
            time.sleep(0.005)
    return False


def _last_batch(db: LiveDb) -> tuple[int, str | None]:
    rows = db.query("SELECT id, status FROM ingest_importbatch ORDER BY id DESC LIMIT 1")
    return (rows[0][0], rows[0][1]) if rows else (0, None)


def _import_seconds(db: LiveDb) -> float:
    batch_id = _last_batch(db)[0]
    if db.vendor == "postgresql":
        sql = "SELECT EXTRACT(EPOCH FROM finished_at - created_at) FROM ingest_importbatch WHERE id = %s"
    else:
        sql = (
            "SELECT (julianday(finished_at) - julianday(created_at)) * 86400"
            " FROM ingest_importbatch WHERE id = %s"
        )
    return float(db.query(sql, (batch_id,))[0][0])


def _wait_batch(db: LiveDb, after: int, proc, timeout: float = 120) -> bool:
    """Wait until the subprocess has created its batch (past Django's start-up), on one connection."""
    deadline = time.monotonic() + timeout
    with db.connect() as conn:
        while time.monotonic() < deadline and proc.poll() is None:
            if (conn.execute("SELECT MAX(id) FROM ingest_importbatch").fetchone()[0] or 0) > after:
                return True
            time.sleep(0.01)
    return False


def _one_fault(db: LiveDb, path: Path, mode: str, rng: random.Random, duration: float) -> dict:
    """Run one faulted import, check all-or-nothing, sweep, re-run, check exact. Returns facts."""
    before_rows = classes(db)
    before_counts = db.counts()
    before_batch = _last_batch(db)[0]
    expected = {**before_rows, **file_rows(path)}
    args = ("import", "classes", str(path), "--no-progress")
    app = f"edugov-fault-{rng.getrandbits(32):08x}"
    # injected: the fault happened while the process ran (a kill or termination after it had
    # finished is no fault); a fault point always fires, the process then exits non-zero.
    if mode == "kill" and rng.random() < 0.5:
        how = f"point:{rng.choice(POINTS)}"
        proc = db.popen(*args, EDUGOV_FAULT_POINT=how.split(":", 1)[1] + ":kill")
        proc.wait(timeout=600)
        injected = proc.returncode != 0
    elif mode == "kill":
        delay = rng.uniform(0, duration * 1.1)
        how = f"delay:{delay:.2f}"
        proc = db.popen(*args)
        _wait_batch(db, before_batch, proc)
        time.sleep(delay)
        injected = proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=600)
    elif db.vendor == "postgresql" and rng.random() < 0.5:
        how = "terminate-from-outside"
        proc = db.popen(*args, PGAPPNAME=app)
        _wait_batch(db, before_batch, proc)
        injected = _terminate_backend(db, app, proc, rng.uniform(0, duration * 1.1))
        proc.wait(timeout=600)
    else:
        how = f"drop:{rng.choice(POINTS)}"
        proc = db.popen(*args, EDUGOV_FAULT_POINT=how.split(":", 1)[1] + ":drop")
        proc.wait(timeout=600)
        injected = proc.returncode != 0
    proc.stdout.close()
    proc.stderr.close()
    code = proc.returncode

    after_rows = classes(db)
    after_counts = db.counts()
    batch_id, status = _last_batch(db)
    if batch_id == before_batch:
        status = None  # killed before it created its batch
    if after_rows == before_rows:
        outcome = "nothing"
        changed = {t for t in after_counts if after_counts[t] != before_counts.get(t)}
        assert changed <= {"ingest_importbatch"}, f"{how}: part of the file in {changed}"
        assert status != "succeeded", how
    else:
        outcome = "all"
        assert after_rows == expected, f"{how}: the database holds part of the file"
        assert status == "succeeded", f"{how}: data written but batch {status}"
    if status == "pending":  # killed between creating and starting its batch: let the grace pass
        earlier = (
            "created_at - INTERVAL '2 minutes'"
            if db.vendor == "postgresql"
            else "datetime(created_at, '-2 minutes')"
        )
        db.query(f"UPDATE ingest_importbatch SET created_at = {earlier} WHERE id = %s", (batch_id,))
    # The batch of a dead worker is swept to failed by the next run; then the file imports exactly.
    rerun = db.run(*args)
    assert "导入成功" in rerun.stdout, rerun.stdout
    if status in ("running", "pending"):
        assert "中断的导入批次" in rerun.stderr, f"{how}: {status} batch not swept"
        assert db.query("SELECT status FROM ingest_importbatch WHERE id = %s", (batch_id,)) == [("failed",)]
    final = classes(db)
    lost = sum(1 for k, v in expected.items() if final.get(k) != v)
    assert final == expected, f"{how}: re-run left {lost} rows wrong"
    # Nothing of a dead worker may stay "running" or "pending".
    assert not db.query("SELECT id FROM ingest_importbatch WHERE status IN ('running', 'pending')")
    return {
        "how": how,
        "exit": code,
        "outcome": outcome,
        "status": status,
        "lost": lost,
        "injected": injected,
    }


@pytest.mark.parametrize("mode", ["kill", "drop"])
def test_faults_leave_nothing_partial(db, mode, tmp_path):
    runs = soak(2, 50)
    started = time.monotonic()
    rng = random.Random(f"{db.vendor}-{mode}-{runs}")
    codes = sample_school_codes(SCHOOLS)
    capacity = SCHOOLS * 12 * CLASSES_PER_SCHOOL_GRADE
    # One clean import to learn how long an import takes (for the random kill moments).
    warm = write_classes_csv(
        tmp_path / "warm.csv", BASE_ROWS, seed=0, create_schools=False, school_codes=codes
    )
    db.run("import", "classes", str(warm), "--no-progress")
    # The import itself (batch created to finished), not the process start-up: kills land inside it.
    duration = max(0.05, _import_seconds(db))
    facts: list[dict] = []
    # `runs` faults injected: a run whose kill or termination came after the import ended counts
    # as a clean import (checked the same way), not as a fault.
    for i in range(runs * 3):
        if sum(f["injected"] for f in facts) >= runs:
            break
        rows = min(capacity, BASE_ROWS + rng.randint(0, BASE_ROWS // 2))  # new classes and changed ones
        path = write_classes_csv(
            tmp_path / f"f{i}.csv", rows, seed=rng.getrandbits(32), create_schools=False, school_codes=codes
        )
        facts.append(_one_fault(db, path, mode, rng, duration))
    outcomes = {o: sum(f["outcome"] == o for f in facts) for o in ("nothing", "all")}
    injected = [f for f in facts if f["injected"]]
    record(
        "import_faults",
        vendor=db.vendor,
        mode=mode,
        faults=len(injected),
        runs=len(facts),
        by_how=dict(sorted(Counter(f["how"].split(":")[0] for f in injected).items())),
        injected_outcomes={o: sum(f["outcome"] == o for f in injected) for o in ("nothing", "all")},
        import_seconds=round(duration, 2),
        seconds=round(time.monotonic() - started),
        rows_per_file=BASE_ROWS,
        outcomes=outcomes,
        stale_swept=sum(f["status"] in ("running", "pending") for f in facts),
        pending_swept=sum(f["status"] == "pending" for f in facts),
        rows_lost=sum(f["lost"] for f in facts),
        partial=0,
        hows=sorted({f["how"].split(":")[0] for f in facts}),
    )
    assert len(injected) == runs, f"{len(injected)} of {runs} faults landed inside an import"
    # The faults must actually interrupt imports, not all land after the commit.
    assert outcomes["nothing"] >= 1


@pytest.mark.django_db
def test_sweep_spares_live_workers_and_fails_dead_ones(tmp_path):
    import fcntl

    from edugov.ingest.models import BatchStatus, ImportBatch
    from edugov.ingest.services import STALE_MESSAGE, batch_sweep_stale

    live_file, dead_file = tmp_path / "live.csv", tmp_path / "dead.csv"
    live_file.write_text("x")
    dead_file.write_text("x")
    from django.utils import timezone

    def running(path):
        return ImportBatch.objects.create(
            kind="classes", stored_path=str(path), status="running", started_at=timezone.now()
        )

    live, dead, gone = running(live_file), running(dead_file), running(tmp_path / "missing.csv")
    with live_file.open("rb") as held:
        fcntl.flock(held, fcntl.LOCK_SH)  # what a running worker holds
        assert batch_sweep_stale() == 2
    statuses = dict(ImportBatch.objects.values_list("pk", "status"))
    assert statuses == {
        live.pk: BatchStatus.RUNNING,
        dead.pk: BatchStatus.FAILED,
        gone.pk: BatchStatus.FAILED,
    }
    assert ImportBatch.objects.get(pk=dead.pk).message == STALE_MESSAGE


@pytest.mark.django_db
def test_sweep_fails_pending_batches_of_dead_workers_only(tmp_path):
    """A worker killed between creating and starting its batch leaves it "pending": failed once older
    than the grace, unless the task queue still holds it or a process holds its file."""
    import datetime as dt
    import fcntl

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from edugov.ingest.models import BatchStatus, ImportBatch
    from edugov.ingest.services import PENDING_GRACE, batch_sweep_stale

    def pending(name, age):
        (tmp_path / name).write_text("x")
        b = ImportBatch.objects.create(kind="classes", stored_path=str(tmp_path / name))
        ImportBatch.objects.filter(pk=b.pk).update(created_at=timezone.now() - age)
        return b

    old = PENDING_GRACE + dt.timedelta(seconds=5)
    dead, fresh = pending("d", old), pending("f", dt.timedelta(0))
    queued, held = pending("q", old), pending("h", old)
    DBTaskResult.objects.create(
        task_path="edugov.ingest.tasks.run_import_batch", args_kwargs={"args": [queued.pk], "kwargs": {}},
        status="READY", backend_name="default", queue_name="default", priority=0, run_after=timezone.now(),
    )  # fmt: skip
    with (tmp_path / "h").open("rb") as f:
        fcntl.flock(f, fcntl.LOCK_SH)
        assert batch_sweep_stale() == 1
    statuses = dict(ImportBatch.objects.values_list("pk", "status"))
    assert statuses == {
        dead.pk: BatchStatus.FAILED,
        fresh.pk: BatchStatus.PENDING,
        queued.pk: BatchStatus.PENDING,
        held.pk: BatchStatus.PENDING,
    }
