"""The workforce (师资队伍) module declares itself: navigation, policy, scopes, REST API, findings
(subject shortages become rectification items), warehouse table and demo generator."""

from __future__ import annotations

from edugov.modules import ModuleConfig, ModuleSpec


def _register_findings() -> None:
    from .findings import register

    register()


def _register_demo() -> None:
    from .demo import register

    register()


def _register_warehouse() -> None:
    from .warehouse import register

    register()


class WorkforceConfig(ModuleConfig):
    default = True
    name = "edugov.workforce"
    label = "workforce"
    verbose_name = "师资队伍"

    def declare(self) -> ModuleSpec:
        from edugov.accounts.models import Department, Module
        from edugov.web.navigation import NavItem

        from .permissions import action

        return ModuleSpec(
            code=Module.WORKFORCE,
            label="师资队伍",
            departments=frozenset({Department.PERSONNEL}),
            nav=(
                NavItem("师资队伍", "workforce:overview", Module.WORKFORCE, action=action("view")),
                NavItem("本校师资", "workforce:my_school", Module.REGISTRY, action=action("school_view")),
                NavItem("我的师资档案", "workforce:me", Module.REGISTRY, action=action("own_view")),
            ),
            api_urls="edugov.workforce.api_urls",
            findings=_register_findings,
            warehouse=_register_warehouse,
            demo=_register_demo,
        )
