from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "edugov.audit"
    label = "audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from edugov.accounts.scope import register_scope

        from .models import AuditEvent

        register_scope(area_path="area_path")(AuditEvent)
