"""`edugov serve_demo --port 8000`: the demo served as production serves it, on this machine only:
gunicorn with DEBUG off (static files from the app server, Chinese error pages), the task worker
(background imports, "run now") and the scheduler (findings, escalation, risk, digest)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from edugov.demo.services import demo_login_rows, format_login_table
from edugov.ops.serving import ServeOptions, gunicorn_argv

STOP_SECONDS = 10


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def demo_environment() -> dict[str, str]:
    """The children's environment: DEBUG off whatever this shell says (no debug pages, ever);
    the allowed hosts default to 127.0.0.1 and localhost."""
    env = dict(os.environ)
    env["EDUGOV_DEBUG"] = "0"
    env.setdefault("DJANGO_SETTINGS_MODULE", "edugov.settings")
    return env


def edugov_argv(*args: str) -> list[str]:
    # Same interpreter and settings; no reloader, so terminate() reaches the process doing the work.
    return [sys.executable, "-m", "edugov", *args]


class Command(BaseCommand):
    help = "启动演示服务：网站（gunicorn，关闭调试模式）+ 后台任务进程 + 定时任务进程（仅本机访问）"

    def add_arguments(self, parser: CommandParser) -> None:
        d = ServeOptions()
        parser.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
        parser.add_argument("--workers", type=int, default=d.workers, help=f"网站进程数（默认 {d.workers}）")
        parser.add_argument(
            "--threads", type=int, default=d.threads, help=f"每个进程的线程数（默认 {d.threads}）"
        )
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务进程")
        parser.add_argument("--no-scheduler", action="store_true", help="不启动定时任务进程")

    def worker_command(self) -> list[str]:
        return edugov_argv("db_worker", "--no-reload")

    def scheduler_command(self) -> list[str]:
        return edugov_argv("scheduler")

    def web_command(self, options: dict[str, Any]) -> list[str]:
        serve = ServeOptions(
            bind=f"127.0.0.1:{options['port']}", workers=options["workers"], threads=options["threads"]
        )
        return gunicorn_argv(serve)

    def handle(self, *args: Any, **options: Any) -> None:
        env = demo_environment()
        helpers: list[tuple[str, subprocess.Popen[bytes]]] = []
        previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
        try:
            if not options["no_worker"]:
                helpers.append(("后台任务进程", subprocess.Popen(self.worker_command(), env=env)))
            if not options["no_scheduler"]:
                helpers.append(("定时任务进程", subprocess.Popen(self.scheduler_command(), env=env)))
            for label, proc in helpers:
                self.stdout.write(f"{label}已启动（进程号 {proc.pid}）。")
            web = subprocess.Popen(self.web_command(options), env=env)
            helpers.insert(0, ("网站服务", web))
            self.stdout.write("")
            self.stdout.write(self.style.SUCCESS(f"演示地址：http://127.0.0.1:{options['port']}/"))
            self.stdout.write(format_login_table(demo_login_rows()))
            self.stdout.write("按 Ctrl+C 停止服务。")
            self.stdout.write("")
            self.stdout.flush()
            web.wait()
        except KeyboardInterrupt:
            pass
        finally:
            stop_processes([proc for _, proc in helpers])
            for label, _ in helpers:
                self.stdout.write(f"{label}已停止。")
            signal.signal(signal.SIGTERM, previous)


def stop_processes(procs: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM to all at once (gunicorn and db_worker finish their current work), then wait up to
    STOP_SECONDS in all before killing what is left."""
    running = [p for p in procs if p.poll() is None]
    for proc in running:
        proc.terminate()
    deadline = time.monotonic() + STOP_SECONDS
    for proc in running:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
