"""The quality module (质量监测·增值评价) declares itself: navigation, policy, scopes, REST API and
demo generator (edugov.modules). Its reports are in reports.py, its import kinds in importers.py."""

from __future__ import annotations

from edugov.modules import ModuleConfig, ModuleSpec


def _register_demo() -> None:
    from .demo import register

    register()


def _register_findings() -> None:
    from .findings import register

    register()


class QualityConfig(ModuleConfig):
    default = True
    name = "edugov.quality"
    label = "quality"
    verbose_name = "质量监测"

    def declare(self) -> ModuleSpec:
        from edugov.accounts.models import Department, Module
        from edugov.web.navigation import NavItem

        from .permissions import M, action

        return ModuleSpec(
            code=M,
            label="质量监测",
            departments=frozenset({Department.BASIC_EDUCATION}),
            nav=(
                NavItem("质量监测", "quality:overview", M, action=action("view")),
                NavItem("增值评价", "quality:value_added", M, action=action("view")),
                NavItem("学生体质健康", "quality:fitness", M, action=action("view")),
                NavItem("中高考与获奖", "quality:outcomes", M, action=action("view")),
                NavItem("本校质量监测", "quality:my_school", Module.REGISTRY, action=action("school_view")),
            ),
            api_urls="edugov.quality.api_urls",
            findings=_register_findings,
            demo=_register_demo,
        )
