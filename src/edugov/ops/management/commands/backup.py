"""edugov backup FILE: a consistent copy of the whole database (SQLite file or pg_dump custom format)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from edugov.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份整个数据库到文件：edugov backup FILE"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path = backup(options["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"备份完成：{path}（{path.stat().st_size} 字节）")
