"""The rectification (问题整改) module declares itself: navigation, policy, scopes, its built-in
findings sources and demo generator (edugov.modules)."""

from __future__ import annotations

from edugov.modules import ModuleConfig, ModuleSpec, landing


def _register_findings() -> None:
    from . import sources, strategy  # noqa: F401  (the built-in finding sources register on import)


def _register_demo() -> None:
    from . import demo

    demo.register()


class RectificationConfig(ModuleConfig):
    name = "edugov.rectification"
    label = "rectification"
    verbose_name = "问题整改"
    default = True

    def declare(self) -> ModuleSpec:
        from edugov.accounts.models import Department, Module, Role
        from edugov.web.navigation import NavItem

        def nav(label: str, url_name: str, action: str) -> NavItem:
            return NavItem(label, url_name, Module.RECTIFICATION, action=f"rectification.{action}")

        return ModuleSpec(
            code=Module.RECTIFICATION,
            label=str(Module.RECTIFICATION.label),
            departments=frozenset({Department.SUPERVISION_OFFICE}),
            nav=(
                nav("我的整改", "rectification:my_items", "unit_items"),
                nav("问题清单", "rectification:item_list", "item_list"),
                nav("问题地图", "rectification:battle_map", "battle_map"),
                nav("红黑榜", "rectification:ranking_list", "ranking_view"),
                nav("重点任务", "rectification:task_board", "task_view"),
                nav("挂钩联系", "rectification:leader_list", "leader_view"),
                nav("消息通知", "rectification:notification_list", "notification_view"),
            ),
            policy="permissions",
            api_urls="edugov.rectification.api_urls",
            scopes="scopes",
            findings=_register_findings,
            demo=_register_demo,
            landing=dict.fromkeys(
                (Role.SCHOOL_ADMIN, Role.INSTITUTION_OPERATOR), landing(f"{self.name}.landing.unit_card")
            ),
        )
