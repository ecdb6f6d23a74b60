"""`edugov tutoring_risk [--date YYYY-MM-DD]`: recompute every institution's prepaid-fee risk for
one day (run daily from cron or the task queue), audited in each district whose institutions it
scored."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from edugov.audit.context import acting
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_rows_write
from edugov.common.dates import cn_date

from ...models import RiskSnapshot
from ...services import risk_compute


class Command(BaseCommand):
    help = "重新计算所有校外培训机构某一日的预收费风险与预警"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", default="", help="日期，如 2025-09-01；默认今天")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            on = dt.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError:
            raise CommandError("日期格式不正确，应如 2025-09-01") from None
        start = time.perf_counter()
        with acting(actor=None, source="command"), transaction.atomic():
            n = risk_compute(on=on)
            audit_rows_write(
                action=AuditAction.UPDATE,
                rows=RiskSnapshot.objects.filter(date=on),
                object_id=on.isoformat(),
                object_repr=f"计算{cn_date(on)}校外培训机构预收费风险",
                changes={"date": on.isoformat()},
            )
        self.stdout.write(f"{cn_date(on)}：已计算{n}家机构，用时{time.perf_counter() - start:.2f}秒")
