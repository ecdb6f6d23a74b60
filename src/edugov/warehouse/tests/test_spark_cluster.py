"""A real standalone Spark cluster (a master and two workers on loopback, started from the pyspark
package's own scripts) computes the tutoring risk inputs and the workforce province staffing of a
mini district holding both modules' rows, submitted through `EDUGOV_SPARK_MASTER` and through Spark
Connect, and gives DuckDB's figures. Skipped without Java or pyspark.

The cluster starts once for this module (about 20 s of JVM start-up; the work itself is a few
seconds). One driver per way of submitting computes both modules from one warehouse: it runs in a
child process (a test process may already hold a local Spark session, and a process has only one),
and every driver started on the master starts executors on both workers, so one driver where two
would do saves the JVMs of three. The cluster and the Connect server are stopped at the end by
their pid files. The Connect server starts after the test that submits through the master: on the
cluster it holds every worker's core while it runs."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from edugov.indicators.backends import Workspace
from edugov.testing import make_mini_district
from edugov.tutoring import risk_inputs
from edugov.warehouse import spark_cluster
from edugov.warehouse.export import warehouse_export
from edugov.warehouse.tests.test_module_engines import ON, tiny_rows
from edugov.workforce.province import compare
from edugov.workforce.tests.conftest import World, workforce_world
from edugov.workforce.warehouse import province_staffing

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not spark_cluster.java_available(), reason="Java is not installed"),
]
pytest.importorskip("pyspark")

# Both modules on Spark from one warehouse: the risk inputs on the day given, then the workforce
# province staffing with the school year and the area as the few numbers and the path it reads (the
# child's database is empty); the rows and the five frames back as JSON.
DRIVER = """
import json, os, sys, datetime as dt, types
import django
django.setup()
from edugov.indicators.backends import Workspace, spark_session
from edugov.tutoring import risk_inputs
from edugov.workforce.warehouse import province_staffing
warehouse, on, year_id, start_year, path, today = sys.argv[1:7]
ws = Workspace.from_warehouse("spark", warehouse, risk_inputs.RISK_TABLES)
frame = ws.execute(risk_inputs.risk_input_table(ws, on=dt.date.fromisoformat(on)))
year = types.SimpleNamespace(pk=int(year_id), start_year=int(start_year))
out = province_staffing(directory=warehouse, school_year=year, area=types.SimpleNamespace(path=path),
                        today=dt.date.fromisoformat(today), engine="spark")
remote = os.environ.get("EDUGOV_SPARK_REMOTE")
print("MASTER " + (remote or spark_session().sparkContext.master))
print("SESSION " + type(spark_session()).__module__)
print("ROWS " + frame.to_json(orient="records", date_format="iso"))
print("FRAMES " + json.dumps({k: f.to_dict(orient="split") for k, f in out.items()}))
"""
WORKFORCE_TODAY = "2026-03-01"


@pytest.fixture(scope="module")
def cluster():
    port = spark_cluster.free_port()
    started = spark_cluster.start(port=port, workers=2, cores=1, memory="1g")
    yield started
    spark_cluster.stop(port=port, workers=2)
    shutil.rmtree(started.state, ignore_errors=True)


@pytest.fixture(scope="module")
def connect(cluster):
    """A Spark Connect server on the cluster (needs pyspark's `connect` extra: grpcio and friends)."""
    pytest.importorskip("grpc")
    pytest.importorskip("zstandard")
    return spark_cluster.start_connect(port=cluster.port, connect_port=spark_cluster.free_port())


@pytest.fixture
def district(tmp_path) -> tuple[World, Path]:
    """The workforce tests' district with the tiny district's homework and tutoring rows, exported."""
    world = workforce_world(make_mini_district())
    tiny_rows(world.md)
    warehouse = tmp_path / "wh"
    warehouse_export(directory=warehouse)
    return world, warehouse


def _records(frame):
    return json.loads(frame.to_json(orient="records", date_format="iso"))


def _drive(env, world: World, warehouse: Path):
    """The driver in a child process: its `KEY value` lines."""
    md = world.md
    args = [str(warehouse), ON.isoformat(), str(md.year.pk), str(md.year.start_year), md.district.path]
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, *args, WORKFORCE_TODAY],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=Path(__file__).resolve().parents[4],
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in proc.stdout.splitlines() if " " in line}


