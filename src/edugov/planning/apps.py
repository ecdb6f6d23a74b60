"""The planning module (学位·布局·建设) declares itself: navigation, policy, scopes, REST API, findings
(towns short of places within three years, late projects), warehouse tables, demo generator
(edugov.modules). Its reports are in reports.py, its import kinds in importers.py."""

from __future__ import annotations

from edugov.modules import ModuleConfig, ModuleSpec


def _register_findings() -> None:
    from .findings import register

    register()


def _register_warehouse() -> None:
    from .warehouse import register

    register()


def _register_demo() -> None:
    from .demo import register

    register()


class PlanningConfig(ModuleConfig):
    default = True
    name = "edugov.planning"
    label = "planning"
    verbose_name = "学位与布局"

    def declare(self) -> ModuleSpec:
        from edugov.accounts.models import Department
        from edugov.web.navigation import NavItem

        from .permissions import M, action

        return ModuleSpec(
            code=M,
            label="学位与布局",
            departments=frozenset({Department.PLANNING_FINANCE}),
            nav=(
                NavItem("学位预测", "planning:overview", M, action=action("view")),
                NavItem("布局调整", "planning:layout", M, action=action("view")),
                NavItem("布局地图", "planning:map", M, action=action("view")),
                NavItem("建设项目", "planning:projects", M, action=action("view")),
                NavItem("指标到校", "planning:quota", M, action=action("view")),
                NavItem("民办学校", "planning:private", M, action=action("view")),
            ),
            api_urls="edugov.planning.api_urls",
            findings=_register_findings,
            warehouse=_register_warehouse,
            demo=_register_demo,
        )
