"""`edugov serve_demo --port 8000`: run the task worker and the development server together, so
background imports run while the demo is browsed. Static files are served by runserver (DEBUG)."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from edugov.demo.services import demo_login_rows, format_login_table

WORKER_STOP_SECONDS = 10


class Command(BaseCommand):
    help = "启动演示服务：后台任务进程 + 开发服务器（仅本机访问）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务进程")

    def worker_command(self) -> list[str]:
        # Same interpreter and settings; no reloader, so terminate() reaches the process doing the work.
        return [sys.executable, "-m", "edugov", "db_worker", "--no-reload"]

    def handle(self, *args: Any, **options: Any) -> None:
        port = options["port"]
        if not settings.DEBUG:
            self.stderr.write("提示：当前未开启调试模式（EDUGOV_DEBUG=0），开发服务器不会提供静态文件。")
        worker: subprocess.Popen[bytes] | None = None
        if not options["no_worker"]:
            worker = subprocess.Popen(self.worker_command())
            self.stdout.write(f"后台任务进程已启动（进程号 {worker.pid}）。")
        try:
            self.stdout.write("")
            self.stdout.write(self.style.SUCCESS(f"演示地址：http://127.0.0.1:{port}/"))
            self.stdout.write(format_login_table(demo_login_rows()))
            self.stdout.write("按 Ctrl+C 停止服务。")
            self.stdout.write("")
            # No autoreloader: it would run this command twice and start a second worker.
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
        finally:
            if worker is not None:
                stop_worker(worker)
                self.stdout.write("后台任务进程已停止。")


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is not None:
        return
    worker.terminate()  # db_worker finishes its current task on SIGTERM
    try:
        worker.wait(timeout=WORKER_STOP_SECONDS)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
