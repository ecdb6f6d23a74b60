"""The party (党组织领导的校长负责制) module declares itself: navigation, policy, scopes, REST API,
findings (schools not covered by the deadline), demo generator and its coverage card on the district
cockpit (landing.py); the coverage table is found by the reports registry (reports.py)."""

from __future__ import annotations

from edugov.modules import Deferred, ModuleConfig, ModuleSpec, landing


def _register_findings() -> None:
    from .findings import register

    register()


def _register_demo() -> None:
    from .demo import register

    register()


class PartyConfig(ModuleConfig):
    default = True
    name = "edugov.party"
    label = "party"
    verbose_name = "党组织领导的校长负责制"

    def declare(self) -> ModuleSpec:
        from edugov.accounts.models import Department, Module
        from edugov.web.navigation import NavItem

        from .permissions import M, action

        return ModuleSpec(
            code=M,
            label="党建引领",
            departments=frozenset({Department.PERSONNEL}),
            nav=(
                NavItem("校长负责制推进", "party:coverage", M, action=action("view")),
                NavItem("本校党建情况", "party:my_school", Module.REGISTRY, action=action("school_view")),
            ),
            api_urls="edugov.party.api_urls",
            findings=_register_findings,
            demo=_register_demo,
            cockpit=landing(
                "edugov.party.landing.coverage_card",
                deferred=Deferred("党组织领导的校长负责制", order=40, action=action("view")),
            ),
        )
