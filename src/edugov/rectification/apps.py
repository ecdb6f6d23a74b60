from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "edugov.rectification"
    label = "rectification"
    verbose_name = "问题整改"

    def ready(self) -> None:
        from edugov.accounts.models import Module, Role
        from edugov.web.navigation import NavItem, add_nav

        from . import scopes, sources, strategy  # noqa: F401  (scope rules; the built-in finding sources)

        bureau = frozenset({Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER, Role.INSPECTOR, Role.LEADER})
        for label, url_name, roles in (
            ("我的整改", "rectification:my_items", frozenset({Role.SCHOOL_ADMIN, Role.INSTITUTION_OPERATOR})),
            ("问题清单", "rectification:item_list", bureau),
            ("挂图作战", "rectification:battle_map", bureau),
            ("红黑榜", "rectification:ranking_list", bureau),
            ("重点任务", "rectification:task_board", bureau),
            ("挂钩联系", "rectification:leader_list", bureau),
            ("督导检查", "rectification:plan_list", bureau),
            ("消息通知", "rectification:notification_list", None),
        ):
            add_nav(NavItem(label, url_name, Module.RECTIFICATION, roles))
        from . import demo

        demo.register()
