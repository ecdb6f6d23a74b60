"""A real standalone Spark cluster (a master and two workers on loopback, started from the pyspark
package's own scripts) computes the tutoring risk inputs of a tiny warehouse, submitted through
`EDUGOV_SPARK_MASTER`, and gives DuckDB's figures. Skipped without Java or pyspark.

The cluster starts once for this module (about 20 s of JVM start-up; the work itself is a few
seconds), the driver runs in a child process (a test process may already hold a local Spark
session, and a process has only one), and both are stopped at the end by their pid files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from edugov.indicators.backends import Workspace
from edugov.tutoring import risk_inputs
from edugov.warehouse import spark_cluster
from edugov.warehouse.tests.test_module_engines import ON, built  # noqa: F401  (the tiny district)

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


@pytest.fixture(scope="module")
def cluster():
    port = spark_cluster.free_port()
    started = spark_cluster.start(port=port, workers=2, cores=1, memory="1g")
    yield started
    spark_cluster.stop(port=port, workers=2)
    shutil.rmtree(started.state, ignore_errors=True)


def _records(frame):
    return json.loads(frame.to_json(orient="records", date_format="iso"))


def test_standalone_cluster_gives_duckdbs_risk_inputs(cluster, built, tmp_path):  # noqa: F811
    _, warehouse = built
    duck = Workspace.from_warehouse("duckdb", warehouse, risk_inputs.RISK_TABLES)
    expected = _records(duck.execute(risk_inputs.risk_input_table(duck, on=ON)))
    assert len(expected) == 4  # the tiny district's four institutions

    env = dict(
        os.environ,
        EDUGOV_SPARK_MASTER=cluster.url,
        DJANGO_SETTINGS_MODULE="edugov.settings",
        EDUGOV_DATA_DIR=str(tmp_path / "data"),
        PYSPARK_PYTHON=sys.executable,
    )
    env.pop("EDUGOV_SPARK_REMOTE", None)
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, str(warehouse), ON.isoformat()],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=Path(__file__).resolve().parents[4],
    )
    lines = {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in proc.stdout.splitlines() if " " in line}
    assert proc.returncode == 0, proc.stderr[-3000:]
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


def test_spark_connect_on_the_cluster_gives_duckdbs_risk_inputs(cluster, built, tmp_path):  # noqa: F811
    """Through Spark Connect: a Connect server whose driver runs on the cluster, the plans sent by
    `EDUGOV_SPARK_REMOTE` (needs pyspark's `connect` extra: grpcio and friends)."""
    pytest.importorskip("grpc")
    pytest.importorskip("zstandard")
    _, warehouse = built
    duck = Workspace.from_warehouse("duckdb", warehouse, risk_inputs.RISK_TABLES)
    expected = _records(duck.execute(risk_inputs.risk_input_table(duck, on=ON)))
    remote = spark_cluster.start_connect(port=cluster.port, connect_port=spark_cluster.free_port())
    env = dict(
        os.environ,
        EDUGOV_SPARK_REMOTE=remote,
        DJANGO_SETTINGS_MODULE="edugov.settings",
        EDUGOV_DATA_DIR=str(tmp_path / "data"),
    )
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, str(warehouse), ON.isoformat()],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=Path(__file__).resolve().parents[4],
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in proc.stdout.splitlines() if " " in line}
    assert lines["SESSION"] == "pyspark.sql.connect.session"  # a Connect client, no local JVM
    got = json.loads(lines["ROWS"])
    assert [r["institution_id"] for r in got] == [r["institution_id"] for r in expected]
    for ours, theirs in zip(got, expected, strict=True):
        for key, value in theirs.items():
            assert ours[key] == (pytest.approx(value, rel=1e-9) if isinstance(value, float) else value), key
