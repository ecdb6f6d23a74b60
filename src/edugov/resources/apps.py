"""办学条件与均衡 declares itself as a module (edugov.modules): navigation, policy, scope rules,
warehouse tables and demo generator."""

from __future__ import annotations

from edugov.modules import Deferred, ModuleConfig, ModuleSpec, landing


def _register_warehouse() -> None:
    from edugov.warehouse.registry import register_table

    from .models import InclusiveKindergarten, PreschoolPopulation, SchoolFacilities, TeacherYearRecord

    # What the 优质均衡 and 普及普惠 indicators read at province scale.
    register_table("teacher_year", TeacherYearRecord, school_year="school_year", area="teacher__school__area")
    register_table("facilities", SchoolFacilities, school_year="school_year", area="school__area")
    # 普及普惠: towns' 3-5 year-old population (aggregate counts) and private kindergartens' 普惠 status.
    register_table("preschool_population", PreschoolPopulation, school_year="school_year", area="area")
    register_table(
        "inclusive_kindergarten", InclusiveKindergarten, school_year="school_year", area="school__area"
    )


def _register_demo() -> None:
    from . import demo  # noqa: F401  (registers the demo generator)


class ResourcesConfig(ModuleConfig):
    name = "edugov.resources"
    label = "resources"
    verbose_name = "办学条件与均衡"
    default = True

    def declare(self) -> ModuleSpec:
        from edugov.accounts.models import Department, Module, Role
        from edugov.web.navigation import NavItem

        return ModuleSpec(
            code=Module.RESOURCES,
            label=str(Module.RESOURCES.label),
            departments=frozenset(
                {Department.BASIC_EDUCATION, Department.SUPERVISION_OFFICE, Department.PLANNING_FINANCE}
            ),
            nav=(
                NavItem("优质均衡", "resources:balanced", Module.RESOURCES, action="resources.view"),
                NavItem(
                    "普及普惠", "resources:preschool", Module.RESOURCES, action="resources.preschool_view"
                ),
                # School administrators have no resources module: their own card sits with their data.
                NavItem(
                    "本校优质均衡", "resources:my_card", Module.REGISTRY, action="resources.own_school_card"
                ),
            ),
            policy="permissions",
            scopes="scopes",
            demo=_register_demo,
            warehouse=_register_warehouse,
            landing={
                Role.SCHOOL_ADMIN: landing(
                    f"{self.name}.landing.school_card", deferred=Deferred("本校优质均衡指标", order=30)
                )
            },
        )
