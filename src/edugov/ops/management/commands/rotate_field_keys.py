"""edugov rotate_field_keys: re-encrypt minors' personal data with the newest key of EDUGOV_FIELD_KEYS."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from edugov.ops.keys import field_keys_rotate


class Command(BaseCommand):
    help = "用 EDUGOV_FIELD_KEYS 中的第一个（最新）密钥重新加密全部加密字段；完成后可移除旧密钥"

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"已重新加密 {field_keys_rotate()} 个字段值")
