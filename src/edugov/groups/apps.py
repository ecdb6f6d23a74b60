"""The groups (集团化办学) module declares itself: navigation, policy, scopes, the `group` scope anchor,
REST API, findings (a unification without activity), the group head's landing card and demo
generator; the group report is found by the reports registry (reports.py)."""

from __future__ import annotations

from edugov.modules import ModuleConfig, ModuleSpec, landing


def _register_findings() -> None:
    from .findings import register

    register()


def _register_demo() -> None:
    from .demo import register

    register()


class GroupsConfig(ModuleConfig):
    default = True
    name = "edugov.groups"
    label = "groups"
    verbose_name = "集团化办学"

    def declare(self) -> ModuleSpec:
        from edugov.accounts.models import Department, Module, Role
        from edugov.web.navigation import NavItem

        from .anchors import GROUP_ANCHOR
        from .permissions import M, action

        return ModuleSpec(
            code=M,
            label="集团化办学",
            departments=frozenset({Department.BASIC_EDUCATION}),
            nav=(
                NavItem("集团化办学", "groups:cockpit", M, action=action("view")),
                NavItem("本校所在集团", "groups:my_school", Module.REGISTRY, action=action("school_view")),
            ),
            anchors=(GROUP_ANCHOR,),
            api_urls="edugov.groups.api_urls",
            findings=_register_findings,
            demo=_register_demo,
            # the group head's to-do: the unifications still without activity this term
            landing={Role.SCHOOL_ADMIN: landing(f"{self.name}.landing.head_card")},
        )
