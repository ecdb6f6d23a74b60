"""`edugov scheduler`: the process that runs the registered periodic jobs on their schedules
(one per deployment is enough; a second one is safe: each job holds a database lock while it runs)."""

from __future__ import annotations

import signal
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from edugov.indicators.warm import freeze_start_up
from edugov.scheduler.models import JobTrigger
from edugov.scheduler.registry import periodic_jobs
from edugov.scheduler.runner import build_scheduler, jobs_due, run_job
from edugov.scheduler.services import job_locks_release_dead


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


class Command(BaseCommand):
    help = "启动定时任务进程：按计划运行各模块登记的定时任务（问题发现、逾期升级、风险重算、每日汇总等）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--threads", type=int, default=1, help="同时运行的任务数（默认 1）")
        parser.add_argument("--once", action="store_true", help="只运行当前应运行的任务，完成后退出")
        parser.add_argument("--no-startup-runs", action="store_true", help="启动时不补运行错过的任务")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        freed = job_locks_release_dead()
        if freed:
            self.stdout.write(f"已释放{freed}个由已退出进程持有的任务锁。")
        if options["once"]:
            for job in jobs_due(now=now):
                self.stdout.write(f"运行：{job.label}")
                run_job(job.name, JobTrigger.STARTUP, thread=False)
            return
        scheduler = build_scheduler(
            now=now, threads=max(1, options["threads"]), startup_runs=not options["no_startup_runs"]
        )
        for job in periodic_jobs():
            self.stdout.write(f"{job.label}：{job.schedule.label}")
        self.stdout.write(self.style.SUCCESS(f"定时任务进程已启动，共{len(periodic_jobs())}项任务。"))
        self.stdout.flush()
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
        # A long-lived process, as the web server's workers: its start-up out of the collector's way.
        freeze_start_up()
        try:
            scheduler.start()
        except (KeyboardInterrupt, SystemExit):
            scheduler.shutdown(wait=False)
            self.stdout.write("定时任务进程已停止。")
