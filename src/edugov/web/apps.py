from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "edugov.web"
    label = "web"
    verbose_name = "网页框架"

    def ready(self) -> None:
        from django.contrib import admin

        from . import permissions  # noqa: F401  (registers the policy of the audit trail page)
        from .navigation import SYSTEM_MODULE, NavItem, add_nav

        admin.site.site_header = "区域教育治理平台 · 后台管理"
        admin.site.site_title = "区域教育治理平台"
        admin.site.index_title = "数据维护"

        # The audit trail belongs to no business module: who sees it is web.audit_trail.
        add_nav(NavItem("审计日志", "audit:event_list", SYSTEM_MODULE, action="web.audit_trail"))
