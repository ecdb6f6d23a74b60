"""The double-reduction (双减) module declares itself: navigation, policy, scopes, findings,
warehouse table and demo generator (edugov.modules)."""

from __future__ import annotations

from edugov.modules import ModuleConfig, ModuleSpec, landing


def _register_findings() -> None:
    from .findings import register

    register()


def _register_demo() -> None:
    from .demo import register_demo

    register_demo()


def _register_warehouse() -> None:
    from edugov.warehouse.registry import register_table

    from .models import Homework

    # What the weekly compliance reads at province scale (burden.weekly), by school year and district.
    register_table(
        "homework", Homework, school_year="school_class__school_year", area="school_class__school__area"
    )


class BurdenConfig(ModuleConfig):
    # Two AppConfig subclasses live in this module (ModuleConfig is imported): say which one
    # Django takes for "edugov.burden" in INSTALLED_APPS.
    default = True
    name = "edugov.burden"
    label = "burden"
    verbose_name = "双减监测"

    def declare(self) -> ModuleSpec:
        from edugov.accounts.models import Department, Module, Role
        from edugov.web.navigation import NavItem

        def nav(label: str, url_name: str, action: str) -> NavItem:
            return NavItem(label, url_name, Module.BURDEN, action=f"burden.{action}")

        return ModuleSpec(
            code=Module.BURDEN,
            label=str(Module.BURDEN.label),
            departments=frozenset({Department.BASIC_EDUCATION, Department.SUPERVISION_OFFICE}),
            nav=(
                nav("发布作业", "burden:homework_new", "homework_publish"),
                nav("作业公示", "burden:homework_list", "board_publish"),
                nav("作业时长监测", "burden:compliance", "compliance"),
                nav("考试与课后服务", "burden:school_rules", "compliance"),
                nav("考试登记", "burden:exam_entry", "exam_register"),
                nav("课后服务填报", "burden:after_school_entry", "after_school_register"),
            ),
            api_urls="edugov.burden.api_urls",
            findings=_register_findings,
            warehouse=_register_warehouse,
            demo=_register_demo,
            landing={
                Role.TEACHER: landing(f"{self.name}.landing.teacher_card"),
                Role.SCHOOL_ADMIN: landing(f"{self.name}.landing.school_card"),
            },
        )
