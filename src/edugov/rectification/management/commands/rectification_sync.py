"""Run the registered finding sources and bring their rectification items in line."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from edugov.audit.context import acting
from edugov.common.errors import DomainError
from edugov.rectification import services
from edugov.rectification.findings import finding_sources


class Command(BaseCommand):
    help = "运行问题发现规则，生成或更新整改事项（同一问题不重复生成，已销号但问题仍存在的重新打开）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--source", action="append", help="只运行指定规则（可重复）；默认运行全部")

    def handle(self, *args: Any, **options: Any) -> None:
        names = options["source"] or [s.name for s in finding_sources()]
        failed: list[str] = []
        started = time.perf_counter()
        with acting(source="command"):
            for name in names:
                start = time.perf_counter()
                try:
                    r = services.findings_sync(source=name)
                except DomainError as exc:
                    raise CommandError(exc.message) from None
                except Exception as exc:
                    self.stderr.write(
                        f"{name}：运行失败（{type(exc).__name__}: {str(exc)[:200]}），未做任何修改"
                    )
                    failed.append(name)
                    continue
                self.stdout.write(
                    f"{name}：发现{r.found}个问题，新建{r.created}，重新打开{r.reopened}，仍在整改{r.still_open}，"
                    f"问题已消除{r.cause_gone}（{time.perf_counter() - start:.2f}秒）"
                )
        self.stdout.write(f"共运行{len(names)}条规则，合计用时{time.perf_counter() - started:.2f}秒")
        if failed:
            raise CommandError(f"以下规则运行失败：{'、'.join(failed)}")
