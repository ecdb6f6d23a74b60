"""A real standalone Spark cluster (a master and two workers on loopback, started from the pyspark
package's own scripts) computes the tutoring risk inputs of a tiny warehouse and the workforce
province staffing of the workforce tests' district, submitted through `EDUGOV_SPARK_MASTER` and
through Spark Connect, and gives DuckDB's figures. Skipped without Java or pyspark.

The cluster starts once for this module (about 20 s of JVM start-up; the work itself is a few
seconds), the driver runs in a child process (a test process may already hold a local Spark
session, and a process has only one), and both are stopped at the end by their pid files. The
Connect server starts once too, after the tests that submit through the master: on the cluster it
holds every worker's core while it runs."""

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
from edugov.tutoring import risk_inputs
from edugov.warehouse import spark_cluster
from edugov.warehouse.export import warehouse_export
from edugov.warehouse.tests.test_module_engines import ON, built  # noqa: F401  (the tiny district)
from edugov.workforce.province import compare
from edugov.workforce.tests.conftest import world  # noqa: F401  (the district with teachers)
from edugov.workforce.warehouse import province_staffing

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not spark_cluster.java_available(), reason="Java is not installed"),
]
pytest.importorskip("pyspark")

DRIVER = """
import json, os, sys, datetime as dt
import django
django.setup()
from edugov.indicators.backends import Workspace, spark_session
from edugov.tutoring import risk_inputs
ws = Workspace.from_warehouse("spark", sys.argv[1], risk_inputs.RISK_TABLES)
frame = ws.execute(risk_inputs.risk_input_table(ws, on=dt.date.fromisoformat(sys.argv[2])))
remote = os.environ.get("EDUGOV_SPARK_REMOTE")
print("MASTER " + (remote or spark_session().sparkContext.master))
print("SESSION " + type(spark_session()).__module__)
print("ROWS " + frame.to_json(orient="records", date_format="iso"))
"""
# The workforce province staffing on Spark: the school year and the area as the few numbers and the
# path it reads (the child's database is empty), the five outputs back as JSON.
WORKFORCE_DRIVER = """
import json, os, sys, datetime as dt, types
import django
django.setup()
from edugov.indicators.backends import spark_session
from edugov.workforce.warehouse import province_staffing
year = types.SimpleNamespace(pk=int(sys.argv[2]), start_year=int(sys.argv[3]))
area = types.SimpleNamespace(path=sys.argv[4])
out = province_staffing(directory=sys.argv[1], school_year=year, area=area,
                        today=dt.date.fromisoformat(sys.argv[5]), engine="spark")
remote = os.environ.get("EDUGOV_SPARK_REMOTE")
print("MASTER " + (remote or spark_session().sparkContext.master))
print("SESSION " + type(spark_session()).__module__)
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


def _records(frame):
    return json.loads(frame.to_json(orient="records", date_format="iso"))


def _drive(script, args, env):
    """The driver script in a child process: its `KEY value` lines."""
    proc = subprocess.run(
        [sys.executable, "-c", script, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=Path(__file__).resolve().parents[4],
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in proc.stdout.splitlines() if " " in line}


def _workforce_on_spark(world, tmp_path, env):  # noqa: F811
    """The workforce staffing of the world's district on DuckDB and, by the driver, on Spark."""
    md = world.md
    warehouse = tmp_path / "wh"
    warehouse_export(directory=warehouse)
    today = dt.date.fromisoformat(WORKFORCE_TODAY)
    expected = province_staffing(directory=warehouse, school_year=md.year, area=md.district, today=today)
    args = [str(warehouse), str(md.year.pk), str(md.year.start_year), md.district.path, WORKFORCE_TODAY]
    lines = _drive(WORKFORCE_DRIVER, args, env)
    got = {k: pd.DataFrame(**v) for k, v in json.loads(lines["FRAMES"]).items()}
    assert compare(got, expected) == []
    for name, frame in expected.items():
        assert list(got[name].columns) == list(frame.columns), name
        assert len(got[name]) == len(frame), name
    # School A by hand (the workforce tests): 6 classes of 42 and 2 of 40, three teachers.
    a = got["schools"].set_index("school_id").loc[md.school_a.pk]
    assert [a.students, a.classes, a.teachers] == [6 * 42 + 2 * 40, 8, 3]
    return lines


def _driver_env(tmp_path, **spark: str) -> dict[str, str]:
    """A driver's environment: Django set up on a scratch data directory, and the one Spark
    variable given (a master or a Connect address, never both)."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="edugov.settings", EDUGOV_DATA_DIR=str(tmp_path / "data"))
    env.pop("EDUGOV_SPARK_MASTER", None)
    env.pop("EDUGOV_SPARK_REMOTE", None)
    return env | spark


def test_standalone_cluster_gives_duckdbs_risk_inputs(cluster, built, tmp_path):  # noqa: F811
    _, warehouse = built
    duck = Workspace.from_warehouse("duckdb", warehouse, risk_inputs.RISK_TABLES)
    expected = _records(duck.execute(risk_inputs.risk_input_table(duck, on=ON)))
    assert len(expected) == 4  # the tiny district's four institutions

    env = _driver_env(tmp_path, EDUGOV_SPARK_MASTER=cluster.url, PYSPARK_PYTHON=sys.executable)
    lines = _drive(DRIVER, [str(warehouse), ON.isoformat()], env)
    assert lines["MASTER"] == cluster.url  # submitted to the cluster, not local mode
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


def test_standalone_cluster_gives_duckdbs_workforce_staffing(cluster, world, tmp_path):  # noqa: F811
    """The workforce province staffing: the same statement as DuckDB's, transpiled for Spark, run by
    a driver whose executors are the cluster's workers."""
    env = _driver_env(tmp_path, EDUGOV_SPARK_MASTER=cluster.url, PYSPARK_PYTHON=sys.executable)
    lines = _workforce_on_spark(world, tmp_path, env)
    assert lines["MASTER"] == cluster.url


def test_spark_connect_on_the_cluster_gives_duckdbs_risk_inputs(cluster, connect, built, tmp_path):  # noqa: F811
    """Through Spark Connect: a Connect server whose driver runs on the cluster, the plans sent by
    `EDUGOV_SPARK_REMOTE`."""
    _, warehouse = built
    duck = Workspace.from_warehouse("duckdb", warehouse, risk_inputs.RISK_TABLES)
    expected = _records(duck.execute(risk_inputs.risk_input_table(duck, on=ON)))
    env = _driver_env(tmp_path, EDUGOV_SPARK_REMOTE=connect)
    lines = _drive(DRIVER, [str(warehouse), ON.isoformat()], env)
    assert lines["SESSION"] == "pyspark.sql.connect.session"  # a Connect client, no local JVM
    got = json.loads(lines["ROWS"])
    assert [r["institution_id"] for r in got] == [r["institution_id"] for r in expected]
    for ours, theirs in zip(got, expected, strict=True):
        for key, value in theirs.items():
            assert ours[key] == (pytest.approx(value, rel=1e-9) if isinstance(value, float) else value), key


def test_spark_connect_on_the_cluster_gives_duckdbs_workforce_staffing(connect, world, tmp_path):  # noqa: F811
    env = _driver_env(tmp_path, EDUGOV_SPARK_REMOTE=connect)
    lines = _workforce_on_spark(world, tmp_path, env)
    assert lines["SESSION"] == "pyspark.sql.connect.session"
    assert lines["MASTER"] == connect
