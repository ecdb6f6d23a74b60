"""`edugov serve`: the web application under gunicorn, as production runs it (the task worker
`edugov db_worker` and `edugov scheduler` run beside it as their own services)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from edugov.ops.serving import ServeOptions, bind_with_port, gunicorn_argv


class Command(BaseCommand):
    help = "以 gunicorn 启动网站服务（生产环境使用；后台任务进程和定时任务进程另行启动）"

    def add_arguments(self, parser: CommandParser) -> None:
        d = ServeOptions()
        parser.add_argument("--bind", default=d.bind, help=f"监听地址（默认 {d.bind}）")
        parser.add_argument("--port", type=int, default=None, help="端口（替换监听地址中的端口）")
        parser.add_argument("--workers", type=int, default=d.workers, help=f"进程数（默认 {d.workers}）")
        parser.add_argument(
            "--threads", type=int, default=d.threads, help=f"每个进程的线程数（默认 {d.threads}）"
        )
        parser.add_argument(
            "--timeout", type=int, default=d.timeout, help=f"单个请求超时秒数（默认 {d.timeout}）"
        )
        parser.add_argument("--no-access-log", action="store_true", help="不输出访问日志")
        parser.add_argument("--print", action="store_true", help="只显示将要执行的命令，不启动")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            serve = ServeOptions(
                bind=bind_with_port(options["bind"], options["port"]),
                workers=options["workers"],
                threads=options["threads"],
                timeout=options["timeout"],
                access_log=not options["no_access_log"],
            )
        except ValueError:
            raise CommandError("进程数、线程数和超时秒数都至少为 1") from None
        argv = gunicorn_argv(serve)
        if options["print"]:
            self.stdout.write(" ".join(argv))
            return
        self.stdout.write(
            f"网站服务启动：http://{serve.bind}/（{serve.workers}个进程，每个{serve.threads}个线程）"
        )
        self.stdout.flush()
        # WhiteNoise serves from the finders until `collectstatic` fills STATIC_ROOT; an absent
        # directory only makes every worker warn at start.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        # Replace this process: the service manager's signals then reach gunicorn's master directly.
        os.execv(argv[0], argv)
