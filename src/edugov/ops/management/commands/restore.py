"""edugov restore FILE: replace the database's contents with a backup made by `edugov backup`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from edugov.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = "从备份文件恢复整个数据库（覆盖现有数据）：edugov restore FILE"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            restore(options["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"恢复完成：{options['file']}")
