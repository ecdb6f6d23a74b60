from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "edugov.web"
    label = "web"
    verbose_name = "网页框架"

    def ready(self) -> None:
        from .navigation import SYSTEM_MODULE, NavItem, add_nav

        # The audit trail belongs to no business module: district administrators only.
        add_nav(NavItem("审计日志", "audit:event_list", SYSTEM_MODULE, frozenset({"district_admin"})))
