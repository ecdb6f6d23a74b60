"""The audit trail: who changed what, when, from where, with the values before and after."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditAction(models.TextChoices):
    CREATE = "create", "新增"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"
    ARCHIVE = "archive", "归档"
    RESTORE = "restore", "恢复"
    IMPORT = "import", "导入"
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOGOUT = "logout", "退出"
    EXPORT = "export", "导出"


class AuditSource(models.TextChoices):
    WEB = "web", "网页"
    API = "api", "接口"
    ADMIN = "admin", "后台管理"
    IMPORT = "import", "导入"
    COMMAND = "command", "命令行"
    TASK = "task", "后台任务"


# The area_path of an event no single area owns (a command or scheduled job whose rows name no
# area): not a path, so no area prefix ever matches it; district administrators see it.
SYSTEM_SCOPE = "system"
# Sources of writes no page made: their events must never be left without a scope.
SYSTEM_SOURCES = frozenset({AuditSource.COMMAND, AuditSource.TASK})


class AuditEvent(models.Model):
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField("操作人账号", max_length=150, blank=True)
    ip_address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    source = models.CharField("来源", max_length=12, choices=AuditSource.choices)
    action = models.CharField("操作", max_length=16, choices=AuditAction.choices, db_index=True)
    model = models.CharField("数据类型", max_length=64, db_index=True, blank=True)
    object_id = models.CharField("对象ID", max_length=64, blank=True, db_index=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    import_batch_id = models.BigIntegerField("导入批次", null=True, blank=True, db_index=True)
    # The area of the changed rows (or SYSTEM_SCOPE), so the trail is scoped like the rows.
    area_path = models.CharField("区域路径", max_length=128, blank=True, db_index=True)

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.object_repr}"
