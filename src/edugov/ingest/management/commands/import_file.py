"""edugov import KIND FILE [--user USERNAME]: import a spreadsheet with a progress bar; exits
non-zero when the file is rejected (nothing is written then)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from edugov.audit.context import acting
from edugov.common.errors import DomainError
from edugov.ingest.models import BatchStatus
from edugov.ingest.services import batch_sweep_stale, import_file
from edugov.ingest.spec import KINDS

SHOWN_ERRORS = 50


class Command(BaseCommand):
    help = "导入数据文件（xlsx/csv）：edugov import KIND FILE [--user 用户名]"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="数据类型：" + "、".join(KINDS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", help="以该用户的身份和权限范围导入（默认：系统，不限范围）")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args: Any, **options: Any) -> None:
        kind, path = options["kind"], options["file"]
        if kind not in KINDS:
            raise CommandError(f"不支持的数据类型：{kind}（可选：{'、'.join(KINDS)}）")
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"用户不存在：{options['user']}")
        swept = batch_sweep_stale()  # batches of workers that died: failed, so the file can be re-run
        if swept:
            self.stderr.write(f"已将{swept}个中断的导入批次标记为失败（数据未做修改）")
        bar = None
        if not options["no_progress"]:
            from tqdm import tqdm

            bar = tqdm(total=0, unit="行", desc="校验", file=self.stderr._out, dynamic_ncols=True)

        def progress(done: int, total: int) -> None:
            if bar is not None:
                bar.total = max(total, done)
                bar.n = done
                bar.refresh()

        try:
            with acting(actor=user, source="command"):
                batch = import_file(
                    kind=kind, path=path, original_name=path.name, user=user, progress=progress
                )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        finally:
            if bar is not None:
                bar.close()
        self.stdout.write(f"批次 {batch.pk}：{batch.get_status_display()}。{batch.message}")
        if batch.status == BatchStatus.SUCCEEDED:
            b = batch
            self.stdout.write(
                f"新增 {b.created_count} 行，修改 {b.updated_count} 行，未变化 {b.unchanged_count} 行"
            )
            return
        for e in batch.errors[:SHOWN_ERRORS]:
            self.stdout.write(f"  第{e['row']}行 {e['column'] or '（整行）'}「{e['value']}」：{e['reason']}")
        if batch.error_count > SHOWN_ERRORS:
            self.stdout.write(f"  ……共 {batch.error_count} 处错误")
        if batch.error_report_path:
            self.stdout.write(f"错误报告：{batch.error_report_path}")
        raise CommandError(
            "导入未完成，数据未做任何修改", returncode=2 if batch.status == BatchStatus.REJECTED else 1
        )