def _same_risk_inputs(lines, warehouse: Path) -> None:
    """The driver's risk inputs are DuckDB's over the same files."""
    duck = Workspace.from_warehouse("duckdb", warehouse, risk_inputs.RISK_TABLES)
    expected = _records(duck.execute(risk_inputs.risk_input_table(duck, on=ON)))
    assert len(expected) == 4  # the tiny district's four institutions
    got = json.loads(lines["ROWS"])
    assert [r["institution_id"] for r in got] == [r["institution_id"] for r in expected]
    for ours, theirs in zip(got, expected, strict=True):
        assert ours.keys() == theirs.keys()
        for key, value in theirs.items():
            if isinstance(value, float):
                assert ours[key] == pytest.approx(value, rel=1e-9, abs=1e-9), key
            else:
                assert ours[key] == value, key
    # The figures a reader would check by hand: institution a's sales to the day (4,000.10 + 9,000).
    assert expected[0]["sales"] == pytest.approx(13000.10)


def _same_workforce_staffing(lines, world: World, warehouse: Path) -> None:
    """The driver's staffing frames are DuckDB's: the same statement, transpiled for Spark."""
    md = world.md
    today = dt.date.fromisoformat(WORKFORCE_TODAY)
    expected = province_staffing(directory=warehouse, school_year=md.year, area=md.district, today=today)
    got = {k: pd.DataFrame(**v) for k, v in json.loads(lines["FRAMES"]).items()}
    assert compare(got, expected) == []
    for name, frame in expected.items():
        assert list(got[name].columns) == list(frame.columns), name
        assert len(got[name]) == len(frame), name
    # School A by hand (the workforce tests): 6 classes of 42 and 2 of 40, three teachers.
    a = got["schools"].set_index("school_id").loc[md.school_a.pk]
    assert [a.students, a.classes, a.teachers] == [6 * 42 + 2 * 40, 8, 3]


def _driver_env(tmp_path, **spark: str) -> dict[str, str]:
    """A driver's environment: Django set up on a scratch data directory, and the one Spark
    variable given (a master or a Connect address, never both)."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="edugov.settings", EDUGOV_DATA_DIR=str(tmp_path / "data"))
    env.pop("EDUGOV_SPARK_MASTER", None)
    env.pop("EDUGOV_SPARK_REMOTE", None)
    return env | spark


def test_standalone_cluster_gives_duckdbs_risk_inputs_and_workforce_staffing(cluster, district, tmp_path):
    """A driver whose executors are the cluster's workers."""
    world, warehouse = district
    env = _driver_env(tmp_path, EDUGOV_SPARK_MASTER=cluster.url, PYSPARK_PYTHON=sys.executable)
    lines = _drive(env, world, warehouse)
    assert lines["MASTER"] == cluster.url  # submitted to the cluster, not local mode
    _same_risk_inputs(lines, warehouse)
    _same_workforce_staffing(lines, world, warehouse)


def test_spark_connect_on_the_cluster_gives_duckdbs_risk_inputs_and_workforce_staffing(
    cluster, connect, district, tmp_path
):
    """Through Spark Connect: a Connect server whose driver runs on the cluster, the plans sent by
    `EDUGOV_SPARK_REMOTE`."""
    world, warehouse = district
    lines = _drive(_driver_env(tmp_path, EDUGOV_SPARK_REMOTE=connect), world, warehouse)
    assert lines["SESSION"] == "pyspark.sql.connect.session"  # a Connect client, no local JVM
    assert lines["MASTER"] == connect
    _same_risk_inputs(lines, warehouse)
    _same_workforce_staffing(lines, world, warehouse)
