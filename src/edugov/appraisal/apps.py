"""The school appraisal (学校考核 "1+4+N") module declares itself: navigation, policy, scopes, REST
API, the scorecard's indicator sources, findings (teaching-routine failures) and demo generator; the
results report is found by the reports registry (reports.py)."""

from __future__ import annotations

from edugov.modules import ModuleConfig, ModuleSpec


def _register_findings() -> None:
    from .findings import register

    register()


def _register_demo() -> None:
    from .demo import register

    register()


def _register_sources() -> None:
    from .inputs import register

    register()


class AppraisalConfig(ModuleConfig):
    default = True
    name = "edugov.appraisal"
    label = "appraisal"
    verbose_name = "学校考核"

    def declare(self) -> ModuleSpec:
        from edugov.accounts.models import Department, Module
        from edugov.web.navigation import NavItem

        from .permissions import M, action

        return ModuleSpec(
            code=M,
            label="学校考核",
            departments=frozenset({Department.BASIC_EDUCATION, Department.SUPERVISION_OFFICE}),
            nav=(
                NavItem("学校考核", "appraisal:district", M, action=action("view")),
                NavItem("本校考核", "appraisal:my_school", Module.REGISTRY, action=action("school_view")),
            ),
            api_urls="edugov.appraisal.api_urls",
            findings=_register_findings,
            demo=_register_demo,
            extra=(_register_sources,),
        )
