"""The supervision (督导检查) module declares itself: navigation, policy, scopes, REST API and demo
generator (edugov.modules). Its findings become rectification items (source 督导检查)."""

from __future__ import annotations

from edugov.modules import ModuleConfig, ModuleSpec, landing


def _register_demo() -> None:
    from .demo import register

    register()


class SupervisionConfig(ModuleConfig):
    default = True
    name = "edugov.supervision"
    label = "supervision"
    verbose_name = "督导检查"

    def declare(self) -> ModuleSpec:
        from edugov.accounts.models import Department, Module, Role
        from edugov.web.navigation import NavItem

        from .permissions import M

        return ModuleSpec(
            code=M,
            label="督导检查",
            departments=frozenset({Department.SUPERVISION_OFFICE}),
            # Shown to who holds rectification (inspectors and every officer do: see permissions).
            nav=(
                NavItem("督导检查", "supervision:plan_list", Module.RECTIFICATION, action=f"{M}.plan_view"),
            ),
            api_urls="edugov.supervision.api_urls",
            demo=_register_demo,
            landing={Role.INSPECTOR: landing(f"{self.name}.landing.inspector_card")},
        )
