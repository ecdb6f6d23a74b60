"""`edugov proxy_config`: the nginx configuration that puts the public's pages on their own worker
pool (edugov.ops.pools; docs/operations.md, "Two worker pools")."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from edugov.ops.pools import ProxyOptions, nginx_config


class Command(BaseCommand):
    help = "输出 nginx 反向代理配置：公众页面（家长确认、公开查询、投诉、举报）由单独的进程池承担"

    def add_arguments(self, parser: CommandParser) -> None:
        d = ProxyOptions()
        parser.add_argument("--staff", default=d.staff, help=f"工作人员进程池地址（默认 {d.staff}）")
        parser.add_argument("--public", default=d.public, help=f"公众进程池地址（默认 {d.public}）")
        parser.add_argument("--listen", default=d.listen, help=f"nginx 监听（默认 {d.listen}）")
        parser.add_argument("--server-name", default=d.server_name, help="域名（默认 _ 即任意）")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(
            nginx_config(
                ProxyOptions(
                    staff=options["staff"],
                    public=options["public"],
                    listen=options["listen"],
                    server_name=options["server_name"],
                )
            ),
            ending="",
        )
