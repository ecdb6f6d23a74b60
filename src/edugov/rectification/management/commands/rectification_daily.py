"""The daily round: escalate overdue items, remind of approaching deadlines, e-mail the digest."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from edugov.audit.context import acting
from edugov.rectification import services


class Command(BaseCommand):
    help = "整改事项每日处理：逾期升级、到期提醒、发送每日汇总邮件"

    def handle(self, *args: Any, **options: Any) -> None:
        with acting(source="command"):
            r = services.daily_round()
        self.stdout.write(f"逾期升级{r['escalated']}项，到期提醒{r['due_soon']}条，发送邮件{r['emails']}封")
