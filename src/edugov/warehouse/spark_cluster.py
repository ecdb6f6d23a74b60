"""A standalone Spark cluster on loopback (a master and workers), started from the installed pyspark
package's own scripts, for `make spark-cluster` / `make spark-stop`, the bench and the tests.

The pyspark wheel carries `sbin/spark-daemon.sh` (what a Spark distribution's `start-master.sh`
and `start-worker.sh` call) but not those two wrappers, so the master and each worker are started
with `spark-daemon.sh start <class> <instance> ...` exactly as the wrappers would, with SPARK_HOME
set to the pyspark package. Pid files and logs live in one state directory per master port, so
`stop` ends only the daemons this module started, by their pid files.

    python -m edugov.warehouse.spark_cluster start [--port 7077] [--workers 2] [--cores 1] [--memory 2g]
    python -m edugov.warehouse.spark_cluster stop [--port 7077]
    python -m edugov.warehouse.spark_cluster connect [--port 7077] [--connect-port 15002]

Then `EDUGOV_SPARK_MASTER=spark://127.0.0.1:7077` makes the warehouse's Spark engine submit there.
`connect` starts a Spark Connect server (the jar ships in pyspark 4's jars/, started like
`sbin/start-connect-server.sh` does) whose driver runs on that cluster; `EDUGOV_SPARK_REMOTE=
sc://127.0.0.1:15002` then sends the plans there. The Python client of Spark Connect needs
pyspark's `connect` extra (grpcio, grpcio-status, googleapis-common-protos, protobuf, zstandard).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

MASTER = "org.apache.spark.deploy.master.Master"
WORKER = "org.apache.spark.deploy.worker.Worker"
CONNECT = "org.apache.spark.sql.connect.service.SparkConnectServer"


class ClusterError(RuntimeError):
    pass


def spark_home() -> Path:
    """The installed pyspark package: it holds bin/, sbin/ and jars/ of the same Spark version."""
    import pyspark

    return Path(pyspark.__file__).resolve().parent


def java_available() -> bool:
    return shutil.which("java") is not None or bool(os.environ.get("JAVA_HOME"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    port: int
    webui_port: int
    workers: int
    state: Path

    @property
    def url(self) -> str:
        return f"spark://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        return _env(self.state, self.port)


def _state_dir(port: int) -> Path:
    return Path(tempfile.gettempdir()) / f"edugov-spark-{port}"


def _env(state: Path, port: int) -> dict[str, str]:
    home = spark_home()
    return dict(
        os.environ,
        SPARK_HOME=str(home),
        SPARK_LOCAL_IP="127.0.0.1",
        SPARK_LOG_DIR=str(state / "logs"),
        SPARK_PID_DIR=str(state),
        SPARK_WORKER_DIR=str(state / "work"),
        SPARK_IDENT_STRING=f"edugov-{port}",
        PYSPARK_PYTHON=sys.executable,
        PYSPARK_DRIVER_PYTHON=sys.executable,
    )


def _daemon(env: dict[str, str], *args: str) -> None:
    script = spark_home() / "sbin" / "spark-daemon.sh"
    proc = subprocess.run(["bash", str(script), *args], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise ClusterError(f"spark-daemon.sh {' '.join(args[:3])} failed:\n{proc.stdout}\n{proc.stderr}")


def _logs(state: Path, cls: str, instance: int) -> list[Path]:
    return sorted((state / "logs").glob(f"spark-*-{cls}-{instance}-*.out"))


def _wait_for(state: Path, cls: str, instance: int, text: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for log in _logs(state, cls, instance):
            content = log.read_text(encoding="utf-8", errors="replace")
            if text in content:
                return
            if "Exception in thread" in content or "Error: " in content:
                raise ClusterError(f"{cls} {instance} failed to start:\n{content[-3000:]}")
        time.sleep(0.3)
    raise ClusterError(f"{cls} {instance}: no '{text}' in its log after {timeout:.0f} s (logs in {state})")


def start(
    *, port: int = 7077, workers: int = 2, cores: int = 1, memory: str = "2g", timeout: float = 90
) -> Cluster:
    """A master on 127.0.0.1:`port` and `workers` workers of `cores` cores and `memory` each,
    registered with it before this returns."""
    if not java_available():
        raise ClusterError("找不到 Java：Spark 集群需要 Java 17（java -version）")
    state = _state_dir(port)
    (state / "logs").mkdir(parents=True, exist_ok=True)
    env = _env(state, port)
    webui = free_port()
    cluster = Cluster(port=port, webui_port=webui, workers=workers, state=state)
    try:
        master_args = ("--host", "127.0.0.1", "--port", str(port), "--webui-port", str(webui))
        _daemon(env, "start", MASTER, "1", *master_args)
        _wait_for(state, MASTER, 1, "I have been elected leader", timeout)
        for i in range(1, workers + 1):
            _daemon(
                env,
                "start",
                WORKER,
                str(i),
                "--host",
                "127.0.0.1",
                "--webui-port",
                str(free_port()),
                "--cores",
                str(cores),
                "--memory",
                memory,
                cluster.url,
            )
        for i in range(1, workers + 1):
            _wait_for(state, WORKER, i, "Successfully registered with master", timeout)
    except BaseException:
        stop(port=port, workers=workers)
        raise
    return cluster


def start_connect(*, port: int = 7077, connect_port: int = 15002, timeout: float = 300) -> str:
    """A Spark Connect server on 127.0.0.1:`connect_port` whose driver submits to the cluster of
    `port` (started by `start`): its `sc://` address."""
    state = _state_dir(port)
    env = _env(state, port)
    _daemon(
        env,
        "submit",
        CONNECT,
        "1",
        "--name",
        "Spark Connect server",
        "--master",
        f"spark://127.0.0.1:{port}",
        "--conf",
        "spark.driver.host=127.0.0.1",
        "--conf",
        "spark.ui.enabled=false",
        "--conf",
        "spark.connect.grpc.binding.address=127.0.0.1",
        "--conf",
        f"spark.connect.grpc.binding.port={connect_port}",
        "--conf",
        "spark.sql.session.timeZone=UTC",
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for log in sorted((state / "logs").glob(f"spark-*-{CONNECT}-1-*.out")):
            content = log.read_text(encoding="utf-8", errors="replace")
            if "Spark Connect server started" in content:
                return f"sc://127.0.0.1:{connect_port}"
            if "Exception in thread" in content:
                raise ClusterError(f"Spark Connect server failed to start:\n{content[-3000:]}")
        time.sleep(0.5)
    raise ClusterError(f"Spark Connect server: not started after {timeout:.0f} s (logs in {state})")


def stop(*, port: int = 7077, workers: int = 2) -> None:
    """The Spark Connect server, the workers, then the master, by the pid files `start` left
    (nothing else is touched)."""
    state = _state_dir(port)
    if not state.exists():
        return
    env = _env(state, port)
    found = {p.name for p in state.glob("*.pid")}
    if any(f"{CONNECT}-1.pid" in name for name in found):
        _daemon(env, "stop", CONNECT, "1")
    for i in range(1, max(workers, 8) + 1):
        if any(f"{WORKER}-{i}.pid" in name for name in found):
            _daemon(env, "stop", WORKER, str(i))
    if any(f"{MASTER}-1.pid" in name for name in found):
        _daemon(env, "stop", MASTER, "1")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m edugov.warehouse.spark_cluster")
    parser.add_argument("action", choices=("start", "stop", "connect"))
    parser.add_argument("--connect-port", type=int, default=15002)
    parser.add_argument("--port", type=int, default=7077)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cores", type=int, default=1)
    parser.add_argument("--memory", default="2g")
    args = parser.parse_args(argv)
    if args.action == "start":
        started = time.perf_counter()
        cluster = start(port=args.port, workers=args.workers, cores=args.cores, memory=args.memory)
        print(
            f"Spark master {cluster.url} with {cluster.workers} workers "
            f"({args.cores} core, {args.memory} each) in {time.perf_counter() - started:.1f} s; "
            f"logs in {cluster.state / 'logs'}\n"
            f"export EDUGOV_SPARK_MASTER={cluster.url}"
        )
    elif args.action == "connect":
        remote = start_connect(port=args.port, connect_port=args.connect_port)
        print(f"Spark Connect server on the cluster of port {args.port}\nexport EDUGOV_SPARK_REMOTE={remote}")
    else:
        stop(port=args.port, workers=args.workers)
        print(f"Spark master on port {args.port} and its workers stopped")


if __name__ == "__main__":
    main()
