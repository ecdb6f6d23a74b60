"""The safety (校园安全) module declares itself: navigation, the grid-cell anchor kind, policy,
scopes, REST API, findings (cells without a person), warehouse table and demo generator."""

from __future__ import annotations

from edugov.modules import Deferred, ModuleConfig, ModuleSpec, landing


def _register_findings() -> None:
    from .findings import register

    register()


def _register_warehouse() -> None:
    from .warehouse import register

    register()


def _register_demo() -> None:
    from .demo import register

    register()


class SafetyConfig(ModuleConfig):
    default = True
    name = "edugov.safety"
    label = "safety"
    verbose_name = "校园安全"

    def declare(self) -> ModuleSpec:
        from edugov.accounts.models import Department, Module
        from edugov.web.navigation import NavItem

        from .anchors import GRID_CELL
        from .permissions import action

        return ModuleSpec(
            code=Module.SAFETY,
            label="校园安全",
            departments=frozenset({Department.SAFETY}),
            nav=(
                NavItem("校园安全", "safety:overview", Module.SAFETY, action=action("view")),
                NavItem("假期提醒确认", "safety:coverage", Module.SAFETY, action=action("view")),
                NavItem("安全网格", "safety:grid", Module.SAFETY, action=action("view")),
                NavItem("本校安全", "safety:my_school", Module.REGISTRY, action=action("school_view")),
            ),
            anchors=(GRID_CELL,),
            api_urls="edugov.safety.api_urls",
            findings=_register_findings,
            warehouse=_register_warehouse,
            demo=_register_demo,
            cockpit=landing(
                "edugov.safety.landing.cockpit_card",
                deferred=Deferred("校园安全", order=45, action=action("view")),
            ),
        )
